import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import { afterDelivery, answerRead } from './client';
import {
  countUpTo,
  initLimit,
  lastZxid,
  makeZxid,
  params,
  quorum,
  quorumValue,
  syncLimit,
  type Ctx,
} from './common';
import { goLooking, updateElectionVote } from './election';
import { appendEntries, commonPrefix } from './history';
import { deliverCommitted } from './statemachine';
import {
  ACCEPTED_EPOCH_KEY,
  CURRENT_EPOCH_KEY,
  TICK_TIMER,
  VARIANT,
  type Entry,
  type FollowerLink,
  type Txn,
  type ZabMsg,
  type ZabState,
} from './types';

/**
 * The leader's side of Zab 1.0 (Medeiros section 3; Junqueira et al. Algorithms 1-3): discovery
 * (a new epoch above every accepted epoch of a quorum), synchronization (each follower brought
 * to the leader's history with DIFF, TRUNC or SNAP, then NEWLEADER; established once a quorum
 * acknowledged it), and broadcast (PROPOSAL, quorum of ACKs, COMMIT).
 */

type Msg<T extends ZabMsg['type']> = Extract<ZabMsg, { type: T }>;

export function becomeLeader(ctx: Ctx, s: ZabState): void {
  s.role = 'leading';
  s.leader = ctx.self;
  s.leaderPhase = 'discovery';
  s.links.fill(null);
  s.syncs = [];
  s.phaseStartedAt = s.ticks;
  ctx.note('leading', s.acceptedEpoch);
  ctx.setTimer(TICK_TIMER, params(ctx).tickMicros);
  if (ctx.nodes === 1) chooseEpoch(ctx, s);
}

/** A follower's connection, if `conn` is its current one. */
function linkOf(s: ZabState, from: NodeId, conn: number): FollowerLink | null {
  const link = s.links[from];
  return link != null && link.conn === conn ? link : null;
}

/** Send on a follower's connection: the message takes the connection's next sequence number. */
function sendOn(
  ctx: Ctx,
  s: ZabState,
  to: NodeId,
  make: (conn: number, seq: number) => ZabMsg,
): void {
  const link = s.links[to];
  assert(link != null, 'sending on a connection that does not exist', to);
  ctx.send(to, make(link.conn, link.nextSeq++));
}

/** Followers that receive proposals and commits: synchronization payload sent. */
function forwarding(link: FollowerLink | null): link is FollowerLink {
  return link != null && (link.phase === 'syncing' || link.phase === 'synced');
}

// ---- Discovery --------------------------------------------------------------------------------

export function onFollowerInfo(
  ctx: Ctx,
  s: ZabState,
  from: NodeId,
  msg: Msg<'FOLLOWERINFO'>,
): void {
  if (s.role !== 'leading' || s.links[from]?.conn === msg.conn) return;
  if (s.leaderPhase !== 'discovery' && msg.acceptedEpoch > s.newEpoch) {
    // It promised a later epoch (to a leader that never got established) and must refuse this
    // one's NEWEPOCH, so it could never join: step down, and the next election proposes an
    // epoch above its promise. (ZooKeeper leaves such a server looking until the leader fails.)
    ctx.note('follower-promised-later', from);
    goLooking(ctx, s);
    return;
  }
  s.links[from] = {
    conn: msg.conn,
    phase: 'info',
    acceptedEpoch: msg.acceptedEpoch,
    currentEpoch: -1,
    lastZxid: 0,
    epochs: [],
    nextSeq: 0,
    acked: -1,
    lastHeard: s.ticks,
    phaseAt: s.ticks,
    round: 0,
  };
  if (s.leaderPhase === 'discovery') {
    let connected = 1;
    for (const link of s.links) if (link != null) connected++;
    if (connected >= quorum(ctx.nodes)) chooseEpoch(ctx, s);
  } else {
    sendNewEpoch(ctx, s, from);
  }
}

/** A quorum connected: propose an epoch above every epoch any of them accepted. */
function chooseEpoch(ctx: Ctx, s: ZabState): void {
  let highest = s.acceptedEpoch;
  for (const link of s.links) if (link != null) highest = Math.max(highest, link.acceptedEpoch);
  s.newEpoch = highest + 1;
  s.acceptedEpoch = s.newEpoch;
  if (ctx.variant !== VARIANT.volatileEpoch) ctx.persist(ACCEPTED_EPOCH_KEY, s.acceptedEpoch);
  s.leaderPhase = 'epoch';
  s.phaseStartedAt = s.ticks;
  ctx.note('newepoch', s.newEpoch);
  s.links.forEach((link, f) => {
    if (link != null) sendNewEpoch(ctx, s, f);
  });
  if (ctx.nodes === 1) startSynchronization(ctx, s);
}

