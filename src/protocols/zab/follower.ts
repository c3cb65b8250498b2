import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import { afterDelivery, answerRead } from './client';
import { indexOfZxid, initLimit, lastZxid, params, syncLimit, type Ctx } from './common';
import { goLooking, updateElectionVote } from './election';
import { appendEntries, replaceHistory, summarize, truncateHistory } from './history';
import { deliverCommitted } from './statemachine';
import {
  ACCEPTED_EPOCH_KEY,
  CURRENT_EPOCH_KEY,
  TICK_TIMER,
  VARIANT,
  type ZabMsg,
  type ZabState,
} from './types';

/**
 * The follower's side of Zab 1.0: connect with FOLLOWERINFO, promise the new epoch (ACKEPOCH,
 * with acceptedEpoch on disk first), take the leader's history (DIFF / TRUNC / SNAP, on disk
 * before NEWLEADER is acknowledged, with currentEpoch), serve clients after UPTODATE, log and
 * acknowledge proposals, deliver on COMMIT.
 */

type Msg<T extends ZabMsg['type']> = Extract<ZabMsg, { type: T }>;

/** The messages a leader sends on a follower's connection. */
export type StreamMsg = Extract<ZabMsg, { seq: number }>;

export function becomeFollower(ctx: Ctx, s: ZabState, leader: NodeId): void {
  assert(leader !== ctx.self, 'a server does not follow itself', leader);
  s.role = 'following';
  s.leader = leader;
  s.followerPhase = 'connecting';
  s.conn = 1 + ctx.rng.int(0x7ffffffe);
  s.expectSeq = 0;
  s.lastHeard = s.ticks;
  s.phaseStartedAt = s.ticks;
  s.moveRequested.clear();
  ctx.note('following', leader);
  sendFollowerInfo(ctx, s);
  ctx.setTimer(TICK_TIMER, params(ctx).tickMicros);
}

function sendFollowerInfo(ctx: Ctx, s: ZabState): void {
  ctx.send(s.leader, { type: 'FOLLOWERINFO', conn: s.conn, acceptedEpoch: s.acceptedEpoch });
}

/**
 * A message on the connection to the leader. ZAB needs FIFO channels: a gap (a message lost)
 * or a message out of order breaks the connection, and the follower looks for a leader again.
 */
export function onLeaderMessage(ctx: Ctx, s: ZabState, from: NodeId, msg: StreamMsg): void {
  if (s.role !== 'following' || from !== s.leader || msg.conn !== s.conn) return;
  if (msg.seq < s.expectSeq) return; // a duplicate
  if (msg.seq > s.expectSeq) {
    ctx.note('connection-broken', msg.seq - s.expectSeq);
    goLooking(ctx, s);
    return;
  }
  s.expectSeq++;
  s.lastHeard = s.ticks;
  dispatch(ctx, s, msg);
}

function dispatch(ctx: Ctx, s: ZabState, msg: StreamMsg): void {
  switch (msg.type) {
    case 'NEWEPOCH':
      return onNewEpoch(ctx, s, msg);
    case 'DIFF':
    case 'TRUNC':
    case 'SNAP':
      return onSyncPayload(ctx, s, msg);
    case 'NEWLEADER':
      return onNewLeader(ctx, s, msg);
    case 'UPTODATE':
      return onUpToDate(ctx, s, msg);
    case 'PROPOSAL':
      return onProposal(ctx, s, msg);
    case 'COMMIT':
      return onCommit(ctx, s, msg.zxid);
    case 'PING':
      ctx.send(s.leader, { type: 'PING', conn: s.conn, seq: -1, round: msg.round });
      return;
    case 'SYNC':
      return answerRead(ctx, s, msg.reqId);
  }
}

/** Something out of protocol order: the connection is of no use. */
function protocolError(ctx: Ctx, s: ZabState, what: string): void {
  ctx.note(`unexpected-${what}`, s.leader);
  goLooking(ctx, s);
}

function onNewEpoch(ctx: Ctx, s: ZabState, msg: Msg<'NEWEPOCH'>): void {
  if (s.followerPhase !== 'connecting') return protocolError(ctx, s, 'NEWEPOCH');
  // Promised a later epoch to someone else: this leader is stale.
  if (msg.epoch < s.acceptedEpoch) return protocolError(ctx, s, 'epoch');
  // Already promised this very epoch (perhaps to another leader): Zab 1.0 acknowledges with
  // currentEpoch -1, which a leader does not count towards its quorum, so no server helps two
  // leaders establish one epoch.
  const promisedBefore = msg.epoch === s.acceptedEpoch;
  if (!promisedBefore) {
    s.acceptedEpoch = msg.epoch;
    if (ctx.variant !== VARIANT.volatileEpoch) ctx.persist(ACCEPTED_EPOCH_KEY, msg.epoch);
  }
  s.followerPhase = 'sync';
  s.phaseStartedAt = s.ticks;
  ctx.send(s.leader, {
    type: 'ACKEPOCH',
    conn: s.conn,
    currentEpoch: promisedBefore ? -1 : s.currentEpoch,
    lastZxid: lastZxid(s),
    epochs: summarize(s.history),
  });
}

