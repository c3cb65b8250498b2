import type { ClientOp, NodeId } from '../../sim/types';
import type { Command, Session } from '../common/kv';

/**
 * Raft, as in "In Search of an Understandable Consensus Algorithm (Extended Version)" by Ongaro
 * and Ousterhout: Figure 2 and sections 5-8, with pre-vote and check-quorum from Ongaro's thesis
 * (section 9.6) and ReadIndex reads (thesis section 6.4). Names follow the paper.
 */

export type Role = 'follower' | 'candidate' | 'leader' | 'precandidate';

export type { Command, KvOp, Session } from '../common/kv';

/**
 * One log entry. `cmd` is null for the no-op a leader appends at the start of its term and for
 * a configuration entry, which carries the new set of members (thesis chapter 4).
 */
export interface LogEntry {
  readonly term: number;
  readonly cmd: Command | null;
  readonly config?: readonly NodeId[];
}

/** A snapshot of the state machine (section 7): everything up to and including `index`. */
export interface SnapshotData {
  readonly index: number;
  readonly term: number;
  readonly kv: ReadonlyMap<string, string>;
  readonly sessions: ReadonlyMap<number, Session>;
  /** The configuration as of `index` (members, sorted). */
  readonly config: readonly NodeId[];
}

/** Messages, named as in Figure 2 (the kernel names the sender, so there is no leaderId or candidateId). */
export type RaftMsg =
  | {
      readonly type: 'RequestVote';
      readonly term: number;
      readonly lastLogIndex: number;
      readonly lastLogTerm: number;
    }
  | { readonly type: 'RequestVoteResponse'; readonly term: number; readonly voteGranted: boolean }
  /** Thesis 9.6: "would you vote for me in term `term`?" Changes nobody's term or vote. */
  | {
      readonly type: 'PreVote';
      readonly term: number;
      readonly lastLogIndex: number;
      readonly lastLogTerm: number;
    }
  | { readonly type: 'PreVoteResponse'; readonly term: number; readonly voteGranted: boolean }
  | {
      readonly type: 'AppendEntries';
      readonly term: number;
      readonly prevLogIndex: number;
      readonly prevLogTerm: number;
      readonly entries: readonly LogEntry[];
      readonly leaderCommit: number;
      /** The leader's heartbeat round when it sent this; echoed back (ReadIndex, thesis 6.4). */
      readonly round: number;
    }
  | {
      readonly type: 'AppendEntriesResponse';
      readonly term: number;
      readonly success: boolean;
      /** On success, the index of the last entry known to match; on failure, the rejected prevLogIndex. */
      readonly matchIndex: number;
      /** Fast backtracking hints on failure: the follower's term at prevLogIndex (-1: its log is too short)... */
      readonly conflictTerm: number;
      /** ...and the first index it holds with that term (or its last index + 1). */
      readonly conflictIndex: number;
      readonly round: number;
    }
  /** Section 7, sent in one piece (no offset / done chunking). */
  | {
      readonly type: 'InstallSnapshot';
      readonly term: number;
      readonly lastIncludedIndex: number;
      readonly lastIncludedTerm: number;
      readonly data: SnapshotData;
      readonly round: number;
    }
  | {
      readonly type: 'InstallSnapshotResponse';
      readonly term: number;
      /** The index up to which the follower now matches the leader. */
      readonly matchIndex: number;
      readonly round: number;
    };

/** A ReadIndex read waiting for its heartbeat round to be acknowledged and its index applied. */
export interface PendingRead {
  readonly op: ClientOp;
  /** The commit index when the read arrived, or -1 until this term's no-op commits. */
  readIndex: number;
  readonly round: number;
}

