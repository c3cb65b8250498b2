import type { NodeId } from '../../sim/types';
import { replyApplied, serveReads } from './client';
import { params, quorumValue, type Ctx } from './common';
import { becomeFollower } from './election';
import {
  appendEntry,
  entryAt,
  firstIndexOfTerm,
  lastIndexOfTerm,
  lastLogIndex,
  logKey,
  termAt,
  truncateFrom,
} from './log';
import { assert } from '../../sim/assert';
import { quorumSize, refreshReplicas, reloadConfig, requestedConfig } from './membership';
import { applyCommand, loadSnapshot, takeSnapshot } from './statemachine';
import {
  SNAPSHOT_KEY,
  VARIANT,
  type LogEntry,
  type RaftMsg,
  type RaftState,
  type SnapshotData,
} from './types';

type Msg<T extends RaftMsg['type']> = Extract<RaftMsg, { type: T }>;

const NO_ENTRIES: readonly LogEntry[] = Object.freeze([]);

// ---- Leader side ------------------------------------------------------------------------------

/**
 * Send `peer` the entries from its nextIndex (at most maxEntriesPerAppend), or a heartbeat when
 * there are none, or the snapshot when its nextIndex was compacted away. A peer whose match point
 * is known gets entries pipelined (nextIndex moves on at once); one being probed gets one message
 * at a time, resent each heartbeat until it answers.
 */
export function sendAppendEntries(ctx: Ctx, s: RaftState, peer: NodeId): void {
  const next = s.nextIndex[peer]!;
  if (next <= s.snapshotIndex && s.snapshot !== null) return sendSnapshot(ctx, s, peer, s.snapshot);
  const prev = next - 1;
  let count = lastLogIndex(s) - prev;
  const max = params(ctx).maxEntriesPerAppend;
  if (count > max) count = max;
  let entries = NO_ENTRIES;
  s.lastSent[peer] = ctx.now;
  if (count > 0) {
    const from = prev - s.snapshotIndex;
    entries = s.log.slice(from, from + count);
    if (!s.probing[peer]) s.nextIndex[peer] = next + count;
  }
  ctx.send(peer, {
    type: 'AppendEntries',
    term: s.currentTerm,
    prevLogIndex: prev,
    prevLogTerm: termAt(s, prev),
    entries,
    leaderCommit: s.commitIndex,
    round: s.round,
  });
}

function sendSnapshot(ctx: Ctx, s: RaftState, peer: NodeId, data: SnapshotData): void {
  s.lastSent[peer] = ctx.now;
  ctx.send(peer, {
    type: 'InstallSnapshot',
    term: s.currentTerm,
    lastIncludedIndex: data.index,
    lastIncludedTerm: data.term,
    data,
    round: s.round,
  });
}

/**
 * Heartbeat (Figure 2: "repeat during idle periods to prevent election timeouts"): every peer
 * not sent anything in the last half interval gets what it is owed, or an empty AppendEntries.
 * Peers at the same point share one message.
 */
export function sendHeartbeats(ctx: Ctx, s: RaftState): void {
  const recent = ctx.now - (params(ctx).heartbeatIntervalMicros >> 1);
  const last = lastLogIndex(s);
  let shared: Msg<'AppendEntries'> | null = null;
  for (const peer of s.replicas) {
    if (s.lastSent[peer]! > recent) continue;
    const next = s.nextIndex[peer]!;
    if (next <= last || next <= s.snapshotIndex) {
      sendAppendEntries(ctx, s, peer);
      continue;
    }
    if (shared === null || shared.prevLogIndex !== next - 1) {
      shared = {
        type: 'AppendEntries',
        term: s.currentTerm,
        prevLogIndex: next - 1,
        prevLogTerm: termAt(s, next - 1),
        entries: NO_ENTRIES,
        leaderCommit: s.commitIndex,
        round: s.round,
      };
    }
    s.lastSent[peer] = ctx.now;
    ctx.send(peer, shared);
  }
}

/**
 * "If there exists an N such that N > commitIndex, a majority of matchIndex[i] >= N, and
 * log[N].term == currentTerm: set commitIndex = N" (Figure 2, section 5.4.2). The figure8
 * variant drops the term condition and commits earlier terms' entries by counting replicas.
 */
