import type { NodeId, ParamValues } from '../../sim/types';
import { armElectionTimer, armHeartbeatTimer, params, type Ctx } from './common';
import { assert } from '../../sim/assert';
import { ADD_SERVER, REMOVE_SERVER, initialMembers, reloadConfig } from './membership';
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
  startReconfiguration,
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

const MAX_QUEUED_CHANGES = 8;

/** "Long ago": before any local time a node can have. */
const NEVER = Number.MIN_SAFE_INTEGER;

function freshState(ctx: Ctx): RaftState {
  const nodes = ctx.nodes;
  const perNode = <T>(value: T): T[] => new Array<T>(nodes).fill(value);
  const initial = initialMembers(nodes, params(ctx).spareNodes);
  const s: RaftState = {
    currentTerm: 0,
    votedFor: -1,
    log: [],
    snapshotIndex: 0,
    snapshotTerm: 0,
    snapshot: null,
    members: perNode(false),
    memberCount: 0,
    isMember: false,
    configIndex: 0,
    previousMembers: initial,
    snapshotConfig: initial,
    replicas: [],
    changes: [],
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
  reloadConfig(s, ctx.self);
  return s;
}

/** Every server starts as a follower with an empty log and an armed election timer. */
export function initRaft(ctx: Ctx, _params: ParamValues): RaftState {
  const s = freshState(ctx);
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
  const s = freshState(ctx);
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
  reloadConfig(s, ctx.self);
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

/**
 * An operator's AddServer / RemoveServer (thesis 4.1) reaches every node; only a leader takes
 * it (the others answer NOT_LEADER, that is, ignore it), and queues it behind any change in
 * progress. At most 8 wait; a further request is refused.
 */
export function onMembershipCommand(ctx: Ctx, s: RaftState, command: string, node: NodeId): void {
  assert(command === ADD_SERVER || command === REMOVE_SERVER, 'unknown command', command);
  assert(node >= 0 && node < ctx.nodes, 'a command names a node of the cluster', node);
  if (s.role !== 'leader' || s.changes.length >= MAX_QUEUED_CHANGES) return;
  s.changes.push({ command, node });
  startReconfiguration(ctx, s);
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
