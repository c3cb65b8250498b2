import { assert } from '../../sim/assert';
import type { InspectSection } from '../../sim/types';
import { intValue, type CrdtOp, type CrdtType, type UpdateContext } from './crdt';
import { isOk, mayHaveApplied, sumAmounts } from './spec';

/**
 * G-Counter and PN-Counter (Shapiro et al. 2011, Specifications 6 and 7): one entry per replica,
 * each replica only ever raises its own entry, and the join takes the maximum of each entry.
 */

/** The largest amount one client op adds. */
const MAX_AMOUNT = 1_000;

export interface GCounterState {
  /** counts[i]: the sum of the increments made at replica i. */
  counts: number[];
}

export interface PNCounterState {
  /** Increments (p) and decrements (n) per replica, each a G-Counter. */
  p: number[];
  n: number[];
}

export const GCOUNTER_SUM_MERGE = 'sum-merge';
export const PNCOUNTER_SIGNED_MAX = 'signed-max';

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** target[i] := max(target[i], source[i]) (or the sum, for the sum-merge bug). */
function joinEntries(target: number[], source: readonly number[], add: boolean): boolean {
  assert(target.length === source.length, 'counters of different cluster sizes');
  let changed = false;
  for (let i = 0; i < target.length; i++) {
    const next = add ? target[i]! + source[i]! : Math.max(target[i]!, source[i]!);
    if (next !== target[i]) {
      target[i] = next;
      changed = true;
    }
  }
  return changed;
}

/** A delta holding one entry: the replica's new count, zeros elsewhere. */
function oneEntry(nodes: number, replica: number, count: number): number[] {
  const entries = new Array<number>(nodes).fill(0);
  entries[replica] = count;
  return entries;
}

function counterCells(counts: readonly number[]) {
  return counts.map((count, i) => ({ text: String(count), tone: i, title: `n${i}: ${count}` }));
}

function amountOf(op: CrdtOp): number | null {
  const amount = intValue(op.value, MAX_AMOUNT + 1);
  return amount === null || amount === 0 ? null : amount;
}

const BAD_AMOUNT = { ok: false, error: `an amount is an integer from 1 to ${MAX_AMOUNT}` } as const;

function counterWorkload(rng: { range(min: number, max: number): number }, f: string): CrdtOp {
  return f === 'read' ? { f } : { f, value: rng.range(1, 3) };
}

/** The counter spec: acknowledged amounts <= value <= acknowledged plus unknown ones. */
function counterBounds(value: number, low: number, high: number, what: string): string | null {
  if (value < low) return `the value ${value} is below ${low}, ${what} acknowledged`;
  if (value > high) return `the value ${value} is above ${high}, ${what} possibly applied`;
  return null;
}

export const gcounterType: CrdtType<GCounterState> = {
  id: 'gcounter',
  title: 'G-Counter (grow-only counter)',
  summary:
    'A counter every replica increments on its own; merging takes each replica’s maximum, so all replicas reach the same total.',
  causal: false,
  variants: {
    [GCOUNTER_SUM_MERGE]: {
      label: 'BUG: merge sums the entries',
      explanation:
        'The merge adds the two states’ entries instead of taking their maximum: it is not idempotent, so every gossip round counts the same increments again.',
    },
  },
  readOps: ['read'],
  defaultMix: { increment: 4, read: 1 },
  nextOp: (rng, _client, _seq, f) => counterWorkload(rng, f),
  empty: (nodes) => ({ counts: new Array<number>(nodes).fill(0) }),
  update(state, op, at: UpdateContext) {
    const amount = amountOf(op);
    if (op.f !== 'increment' || amount === null) return BAD_AMOUNT;
    state.counts[at.replica]! += amount;
    return {
      ok: true,
      delta: { counts: oneEntry(at.nodes, at.replica, state.counts[at.replica]!) },
    };
  },
  read: (state) => sum(state.counts),
  join: (target, source, variant) =>
    joinEntries(target.counts, source.counts, variant === GCOUNTER_SUM_MERGE),
  value: (state) => sum(state.counts),
  canonical: (state) => state.counts.join(','),
  badge: (state) => `count ${sum(state.counts)}`,
  inspect: (state): InspectSection[] => [
    {
      title: 'Entries per replica (cells: n0, n1, ...)',
      cells: counterCells(state.counts),
      note: `value = sum of entries = ${sum(state.counts)}`,
    },
  ],
  specRule:
    'the converged value lies between the sum of acknowledged increments and that sum plus the increments whose outcome is unknown',
  spec(ops, state) {
    const low = sumAmounts(ops, 'increment', isOk);
    const high = sumAmounts(ops, 'increment', mayHaveApplied);
    return counterBounds(sum(state.counts), low, high, 'the sum of increments');
  },
  wellFormed: {
    rule: 'every entry is a non-negative safe integer',
    check(state) {
      const bad = state.counts.findIndex((c) => !Number.isSafeInteger(c) || c < 0);
      return bad < 0 ? null : `entry n${bad} is ${state.counts[bad]}`;
    },
  },
};