function sendNewEpoch(ctx: Ctx, s: ZabState, to: NodeId): void {
  s.links[to]!.phase = 'epoch';
  s.links[to]!.phaseAt = s.ticks;
  sendOn(ctx, s, to, (conn, seq) => ({ type: 'NEWEPOCH', conn, seq, epoch: s.newEpoch }));
}

export function onAckEpoch(ctx: Ctx, s: ZabState, from: NodeId, msg: Msg<'ACKEPOCH'>): void {
  const link = linkOf(s, from, msg.conn);
  if (s.role !== 'leading' || link === null || link.phase !== 'epoch') return;
  const mine = lastZxid(s);
  if (
    msg.currentEpoch > s.currentEpoch ||
    (msg.currentEpoch === s.currentEpoch && msg.lastZxid > mine)
  ) {
    // A follower is more up to date than this leader: it must not lead (Zab 1.0).
    ctx.note('follower-ahead', from);
    goLooking(ctx, s);
    return;
  }
  link.phase = 'acked';
  link.phaseAt = s.ticks;
  link.currentEpoch = msg.currentEpoch;
  link.lastZxid = msg.lastZxid;
  link.epochs = msg.epochs;
  link.lastHeard = s.ticks;
  if (s.leaderPhase !== 'epoch') {
    syncFollower(ctx, s, from);
    return;
  }
  // An acknowledgement with currentEpoch -1 (the epoch was promised before) does not count.
  let acked = 1;
  for (const l of s.links) if (l != null && l.phase === 'acked' && l.currentEpoch >= 0) acked++;
  if (acked >= quorum(ctx.nodes)) startSynchronization(ctx, s);
}

// ---- Synchronization ---------------------------------------------------------------------------

/** A quorum acknowledged the new epoch: this leader's history is the initial history. */
function startSynchronization(ctx: Ctx, s: ZabState): void {
  s.leaderPhase = 'sync';
  s.phaseStartedAt = s.ticks;
  s.currentEpoch = s.newEpoch;
  if (ctx.variant !== VARIANT.volatileCurrentEpoch) ctx.persist(CURRENT_EPOCH_KEY, s.currentEpoch);
  updateElectionVote(s, s.currentEpoch);
  s.links.forEach((link, f) => {
    if (link != null && link.phase === 'acked') syncFollower(ctx, s, f);
  });
  if (ctx.nodes === 1) establish(ctx, s);
}

/**
 * Bring one follower to this leader's history: DIFF (it holds a prefix: send the rest), TRUNC
 * (it holds entries this leader lacks: drop them, then the rest) or SNAP (it is too far behind:
 * the whole history), then NEWLEADER. From here on it receives every proposal and commit.
 */
function syncFollower(ctx: Ctx, s: ZabState, to: NodeId): void {
  const link = s.links[to]!;
  assert(
    link.phase === 'acked',
    'synchronizing a follower that has not acknowledged the epoch',
    to,
  );
  const common = commonPrefix(s.history, link.epochs);
  // The buggy variant leaves out proposals not committed yet: later ones arrive over the gap.
  const upTo =
    ctx.variant === VARIANT.broadcastBeforeSync && s.leaderPhase === 'broadcast'
      ? countUpTo(s.history, s.committedZxid)
      : s.history.length;
  const entries = s.history.slice(Math.min(common, upTo), upTo);
  const committed = s.committedZxid;
  const theirs = link.epochs.reduce((n, [, count]) => n + count, 0);
  sendOn(ctx, s, to, (conn, seq): ZabMsg => {
    if (s.history.length - common > params(ctx).snapThreshold)
      return { type: 'SNAP', conn, seq, entries: s.history.slice(0, upTo), committed };
    if (common < theirs) {
      const truncZxid = common === 0 ? 0 : s.history[common - 1]!.zxid;
      return { type: 'TRUNC', conn, seq, truncZxid, entries, committed };
    }
    return { type: 'DIFF', conn, seq, entries, committed };
  });
  sendOn(ctx, s, to, (conn, seq) => ({
    type: 'NEWLEADER',
    conn,
    seq,
    epoch: s.newEpoch,
    zxid: lastZxid(s),
  }));
  link.phase = 'syncing';
  link.phaseAt = s.ticks;
}

