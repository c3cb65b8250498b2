import type { ClientReply, NodeCtx } from '../../sim/types';
import type { Command } from '../common/kv';
import {
  ELECTION_TIMER,
  HEARTBEAT_TIMER,
  type MultiPaxosMsg,
  type MultiPaxosParams,
  type MultiPaxosState,
} from './types';

export type Ctx = NodeCtx<MultiPaxosMsg>;

export function params(ctx: Ctx): MultiPaxosParams {
  return ctx.params as unknown as MultiPaxosParams;
}

/** The randomized wait for news of a leader before running phase 1 (a range, min <= max). */
function leaderTimeout(p: MultiPaxosParams): { min: number; max: number } {
  return {
    min: p.electionTimeoutMicrosMin,
    max: Math.max(p.electionTimeoutMicrosMin, p.electionTimeoutMicrosMax),
  };
}

/** (Re)arm the election timer: no news of a leader for that long starts phase 1. */
export function armElectionTimer(ctx: Ctx): void {
  ctx.setTimer(ELECTION_TIMER, leaderTimeout(params(ctx)));
}

export function armHeartbeatTimer(ctx: Ctx): void {
  ctx.setTimer(HEARTBEAT_TIMER, params(ctx).heartbeatIntervalMicros);
}

const REDIRECT_UNKNOWN: ClientReply = Object.freeze({ kind: 'redirect' });

/** Send a client to the leader this node follows, if it knows one. */
export function redirect(ctx: Ctx, s: MultiPaxosState): ClientReply {
  return s.leader >= 0 && s.leader !== ctx.self
    ? { kind: 'redirect', leader: s.leader }
    : REDIRECT_UNKNOWN;
}

/** A short name for a command, for traces, checkers and the view: "put x c1#4" or "no-op". */
export function describeCommand(cmd: Command | null): string {
  return cmd === null ? 'no-op' : `${cmd.f} ${cmd.key} c${cmd.client}#${cmd.seq}`;
}