export function advanceCommitIndex(ctx: Ctx, s: RaftState): void {
  // Only members of the latest configuration count, the leader itself included only if it is one.
  const scratch = s.scratch;
  let n = 0;
  for (let i = 0; i < ctx.nodes; i++) {
    if (s.members[i]) scratch[n++] = i === ctx.self ? lastLogIndex(s) : s.matchIndex[i]!;
  }
  const candidate = quorumValue(scratch, n, quorumSize(s));
  if (candidate <= s.commitIndex) return;
  if (termAt(s, candidate) !== s.currentTerm && ctx.variant !== VARIANT.figure8) return;
  s.commitIndex = candidate;
  ctx.note('commit', candidate);
  applyCommitted(ctx, s);
  if (s.configIndex > 0 && s.configIndex <= candidate) configCommitted(ctx, s);
  else startReconfiguration(ctx, s);
}

/**
 * The latest configuration is committed: former members need no more entries, and a leader
 * that removed itself steps down (thesis 4.2.2). Otherwise the next queued change may start.
 */
function configCommitted(ctx: Ctx, s: RaftState): void {
  refreshReplicas(s, ctx.self);
  if (s.members[ctx.self]) return startReconfiguration(ctx, s);
  ctx.note('removed', s.currentTerm);
  s.leaderId = -1;
  becomeFollower(ctx, s, s.currentTerm);
}

/**
 * Leader: start the oldest queued membership change once the latest configuration and an entry
 * of this term are committed (thesis 4.1 and its 2015 correction). One change at a time.
 */
export function startReconfiguration(ctx: Ctx, s: RaftState): void {
  if (s.role !== 'leader' || s.configIndex > s.commitIndex) return;
  if (termAt(s, s.commitIndex) !== s.currentTerm) return;
  while (s.changes.length > 0) {
    const change = s.changes.shift()!;
    const config = requestedConfig(s, change.command, change.node);
    if (config === null) continue;
    const index = appendEntry(ctx, s, { term: s.currentTerm, cmd: null, config });
    ctx.note(change.command, change.node);
    assert(s.configIndex === index, 'a new configuration takes effect when appended', index);
    // Pipeline the entry; a joining server is probed (becomeLeader marked every peer so).
    for (const peer of s.replicas) {
      if (!s.probing[peer] || peer === change.node) sendAppendEntries(ctx, s, peer);
    }
    return advanceCommitIndex(ctx, s);
  }
}

/** A peer answered an AppendEntries or InstallSnapshot of this term: it is alive and follows us. */
function heardFrom(ctx: Ctx, s: RaftState, from: NodeId, round: number): void {
  s.active[from] = true;
  if (round > s.acked[from]!) {
    s.acked[from] = round;
    if (s.reads.length > 0) serveReads(ctx, s);
  }
}

export function onAppendEntriesResponse(
  ctx: Ctx,
  s: RaftState,
  from: NodeId,
  m: Msg<'AppendEntriesResponse'>,
): void {
  if (m.term > s.currentTerm) return becomeFollower(ctx, s, m.term);
  if (s.role !== 'leader' || m.term !== s.currentTerm) return;
  heardFrom(ctx, s, from, m.round);
  if (s.role !== 'leader') return;
  if (m.success) {
    if (m.matchIndex > s.matchIndex[from]!) {
      s.matchIndex[from] = m.matchIndex;
      advanceCommitIndex(ctx, s);
    }
    if (s.probing[from] || s.nextIndex[from]! <= s.matchIndex[from]!) {
      s.probing[from] = false;
      s.nextIndex[from] = s.matchIndex[from]! + 1;
    }
    if (s.nextIndex[from]! <= lastLogIndex(s)) sendAppendEntries(ctx, s, from);
    return;
  }
  // "If AppendEntries fails because of log inconsistency: decrement nextIndex and retry", using
  // the follower's hints to skip a whole conflicting term at a time.
  const rejected = m.matchIndex;
  const stale = s.probing[from]
    ? rejected !== s.nextIndex[from]! - 1
    : rejected < s.matchIndex[from]!;
  if (stale) return;
  let next: number;
  if (m.conflictTerm < 0) {
    next = m.conflictIndex;
  } else {
    const last = lastIndexOfTerm(s, m.conflictTerm);
    next = last > 0 ? last + 1 : m.conflictIndex;
  }
  // nextIndex only moves back, so probing always ends.
  if (next > rejected) next = rejected;
  if (next < 1) next = 1;
  // A follower never drops entries it acknowledged, unless it lost its disk (amnesia, outside
  // Raft's failure model) or a buggy variant dropped them: then forget the old match point.
  if (next <= s.matchIndex[from]!) s.matchIndex[from] = next - 1;
  s.probing[from] = true;
  s.nextIndex[from] = next;
  sendAppendEntries(ctx, s, from);
}