export function onAckLd(ctx: Ctx, s: ZabState, from: NodeId, msg: Msg<'ACK-LD'>): void {
  const link = linkOf(s, from, msg.conn);
  if (s.role !== 'leading' || link === null || link.phase !== 'syncing') return;
  if (msg.epoch !== s.newEpoch) return;
  link.phase = 'synced';
  link.acked = Math.max(link.acked, msg.zxid);
  link.lastHeard = s.ticks;
  if (s.leaderPhase === 'sync') {
    let synced = 1;
    for (const l of s.links) if (l != null && l.phase === 'synced') synced++;
    if (synced >= quorum(ctx.nodes)) establish(ctx, s);
    return;
  }
  if (s.leaderPhase === 'broadcast') {
    sendOn(ctx, s, from, (conn, seq) => ({
      type: 'UPTODATE',
      conn,
      seq,
      committed: s.committedZxid,
    }));
    advanceCommit(ctx, s);
    checkConfirms(ctx, s);
  }
}

/** A quorum holds the initial history and the new epoch: commit it all and start broadcast. */
function establish(ctx: Ctx, s: ZabState): void {
  s.leaderPhase = 'broadcast';
  s.counter = 0;
  s.committedZxid = lastZxid(s);
  s.proposedOwner.clear();
  s.proposedSeq.clear();
  s.confirmsProposed.clear();
  for (const entry of s.history) noteProposed(s, entry);
  ctx.note('established', s.newEpoch);
  s.links.forEach((link, f) => {
    if (link != null && link.phase === 'synced')
      sendOn(ctx, s, f, (conn, seq) => ({
        type: 'UPTODATE',
        conn,
        seq,
        committed: s.committedZxid,
      }));
  });
  deliverCommitted(s);
  afterDelivery(ctx, s);
  checkConfirms(ctx, s);
}

// ---- Broadcast ---------------------------------------------------------------------------------

function noteProposed(s: ZabState, entry: Entry): void {
  const txn = entry.txn;
  if (txn.kind === 'cmd')
    s.proposedSeq.set(
      txn.cmd.client,
      Math.max(s.proposedSeq.get(txn.cmd.client) ?? 0, txn.cmd.seq),
    );
  else if (txn.kind === 'move') s.proposedOwner.set(txn.client, txn.owner);
  else s.confirmsProposed.add(txn.move);
}

/** Whether `txn` is already in this leader's history (a retried command, a repeated move). */
function alreadyProposed(s: ZabState, txn: Txn): boolean {
  if (txn.kind === 'cmd') return (s.proposedSeq.get(txn.cmd.client) ?? 0) >= txn.cmd.seq;
  if (txn.kind === 'move') return s.proposedOwner.get(txn.client) === txn.owner;
  return s.confirmsProposed.has(txn.move);
}

/** Propose a transaction: log it, send it to every follower being synchronized or synced. */
export function propose(ctx: Ctx, s: ZabState, txn: Txn): void {
  if (s.role !== 'leading' || s.leaderPhase !== 'broadcast' || alreadyProposed(s, txn)) return;
  s.counter++;
  const entry: Entry = { zxid: makeZxid(s.newEpoch, s.counter), txn };
  appendEntries(ctx, s, [entry]);
  noteProposed(s, entry);
  s.links.forEach((link, f) => {
    if (forwarding(link))
      sendOn(ctx, s, f, (conn, seq) => ({ type: 'PROPOSAL', conn, seq, entry }));
  });
  advanceCommit(ctx, s);
}

export function onRequest(ctx: Ctx, s: ZabState, from: NodeId, msg: Msg<'REQUEST'>): void {
  const link = linkOf(s, from, msg.conn);
  if (link === null || link.phase !== 'synced') return;
  link.lastHeard = s.ticks;
  propose(ctx, s, msg.txn);
}

export function onAck(ctx: Ctx, s: ZabState, from: NodeId, msg: Msg<'ACK'>): void {
  const link = linkOf(s, from, msg.conn);
  if (s.role !== 'leading' || link === null) return;
  link.lastHeard = s.ticks;
  // Only a synced follower's acknowledgement counts: its currentEpoch is this epoch, so an
  // election can never prefer a server that lacks what it acknowledged.
  if (link.phase !== 'synced' || msg.zxid <= link.acked) return;
  link.acked = msg.zxid;
  advanceCommit(ctx, s);
  checkConfirms(ctx, s); // this follower may have logged a move of a session away from it
}

/** Commit up to the highest zxid a quorum (this leader included) has logged. */
export function advanceCommit(ctx: Ctx, s: ZabState): void {
  if (s.role !== 'leading' || s.leaderPhase !== 'broadcast') return;
  let n = 0;
  s.scratch[n++] = lastZxid(s);
  for (const link of s.links)
    if (link != null && link.phase === 'synced') s.scratch[n++] = link.acked;
  const need = quorum(ctx.nodes);
  if (n < need) return;
  const zxid = quorumValue(s.scratch, n, need);
  if (zxid <= s.committedZxid) return;
  s.committedZxid = zxid;
  s.links.forEach((link, f) => {
    if (forwarding(link)) sendOn(ctx, s, f, (conn, seq) => ({ type: 'COMMIT', conn, seq, zxid }));
  });
  deliverCommitted(s);
  afterDelivery(ctx, s);
  serveSyncs(ctx, s);
  checkConfirms(ctx, s);
}

