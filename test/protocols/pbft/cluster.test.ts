import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../src/cli/execute';
import { pbft } from '../../../src/protocols/pbft';
import type { PbftState } from '../../../src/protocols/pbft/types';
import { presetScenario } from '../../../src/sim/presets';
import { DEFAULT_NEMESIS, defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { Scenario } from '../../../src/sim/types';

/** Whole clusters through the real kernel: the presets, determinism, the nemesis. */

function run(scenario: Scenario, until = scenario.durationMicros) {
  const sim = new Simulation(scenario, pbft, { trace: 'hash', checkpointEvery: 0 });
  sim.runUntil(until);
  if (sim.now >= scenario.durationMicros) sim.checkLiveness();
  return sim;
}

function preset(id: string, seed = '1', variant: string | null = null): Scenario {
  const parsed = presetScenario(pbft, id, seed);
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.value, variant };
}

function states(sim: Simulation): PbftState[] {
  return sim.nodeStates() as PbftState[];
}

function oks(sim: Simulation, after = 0): number {
  return sim.history.filter((e) => e.type === 'ok' && e.at >= after).length;
}

describe('presets', () => {
  it('normal: every replica executes the same requests, the history is linearizable', () => {
    const sim = run(preset('normal'));
    expect(sim.violations).toEqual([]);
    const executed = states(sim).map((s) => s.lastExecuted);
    expect(Math.min(...executed)).toBeGreaterThan(500);
    expect(Math.max(...executed) - Math.min(...executed)).toBeLessThanOrEqual(2);
    expect(states(sim).every((s) => s.view === 0)).toBe(true);
    expect(checkHistory(pbft, sim.scenario, sim.history).linearizable).toBe(true);
  });

  it('an equivocating primary is replaced: view 1 under n1 commits the clients’ requests', () => {
    const sim = run(preset('equivocating-primary'));
    expect(sim.violations).toEqual([]);
    const honest = states(sim).slice(1);
    expect(honest.every((s) => s.view === 1 && s.status === 'normal')).toBe(true);
    expect(oks(sim, 2_000_000)).toBeGreaterThan(300);
    expect(checkHistory(pbft, sim.scenario, sim.history).linearizable).toBe(true);
  });

  for (const id of ['silent-primary', 'wrong-digest-primary']) {
    it(`${id}: the backups change views and carry on`, () => {
      const sim = run(preset(id));
      expect(sim.violations).toEqual([]);
      expect(
        states(sim)
          .slice(1)
          .every((s) => s.view >= 1),
      ).toBe(true);
      expect(oks(sim, 2_000_000)).toBeGreaterThan(300);
    });
  }

  for (const id of ['delaying-primary', 'yes-man-backup', 'replaying-backup', 'seven-replicas']) {
    it(`${id}: safe and live`, () => {
      const sim = run(preset(id));
      expect(sim.violations).toEqual([]);
      expect(oks(sim, 2_000_000)).toBeGreaterThan(300);
      expect(checkHistory(pbft, sim.scenario, sim.history).linearizable).toBe(true);
    });
  }

  it('lagging-replica: the replica that was cut off catches up by state transfer', () => {
    const sim = run(preset('lagging-replica'), 3_900_000);
    const behind = states(sim)[3]!.lastExecuted;
    expect(states(sim)[0]!.stable.n).toBeGreaterThan(behind);
    sim.runUntil(sim.scenario.durationMicros);
    expect(sim.violations).toEqual([]);
    const lagging = states(sim)[3]!;
    expect(lagging.lastExecuted).toBeGreaterThanOrEqual(states(sim)[0]!.stable.n);
  });

  it('beyond-f: with f + 1 traitors honest replicas commit different requests, and nothing is claimed', () => {
    const sim = run(preset('beyond-f'));
    expect(sim.violations.map((v) => v.invariant)).toEqual(['agreement-beyond-f']);
    expect(sim.violations[0]!.message).toMatch(/^beyond the fault assumption/);
    expect(checkHistory(pbft, sim.scenario, sim.history).claims).toEqual([]);
  });
});

