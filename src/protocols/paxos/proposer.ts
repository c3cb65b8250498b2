import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import {
  ballotAbove,
  compareBallots,
  isNoBallot,
  majority,
  maxBallot,
  sameBallot,
  type Ballot,
} from './ballot';
import { armRetry, defersTo, params, sendToAll, type Ctx } from './common';
import { RETRY_TIMER, VARIANT, type PaxosMsg, type PaxosState, type Value } from './types';

/**
 * The proposer (Paxos Made Simple, section 2.2). Phase 1: pick a number n above any it has seen
 * and send a prepare request numbered n to the acceptors. Phase 2: with promises from a
 * majority, send an accept request numbered n whose value is that of the highest-numbered
 * proposal among the responses, or its own value if the responses report none (rule P2c).
 * A Nack, or no outcome by the retry timeout, abandons the round; the next one starts at once,
 * after a randomized backoff (when on), or never while a distinguished proposer is active.
 */

/** Start proposing if there is something to propose and no reason to stand back. */
export function maybePropose(ctx: Ctx, s: PaxosState): void {
  if (!s.isProposer || s.clientValue === null || s.learned !== null) return;
  if (defersTo(ctx, s) >= 0) {
    // Stand back, but look again once the distinguished proposer may have gone quiet.
    s.phase = 'idle';
    armRetry(ctx);
    return;
  }
  startRound(ctx, s);
}

/** Phase 1a: a prepare request numbered above every ballot seen, to every acceptor. */
export function startRound(ctx: Ctx, s: PaxosState): void {
  assert(s.isProposer && s.clientValue !== null, 'a round needs a proposer with a value');
  assert(s.learned === null, 'no round once the value is learned');
  s.ballot = ballotAbove(maxBallot(s.highestSeen, s.ballot), ctx.self);
  s.highestSeen = s.ballot;
  s.phase = 'preparing';
  s.promises.fill(null);
  s.promiseCount = 0;
  s.proposal = null;
  s.rounds++;
  ctx.note('round', s.ballot.round);
  sendToAll(ctx, { type: 'Prepare', ballot: s.ballot });
  armRetry(ctx);
}

/** Phase 1b at the proposer: with a majority of promises, send the accept requests. */
export function onPromise(
  ctx: Ctx,
  s: PaxosState,
  from: NodeId,
  msg: Extract<PaxosMsg, { type: 'Promise' }>,
): void {
  if (s.phase !== 'preparing' || !sameBallot(msg.ballot, s.ballot)) return;
  if (s.promises[from] !== null) return;
  // A faithful acceptor cannot report otherwise. One that forgot its promise (volatile-promise)
  // can: its consequence is then left to the safety invariants to catch, not to this guard.
  assert(
    isNoBallot(msg.accepted) ||
      compareBallots(msg.accepted, s.ballot) < 0 ||
      ctx.variant === VARIANT.volatilePromise,
    'an acceptor reports only proposals below the ballot it promises',
  );
  s.promises[from] = { accepted: msg.accepted, value: msg.value };
  s.promiseCount++;
  assert(s.promiseCount <= ctx.nodes, 'one promise per acceptor', s.promiseCount);
  if (s.promiseCount < majority(ctx.nodes)) return;
  s.proposal = valueToPropose(ctx, s);
  s.phase = 'accepting';
  sendToAll(ctx, { type: 'Accept', ballot: s.ballot, value: s.proposal });
  armRetry(ctx);
}

/**
 * P2c: the value of the highest-numbered proposal accepted by the acceptors that promised, or
 * the proposer's own value if none of them accepted anything.
 */
export function valueToPropose(ctx: Ctx, s: PaxosState): Value {
  assert(s.clientValue !== null, 'a proposer proposes only with a value of its own');
  assert(s.promiseCount >= majority(ctx.nodes), 'P2c needs promises from a majority');
  if (ctx.variant === VARIANT.ignoreAccepted) return s.clientValue;
  let best: Ballot | null = null;
  let value: Value = s.clientValue;
  for (const p of s.promises) {
    if (p === null || isNoBallot(p.accepted) || p.value === null) continue;
    if (best === null || compareBallots(p.accepted, best) > 0) {
      best = p.accepted;
      value = p.value;
    }
  }
  return value;
}

/** An acceptor ignored this round: note the higher ballot and give the round up. */
export function onNack(ctx: Ctx, s: PaxosState, msg: Extract<PaxosMsg, { type: 'Nack' }>): void {
  assert(compareBallots(msg.promised, msg.ballot) > 0, 'a Nack names a higher promise');
  s.highestSeen = maxBallot(s.highestSeen, msg.promised);
  assert(compareBallots(s.highestSeen, msg.ballot) > 0, 'the next round goes above the Nack');
  if (!sameBallot(msg.ballot, s.ballot)) return;
  if (s.phase !== 'preparing' && s.phase !== 'accepting') return;
  s.preemptions++;
  ctx.note('preempted', s.ballot.round);
  if (!params(ctx).backoff) return maybePropose(ctx, s);
  s.phase = 'backoff';
  ctx.setTimer(RETRY_TIMER, backoffMicros(ctx, s));
}

/** Randomized exponential backoff: uniform in [0, min(max, min * 2^(preemptions-1))]. */
export function backoffMicros(ctx: Ctx, s: PaxosState): number {
  const p = params(ctx);
  let window = p.retryTimeoutMicrosMin;
  for (let k = 1; k < s.preemptions && window < p.retryTimeoutMicrosMax; k++) window *= 2;
  return ctx.rng.range(
    0,
    Math.min(window, Math.max(p.retryTimeoutMicrosMin, p.retryTimeoutMicrosMax)),
  );
}

/** The retry timer: a round with no outcome yet (or a backoff that ran out) starts over. */
export function onRetryTimer(ctx: Ctx, s: PaxosState): void {
  if (s.learned !== null) {
    s.phase = 'idle';
    return;
  }
  maybePropose(ctx, s);
}
