import { assert } from '../../sim/assert';
import type { ClientReply, NodeCtx } from '../../sim/types';
import type { Entry, ZabMsg, ZabParams, ZabState } from './types';

export type Ctx = NodeCtx<ZabMsg>;

/** The run's parameters, typed (the kernel fills in every default before a run). */
export function params(ctx: Ctx): ZabParams {
  return ctx.params as unknown as ZabParams;
}

/**
 * Timeouts are counted in ticks of a server's own tick timer, as ZooKeeper counts syncLimit and
 * initLimit: a jump of the server's clock delays at most the one tick pending across it, where
 * comparing clock readings would stretch a timeout by the whole jump.
 */
export function syncLimit(ctx: Ctx): number {
  const p = params(ctx);
  return Math.ceil(p.syncTimeoutMicros / p.tickMicros);
}

export function initLimit(ctx: Ctx): number {
  const p = params(ctx);
  return Math.ceil(p.initTimeoutMicros / p.tickMicros);
}

/** Servers needed for a quorum in a cluster of `nodes`. */
export function quorum(nodes: number): number {
  return (nodes >> 1) + 1;
}

// ---- zxids: (epoch, counter) as one integer, epoch * 2^32 + counter, as ZooKeeper packs them.

const EPOCH_UNIT = 4_294_967_296;
/** Epochs stay below 2^20, so every zxid is an exact integer. */
const MAX_EPOCH = 1_048_576;

export function makeZxid(epoch: number, counter: number): number {
  assert(epoch >= 0 && epoch < MAX_EPOCH, 'epoch out of range', epoch);
  assert(counter >= 0 && counter < EPOCH_UNIT, 'zxid counter out of range', counter);
  return epoch * EPOCH_UNIT + counter;
}

export function epochOf(zxid: number): number {
  return Math.floor(zxid / EPOCH_UNIT);
}

export function counterOf(zxid: number): number {
  return zxid - epochOf(zxid) * EPOCH_UNIT;
}

/** "3:7" for epoch 3, counter 7. */
export function formatZxid(zxid: number): string {
  return `${epochOf(zxid)}:${counterOf(zxid)}`;
}

export function lastZxid(s: ZabState): number {
  const n = s.history.length;
  return n === 0 ? 0 : s.history[n - 1]!.zxid;
}

/** The position of `zxid` in the history, or -1 (histories are sorted by zxid). */
export function indexOfZxid(history: readonly Entry[], zxid: number): number {
  let lo = 0;
  let hi = history.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const z = history[mid]!.zxid;
    if (z === zxid) return mid;
    if (z < zxid) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** How many history entries have zxid <= `zxid`. */
export function countUpTo(history: readonly Entry[], zxid: number): number {
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (history[mid]!.zxid <= zxid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Largest value v such that at least `need` of values[0..n) are >= v (sorts `values`). */
export function quorumValue(values: number[], n: number, need: number): number {
  assert(need >= 1 && need <= n, 'quorum larger than the values', need, n);
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! < v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
  return values[need - 1]!;
}

export const REDIRECT_UNKNOWN: ClientReply = Object.freeze({ kind: 'redirect' });

/** Redirect a client to `hint` when it is another server, else just away. */
export function redirectTo(hint: number, self: number): ClientReply {
  return hint >= 0 && hint !== self ? { kind: 'redirect', leader: hint } : REDIRECT_UNKNOWN;
}
