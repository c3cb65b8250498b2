import { describe, expect, it } from 'vitest';
import { CRDT_PROTOCOLS, gcounter, orset, rga, twophaseset } from '../../../src/protocols/crdt';
import { fingerprint } from '../../../src/protocols/crdt/crdt';
import type { ORSetState } from '../../../src/protocols/crdt/orset';
import type { RgaState } from '../../../src/protocols/crdt/rga';
import type { TwoPhaseSetState } from '../../../src/protocols/crdt/sets';
import type { Replica } from '../../../src/protocols/crdt/types';
import { presetScenario } from '../../../src/sim/presets';
import { DEFAULT_NEMESIS, defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { ProtocolModule, Scenario } from '../../../src/sim/types';
import { CRDT_TYPES } from '../../../src/protocols/crdt';

/** Whole clusters through the real kernel: convergence, presets, sweeps, time to converge. */

function run(module: ProtocolModule, scenario: Scenario, trace: 'hash' | 'full' = 'hash') {
  const sim = new Simulation(scenario, module, { trace, checkpointEvery: 0 });
  sim.runUntil(scenario.durationMicros);
  sim.checkLiveness();
  return sim;
}

function preset(module: ProtocolModule, id: string, seed = '1'): Scenario {
  const parsed = presetScenario(module, id, seed);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function nemesis(module: ProtocolModule, seed: number, params = {}, variant: string | null = null) {
  const base = defaultScenario(module, String(seed));
  return { ...base, nemesis: DEFAULT_NEMESIS, variant, params: { ...base.params, ...params } };
}

const typeOf = (module: ProtocolModule) => CRDT_TYPES.find((t) => t.id === module.id)!;

/** Distinct replica states (state and value) at the cursor. */
function distinct(sim: Simulation): number {
  const type = typeOf(sim.module);
  const states = sim.nodeStates() as (Replica<unknown> | null)[];
  return new Set(
    states.map((r) => (r === null ? 'down' : fingerprint(type as never, r.crdt, r.variant))),
  ).size;
}

/** When the last replica state changed: the "update" and "merge" notes of the trace. */
function lastChangeMicros(sim: Simulation): number {
  let last = -1;
  for (let i = 0; i < sim.trace.length; i++) {
    const record = sim.trace.get(i);
    if (record.kind === 'note' && (record.name === 'merge' || record.name === 'update'))
      last = record.at;
  }
  return last;
}

describe.each(CRDT_PROTOCOLS.map((m) => m.id))('%s', (id) => {
  const module = CRDT_PROTOCOLS.find((m) => m.id === id)!;
  it('converges on a healthy network: every replica ends with the same state and value', () => {
    const sim = run(module, defaultScenario(module, '1'));
    expect(sim.violations).toEqual([]);
    expect(distinct(sim)).toBe(1);
    expect(sim.history.filter((e) => e.type === 'ok').length).toBeGreaterThan(100);
  });

  it('converges after the quiet phase under the nemesis (seeds 1..4, delta push)', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const sim = run(module, nemesis(module, seed));
      expect(sim.violations, `seed ${seed}`).toEqual([]);
      expect(sim.stopped).toBeNull();
    }
  });

  it('converges with whole states and push-pull, and with deltas and pull (nemesis, seed 5)', () => {
    for (const params of [
      { dissemination: 'state', antiEntropy: 'push-pull' },
      { dissemination: 'delta', antiEntropy: 'pull' },
    ]) {
      const sim = run(module, nemesis(module, 5, params));
      expect(sim.violations, JSON.stringify(params)).toEqual([]);
    }
  });

  it('every preset runs clean', () => {
    for (const p of module.presets.filter((p) => p.id !== 'gossip-50')) {
      const sim = run(module, preset(module, p.id));
      expect(sim.violations, p.id).toEqual([]);
    }
  });

  it('is deterministic: one seed, one trace hash', () => {
    const scenario = nemesis(module, 9);
    expect(run(module, scenario).traceHash()).toBe(run(module, scenario).traceHash());
  });
});

