import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceHasher } from '../../src/sim/hash';
import { Stream, Streams } from '../../src/sim/rng';

describe('random streams', () => {
  it('are a function of (seed, label) only', () => {
    const a = new Streams('42');
    const b = new Streams('42');
    b.get('workload').uint32(); // using another stream first changes nothing for this one
    const xs = Array.from({ length: 20 }, () => a.get('network').uint32());
    const ys = Array.from({ length: 20 }, () => b.get('network').uint32());
    expect(ys).toEqual(xs);
    expect(new Stream('43', 'network').uint32()).not.toBe(xs[0]);
    expect(new Stream('42', 'faults').uint32()).not.toBe(xs[0]);
  });

  it('draw integers inside their bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.string(),
        (min, width, seed) => {
          const rng = new Stream(seed, 'x');
          for (let i = 0; i < 20; i++) {
            const v = rng.range(min, min + width);
            expect(Number.isInteger(v) && v >= min && v <= min + width).toBe(true);
          }
        },
      ),
    );
  });

  it('are close to uniform (chi-square over 10 buckets)', () => {
    const rng = new Stream('uniform', 'x');
    const counts = new Array(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[rng.int(10)]++;
    const expected = draws / 10;
    const chi = counts.reduce((sum, c) => sum + ((c - expected) * (c - expected)) / expected, 0);
    expect(chi).toBeLessThan(27.9); // p = 0.001 for 9 degrees of freedom
  });

  it('save and restore their state exactly', () => {
    const streams = new Streams('7');
    streams.get('a').uint32();
    const saved = streams.save();
    const next = [streams.get('a').uint32(), streams.get('b').uint32()];
    streams.restore(saved);
    expect([streams.get('a').uint32(), streams.get('b').uint32()]).toEqual(next);
  });

  it('honour chancePpm at its extremes and roughly in between', () => {
    const rng = new Stream('p', 'x');
    let hits = 0;
    for (let i = 0; i < 10_000; i++) {
      expect(rng.chancePpm(0)).toBe(false);
      expect(rng.chancePpm(1_000_000)).toBe(true);
      if (rng.chancePpm(250_000)) hits++;
    }
    expect(hits).toBeGreaterThan(2_300);
    expect(hits).toBeLessThan(2_700);
  });
});

describe('trace hash', () => {
  it('is stable: these inputs always give this digest, in every engine', () => {
    const hasher = new TraceHasher();
    for (const v of [0, 1, -1, 2 ** 31, 2 ** 40 + 7, 3_600_000_000]) hasher.add(v);
    hasher.addString('AppendEntries');
    expect(hasher.digest()).toBe(GOLDEN_DIGEST);
  });

  it('depends on order and on every value', () => {
    const digest = (values: number[]) => {
      const h = new TraceHasher();
      values.forEach((v) => h.add(v));
      return h.digest();
    };
    expect(digest([1, 2])).not.toBe(digest([2, 1]));
    expect(digest([2 ** 32])).not.toBe(digest([0]));
    expect(digest([5])).toMatch(/^[0-9a-f]{16}$/);
  });
});

const GOLDEN_DIGEST = '98ec57735f30739c';