/**
 * A session moved and its last serving server has logged the move away: confirm the move, so
 * the new owner may serve the client (see statemachine.ts).
 */
function checkConfirms(ctx: Ctx, s: ZabState): void {
  for (const [client, record] of s.owners) {
    if (record.confirmed || s.confirmsProposed.has(record.moveZxid)) continue;
    const previous = record.servingOwner;
    const logged =
      previous === ctx.self
        ? lastZxid(s)
        : s.links[previous]?.phase === 'synced'
          ? s.links[previous]!.acked
          : -1;
    if (logged >= record.awayZxid)
      propose(ctx, s, { kind: 'confirm', client, move: record.moveZxid });
  }
}

// ---- Heartbeats and sync -----------------------------------------------------------------------

export function onFollowerPing(ctx: Ctx, s: ZabState, from: NodeId, msg: Msg<'PING'>): void {
  const link = linkOf(s, from, msg.conn);
  if (s.role !== 'leading' || link === null) return;
  link.lastHeard = s.ticks;
  if (msg.round > link.round) {
    link.round = msg.round;
    serveSyncs(ctx, s);
  }
}

export function onSyncRequest(ctx: Ctx, s: ZabState, from: NodeId, msg: Msg<'SYNC'>): void {
  const link = linkOf(s, from, msg.conn);
  if (link === null || link.phase !== 'synced' || s.leaderPhase !== 'broadcast') return;
  link.lastHeard = s.ticks;
  startSync(ctx, s, from, msg.reqId);
}

/**
 * ZooKeeper's sync, made safe: the answer waits until everything this leader had proposed when
 * the sync arrived is committed, and until a quorum has answered a heartbeat sent after it
 * arrived (so no newer leader can have committed anything yet: ZooKeeper's own sync skips this
 * round, ZOOKEEPER-1675). It goes on the follower's connection after those COMMITs, so the
 * follower has applied them when it reads.
 */
export function startSync(ctx: Ctx, s: ZabState, from: NodeId, reqId: number): void {
  s.pingRound++;
  s.syncs.push({ from, reqId, round: s.pingRound, zxid: lastZxid(s) });
  sendPings(ctx, s);
  serveSyncs(ctx, s);
}

function sendPings(ctx: Ctx, s: ZabState): void {
  s.links.forEach((link, f) => {
    if (forwarding(link))
      sendOn(ctx, s, f, (conn, seq) => ({ type: 'PING', conn, seq, round: s.pingRound }));
  });
}

function serveSyncs(ctx: Ctx, s: ZabState): void {
  if (s.syncs.length === 0) return;
  let n = 0;
  s.scratch[n++] = s.pingRound;
  for (const link of s.links)
    if (link != null && link.phase === 'synced') s.scratch[n++] = link.round;
  const need = quorum(ctx.nodes);
  if (n < need) return;
  const confirmed = quorumValue(s.scratch, n, need);
  let served = 0;
  for (const sync of s.syncs) {
    if (sync.round > confirmed || sync.zxid > s.committedZxid) break;
    served++;
    if (sync.from === ctx.self) answerRead(ctx, s, sync.reqId);
    else if (s.links[sync.from]?.phase === 'synced')
      sendOn(ctx, s, sync.from, (conn, seq) => ({ type: 'SYNC', conn, seq, reqId: sync.reqId }));
  }
  s.syncs.splice(0, served);
}

/**
 * Every tick: heartbeats to the followers; a leader that cannot establish itself within the
 * init timeout, or stops hearing from a quorum, gives up and looks for a leader again.
 */
export function leaderTick(ctx: Ctx, s: ZabState): void {
  if (s.leaderPhase !== 'broadcast') {
    if (s.ticks - s.phaseStartedAt > initLimit(ctx)) goLooking(ctx, s);
    return;
  }
  let heard = 1;
  s.links.forEach((link, f) => {
    if (link == null) return;
    const silent = s.ticks - link.lastHeard > syncLimit(ctx);
    const stuck = link.phase !== 'synced' && s.ticks - link.phaseAt > initLimit(ctx);
    if (silent || stuck)
      s.links[f] = null; // the connection is dropped
    else if (link.phase === 'synced') heard++;
  });
  if (heard < quorum(ctx.nodes)) {
    ctx.note('lost-quorum', s.newEpoch);
    goLooking(ctx, s);
    return;
  }
  sendPings(ctx, s);
}