export function onInstallSnapshotResponse(
  ctx: Ctx,
  s: RaftState,
  from: NodeId,
  m: Msg<'InstallSnapshotResponse'>,
): void {
  if (m.term > s.currentTerm) return becomeFollower(ctx, s, m.term);
  if (s.role !== 'leader' || m.term !== s.currentTerm) return;
  heardFrom(ctx, s, from, m.round);
  if (s.role !== 'leader') return;
  if (m.matchIndex > s.matchIndex[from]!) {
    s.matchIndex[from] = m.matchIndex;
    advanceCommitIndex(ctx, s);
  }
  if (s.nextIndex[from]! <= s.matchIndex[from]!) {
    s.probing[from] = false;
    s.nextIndex[from] = s.matchIndex[from]! + 1;
  }
  if (s.nextIndex[from]! <= lastLogIndex(s)) sendAppendEntries(ctx, s, from);
}

// ---- All servers ------------------------------------------------------------------------------

/** "If commitIndex > lastApplied: increment lastApplied, apply log[lastApplied] to state machine." */
export function applyCommitted(ctx: Ctx, s: RaftState): void {
  // A buggy variant can leave commitIndex past the end of a truncated log: apply what exists.
  const upTo = Math.min(s.commitIndex, lastLogIndex(s));
  const leader = s.role === 'leader';
  if (s.configIndex > s.lastApplied && s.configIndex <= upTo) refreshReplicas(s, ctx.self);
  while (s.lastApplied < upTo) {
    const index = ++s.lastApplied;
    const entry = entryAt(s, index);
    if (entry.cmd === null) continue;
    const reply = applyCommand(s, entry.cmd);
    if (leader && s.pending.size > 0) replyApplied(ctx, s, index, entry, reply);
  }
  if (leader && s.reads.length > 0) serveReads(ctx, s);
}

/** Section 7: once enough entries are applied, replace them by a snapshot of the state machine. */
export function maybeCompact(ctx: Ctx, s: RaftState): void {
  const threshold = params(ctx).snapshotThreshold;
  if (threshold <= 0 || s.lastApplied - s.snapshotIndex < threshold) return;
  const upTo = s.lastApplied;
  const data = takeSnapshot(s, termAt(s, upTo));
  ctx.persist(SNAPSHOT_KEY, data);
  for (let i = s.snapshotIndex + 1; i <= upTo; i++) ctx.persist(logKey(i), undefined);
  s.log = s.log.slice(upTo - s.snapshotIndex);
  s.snapshotIndex = upTo;
  s.snapshotTerm = data.term;
  s.snapshot = data;
}

function respond(
  ctx: Ctx,
  s: RaftState,
  to: NodeId,
  m: Msg<'AppendEntries'>,
  success: boolean,
  matchIndex: number,
  conflictTerm: number,
  conflictIndex: number,
): void {
  ctx.send(to, {
    type: 'AppendEntriesResponse',
    term: s.currentTerm,
    success,
    matchIndex,
    conflictTerm,
    conflictIndex,
    round: m.round,
  });
}