export const pncounterType: CrdtType<PNCounterState> = {
  id: 'pncounter',
  title: 'PN-Counter (increment and decrement)',
  summary:
    'Two G-Counters, one of increments and one of decrements; the value is their difference, and replicas converge to it.',
  causal: false,
  variants: {
    [PNCOUNTER_SIGNED_MAX]: {
      label: 'BUG: one signed entry per replica',
      explanation:
        'A decrement lowers the replica’s one entry, and the merge still takes the maximum: an older, higher entry from another replica undoes the decrement.',
    },
  },
  readOps: ['read'],
  defaultMix: { increment: 3, decrement: 2, read: 1 },
  nextOp: (rng, _client, _seq, f) => counterWorkload(rng, f),
  empty: (nodes) => ({
    p: new Array<number>(nodes).fill(0),
    n: new Array<number>(nodes).fill(0),
  }),
  update(state, op, at) {
    const amount = amountOf(op);
    if ((op.f !== 'increment' && op.f !== 'decrement') || amount === null) return BAD_AMOUNT;
    const self = at.replica;
    const zeros = new Array<number>(at.nodes).fill(0);
    if (op.f === 'increment') {
      state.p[self]! += amount;
      return { ok: true, delta: { p: oneEntry(at.nodes, self, state.p[self]!), n: zeros } };
    }
    if (at.variant === PNCOUNTER_SIGNED_MAX) {
      state.p[self]! -= amount;
      return { ok: true, delta: { p: oneEntry(at.nodes, self, state.p[self]!), n: zeros } };
    }
    state.n[self]! += amount;
    return { ok: true, delta: { p: zeros, n: oneEntry(at.nodes, self, state.n[self]!) } };
  },
  read: (state) => sum(state.p) - sum(state.n),
  join(target, source) {
    const p = joinEntries(target.p, source.p, false);
    const n = joinEntries(target.n, source.n, false);
    return p || n;
  },
  value: (state) => sum(state.p) - sum(state.n),
  canonical: (state) => `${state.p.join(',')}/${state.n.join(',')}`,
  badge: (state) => `count ${sum(state.p) - sum(state.n)}`,
  inspect: (state) => [
    { title: 'P: increments per replica', cells: counterCells(state.p) },
    {
      title: 'N: decrements per replica',
      cells: counterCells(state.n),
      note: `value = ${sum(state.p)} − ${sum(state.n)} = ${sum(state.p) - sum(state.n)}`,
    },
  ],
  specRule:
    'the converged value lies between (acknowledged increments − possibly applied decrements) and (possibly applied increments − acknowledged decrements)',
  spec(ops, state) {
    const low = sumAmounts(ops, 'increment', isOk) - sumAmounts(ops, 'decrement', mayHaveApplied);
    const high = sumAmounts(ops, 'increment', mayHaveApplied) - sumAmounts(ops, 'decrement', isOk);
    const value = sum(state.p) - sum(state.n);
    return counterBounds(value, low, high, 'increments minus decrements');
  },
};
