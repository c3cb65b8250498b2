import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStamps, wins, type LwwValue } from '../../../src/protocols/replication/common/lww';
import {
  addVersion,
  compareClocks,
  mergeSiblings,
  nextClock,
  readResult,
  type Version,
} from '../../../src/protocols/replication/common/versions';

const clock = fc.array(fc.nat(3), { minLength: 3, maxLength: 3 });
const version = fc
  .record({ value: fc.constantFrom('a', 'b', 'c'), clock })
  .map(({ value, clock: c }): Version => ({ value, clock: c, writer: c.join(':'), writes: [] }));
const versions = fc.array(version, { maxLength: 5 });

/** The set a sibling list stands for, as comparable text. */
const asSet = (list: readonly Version[]) => list.map((v) => v.clock.join(',')).sort();

function mergeAll(lists: readonly (readonly Version[])[]): Version[] {
  let out: Version[] = [];
  for (const list of lists) out = mergeSiblings(out, list) ?? out;
  return out;
}

describe('vector-clock siblings', () => {
  it('merging is commutative, associative and idempotent (as sets of versions)', () => {
    fc.assert(
      fc.property(versions, versions, versions, (a, b, c) => {
        expect(asSet(mergeAll([a, b]))).toEqual(asSet(mergeAll([b, a])));
        expect(asSet(mergeAll([mergeAll([a, b]), c]))).toEqual(
          asSet(mergeAll([a, mergeAll([b, c])])),
        );
        const ab = mergeAll([a, b]);
        expect(mergeSiblings(ab, ab)).toBeNull();
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('siblings are pairwise concurrent: no kept version descends from another', () => {
    fc.assert(
      fc.property(versions, (list) => {
        const merged = mergeAll([list]);
        for (let i = 0; i < merged.length; i++)
          for (let j = i + 1; j < merged.length; j++)
            expect(compareClocks(merged[i]!.clock, merged[j]!.clock)).toBe('concurrent');
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a version with the next clock of a node supersedes every sibling it was made from', () => {
    fc.assert(
      fc.property(versions, fc.nat(2), (list, node) => {
        const siblings = mergeAll([list]);
        const next: Version = {
          value: 'n',
          clock: nextClock(siblings, node, 3),
          writer: 'w',
          writes: [],
        };
        expect(addVersion(siblings, next)).toEqual([next]);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a read of siblings returns their distinct values, sorted; of one value, the value', () => {
    const v = (value: string, c: number[]): Version => ({
      value,
      clock: c,
      writer: '',
      writes: [],
    });
    expect(readResult([])).toBe('');
    expect(readResult([v('b', [1, 0]), v('a', [0, 1])])).toEqual(['a', 'b']);
    expect(readResult([v('a', [1, 0]), v('a', [0, 1])])).toBe('a');
  });
});

describe('last-writer-wins stamps', () => {
  const lww = fc.record({
    value: fc.string(),
    time: fc.nat(5),
    node: fc.nat(3),
    writer: fc.constant(''),
  });
  it('the winner of any set of values is the same whatever the order they arrive in', () => {
    fc.assert(
      fc.property(fc.array(lww, { minLength: 1, maxLength: 6 }), fc.nat(), (list, rotate) => {
        const pick = (order: readonly LwwValue[]) =>
          order.reduce<LwwValue | undefined>((held, v) => (wins(v, held) ? v : held), undefined)!;
        const k = rotate % list.length;
        const other = [...list.slice(k), ...list.slice(0, k)].reverse();
        expect(compareStamps(pick(list), pick(other))).toBe(0);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
