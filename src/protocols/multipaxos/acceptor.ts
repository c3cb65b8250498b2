import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import { compareBallots, maxBallot, type Ballot } from '../paxos/ballot';
import { type Ctx } from './common';
import { noteLeader } from './role';
import {
  ACCEPTED_KEY_PREFIX,
  PROMISED_KEY,
  VARIANT,
  type MultiPaxosMsg,
  type MultiPaxosState,
  type SlotProposal,
} from './types';

/**
 * The acceptor, one Paxos acceptor for every slot at once: a single promise covers all slots
 * (phase 1 "for infinitely many instances", Paxos Made Simple section 3), and each slot keeps
 * its own highest-numbered accepted proposal. Both are on disk before the reply leaves.
 */

type Msg<T extends MultiPaxosMsg['type']> = Extract<MultiPaxosMsg, { type: T }>;

export function onPrepare(ctx: Ctx, s: MultiPaxosState, from: NodeId, msg: Msg<'Prepare'>): void {
  if (compareBallots(msg.ballot, s.promised) < 0) return nack(ctx, s, from, msg.ballot);
  if (compareBallots(msg.ballot, s.promised) > 0) promise(ctx, s, msg.ballot);
  noteLeader(ctx, s, msg.ballot, false);
  const accepted: SlotProposal[] = [];
  for (const proposal of s.accepted.values()) {
    if (proposal.slot >= msg.fromSlot) accepted.push(proposal);
  }
  ctx.send(from, { type: 'Promise', ballot: msg.ballot, accepted });
}

export function onAccept(ctx: Ctx, s: MultiPaxosState, from: NodeId, msg: Msg<'Accept'>): void {
  if (compareBallots(msg.ballot, s.promised) < 0) return nack(ctx, s, from, msg.ballot);
  if (compareBallots(msg.ballot, s.promised) > 0) promise(ctx, s, msg.ballot);
  noteLeader(ctx, s, msg.ballot);
  accept(ctx, s, { slot: msg.slot, ballot: msg.ballot, cmd: msg.cmd });
  ctx.send(from, { type: 'Accepted', ballot: msg.ballot, slot: msg.slot });
}

export function nack(ctx: Ctx, s: MultiPaxosState, to: NodeId, ballot: Ballot): void {
  ctx.send(to, { type: 'Nack', ballot, promised: s.promised });
}

function promise(ctx: Ctx, s: MultiPaxosState, ballot: Ballot): void {
  assert(compareBallots(ballot, s.promised) > 0, 'a promise only ever rises');
  s.promised = ballot;
  s.highestSeen = maxBallot(s.highestSeen, ballot);
  if (ctx.variant !== VARIANT.volatilePromise) ctx.persist(PROMISED_KEY, ballot);
}

function accept(ctx: Ctx, s: MultiPaxosState, proposal: SlotProposal): void {
  assert(compareBallots(proposal.ballot, s.promised) >= 0, 'accepted a ballot below the promise');
  assert(proposal.slot >= 1, 'slots start at 1', proposal.slot);
  s.accepted.set(proposal.slot, proposal);
  s.acceptCount++;
  s.lastAcceptedSlot = proposal.slot;
  ctx.persist(ACCEPTED_KEY_PREFIX + proposal.slot, proposal);
}
