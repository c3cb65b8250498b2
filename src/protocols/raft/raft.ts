import type { NodeId, ParamValues } from '../../sim/types';
import { armElectionTimer, armHeartbeatTimer, type Ctx } from './common';
import {
  resendVoteRequests,
  onElectionTimeout,
  onPreVote,
  onPreVoteResponse,
  onRequestVote,
  onRequestVoteResponse,
} from './election';
import { decodeEntry, logKey } from './log';
import {
  maybeCompact,
  onAppendEntries,
  onAppendEntriesResponse,
  onInstallSnapshot,
  onInstallSnapshotResponse,
  sendHeartbeats,
} from './replication';
import { loadSnapshot } from './statemachine';
import {
  ELECTION_TIMER,
  HEARTBEAT_TIMER,
  SNAPSHOT_KEY,
  TERM_KEY,
  VOTED_FOR_KEY,
  type RaftMsg,
  type RaftState,
  type SnapshotData,
} from './types';

/** "Long ago": before any local time a node can have. */
const NEVER = Number.MIN_SAFE_INTEGER;

function freshState(nodes: number): RaftState {
  const perNode = <T>(value: T): T[] => new Array<T>(nodes).fill(value);
  return {
    currentTerm: 0,
    votedFor: -1,
    log: [],
    snapshotIndex: 0,
    snapshotTerm: 0,
    snapshot: null,
    role: 'follower',
    leaderId: -1,
    commitIndex: 0,
    lastApplied: 0,
    kv: new Map(),
    sessions: new Map(),
    electionArmedAt: NEVER,
    lastContact: NEVER,
    votes: perNode(false),
    voteCount: 0,
    answered: perNode(false),
    nextIndex: perNode(1),
    matchIndex: perNode(0),
    probing: perNode(true),
    active: perNode(false),
    round: 0,
    acked: perNode(0),
    lastSent: perNode(NEVER),
    pending: new Map(),
    reads: [],
    scratch: perNode(0),
    truncations: 0,
    truncatedFrom: 0,
  };
}

/** Every server starts as a follower with an empty log and an armed election timer. */
export function initRaft(ctx: Ctx, _params: ParamValues): RaftState {
  const s = freshState(ctx.nodes);
  armElectionTimer(ctx, s);
  return s;
}

/**
 * After a crash: currentTerm, votedFor, the snapshot and the log come back from disk; the rest
 * (commitIndex, the state machine beyond the snapshot, the role) is volatile and is rebuilt as
 * the leader says what is committed.
 */
export function recoverRaft(
  ctx: Ctx,
  disk: ReadonlyMap<string, unknown>,
  _params: ParamValues,
): RaftState {
  const s = freshState(ctx.nodes);
  s.currentTerm = (disk.get(TERM_KEY) as number | undefined) ?? 0;
  s.votedFor = (disk.get(VOTED_FOR_KEY) as number | undefined) ?? -1;
  const snapshot = disk.get(SNAPSHOT_KEY) as SnapshotData | undefined;
  if (snapshot !== undefined) {
    s.snapshot = snapshot;
    s.snapshotIndex = snapshot.index;
    s.snapshotTerm = snapshot.term;
    loadSnapshot(s, snapshot);
    s.commitIndex = snapshot.index;
    s.lastApplied = snapshot.index;
  }
  for (let index = s.snapshotIndex + 1; ; index++) {
    const entry = disk.get(logKey(index));
    if (typeof entry !== 'string') break;
    s.log.push(decodeEntry(entry));
  }
  armElectionTimer(ctx, s);
  return s;
}

export function onRaftMessage(ctx: Ctx, s: RaftState, from: NodeId, msg: RaftMsg): void {
  switch (msg.type) {
    case 'AppendEntries':
      return onAppendEntries(ctx, s, from, msg);
    case 'AppendEntriesResponse':
      return onAppendEntriesResponse(ctx, s, from, msg);
    case 'RequestVote':
      return onRequestVote(ctx, s, from, msg);
    case 'RequestVoteResponse':
      return onRequestVoteResponse(ctx, s, from, msg);
    case 'PreVote':
      return onPreVote(ctx, s, from, msg);
    case 'PreVoteResponse':
      return onPreVoteResponse(ctx, s, from, msg);
    case 'InstallSnapshot':
      return onInstallSnapshot(ctx, s, from, msg);
    case 'InstallSnapshotResponse':
      return onInstallSnapshotResponse(ctx, s, from, msg);
  }
}

export function onRaftTimer(ctx: Ctx, s: RaftState, timer: string): void {
  // Compaction runs between events that apply entries, so every applied entry is seen by the
  // State Machine Safety checker before it leaves the log.
  maybeCompact(ctx, s);
  if (timer === HEARTBEAT_TIMER) {
    if (s.role === 'leader') sendHeartbeats(ctx, s);
    else if (s.role === 'candidate' || s.role === 'precandidate') resendVoteRequests(ctx, s);
    else return;
    armHeartbeatTimer(ctx);
  } else if (timer === ELECTION_TIMER) {
    onElectionTimeout(ctx, s);
  }
}
