import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import { formatBallot, majority, type Ballot } from './ballot';
import type { Ctx } from './common';
import { RETRY_TIMER, type PaxosState, type Value } from './types';

/**
 * The learner (Paxos Made Simple, section 2.3): every acceptor tells every learner when it
 * accepts a proposal; a learner learns a value once a majority of acceptors accepted the same
 * proposal (the same number), which is exactly when that value is chosen.
 */

/** Ballots a learner keeps counting Accepted messages for; older ones are forgotten. */
const MAX_BALLOTS_TRACKED = 64;

export function onAccepted(
  ctx: Ctx,
  s: PaxosState,
  from: NodeId,
  ballot: Ballot,
  value: Value,
): void {
  if (s.learned !== null) return;
  const key = formatBallot(ballot);
  let by = s.acceptedBy.get(key);
  if (by === undefined) {
    if (s.acceptedBy.size >= MAX_BALLOTS_TRACKED) {
      s.acceptedBy.delete(s.acceptedBy.keys().next().value!);
    }
    by = new Array<boolean>(ctx.nodes).fill(false);
    s.acceptedBy.set(key, by);
  }
  by[from] = true;
  let count = 0;
  for (const yes of by) if (yes) count++;
  if (count >= majority(ctx.nodes)) learn(ctx, s, ballot, value);
}

/** The value is chosen: remember it, stop proposing, answer every waiting client. */
function learn(ctx: Ctx, s: PaxosState, ballot: Ballot, value: Value): void {
  assert(s.learned === null, 'a learner learns once');
  s.learned = value;
  s.learnedBallot = ballot;
  s.acceptedBy.clear();
  s.phase = 'idle';
  s.preemptions = 0;
  ctx.cancelTimer(RETRY_TIMER);
  ctx.note('learned', ballot.round);
  for (const op of s.waiting.values()) ctx.reply(op, { kind: 'ok', value });
  s.waiting.clear();
  assert(s.waiting.size === 0, 'every waiting client is answered');
}
