import { assert } from '../../sim/assert';
import type { NodeCtx } from '../../sim/types';
import { VIEW_CHANGE_TIMER, type PbftMsg, type PbftState } from './types';

/** The view-change timer doubles with each view change that fails in a row, up to this. */
export const MAX_BACKOFF = 3;

/** T, doubled `backoff` times: how long a backup waits for a request (or a new view) to execute. */
export function viewChangeTimeout(ctx: NodeCtx<PbftMsg>, s: PbftState): number {
  assert(s.backoff >= 0 && s.backoff <= MAX_BACKOFF, 'backoff out of range', s.backoff);
  let timeout = ctx.params.viewChangeTimeoutMicros as number;
  for (let i = 0; i < s.backoff; i++) timeout *= 2;
  return timeout;
}

/** (Re)start the view-change timer. */
export function armViewChangeTimer(ctx: NodeCtx<PbftMsg>, s: PbftState): void {
  ctx.setTimer(VIEW_CHANGE_TIMER, viewChangeTimeout(ctx, s));
  s.timerArmed = true;
}

export function disarmViewChangeTimer(ctx: NodeCtx<PbftMsg>, s: PbftState): void {
  ctx.cancelTimer(VIEW_CHANGE_TIMER);
  s.timerArmed = false;
}
