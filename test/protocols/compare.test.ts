import { describe, expect, it } from 'vitest';
import { gcounter } from '../../src/protocols/crdt';
import { compareStores } from '../../src/protocols/common/compare';
import { presetScenario } from '../../src/sim/presets';
import { Simulation } from '../../src/sim/simulation';

describe('replicas side by side', () => {
  it('marks the cells that differ from the value most replicas hold, a column per key', () => {
    const stores = [
      new Map([
        ['x', 'a'],
        ['y', 'b'],
      ]),
      null, // down
      new Map([['x', 'a']]),
      new Map([
        ['x', 'c'],
        ['y', 'b'],
      ]),
    ];
    const table = compareStores(stores, (s) => s);
    expect(table.columns).toEqual(['x', 'y']);
    expect(
      table.rows.map((r) => r.cells?.map((c) => `${c.text}${c.differs ? '*' : ''}`) ?? null),
    ).toEqual([['a', 'b'], null, ['a', '–*'], ['c*', 'b']]);
  });

  it('clips long values from the left (appends grow at the end) but compares them whole', () => {
    const long = 'x'.repeat(40);
    const table = compareStores([new Map([['k', long]]), new Map([['k', `${long}!`]])], (s) => s);
    const [a, b] = table.rows.map((r) => r.cells![0]!);
    expect(a!.text.startsWith('…')).toBe(true);
    expect(a!.text.length).toBeLessThanOrEqual(24);
    expect([a!.differs, b!.differs]).toEqual([false, true]);
  });

  it('a CRDT marks the replicas that differ from the join during a partition, none after the heal', () => {
    const parsed = presetScenario(gcounter, 'partition-heal', '1');
    if (!parsed.ok) throw new Error(parsed.error);
    const sim = new Simulation(parsed.value, gcounter, { trace: 'hash', checkpointEvery: 0 });
    const marked = () =>
      gcounter.view.compare!(sim.nodeStates() as never).rows.filter((r) =>
        r.cells?.some((c) => c.differs),
      ).length;
    sim.runUntil(3_900_000);
    expect(marked()).toBeGreaterThan(0);
    sim.runUntil(parsed.value.durationMicros);
    expect(marked()).toBe(0);
    expect(gcounter.view.compare!(sim.nodeStates() as never).columns).toEqual([
      'value',
      'updates seen',
    ]);
  });
});
