import type { ClientOp, ClientReply, NodeId, ParamValues } from '../../sim/types';
import { NO_BALLOT, ballotFromDisk, maxBallot } from './ballot';
import { onAccept, onPrepare } from './acceptor';
import { proposerCount, redirectFor, type Ctx } from './common';
import { onAccepted } from './learner';
import { maybePropose, onNack, onPromise, onRetryTimer } from './proposer';
import {
  ACCEPTED_KEY,
  PROMISED_KEY,
  PROPOSE,
  RETRY_TIMER,
  type PaxosMsg,
  type PaxosState,
  type Value,
} from './types';

/** Longest value a client may propose (untrusted input). */
export const MAX_VALUE_LENGTH = 64;

function freshState(ctx: Ctx): PaxosState {
  return {
    promised: NO_BALLOT,
    accepted: NO_BALLOT,
    acceptedValue: null,
    isProposer: ctx.self < proposerCount(ctx),
    phase: 'idle',
    ballot: NO_BALLOT,
    highestSeen: NO_BALLOT,
    clientValue: null,
    proposal: null,
    promises: new Array<null>(ctx.nodes).fill(null),
    promiseCount: 0,
    preemptions: 0,
    rounds: 0,
    // At boot every proposer is presumed alive, so the distinguished one gets the first go.
    lastHeard: new Array<number>(ctx.nodes).fill(ctx.now),
    learned: null,
    learnedBallot: NO_BALLOT,
    acceptedBy: new Map(),
    waiting: new Map(),
  };
}

export function initPaxos(ctx: Ctx, _params: ParamValues): PaxosState {
  return freshState(ctx);
}

/** After a crash: the acceptor's promise and accepted proposal come back from disk; the rest is volatile. */
export function recoverPaxos(
  ctx: Ctx,
  disk: ReadonlyMap<string, unknown>,
  _params: ParamValues,
): PaxosState {
  const s = freshState(ctx);
  const stored = disk.get(ACCEPTED_KEY) as { ballot?: unknown; value?: unknown } | undefined;
  if (stored !== undefined && typeof stored.value === 'string') {
    s.accepted = ballotFromDisk(stored.ballot);
    s.acceptedValue = stored.value;
  }
  // Accepting a proposal also promised its number (what volatile-promise falls back to).
  s.promised = maxBallot(ballotFromDisk(disk.get(PROMISED_KEY)), s.accepted);
  s.highestSeen = s.promised;
  return s;
}

export function onPaxosMessage(ctx: Ctx, s: PaxosState, from: NodeId, msg: PaxosMsg): void {
  switch (msg.type) {
    case 'Prepare':
      return onPrepare(ctx, s, from, msg.ballot);
    case 'Promise':
      return onPromise(ctx, s, from, msg);
    case 'Accept':
      return onAccept(ctx, s, from, msg);
    case 'Accepted':
      return onAccepted(ctx, s, from, msg.ballot, msg.value);
    case 'Nack':
      return onNack(ctx, s, msg);
  }
}

export function onPaxosTimer(ctx: Ctx, s: PaxosState, timer: string): void {
  if (timer === RETRY_TIMER) onRetryTimer(ctx, s);
}

const NOT_PROPOSE: ClientReply = Object.freeze({
  kind: 'fail',
  error: `only "${PROPOSE}" with a string value of at most ${MAX_VALUE_LENGTH} characters`,
});

/**
 * A client proposes a value and is answered with the chosen one. A node that has learned
 * answers at once; an acceptor that is not a proposer sends the client to a proposer; a
 * proposer takes the first value it is given as its own and answers once it learns (one that
 * stands back for a distinguished proposer keeps its clients waiting until then, and proposes
 * their value itself if the distinguished proposer falls silent).
 */
export function onPaxosClientOp(ctx: Ctx, s: PaxosState, op: ClientOp): void {
  if (op.f !== PROPOSE || typeof op.value !== 'string' || op.value.length > MAX_VALUE_LENGTH)
    return ctx.reply(op, NOT_PROPOSE);
  if (s.learned !== null) return ctx.reply(op, { kind: 'ok', value: s.learned });
  if (!s.isProposer) return ctx.reply(op, redirectFor(ctx, op.client));
  s.waiting.set(op.client, op);
  s.clientValue ??= op.value as Value;
  if (s.phase === 'idle') maybePropose(ctx, s);
}
