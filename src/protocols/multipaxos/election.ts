import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import { ballotAbove, compareBallots, majority, maxBallot, sameBallot } from '../paxos/ballot';
import { sendToAll } from '../paxos/common';
import { armElectionTimer, type Ctx } from './common';
import { onHeartbeatTimer, propose } from './leader';
import { failPending } from './replica';
import { stepDown } from './role';
import { ELECTION_TIMER, VARIANT, type MultiPaxosMsg, type MultiPaxosState } from './types';

/**
 * Becoming leader is phase 1 of every slot at once: a Prepare with a ballot above any seen, for
 * every slot from the first this node has not applied. With promises from a majority, the new
 * leader re-proposes in its own ballot, in every slot, the highest-numbered proposal the promises
 * report (rule P2c, slot by slot), and a no-op in every slot none of them reports (a gap).
 */

type Msg<T extends MultiPaxosMsg['type']> = Extract<MultiPaxosMsg, { type: T }>;

/** The election timeout: no leader heard from, so try to become one. */
export function onElectionTimeout(ctx: Ctx, s: MultiPaxosState): void {
  if (s.role === 'leader') return;
  s.role = 'candidate';
  s.ballot = ballotAbove(maxBallot(s.highestSeen, s.promised), ctx.self);
  s.highestSeen = s.ballot;
  s.leader = -1;
  s.fromSlot = s.applied + 1;
  s.promisedBy.fill(false);
  s.promiseCount = 0;
  s.reported.clear();
  failPending(ctx, s);
  ctx.note('prepare', s.ballot.round);
  sendToAll(ctx, { type: 'Prepare', ballot: s.ballot, fromSlot: s.fromSlot });
  armElectionTimer(ctx);
}

/** Phase 1b at the candidate: merge the reported proposals, slot by slot. */
export function onPromise(ctx: Ctx, s: MultiPaxosState, from: NodeId, msg: Msg<'Promise'>): void {
  if (s.role !== 'candidate' || !sameBallot(msg.ballot, s.ballot) || s.promisedBy[from]) return;
  s.promisedBy[from] = true;
  s.promiseCount++;
  assert(s.promiseCount <= ctx.nodes, 'one promise per acceptor', s.promiseCount);
  for (const proposal of msg.accepted) {
    assert(proposal.slot >= s.fromSlot, 'a promise reports slots from fromSlot on', proposal.slot);
    const known = s.reported.get(proposal.slot);
    if (known === undefined || compareBallots(proposal.ballot, known.ballot) > 0)
      s.reported.set(proposal.slot, proposal);
  }
  if (s.promiseCount >= majority(ctx.nodes)) becomeLeader(ctx, s);
}

/** Phase 1 is done for every slot from fromSlot on: recover them, then serve clients. */
function becomeLeader(ctx: Ctx, s: MultiPaxosState): void {
  assert(
    s.role === 'candidate' && s.promiseCount >= majority(ctx.nodes),
    'leader needs a majority',
  );
  s.role = 'leader';
  s.leader = ctx.self;
  s.inFlight.clear();
  ctx.cancelTimer(ELECTION_TIMER);
  ctx.note('leader', s.ballot.round);
  if (ctx.variant === VARIANT.skipRecovery) {
    // BUG: what the promises report is ignored; new commands go right after what it applied.
    s.nextSlot = s.fromSlot;
  } else {
    let last = s.fromSlot - 1;
    for (const slot of s.reported.keys()) if (slot > last) last = slot;
    for (const slot of s.chosen.keys()) if (slot > last) last = slot;
    for (let slot = s.fromSlot; slot <= last; slot++) {
      if (s.chosen.has(slot)) continue;
      propose(ctx, s, slot, s.reported.get(slot)?.cmd ?? null);
    }
    s.nextSlot = last + 1;
  }
  s.reported.clear();
  onHeartbeatTimer(ctx, s);
}

/** An acceptor ignored this node's ballot: a higher one exists, so stop leading or campaigning. */
export function onNack(ctx: Ctx, s: MultiPaxosState, msg: Msg<'Nack'>): void {
  s.highestSeen = maxBallot(s.highestSeen, msg.promised);
  if (s.role === 'follower' || !sameBallot(msg.ballot, s.ballot)) return;
  stepDown(ctx, s);
}