describe('beyond the fault assumption and the buggy variants', () => {
  it('beyond-f-liars: two liars make a client believe a forged result; the history breaks, unclaimed', () => {
    // The first 3 s are enough (a history that is not linearizable is slow to search through).
    const sim = run(preset('beyond-f-liars'), 3_000_000);
    expect(sim.violations.map((v) => v.invariant)).toEqual(['agreement-beyond-f']);
    const verdict = checkHistory(pbft, sim.scenario, sim.history);
    expect(verdict.claims).toEqual([]);
    expect(verdict.linearizable).toBe(false);
    expect(sim.history.some((e) => e.type === 'ok' && e.value === 'forged')).toBe(true);
  });

  // Seeds found by `splitbrain fuzz --nemesis --variant V` (the first failing seed of 1..500).
  const found: [string, string][] = [
    ['commit-quorum-2f', '25'],
    ['ignore-prepared', '1'],
    ['accept-conflicting', '21'],
  ];
  for (const [variant, seed] of found) {
    it(`BUG ${variant}: honest replicas disagree on seed ${seed}, where the faithful protocol is safe`, () => {
      const scenario = { ...defaultScenario(pbft, seed), nemesis: DEFAULT_NEMESIS };
      const buggy = run({ ...scenario, variant });
      expect(buggy.violations.map((v) => v.invariant)).toContain('agreement');
      expect(run(scenario).violations).toEqual([]);
    });
  }
});

describe('the nemesis beyond the fault assumption', () => {
  it('nemesisTraitors f-plus-1 draws f + 1 traitors, and a sweep finds honest replicas disagreeing (seed 21)', () => {
    const scenario: Scenario = {
      ...defaultScenario(pbft, '21'),
      nemesis: DEFAULT_NEMESIS,
      params: { ...defaultScenario(pbft, '21').params, nemesisTraitors: 'f-plus-1' },
    };
    const sim = run(scenario);
    expect(sim.scenario.params.byzantine.toString().split(',')).toHaveLength(2);
    expect(sim.violations.map((v) => v.invariant)).toEqual(['agreement-beyond-f']);
    expect(checkHistory(pbft, sim.scenario, sim.history).claims).toEqual([]);
  });
});

describe('determinism', () => {
  it('the same scenario and seed give the same trace hash, with traitors and the nemesis', () => {
    const scenario = { ...defaultScenario(pbft, '7'), nemesis: DEFAULT_NEMESIS };
    const a = run(scenario, 4_000_000);
    const b = run(scenario, 4_000_000);
    expect(a.traceHash()).toBe(b.traceHash());
    expect(a.scenario.params.byzantine).not.toBe('');
    expect(run({ ...scenario, seed: '8' }, 4_000_000).traceHash()).not.toBe(a.traceHash());
  });

  it('the nemesis draws the traitors into the run’s scenario, so its link replays exactly', () => {
    const scenario = { ...defaultScenario(pbft, '11'), nemesis: DEFAULT_NEMESIS };
    const first = run(scenario, 3_000_000);
    const replay = run(first.currentScenario(), 3_000_000);
    expect(replay.scenario.params.byzantine).toBe(first.scenario.params.byzantine);
    expect(replay.traceHash()).toBe(first.traceHash());
  });
});

describe('the nemesis with up to f traitors', () => {
  it('a short sweep is safe and live', () => {
    const found: string[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const sim = run({ ...defaultScenario(pbft, String(seed)), nemesis: DEFAULT_NEMESIS });
      for (const v of sim.violations) found.push(`seed ${seed}: ${v.invariant}: ${v.message}`);
      const verdict = checkHistory(pbft, sim.scenario, sim.history);
      if (verdict.linearizable !== true) found.push(`seed ${seed}: not linearizable`);
    }
    expect(found).toEqual([]);
  });
});
