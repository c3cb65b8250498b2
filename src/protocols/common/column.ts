import { assert } from '../../sim/assert';

/**
 * A growable column of numbers by index, for invariant memories that remember something per log
 * index for the whole run. It is plain data (a typed array), so the kernel's checkpoints copy it
 * in one block: number arrays this long made every checkpoint restore (and so every seek) slower
 * as a run grew. An index never set reads as undefined.
 */
export interface Column {
  values: Float64Array;
}

const INITIAL_CAPACITY = 256;
/** Far beyond any run's log: a bound, so a runaway index fails loudly instead of eating memory. */
const MAX_INDEX = 50_000_000;

export function column(): Column {
  return { values: new Float64Array(INITIAL_CAPACITY).fill(Number.NaN) };
}

export function valueAt(c: Column, index: number): number | undefined {
  if (index >= c.values.length) return undefined;
  const value = c.values[index]!;
  return Number.isNaN(value) ? undefined : value;
}

export function setValueAt(c: Column, index: number, value: number): void {
  assert(Number.isInteger(index) && index >= 0 && index < MAX_INDEX, 'column index', index);
  assert(!Number.isNaN(value), 'a column holds numbers', index);
  if (index >= c.values.length) {
    let capacity = c.values.length;
    while (capacity <= index) capacity *= 2;
    const grown = new Float64Array(capacity).fill(Number.NaN);
    grown.set(c.values);
    c.values = grown;
  }
  c.values[index] = value;
}
