import { assert } from '../../sim/assert';

/**
 * A growable column of numbers by index, for invariant memories that remember something per log
 * index. It is plain data (a typed array), so the kernel's checkpoints copy it in one block, and
 * it can forget the indices below a floor that no check will look at again, so that it holds a
 * window of the log instead of the whole run (every checkpoint copies it). An index never set,
 * or forgotten, reads as undefined.
 */
export interface Column {
  /** values[i] holds index base + i (NaN: not set). */
  values: Float64Array;
  base: number;
}

const INITIAL_CAPACITY = 256;
/** Forget in steps of at least this many indices (a compaction moves the rest down). */
const FORGET_STEP = 1_024;
/** Far beyond any run's log: a bound, so a runaway index fails loudly instead of eating memory. */
const MAX_INDEX = 50_000_000;

export function column(): Column {
  return { values: new Float64Array(INITIAL_CAPACITY).fill(Number.NaN), base: 0 };
}

export function valueAt(c: Column, index: number): number | undefined {
  const i = index - c.base;
  if (i < 0 || i >= c.values.length) return undefined;
  const value = c.values[i]!;
  return Number.isNaN(value) ? undefined : value;
}

export function setValueAt(c: Column, index: number, value: number): void {
  assert(Number.isInteger(index) && index < MAX_INDEX, 'column index', index);
  assert(index >= c.base, 'setting a forgotten index', index, c.base);
  assert(!Number.isNaN(value), 'a column holds numbers', index);
  const i = index - c.base;
  if (i >= c.values.length) {
    let capacity = c.values.length;
    while (capacity <= i) capacity *= 2;
    const grown = new Float64Array(capacity).fill(Number.NaN);
    grown.set(c.values);
    c.values = grown;
  }
  c.values[i] = value;
}

/**
 * Forget every index below `index`. It compacts only once FORGET_STEP indices can go, so calling
 * it after every event costs nothing; returns whether it compacted.
 */
export function forgetBelow(c: Column, index: number): boolean {
  const shift = index - c.base;
  if (shift < FORGET_STEP) return false;
  const length = c.values.length;
  if (shift >= length) c.values.fill(Number.NaN);
  else {
    c.values.copyWithin(0, shift);
    c.values.fill(Number.NaN, length - shift);
  }
  c.base = index;
  shrink(c);
  assert(valueAt(c, index - 1) === undefined, 'forgotten indices read as unset', index);
  return true;
}

/** After a compaction: give back capacity that the window no longer needs. */
function shrink(c: Column): void {
  let used = c.values.length;
  while (used > 0 && Number.isNaN(c.values[used - 1]!)) used--;
  let capacity = c.values.length;
  while (capacity > INITIAL_CAPACITY && used * 4 < capacity) capacity /= 2;
  if (capacity === c.values.length) return;
  const smaller = new Float64Array(capacity).fill(Number.NaN);
  smaller.set(c.values.subarray(0, used));
  c.values = smaller;
}
