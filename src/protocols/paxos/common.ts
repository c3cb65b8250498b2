import type { ClientReply, Message, NodeCtx } from '../../sim/types';
import { RETRY_TIMER, type PaxosMsg, type PaxosParams, type PaxosState } from './types';

export type Ctx = NodeCtx<PaxosMsg>;

/** The run's parameters, typed (the kernel fills in every default before a run). */
export function params(ctx: Ctx): PaxosParams {
  return ctx.params as unknown as PaxosParams;
}

/** Proposers are nodes 0 .. proposers-1 (never more than the cluster). */
export function proposerCount(ctx: Ctx): number {
  return Math.max(1, Math.min(ctx.nodes, params(ctx).proposers));
}

/** Send to every acceptor or learner, this node included (delivered to itself at once). */
export function sendToAll<M extends Message>(ctx: NodeCtx<M>, msg: M): void {
  ctx.send(ctx.self, msg);
  ctx.broadcast(msg);
}

/** A distinguished proposer that has not been heard from for this long is presumed gone. */
export function distinguishedTimeoutMicros(ctx: Ctx): number {
  return 3 * params(ctx).retryTimeoutMicrosMax;
}

/**
 * Distinguished proposer (section 2.4): a proposer stands back while a lower-numbered proposer
 * has been heard proposing recently (a timeout-based election, as the paper suggests).
 */
export function defersTo(ctx: Ctx, s: PaxosState): number {
  if (!params(ctx).distinguishedProposer) return -1;
  const lower = Math.min(ctx.self, proposerCount(ctx));
  for (let q = 0; q < lower; q++) {
    if (ctx.now - s.lastHeard[q]! < distinguishedTimeoutMicros(ctx)) return q;
  }
  return -1;
}

/** Where an acceptor sends a client: the distinguished proposer, or one picked by client. */
export function redirectFor(ctx: Ctx, client: number): ClientReply {
  if (params(ctx).distinguishedProposer) return { kind: 'redirect', leader: 0 };
  return { kind: 'redirect', leader: client % proposerCount(ctx) };
}

/** Arm the retry timer: a round not decided by then is abandoned for a higher one. */
export function armRetry(ctx: Ctx): void {
  const p = params(ctx);
  const min = p.retryTimeoutMicrosMin;
  ctx.setTimer(RETRY_TIMER, { min, max: Math.max(min, p.retryTimeoutMicrosMax) });
}
