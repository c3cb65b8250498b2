import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import { compareBallots, maxBallot, type Ballot } from './ballot';
import { proposerCount, sendToAll, type Ctx } from './common';
import {
  ACCEPTED_KEY,
  PROMISED_KEY,
  VARIANT,
  type PaxosMsg,
  type PaxosState,
  type Value,
} from './types';

/**
 * The acceptor (Paxos Made Simple, section 2.2). It responds to a prepare request numbered n
 * only if n is above every prepare request it has responded to, and accepts a proposal numbered
 * n unless it has responded to a prepare request numbered above n. Both facts are on disk before
 * the response leaves: "an acceptor must remember this information even if it fails and then
 * restarts".
 */

export function onPrepare(ctx: Ctx, s: PaxosState, from: NodeId, ballot: Ballot): void {
  heardProposer(ctx, s, from, ballot);
  if (compareBallots(ballot, s.promised) < 0) {
    ctx.send(from, { type: 'Nack', ballot, promised: s.promised });
    return;
  }
  if (compareBallots(ballot, s.promised) > 0) promise(ctx, s, ballot);
  ctx.send(from, { type: 'Promise', ballot, accepted: s.accepted, value: s.acceptedValue });
}

export function onAccept(
  ctx: Ctx,
  s: PaxosState,
  from: NodeId,
  msg: Extract<PaxosMsg, { type: 'Accept' }>,
): void {
  const { ballot, value } = msg;
  heardProposer(ctx, s, from, ballot);
  if (compareBallots(ballot, s.promised) < 0) {
    ctx.send(from, { type: 'Nack', ballot, promised: s.promised });
    return;
  }
  accept(ctx, s, ballot, value);
  sendToAll(ctx, { type: 'Accepted', ballot, value });
}

/** Promise `ballot`: never again respond to a prepare, or accept a proposal, numbered below it. */
function promise(ctx: Ctx, s: PaxosState, ballot: Ballot): void {
  assert(compareBallots(ballot, s.promised) > 0, 'a promise only ever rises');
  s.promised = ballot;
  s.highestSeen = maxBallot(s.highestSeen, ballot);
  if (ctx.variant !== VARIANT.volatilePromise) ctx.persist(PROMISED_KEY, ballot);
}

/** Accept (ballot, value); accepting numbered n also means promising n. */
function accept(ctx: Ctx, s: PaxosState, ballot: Ballot, value: Value): void {
  assert(compareBallots(ballot, s.promised) >= 0, 'accepted a ballot below the promise');
  assert(compareBallots(ballot, s.accepted) >= 0, 'an acceptor’s accepted ballot never goes down');
  if (compareBallots(ballot, s.promised) > 0) promise(ctx, s, ballot);
  s.accepted = ballot;
  s.acceptedValue = value;
  if (ctx.variant !== VARIANT.volatileAccepted) ctx.persist(ACCEPTED_KEY, { ballot, value });
}

/** A distinguished proposer is alive while it is heard proposing. */
function heardProposer(ctx: Ctx, s: PaxosState, from: NodeId, ballot: Ballot): void {
  s.highestSeen = maxBallot(s.highestSeen, ballot);
  if (from < proposerCount(ctx)) s.lastHeard[from] = ctx.now;
}
