import type { ClientReply, NodeCtx } from '../../sim/types';
import {
  ELECTION_TIMER,
  HEARTBEAT_TIMER,
  TERM_KEY,
  VARIANT,
  VOTED_FOR_KEY,
  type RaftMsg,
  type RaftParams,
  type RaftState,
} from './types';

export type Ctx = NodeCtx<RaftMsg>;

/** The run's parameters, typed (the kernel fills in every default before a run). */
export function params(ctx: Ctx): RaftParams {
  return ctx.params as unknown as RaftParams;
}

/** Votes (or replicas) needed in a cluster of `nodes`. */
export function majority(nodes: number): number {
  return (nodes >> 1) + 1;
}

export const REDIRECT_UNKNOWN: ClientReply = Object.freeze({ kind: 'redirect' });

export function redirect(s: RaftState, self: number): ClientReply {
  return s.leaderId >= 0 && s.leaderId !== self
    ? { kind: 'redirect', leader: s.leaderId }
    : REDIRECT_UNKNOWN;
}

/** Persist currentTerm (Figure 2: on stable storage before responding to RPCs). */
export function setTerm(ctx: Ctx, s: RaftState, term: number): void {
  s.currentTerm = term;
  ctx.persist(TERM_KEY, term);
}

/** Persist votedFor, except in the volatile-vote variant, which forgets it on a crash. */
export function setVote(ctx: Ctx, s: RaftState, votedFor: number): void {
  s.votedFor = votedFor;
  if (ctx.variant !== VARIANT.volatileVote) ctx.persist(VOTED_FOR_KEY, votedFor);
}

/** (Re)arm the randomized election timer (section 5.2). */
export function armElectionTimer(ctx: Ctx, s: RaftState): void {
  const p = params(ctx);
  const min = p.electionTimeoutMicrosMin;
  s.electionArmedAt = ctx.now;
  ctx.setTimer(ELECTION_TIMER, { min, max: Math.max(min, p.electionTimeoutMicrosMax) });
}

export function armHeartbeatTimer(ctx: Ctx): void {
  ctx.setTimer(HEARTBEAT_TIMER, params(ctx).heartbeatIntervalMicros);
}

/** Largest value v such that at least `need` of values[0..n) are >= v (uses `scratch`). */
export function quorumValue(scratch: number[], n: number, need: number): number {
  // Insertion sort, descending: n is the cluster size, small.
  for (let i = 1; i < n; i++) {
    const v = scratch[i]!;
    let j = i - 1;
    while (j >= 0 && scratch[j]! < v) {
      scratch[j + 1] = scratch[j]!;
      j--;
    }
    scratch[j + 1] = v;
  }
  return scratch[need - 1]!;
}
