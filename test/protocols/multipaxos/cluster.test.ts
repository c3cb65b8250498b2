import { describe, expect, it } from 'vitest';
import { multipaxos } from '../../../src/protocols/multipaxos';
import type { MultiPaxosState } from '../../../src/protocols/multipaxos/types';
import { checkLinearizable, operationsFromHistory } from '../../../src/sim/history/linearizability';
import { kvStoreModel } from '../../../src/sim/history/models';
import { defaultScenario } from '../../../src/sim/scenario';
import type { Simulation } from '../../../src/sim/simulation';
import type { Scenario } from '../../../src/sim/types';
import { failures, nemesisScenario, presetOf, runScenario, sweep } from '../paxos/sim';

/** Whole clusters through the real kernel: presets, determinism, seed sweeps, buggy variants. */

const run = (id: string, seed = '1', variant: string | null = null, until?: number) =>
  runScenario(multipaxos, presetOf(multipaxos, id, seed, variant), until);

function states(sim: Simulation): (MultiPaxosState | null)[] {
  return sim.nodeStates() as (MultiPaxosState | null)[];
}

function linearizable(sim: Simulation): boolean | 'unknown' {
  return checkLinearizable(operationsFromHistory(sim.history), kvStoreModel, {
    maxSteps: 5_000_000,
  }).linearizable;
}

describe('a healthy cluster', () => {
  it('elects one leader, runs phase 1 once, and every replica applies the same commands', () => {
    const sim = runScenario(multipaxos, defaultScenario(multipaxos, '1'));
    expect(sim.violations).toEqual([]);
    const all = states(sim).map((s) => s!);
    const leaders = all.filter((s) => s.role === 'leader');
    expect(leaders).toHaveLength(1);
    expect(new Set(all.map((s) => s.promised.round))).toEqual(new Set([1]));
    const applied = Math.min(...all.map((s) => s.applied));
    expect(applied).toBeGreaterThan(800);
    const logs = all.map((s) =>
      JSON.stringify([...Array(applied).keys()].map((i) => s.chosen.get(i + 1))),
    );
    expect(new Set(logs).size).toBe(1);
    expect(linearizable(sim)).toBe(true);
  });

  it('gives the same trace hash for the same seed, and another for another seed', () => {
    const hash = (seed: string) =>
      runScenario(multipaxos, nemesisScenario(multipaxos, seed)).traceHash();
    expect(hash('21')).toBe(hash('21'));
    expect(hash('21')).not.toBe(hash('22'));
  });
});

describe('presets do what they say', () => {
  it('every preset runs clean in correct Multi-Paxos, liveness included, with a linearizable history', () => {
    for (const preset of multipaxos.presets) {
      const sim = run(preset.id);
      expect(sim.violations, preset.id).toEqual([]);
      expect(linearizable(sim), preset.id).toBe(true);
    }
  });

  it('leader crash in phase 2: the new leader re-proposes what n1 and n2 accepted, and nothing chosen is lost', () => {
    const before = states(run('leader-crash-phase2', '1', null, 2_099_000));
    const chosenBefore = new Map(before[0]!.chosen);
    const after = states(run('leader-crash-phase2', '1', null, 3_000_000));
    const leader = after.find((s) => s?.role === 'leader')!;
    expect(leader.promised.round).toBeGreaterThan(1);
    for (const [slot, cmd] of chosenBefore) expect(leader.chosen.get(slot)).toEqual(cmd);
  });

  it('leader crash in phase 2 with skip-recovery: the new leader overwrites chosen slots', () => {
    for (const seed of ['1', '2', '3']) {
      const sim = run('leader-crash-phase2', seed, 'skip-recovery');
      expect(sim.violations[0]!.invariant).toBe('chosen-once');
    }
  });

  it('leader partition: the majority elects a higher ballot; the old leader steps down after the heal', () => {
    const during = states(run('leader-partition', '1', null, 4_900_000));
    expect(during[0]!.role).toBe('leader');
    expect(during[0]!.promised.round).toBe(1);
    const majorityLeader = [2, 3, 4].find((n) => during[n]!.role === 'leader');
    expect(majorityLeader).toBeDefined();
    const after = states(run('leader-partition', '1', null, 6_000_000));
    expect(after[0]!.role).toBe('follower');
    expect(after[0]!.leader).toBe(majorityLeader);
  });

  it('minority commit: the variant learns unchosen slots, diverges and loses linearizability', () => {
    const sim = run('minority-commit', '1', 'minority-commit');
    const broken = sim.violations.map((v) => v.invariant);
    expect(broken).toContain('slot-agreement');
    expect(broken).toContain('state-machine-safety');
    expect(linearizable(sim)).toBe(false);
  });

  it('forgotten promise: volatile-promise lets the old leader choose slots the new one fills otherwise', () => {
    const found = failures(multipaxos, 10, (seed) =>
      presetOf(multipaxos, 'forgotten-promise', seed, 'volatile-promise'),
    );
    expect(found.seeds.length).toBeGreaterThan(2);
    expect(found.invariants).toContain('promise-kept');
    expect(found.invariants).toContain('chosen-once');
  });
});

describe('seed sweeps with the nemesis (correct Multi-Paxos: no violation, liveness after the quiet phase)', () => {
  it('40 seeds, with linearizable histories', () => {
    const make = (seed: string): Scenario => nemesisScenario(multipaxos, seed);
    expect(sweep(multipaxos, 40, make)).toEqual([]);
    for (let seed = 1; seed <= 10; seed++) {
      expect(linearizable(runScenario(multipaxos, make(String(seed)))), `seed ${seed}`).toBe(true);
    }
  });
});

describe('the buggy variants are caught by the plain nemesis sweep', () => {
  it('skip-recovery: two commands chosen in one slot within 5 seeds', () => {
    const found = failures(multipaxos, 5, (seed) =>
      nemesisScenario(multipaxos, seed, 'skip-recovery'),
    );
    expect(found.seeds.length).toBeGreaterThan(0);
    expect(found.invariants).toContain('chosen-once');
  });

  it('minority-commit: a replica learns an unchosen slot within 5 seeds', () => {
    const found = failures(multipaxos, 5, (seed) =>
      nemesisScenario(multipaxos, seed, 'minority-commit'),
    );
    expect(found.seeds.length).toBeGreaterThan(0);
    expect(found.invariants).toContain('slot-agreement');
  });

  it('volatile-promise: an acceptor breaks a promise it forgot in a restart (P1a) within 5 seeds', () => {
    const found = failures(multipaxos, 5, (seed) =>
      nemesisScenario(multipaxos, seed, 'volatile-promise'),
    );
    expect(found.seeds.length).toBeGreaterThan(0);
    expect(found.invariants).toContain('promise-kept');
  });
});
