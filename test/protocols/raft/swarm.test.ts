import { describe, expect, it } from 'vitest';
import { raft } from '../../../src/protocols/raft';
import { SWARM_DEFAULTS } from '../../../src/protocols/raft/swarm';
import { DEFAULT_NEMESIS, defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { Scenario } from '../../../src/sim/types';

/** Swarm testing of Raft's knobs: what each seed draws with the nemesis on, and what it keeps. */

const withNemesis = (seed: string, params: Record<string, number> = {}): Scenario => {
  const base = defaultScenario(raft, seed);
  return { ...base, nemesis: DEFAULT_NEMESIS, params: { ...base.params, ...params } };
};

const paramsOf = (scenario: Scenario) =>
  new Simulation(scenario, raft, { trace: 'off' }).scenario.params;

describe('swarm testing of Raft parameters under the nemesis', () => {
  it('draws from the same defaults the parameter spec declares', () => {
    for (const [key, value] of Object.entries(SWARM_DEFAULTS))
      expect(raft.params[key]!.default, key).toBe(value);
  });

  it('each seed draws a batch size (1, 2 or 64) and sometimes near-equal election timeouts', () => {
    const batches = new Set<unknown>();
    let narrow = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const params = paramsOf(withNemesis(String(seed)));
      batches.add(params.maxEntriesPerAppend);
      if (params.electionTimeoutMicrosMax === 160_000) narrow++;
    }
    expect([...batches].sort((a, b) => Number(a) - Number(b))).toEqual([1, 2, 64]);
    expect(narrow).toBeGreaterThan(10);
    expect(narrow).toBeLessThan(50);
  });

  it('a knob the scenario sets is kept, and nothing is drawn without the nemesis', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const pinned = paramsOf(
        withNemesis(String(seed), { maxEntriesPerAppend: 16, electionTimeoutMicrosMax: 400_000 }),
      );
      expect(pinned.maxEntriesPerAppend).toBe(16);
      expect(pinned.electionTimeoutMicrosMax).toBe(400_000);
      const quiet = paramsOf(defaultScenario(raft, String(seed)));
      expect(quiet.maxEntriesPerAppend).toBe(64);
    }
  });

  it("the run's scenario holds the drawn values, so its link replays the same run", () => {
    const first = new Simulation(withNemesis('7'), raft, { trace: 'hash', checkpointEvery: 0 });
    first.runUntil(2_000_000);
    const again = new Simulation(first.currentScenario(), raft, {
      trace: 'hash',
      checkpointEvery: 0,
    });
    again.runUntil(2_000_000);
    expect(again.scenario.params).toEqual(first.scenario.params);
    expect(again.traceHash()).toBe(first.traceHash());
  });
});
