import { describe, expect, it } from 'vitest';
import { column, setValueAt, valueAt } from '../../src/protocols/common/column';

describe('a growable column of numbers for invariant memories', () => {
  it('reads undefined where nothing was set, and what was set elsewhere, across growth', () => {
    const c = column();
    expect(valueAt(c, 0)).toBeUndefined();
    setValueAt(c, 3, 7);
    setValueAt(c, 10_000, -2);
    expect([valueAt(c, 3), valueAt(c, 4), valueAt(c, 10_000), valueAt(c, 20_000)]).toEqual([
      7,
      undefined,
      -2,
      undefined,
    ]);
    expect(c.values.length).toBeGreaterThan(10_000);
  });

  it('survives a checkpoint copy (structuredClone) as plain data, and the copy is independent', () => {
    const c = column();
    setValueAt(c, 5, 4_294_967_296 * 3 + 9); // a command key (client * 2^32 + seq)
    const copy = structuredClone(c);
    setValueAt(c, 5, 1);
    expect(valueAt(copy, 5)).toBe(4_294_967_296 * 3 + 9);
  });

  it('refuses a negative or absurd index and a value that is not a number', () => {
    expect(() => setValueAt(column(), -1, 1)).toThrow();
    expect(() => setValueAt(column(), 1e12, 1)).toThrow();
    expect(() => setValueAt(column(), 1, Number.NaN)).toThrow();
  });
});