/** One node. Plain data only (checkpoints copy it with structuredClone). */
export interface RaftState {
  // ---- Persistent state on all servers (Figure 2), on disk before any reply depends on it.
  currentTerm: number;
  /** The candidate voted for in currentTerm, or -1. */
  votedFor: NodeId;
  /** log[k] holds the entry at index snapshotIndex + 1 + k (indices start at 1). */
  log: LogEntry[];
  /** Index and term of the last entry the snapshot replaces (0 and 0 without one). */
  snapshotIndex: number;
  snapshotTerm: number;
  /** The last snapshot taken or installed (what InstallSnapshot sends), or null. */
  snapshot: SnapshotData | null;

  // ---- Membership (thesis chapter 4): the latest configuration in the log, in effect at once.
  /** Per node: a voting member of the latest configuration. */
  members: boolean[];
  memberCount: number;
  /** Whether this node is one of them. */
  isMember: boolean;
  /** Index of the latest configuration entry (0: the snapshot's or the initial configuration). */
  configIndex: number;
  /** The configuration the latest one replaced. */
  previousMembers: NodeId[];
  /** The configuration as of snapshotIndex (the initial one without a snapshot). */
  snapshotConfig: readonly NodeId[];
  /** Leader: the peers it replicates to (members, and former members until the change commits). */
  replicas: NodeId[];
  /** Leader: operator requests (add-server / remove-server) waiting their turn, oldest first. */
  changes: { readonly command: string; readonly node: NodeId }[];

  // ---- Volatile state on all servers.
  role: Role;
  /** The leader of currentTerm as far as this node knows, or -1. */
  leaderId: NodeId;
  commitIndex: number;
  lastApplied: number;
  /** The key-value state machine and its session table (rebuilt from the log after a restart). */
  kv: Map<string, string>;
  sessions: Map<number, Session>;
  /** Local time the election timer was last armed, and of the last contact from a leader or vote granted. */
  electionArmedAt: number;
  lastContact: number;
  /** Candidate or pre-candidate: who granted their vote in this election, and who answered at all. */
  votes: boolean[];
  voteCount: number;
  answered: boolean[];

  // ---- Volatile state on leaders (reinitialized after election).
  nextIndex: number[];
  matchIndex: number[];
  /** Per peer: true while the leader is still searching for where the logs match (one message at a time). */
  probing: boolean[];
  /** Check-quorum: peers heard from since the last check. */
  active: boolean[];
  /** Heartbeat round (ReadIndex) and the last round each peer acknowledged. */
  round: number;
  acked: number[];
  /** Local time of the last AppendEntries or InstallSnapshot sent to each peer. */
  lastSent: number[];
  /** Client ops waiting for the entry at this log index to be applied. */
  pending: Map<number, ClientOp>;
  reads: PendingRead[];
  /** Scratch space for the commit rule (no allocation per response). */
  scratch: number[];

  // ---- Bookkeeping for the invariant checkers (not used by the protocol itself).
  /** How many times this node removed entries from its log, and the first index removed last time. */
  truncations: number;
  truncatedFrom: number;
}

export const ELECTION_TIMER = 'election';
export const HEARTBEAT_TIMER = 'heartbeat';

/** Disk keys. Each log entry is its own key, so appending one entry copies one entry. */
export const TERM_KEY = 'term';
export const VOTED_FOR_KEY = 'votedFor';
export const SNAPSHOT_KEY = 'snapshot';
export const LOG_KEY_PREFIX = 'log/';

/** Buggy variants (ctx.variant). */
export const VARIANT = {
  figure8: 'figure8',
  volatileVote: 'volatile-vote',
  noLogCheck: 'no-log-check',
  truncateAlways: 'truncate-always',
} as const;

/** Typed view of the run's parameters. */
export interface RaftParams {
  readonly electionTimeoutMicrosMin: number;
  readonly electionTimeoutMicrosMax: number;
  readonly heartbeatIntervalMicros: number;
  readonly maxEntriesPerAppend: number;
  readonly snapshotThreshold: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readMode: 'log' | 'readindex';
  readonly spareNodes: number;
}