describe('partition, then heal (G-Counter preset)', () => {
  const scenario = preset(gcounter, 'partition-heal');

  it('the two sides differ during the partition and every replica agrees after the heal', () => {
    const sim = new Simulation(scenario, gcounter, { trace: 'full', checkpointEvery: 0 });
    sim.runUntil(3_900_000);
    expect(distinct(sim)).toBeGreaterThan(1);
    // Each side lags behind the other's increments made since 1 s.
    const entries = (sim.nodeStates() as Replica<{ counts: number[] }>[]).map((r) => r.crdt.counts);
    expect(entries[0]![2]).toBeLessThan(entries[2]![2]!);
    expect(entries[3]![1]).toBeLessThan(entries[1]![1]!);
    sim.runUntil(scenario.durationMicros);
    sim.checkLiveness();
    expect(distinct(sim)).toBe(1);
    expect(sim.violations).toEqual([]);
  });

  it('converges within half a second of the heal (the last state change, from the trace notes)', () => {
    const sim = run(gcounter, scenario, 'full');
    const converged = lastChangeMicros(sim);
    expect(converged).toBeGreaterThan(4_000_000);
    expect(converged - 4_000_000).toBeLessThan(500_000);
  });
});

describe('OR-Set versus 2P-Set on the same concurrent adds and removes', () => {
  it('the OR-Set ends with more elements: a re-add after a remove survives; in the 2P-Set it never does', () => {
    let orsetElements = 0;
    let twoPhaseElements = 0;
    for (const seed of ['1', '2', '3']) {
      const a = run(orset, preset(orset, 'add-remove', seed));
      const b = run(twophaseset, preset(twophaseset, 'add-remove', seed));
      expect(a.violations).toEqual([]);
      expect(b.violations).toEqual([]);
      orsetElements += (
        orset.view.summarize(a.nodeState(0) as Replica<ORSetState>).badge!.match(/\d+/g) ?? []
      ).length;
      twoPhaseElements += (
        twophaseset.view
          .summarize(b.nodeState(0) as Replica<TwoPhaseSetState>)
          .badge!.match(/\d+/g) ?? []
      ).length;
    }
    expect(orsetElements).toBeGreaterThan(twoPhaseElements);
  });
});

describe('RGA under a partition', () => {
  it('the texts drift apart while n0 is cut off and are one text after the heal', () => {
    const scenario = preset(rga, 'text-partition');
    const sim = new Simulation(scenario, rga, { trace: 'hash', checkpointEvery: 0 });
    sim.runUntil(3_900_000);
    const texts = (r: unknown) => rga.view.summarize(r as Replica<RgaState>).badge;
    expect(texts(sim.nodeState(0))).not.toBe(texts(sim.nodeState(1)));
    sim.runUntil(scenario.durationMicros);
    sim.checkLiveness();
    expect(sim.violations).toEqual([]);
    expect(new Set(sim.nodeStates().map(texts)).size).toBe(1);
  });
});

describe('50-node gossip', () => {
  it('fifty replicas converge after the clients stop', () => {
    const scenario = preset(gcounter, 'gossip-50');
    expect(scenario.nodes).toBe(50);
    const sim = run(gcounter, scenario);
    expect(sim.violations).toEqual([]);
    expect(distinct(sim)).toBe(1);
  });
});

describe('buggy variants are caught by the convergence check', () => {
  it.each([
    ['gcounter', 'sum-merge'],
    ['orset', 'remove-wins'],
    ['twophaseset', 'no-tombstone'],
    ['rga', 'arrival-order'],
  ] as const)('%s, variant %s: the first nemesis seed already fails', (id, variant) => {
    const module = CRDT_PROTOCOLS.find((m) => m.id === id)!;
    const sim = run(module, nemesis(module, 1, {}, variant));
    expect(sim.violations.map((v) => v.invariant)).toContain('liveness');
  });
});
