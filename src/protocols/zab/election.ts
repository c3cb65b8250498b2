import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import { failClients } from './client';
import { lastZxid, params, quorum, type Ctx } from './common';
import { becomeFollower } from './follower';
import { becomeLeader } from './leader';
import {
  ELECTION_TIMER,
  FINALIZE_TIMER,
  TICK_TIMER,
  type Vote,
  type ZabMsg,
  type ZabState,
} from './types';

/**
 * Fast Leader Election, as ZooKeeper runs it (Medeiros section 3.1; FastLeaderElection.java):
 * a looking server votes for the best (currentEpoch, last zxid, id) it has heard of in its
 * round, tells everyone whenever its vote changes, and decides once a quorum of its round
 * agrees and no better vote arrives for a short while (finalizeWait). A server that already
 * follows or leads answers a looking one with the vote it decided on, so a latecomer joins the
 * established leader. The election only picks a candidate: discovery then makes it safe.
 */

/** ZooKeeper's totalOrderPredicate: is `a` a better leader than `b`? */
export function betterVote(a: Vote, b: Vote): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.zxid !== b.zxid) return a.zxid > b.zxid;
  return a.leader > b.leader;
}

function ownVote(ctx: Ctx, s: ZabState): Vote {
  return { leader: ctx.self, zxid: lastZxid(s), epoch: s.currentEpoch };
}

function sameVote(a: Vote, b: Vote): boolean {
  return a.leader === b.leader && a.zxid === b.zxid && a.epoch === b.epoch;
}

/**
 * Votes of servers out of election (following or leading) agree when they name the same leader
 * and epoch: their zxids differ with the moment each one decided (ZOOKEEPER-1732, where a server
 * could never join an established ensemble because the votes it heard never matched exactly).
 */
function sameLeader(a: Vote, b: Vote): boolean {
  return a.leader === b.leader && a.epoch === b.epoch;
}

/**
 * A server that takes its leader's new epoch says so in its vote from then on (ZooKeeper's
 * updateElectionVote), so a looking server hears the same vote from the leader and every
 * follower that synchronized with it.
 */
export function updateElectionVote(s: ZabState, epoch: number): void {
  assert(s.vote.leader === s.leader, 'the vote names the leader followed', s.vote.leader, s.leader);
  s.vote = { ...s.vote, epoch };
}

function notification(s: ZabState): ZabMsg {
  return { type: 'NOTIFICATION', round: s.round, state: s.role, vote: s.vote };
}

/** Leave whatever this node was doing (clients told to go elsewhere) and start an election. */
export function goLooking(ctx: Ctx, s: ZabState): void {
  failClients(ctx, s);
  s.role = 'looking';
  s.leader = -1;
  s.links.fill(null);
  s.syncs = [];
  s.moveRequested.clear();
  ctx.cancelTimer(TICK_TIMER);
  ctx.note('looking', s.currentEpoch);
  startRound(ctx, s);
}

/** lookForLeader: a new round, voting for itself. */
function startRound(ctx: Ctx, s: ZabState): void {
  s.round++;
  s.vote = ownVote(ctx, s);
  s.votes = new Map([[ctx.self, s.vote]]);
  s.decided.clear();
  s.finalizing = false;
  ctx.cancelTimer(FINALIZE_TIMER);
  ctx.broadcast(notification(s));
  armElectionTimer(ctx);
  if (ctx.nodes === 1) decide(ctx, s, s.vote);
}

export function armElectionTimer(ctx: Ctx): void {
  const interval = params(ctx).notificationIntervalMicros;
  ctx.setTimer(ELECTION_TIMER, { min: interval, max: interval + (interval >> 1) });
}

/** No decision yet: tell everyone again (notifications may have been lost). */
export function onElectionTimer(ctx: Ctx, s: ZabState): void {
  if (s.role !== 'looking') return;
  ctx.broadcast(notification(s));
  armElectionTimer(ctx);
}

