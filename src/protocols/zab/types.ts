import type { ClientOp, NodeId } from '../../sim/types';
import type { Command, Session } from '../common/kv';

/**
 * ZAB as in "Zab: High-performance broadcast for primary-backup systems" (Junqueira, Reed,
 * Serafini, DSN 2011) and "ZooKeeper's atomic broadcast protocol: theory and practice"
 * (Medeiros, 2012), which describes Zab 1.0 as ZooKeeper implements it: Fast Leader Election,
 * then discovery (FOLLOWERINFO / NEWEPOCH / ACKEPOCH), synchronization (DIFF, TRUNC or SNAP,
 * then NEWLEADER / ACK-LD / UPTODATE) and broadcast (PROPOSAL / ACK / COMMIT). Names follow
 * those papers; a zxid is (epoch, counter).
 */

export type Role = 'looking' | 'following' | 'leading';

/** Where a prospective or established leader is: Zab 1.0's phases 1 to 3. */
export type LeaderPhase = 'discovery' | 'epoch' | 'sync' | 'broadcast';

/** Where a follower is: connecting (FOLLOWERINFO sent), sync (ACKEPOCH sent), newleader (ACK-LD sent), broadcast (UPTODATE received). */
export type FollowerPhase = 'connecting' | 'sync' | 'newleader' | 'broadcast';

/** A Fast Leader Election vote: the proposed leader and its (currentEpoch, last zxid). */
export interface Vote {
  readonly leader: NodeId;
  readonly zxid: number;
  readonly epoch: number;
}

/**
 * A transaction. Besides client commands, the state machine holds client sessions and which
 * server owns each (ZooKeeper's createSession and session moves): `move` gives a client's
 * session to a server, `confirm` says the previous owner has logged the move, so the new one
 * may serve the client (see statemachine.ts).
 */
export type Txn =
  | { readonly kind: 'cmd'; readonly cmd: Command }
  | { readonly kind: 'move'; readonly client: number; readonly owner: NodeId }
  | { readonly kind: 'confirm'; readonly client: number; readonly move: number };

/** One history entry: ⟨v, z⟩ in the papers. */
export interface Entry {
  readonly zxid: number;
  readonly txn: Txn;
}

/** Who owns a client's session, in the replicated state machine. */
export interface OwnerRecord {
  /** The server the session was last moved to, and the zxid of that move. */
  readonly owner: NodeId;
  readonly moveZxid: number;
  /** Whether `owner` may serve the client (the last server that did has logged the move away). */
  readonly confirmed: boolean;
  /** The last server that was allowed to serve the client, and the first move away from it (-1: none). */
  readonly servingOwner: NodeId;
  readonly awayZxid: number;
}

/** Per epoch of a history, how many entries it holds: a summary of h_f for ACKEPOCH. */
export type EpochSummary = readonly (readonly [epoch: number, entries: number])[];

/**
 * Messages. Leader -> follower messages of one connection carry `conn` (the follower's
 * connection number) and `seq` (their order on it): ZAB assumes FIFO channels (TCP), so a
 * follower that sees a gap or a reordering treats the connection as broken, as a TCP
 * connection that failed, and goes back to election.
 */
export type ZabMsg =
  | {
      readonly type: 'NOTIFICATION';
      readonly round: number;
      readonly state: Role;
      readonly vote: Vote;
    }
  | { readonly type: 'FOLLOWERINFO'; readonly conn: number; readonly acceptedEpoch: number }
  | {
      readonly type: 'NEWEPOCH';
      readonly conn: number;
      readonly seq: number;
      readonly epoch: number;
    }
  | {
      readonly type: 'ACKEPOCH';
      readonly conn: number;
      /** -1 when the follower had already promised this epoch (not counted for a quorum). */
      readonly currentEpoch: number;
      readonly lastZxid: number;
      readonly epochs: EpochSummary;
    }
  /** Synchronization: append `entries` after the follower's last zxid. */
  | SyncMsg<'DIFF'>
  /** Synchronization: drop everything after `truncZxid`, then append `entries`. */
  | (SyncMsg<'TRUNC'> & { readonly truncZxid: number })
  /** Synchronization: replace the whole history with `entries`. */
  | SyncMsg<'SNAP'>
  | {
      readonly type: 'NEWLEADER';
      readonly conn: number;
      readonly seq: number;
      readonly epoch: number;
      readonly zxid: number;
    }
  | {
      readonly type: 'ACK-LD';
      readonly conn: number;
      readonly epoch: number;
      readonly zxid: number;
    }
  | {
      readonly type: 'UPTODATE';
      readonly conn: number;
      readonly seq: number;
      readonly committed: number;
    }
  | {
      readonly type: 'PROPOSAL';
      readonly conn: number;
      readonly seq: number;
      readonly entry: Entry;
    }
  | { readonly type: 'ACK'; readonly conn: number; readonly zxid: number }
  | { readonly type: 'COMMIT'; readonly conn: number; readonly seq: number; readonly zxid: number }
  /** Leader -> follower heartbeat (seq >= 0), and the follower's answer (seq -1). */
  | { readonly type: 'PING'; readonly conn: number; readonly seq: number; readonly round: number }
  /** Follower -> leader: a transaction for the leader to propose (a client write, a session move). */
  | { readonly type: 'REQUEST'; readonly conn: number; readonly txn: Txn }
  /** ZooKeeper's sync: follower -> leader (seq -1), and the leader's answer (seq >= 0). */
  | { readonly type: 'SYNC'; readonly conn: number; readonly seq: number; readonly reqId: number };