/** AppendEntries receiver implementation (Figure 2). */
export function onAppendEntries(
  ctx: Ctx,
  s: RaftState,
  from: NodeId,
  m: Msg<'AppendEntries'>,
): void {
  // 1. Reply false if term < currentTerm.
  if (m.term < s.currentTerm) return respond(ctx, s, from, m, false, m.prevLogIndex, -1, 0);
  if (m.term > s.currentTerm || s.role !== 'follower') becomeFollower(ctx, s, m.term, from);
  s.leaderId = from;
  s.lastContact = ctx.now;

  // 2. Reply false if log doesn't contain an entry at prevLogIndex whose term matches prevLogTerm.
  // Entries up to snapshotIndex are committed here, so they match the leader's by construction.
  let prev = m.prevLogIndex;
  let k = 0;
  if (prev < s.snapshotIndex) {
    k = s.snapshotIndex - prev;
    prev = s.snapshotIndex;
  } else {
    const last = lastLogIndex(s);
    if (prev > last) return respond(ctx, s, from, m, false, m.prevLogIndex, -1, last + 1);
    const term = termAt(s, prev);
    if (term !== m.prevLogTerm) {
      const first = firstIndexOfTerm(s, term, prev);
      return respond(ctx, s, from, m, false, prev, term, first > 0 ? first : s.snapshotIndex + 1);
    }
  }

  // 3. If an existing entry conflicts with a new one (same index but different terms), delete the
  // existing entry and all that follow it. 4. Append any new entries not already in the log.
  const entries = m.entries;
  const n = entries.length;
  if (ctx.variant === VARIANT.truncateAlways) truncateFrom(ctx, s, prev + 1);
  for (; k < n; k++) {
    const index = m.prevLogIndex + 1 + k;
    const entry = entries[k]!;
    if (index <= lastLogIndex(s)) {
      if (entryAt(s, index).term === entry.term) continue;
      truncateFrom(ctx, s, index);
    }
    appendEntry(ctx, s, entry);
  }

  // 5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry).
  const lastNew = m.prevLogIndex + n;
  if (m.leaderCommit > s.commitIndex) {
    const commit = m.leaderCommit < lastNew ? m.leaderCommit : lastNew;
    if (commit > s.commitIndex) {
      s.commitIndex = commit;
      applyCommitted(ctx, s);
    }
  }
  respond(ctx, s, from, m, true, lastNew > s.snapshotIndex ? lastNew : s.snapshotIndex, 0, 0);
}

/** InstallSnapshot receiver implementation (section 7, Figure 13), in a single chunk. */
export function onInstallSnapshot(
  ctx: Ctx,
  s: RaftState,
  from: NodeId,
  m: Msg<'InstallSnapshot'>,
): void {
  // 1. Reply immediately if term < currentTerm.
  if (m.term < s.currentTerm) {
    ctx.send(from, {
      type: 'InstallSnapshotResponse',
      term: s.currentTerm,
      matchIndex: 0,
      round: m.round,
    });
    return;
  }
  if (m.term > s.currentTerm || s.role !== 'follower') becomeFollower(ctx, s, m.term, from);
  s.leaderId = from;
  s.lastContact = ctx.now;
  const index = m.lastIncludedIndex;
  if (index > s.commitIndex) {
    if (termAt(s, index) === m.lastIncludedTerm) {
      // 6. If an existing entry has the snapshot's last index and term, keep the entries after it.
      for (let i = s.snapshotIndex + 1; i <= index; i++) ctx.persist(logKey(i), undefined);
      s.log = s.log.slice(index - s.snapshotIndex);
    } else {
      // 7. Discard the entire log.
      truncateFrom(ctx, s, s.snapshotIndex + 1);
    }
    // 8. Reset the state machine using the snapshot contents.
    ctx.persist(SNAPSHOT_KEY, m.data);
    s.snapshotIndex = index;
    s.snapshotTerm = m.lastIncludedTerm;
    s.snapshot = m.data;
    loadSnapshot(s, m.data);
    s.commitIndex = index;
    s.lastApplied = index;
    reloadConfig(s, ctx.self);
  }
  // Entries up to commitIndex match the leader's (they are committed).
  ctx.send(from, {
    type: 'InstallSnapshotResponse',
    term: s.currentTerm,
    matchIndex: s.commitIndex < lastLogIndex(s) ? s.commitIndex : lastLogIndex(s),
    round: m.round,
  });
}
