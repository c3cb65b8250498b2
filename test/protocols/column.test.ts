import { describe, expect, it } from 'vitest';
import { column, forgetBelow, setValueAt, valueAt } from '../../src/protocols/common/column';

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

  it('forgets the indices below a floor in steps, keeps the rest, and gives back capacity', () => {
    const c = column();
    for (let i = 0; i < 5_000; i++) setValueAt(c, i, i * 2);
    expect(forgetBelow(c, 500)).toBe(false); // less than a step: nothing moves yet
    expect(valueAt(c, 499)).toBe(998);
    expect(forgetBelow(c, 4_900)).toBe(true);
    expect([valueAt(c, 4_899), valueAt(c, 4_900), valueAt(c, 4_999)]).toEqual([
      undefined,
      9_800,
      9_998,
    ]);
    expect(c.values.length).toBeLessThanOrEqual(512);
    expect(() => setValueAt(c, 10, 1)).toThrow(/forgotten/);
    setValueAt(c, 6_000, 7);
    expect(valueAt(c, 6_000)).toBe(7);
  });

  it('refuses a negative or absurd index and a value that is not a number', () => {
    expect(() => setValueAt(column(), -1, 1)).toThrow();
    expect(() => setValueAt(column(), 1e12, 1)).toThrow();
    expect(() => setValueAt(column(), 1, Number.NaN)).toThrow();
  });
});