export function onNotification(
  ctx: Ctx,
  s: ZabState,
  from: NodeId,
  msg: Extract<ZabMsg, { type: 'NOTIFICATION' }>,
): void {
  if (s.role !== 'looking') {
    // Decided: answer a looking server with the vote this node follows.
    if (msg.state === 'looking') ctx.send(from, notification(s));
    return;
  }
  if (msg.state === 'looking') onLookingVote(ctx, s, from, msg);
  else onDecidedVote(ctx, s, from, msg);
}

function onLookingVote(
  ctx: Ctx,
  s: ZabState,
  from: NodeId,
  msg: Extract<ZabMsg, { type: 'NOTIFICATION' }>,
): void {
  if (msg.round < s.round) {
    ctx.send(from, notification(s)); // bring it to this round
    return;
  }
  if (msg.round > s.round) {
    s.round = msg.round;
    s.votes.clear();
    const own = ownVote(ctx, s);
    s.vote = betterVote(msg.vote, own) ? msg.vote : own;
    ctx.broadcast(notification(s));
  } else if (betterVote(msg.vote, s.vote)) {
    s.vote = msg.vote;
    ctx.broadcast(notification(s));
  }
  s.votes.set(from, msg.vote);
  s.votes.set(ctx.self, s.vote);
  assert(s.votes.size <= ctx.nodes, 'more votes than servers', s.votes.size);
  if (hasQuorum(ctx, s.votes, s.vote, sameVote)) {
    if (!s.finalizing) {
      s.finalizing = true;
      ctx.setTimer(FINALIZE_TIMER, params(ctx).finalizeWaitMicros);
    }
  } else if (s.finalizing) {
    s.finalizing = false;
    ctx.cancelTimer(FINALIZE_TIMER);
  }
}

/** finalizeWait passed with a quorum for this node's vote and nothing better: decide. */
export function onFinalizeTimer(ctx: Ctx, s: ZabState): void {
  if (s.role !== 'looking' || !s.finalizing) return;
  s.finalizing = false;
  if (hasQuorum(ctx, s.votes, s.vote, sameVote)) decide(ctx, s, s.vote);
}

/** A vote from a server that already follows or leads (ZooKeeper's outofelection set). */
function onDecidedVote(
  ctx: Ctx,
  s: ZabState,
  from: NodeId,
  msg: Extract<ZabMsg, { type: 'NOTIFICATION' }>,
): void {
  s.decided.set(from, { vote: msg.vote, round: msg.round, leading: msg.state === 'leading' });
  if (msg.round === s.round) {
    s.votes.set(from, msg.vote);
    if (hasQuorum(ctx, s.votes, msg.vote, sameVote) && leaderConfirmed(ctx, s, msg.vote)) {
      decide(ctx, s, msg.vote);
      return;
    }
  }
  const followers = new Map<NodeId, Vote>();
  for (const [node, d] of s.decided) followers.set(node, d.vote);
  if (hasQuorum(ctx, followers, msg.vote, sameLeader) && leaderConfirmed(ctx, s, msg.vote)) {
    s.round = msg.round;
    decide(ctx, s, msg.vote);
  }
}

/** checkLeader: another node can be followed only if it says itself that it leads. */
function leaderConfirmed(ctx: Ctx, s: ZabState, vote: Vote): boolean {
  if (vote.leader === ctx.self) return false;
  const leader = s.decided.get(vote.leader);
  return leader !== undefined && leader.leading && sameLeader(leader.vote, vote);
}

function hasQuorum(
  ctx: Ctx,
  votes: ReadonlyMap<NodeId, Vote>,
  vote: Vote,
  same: (a: Vote, b: Vote) => boolean,
): boolean {
  let agreeing = 0;
  for (const v of votes.values()) if (same(v, vote)) agreeing++;
  return agreeing >= quorum(ctx.nodes);
}

function decide(ctx: Ctx, s: ZabState, vote: Vote): void {
  assert(s.role === 'looking', 'only a looking server decides', s.role);
  s.vote = vote;
  ctx.cancelTimer(ELECTION_TIMER);
  ctx.cancelTimer(FINALIZE_TIMER);
  if (vote.leader === ctx.self) becomeLeader(ctx, s);
  else becomeFollower(ctx, s, vote.leader);
}