interface SyncMsg<T extends string> {
  readonly type: T;
  readonly conn: number;
  readonly seq: number;
  readonly entries: readonly Entry[];
  /** The leader's last committed zxid when it sent this. */
  readonly committed: number;
}

/** The leader's view of one follower's connection. */
export interface FollowerLink {
  readonly conn: number;
  /** info: FOLLOWERINFO received; epoch: NEWEPOCH sent; acked: ACKEPOCH received; syncing: payload and NEWLEADER sent; synced: ACK-LD received. */
  phase: 'info' | 'epoch' | 'acked' | 'syncing' | 'synced';
  readonly acceptedEpoch: number;
  currentEpoch: number;
  lastZxid: number;
  epochs: EpochSummary;
  /** The next sequence number on this connection. */
  nextSeq: number;
  /** The highest zxid the follower has logged, as far as this leader knows (synced followers only). */
  acked: number;
  /** The leader's tick count when it last heard from this follower. */
  lastHeard: number;
  /** The tick count when the connection entered its phase: each phase before synced must end within the init limit. */
  phaseAt: number;
  /** The highest heartbeat round it answered. */
  round: number;
}

/** A sync waiting for its heartbeat round to be confirmed by a quorum and its zxid committed. */
export interface PendingSync {
  /** The follower that asked, or the leader itself. */
  readonly from: NodeId;
  readonly reqId: number;
  readonly round: number;
  readonly zxid: number;
}

/** One node. Plain data only (checkpoints copy it with structuredClone). */
export interface ZabState {
  // ---- Persistent (on disk before any message that depends on it).
  /** f.p in the paper: the last epoch this node promised (NEWEPOCH acknowledged). */
  acceptedEpoch: number;
  /** f.a: the epoch of the last NEWLEADER it acknowledged. */
  currentEpoch: number;
  /** h_f: the transactions it accepted, in zxid order. */
  history: Entry[];

  // ---- Volatile.
  role: Role;
  // Fast Leader Election.
  round: number;
  vote: Vote;
  /** recvset: the votes of this round, by sender (self included). */
  votes: Map<NodeId, Vote>;
  /** outofelection: votes of nodes already following or leading, with their round. */
  decided: Map<NodeId, { readonly vote: Vote; readonly round: number; readonly leading: boolean }>;
  finalizing: boolean;
  // Following.
  leader: NodeId;
  conn: number;
  expectSeq: number;
  followerPhase: FollowerPhase;
  /** The tick count when this follower last heard from its leader. */
  lastHeard: number;
  /** Client sessions this node asked the leader to move to it, on this connection: client -> the op's seq. */
  moveRequested: Map<number, number>;
  // Leading.
  leaderPhase: LeaderPhase;
  /** The epoch this leader proposes (set once a quorum connected). */
  newEpoch: number;
  /** The counter of the last proposal of this epoch. */
  counter: number;
  links: (FollowerLink | null)[];
  /** The tick count when this node entered its current leader or follower phase (those before broadcast are timed). */
  phaseStartedAt: number;
  /** Ticks of this node's tick timer since it started (ZooKeeper's tick): the unit of its timeouts. */
  ticks: number;
  pingRound: number;
  syncs: PendingSync[];
  /** Dedup: the owner and the highest command seq per client in this leader's history. */
  proposedOwner: Map<number, NodeId>;
  proposedSeq: Map<number, number>;
  /** Moves of sessions whose confirm this leader already proposed. */
  confirmsProposed: Set<number>;
  /** Scratch space for quorum computations (no allocation per message). */
  scratch: number[];

  // ---- Commit and the state machine (rebuilt after a restart from the history, once committed).
  committedZxid: number;
  /** How many history entries are delivered (applied to the state machine). */
  delivered: number;
  kv: Map<string, string>;
  sessions: Map<number, Session>;
  owners: Map<number, OwnerRecord>;
  /** The zxid and target of the latest session move logged for each client (applied or not). */
  loggedMoves: Map<number, { readonly zxid: number; readonly owner: NodeId }>;

  // ---- Client ops waiting at this node.
  /** Writes forwarded, answered once applied. */
  pending: ClientOp[];
  /** Ops waiting until this node may serve their client's session. */
  parked: ClientOp[];
  /** Reads waiting for a sync. */
  reads: { readonly reqId: number; readonly op: ClientOp }[];
  nextReqId: number;

  // ---- Bookkeeping for the invariant checkers (not used by the protocol itself).
  /** How many times delivered positions were rewritten (never in correct ZAB), and from where. */
  rewrites: number;
  rewrittenFrom: number;
}

export const ELECTION_TIMER = 'election';
export const FINALIZE_TIMER = 'finalize';
export const TICK_TIMER = 'tick';

export const ACCEPTED_EPOCH_KEY = 'acceptedEpoch';
export const CURRENT_EPOCH_KEY = 'currentEpoch';
/** Each history entry is its own disk key, h/1, h/2, ... (appending copies one entry). */
export const HISTORY_KEY_PREFIX = 'h/';

/** Buggy variants (ctx.variant). */
export const VARIANT = {
  broadcastBeforeSync: 'broadcast-before-sync',
  ackBeforePersist: 'ack-before-persist',
  volatileEpoch: 'volatile-epoch',
  volatileCurrentEpoch: 'volatile-current-epoch',
  commitWithoutQuorum: 'commit-without-quorum',
  noSessionHandoff: 'no-session-handoff',
} as const;

/** Typed view of the run's parameters. */
export interface ZabParams {
  readonly syncReads: boolean;
  readonly tickMicros: number;
  readonly syncTimeoutMicros: number;
  readonly initTimeoutMicros: number;
  readonly finalizeWaitMicros: number;
  readonly notificationIntervalMicros: number;
  readonly snapThreshold: number;
}
