import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawNemesis } from '../../src/sim/nemesis';
import { Stream } from '../../src/sim/rng';
import { DEFAULT_LINK, DEFAULT_NEMESIS } from '../../src/sim/scenario';
import type { FaultAction, TimedFault } from '../../src/sim/types';

const draw = (seed: string, nodes: number): TimedFault[] =>
  drawNemesis(
    DEFAULT_NEMESIS,
    nodes,
    0,
    new Stream(seed, 'nemesis'),
    DEFAULT_LINK.latency,
    new Stream(seed, 'nemesis-swarm'),
  );

describe('nemesis', () => {
  it('draws every kind of fault it is given, all inside the safety phase, in time order', () => {
    const faults = draw('1', 5);
    // About a dozen faults per seed: over five seeds every kind shows up.
    const kinds = new Set(
      ['1', '2', '3', '4', '5'].flatMap((seed) => draw(seed, 5)).map((f) => f.action.kind),
    );
    for (const kind of [
      'partition',
      'heal',
      'cut',
      'uncut',
      'crash',
      'restart',
      'pause',
      'resume',
      'loss',
      'isolateLeader',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(kinds.has('clockJump') || kinds.has('clockDrift')).toBe(true);
    expect(faults.every((f) => f.at >= 0 && f.at < DEFAULT_NEMESIS.safetyMicros)).toBe(true);
    expect(faults.map((f) => f.at)).toEqual([...faults.map((f) => f.at)].sort((a, b) => a - b));
  });

  it('swarms: seeds differ in which kinds of fault they draw and how fast', () => {
    const kindSets = new Set(
      ['1', '2', '3', '4', '5', '6', '7', '8'].map((seed) =>
        [...new Set(draw(seed, 5).map((f) => f.action.kind))].sort().join(','),
      ),
    );
    expect(kindSets.size).toBeGreaterThan(3);
    const counts = ['1', '2', '3', '4', '5', '6', '7', '8'].map((seed) => draw(seed, 5).length);
    expect(Math.max(...counts)).toBeGreaterThan(2 * Math.min(...counts));
  });

  it('is a function of the seed', () => {
    expect(draw('7', 5)).toEqual(draw('7', 5));
    expect(draw('7', 5)).not.toEqual(draw('8', 5));
  });

  it('never has more than a minority of nodes crashed at once, and restarts every node it crashes', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 9 }), (seed, nodes) => {
        const down = new Set<number>();
        const minority = Math.floor((nodes - 1) / 2);
        for (const { action } of draw(seed, nodes)) {
          const act = action as FaultAction & { node?: number };
          if (act.kind === 'crash') down.add(act.node!);
          if (act.kind === 'restart') down.delete(act.node!);
          expect(down.size).toBeLessThanOrEqual(minority);
          if (nodes === 1) expect(['partition', 'cut']).not.toContain(act.kind);
        }
        expect(down.size).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('a leader burst cuts off whoever leads every 10 to 20 ms, then heals', () => {
    const only = { ...DEFAULT_NEMESIS, kinds: ['leader' as const] };
    const faults = drawNemesis(
      only,
      5,
      0,
      new Stream('2', 'nemesis'),
      DEFAULT_LINK.latency,
      new Stream('2', 'nemesis-swarm'),
    );
    const isolations = faults.filter((f) => f.action.kind === 'isolateLeader');
    expect(isolations.length).toBeGreaterThan(20);
    expect(faults.filter((f) => f.action.kind === 'heal').length).toBeGreaterThan(0);
    // Until the first burst ends, whoever leads is cut off at least every 20 ms.
    const firstHeal = faults.find((f) => f.action.kind === 'heal')!.at;
    const burst = isolations.filter((f) => f.at < firstHeal).map((f) => f.at);
    expect(burst.length).toBeGreaterThan(10);
    for (let i = 1; i < burst.length; i++)
      expect(burst[i]! - burst[i - 1]!).toBeLessThanOrEqual(20_000);
    expect(faults.at(-1)!.action.kind).toBe('heal');
  });
});