/**
 * DIFF, TRUNC or SNAP. The ack-before-persist variant keeps the entries in memory only and
 * still acknowledges NEWLEADER (ZOOKEEPER-4646): a crash then loses what a quorum was counted
 * as holding.
 */
function onSyncPayload(ctx: Ctx, s: ZabState, msg: Msg<'DIFF' | 'TRUNC' | 'SNAP'>): void {
  if (s.followerPhase !== 'sync') return protocolError(ctx, s, msg.type);
  const persist = ctx.variant !== VARIANT.ackBeforePersist;
  if (msg.type === 'SNAP') {
    replaceHistory(ctx, s, msg.entries, persist);
  } else {
    if (msg.type === 'TRUNC') {
      const keep = msg.truncZxid === 0 ? 0 : indexOfZxid(s.history, msg.truncZxid) + 1;
      if (keep === 0 && msg.truncZxid !== 0) return protocolError(ctx, s, 'TRUNC');
      truncateHistory(ctx, s, keep);
    }
    // Entries this follower already holds (a zxid names one transaction) are skipped.
    const last = lastZxid(s);
    appendEntries(
      ctx,
      s,
      msg.entries.filter((e) => e.zxid > last),
      persist,
    );
  }
  s.committedZxid = Math.max(s.committedZxid, Math.min(msg.committed, lastZxid(s)));
}

function onNewLeader(ctx: Ctx, s: ZabState, msg: Msg<'NEWLEADER'>): void {
  if (s.followerPhase !== 'sync' || msg.epoch !== s.acceptedEpoch)
    return protocolError(ctx, s, 'NEWLEADER');
  s.currentEpoch = msg.epoch;
  if (ctx.variant !== VARIANT.volatileCurrentEpoch) ctx.persist(CURRENT_EPOCH_KEY, msg.epoch);
  updateElectionVote(s, msg.epoch);
  s.followerPhase = 'newleader';
  s.phaseStartedAt = s.ticks;
  ctx.send(s.leader, { type: 'ACK-LD', conn: s.conn, epoch: msg.epoch, zxid: lastZxid(s) });
}

/** The leader is established: deliver what it committed and serve clients. */
function onUpToDate(ctx: Ctx, s: ZabState, msg: Msg<'UPTODATE'>): void {
  if (s.followerPhase !== 'newleader') return protocolError(ctx, s, 'UPTODATE');
  s.followerPhase = 'broadcast';
  ctx.note('uptodate', s.currentEpoch);
  onCommit(ctx, s, msg.committed);
}

function onProposal(ctx: Ctx, s: ZabState, msg: Msg<'PROPOSAL'>): void {
  if (s.followerPhase !== 'newleader' && s.followerPhase !== 'broadcast')
    return protocolError(ctx, s, 'PROPOSAL');
  if (msg.entry.zxid <= lastZxid(s)) return;
  appendEntries(ctx, s, [msg.entry]);
  ctx.send(s.leader, { type: 'ACK', conn: s.conn, zxid: msg.entry.zxid });
  // The buggy variant delivers at once, without waiting for a quorum's COMMIT.
  if (ctx.variant === VARIANT.commitWithoutQuorum) onCommit(ctx, s, msg.entry.zxid);
}

function onCommit(ctx: Ctx, s: ZabState, zxid: number): void {
  const upTo = Math.min(zxid, lastZxid(s));
  if (upTo > s.committedZxid) s.committedZxid = upTo;
  if (s.followerPhase !== 'broadcast') return;
  if (deliverCommitted(s) > 0) afterDelivery(ctx, s);
}

/** Every tick: a follower that has not heard from its leader for too long looks again. */
export function followerTick(ctx: Ctx, s: ZabState): void {
  if (s.ticks - s.lastHeard > syncLimit(ctx)) {
    ctx.note('leader-silent', s.leader);
    goLooking(ctx, s);
  } else if (s.followerPhase !== 'broadcast' && s.ticks - s.phaseStartedAt > initLimit(ctx)) {
    // Each step of discovery and synchronization must end within initLimit (a lost ACKEPOCH or ACK-LD).
    ctx.note('sync-timeout', s.leader);
    goLooking(ctx, s);
  } else if (s.followerPhase === 'connecting') {
    // A follower can decide before its leader does, and a server that is not leading yet ignores
    // FOLLOWERINFO: connect again each tick, as a ZooKeeper learner retries its connection.
    sendFollowerInfo(ctx, s);
  }
}

/** Forward a transaction to the leader (client writes, session moves). */
export function sendRequest(ctx: Ctx, s: ZabState, txn: Msg<'REQUEST'>['txn']): void {
  assert(
    s.role === 'following' && s.followerPhase === 'broadcast',
    'forwarding while not following',
    s.role,
  );
  ctx.send(s.leader, { type: 'REQUEST', conn: s.conn, txn });
}

export function sendSync(ctx: Ctx, s: ZabState, reqId: number): void {
  assert(s.role === 'following', 'sync while not following', s.role);
  ctx.send(s.leader, { type: 'SYNC', conn: s.conn, seq: -1, reqId });
}
