import { assert } from '../../sim/assert';
import { compareBallots, maxBallot, type Ballot } from '../paxos/ballot';
import { armElectionTimer, type Ctx } from './common';
import { failPending } from './replica';
import { HEARTBEAT_TIMER, type MultiPaxosState } from './types';

/**
 * Leadership by ballots (no leases): a node leads while no higher ballot has been seen. Any sign
 * of a higher ballot makes a candidate or a leader step down; any message of a leader at least
 * as high as the promise keeps a follower from starting an election.
 */

/** Back to follower: forget the round, send waiting clients away, wait for a leader. */
export function stepDown(ctx: Ctx, s: MultiPaxosState): void {
  assert(s.role !== 'follower', 'only a candidate or a leader steps down');
  s.role = 'follower';
  s.leader = -1;
  s.inFlight.clear();
  s.reported.clear();
  failPending(ctx, s);
  ctx.cancelTimer(HEARTBEAT_TIMER);
  armElectionTimer(ctx);
  ctx.note('step down', s.highestSeen.round);
  assert(s.pending.size === 0, 'no client waits at a follower');
}

/**
 * A request numbered `ballot` (at least this node's promise) arrived from its proposer: a lower
 * candidate or leader here steps down, and the election timer starts over. With `leads`, the
 * sender is known to be the leader (it is past phase 1).
 */
export function noteLeader(ctx: Ctx, s: MultiPaxosState, ballot: Ballot, leads = true): void {
  s.highestSeen = maxBallot(s.highestSeen, ballot);
  if (s.role !== 'follower' && compareBallots(s.ballot, ballot) < 0) stepDown(ctx, s);
  if (s.role !== 'follower') return;
  if (leads) s.leader = ballot.proposer;
  armElectionTimer(ctx);
}
