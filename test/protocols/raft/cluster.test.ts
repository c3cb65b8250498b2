import { describe, expect, it } from 'vitest';
import { raft } from '../../../src/protocols/raft';
import type { RaftState } from '../../../src/protocols/raft/types';
import { checkLinearizable, operationsFromHistory } from '../../../src/sim/history/linearizability';
import { kvStoreModel } from '../../../src/sim/history/models';
import { presetScenario } from '../../../src/sim/presets';
import { Stream } from '../../../src/sim/rng';
import { DEFAULT_NEMESIS, defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { Scenario } from '../../../src/sim/types';
import { drawOpName, opTable } from '../../../src/sim/clients';

/** Whole clusters through the real kernel: elections, client ops, determinism, seed sweeps. */

function run(scenario: Scenario, until = scenario.durationMicros, stopOnViolation = false) {
  const sim = new Simulation(scenario, raft, {
    trace: 'hash',
    checkpointEvery: 0,
    stopOnViolation,
  });
  sim.runUntil(until);
  if (sim.now >= scenario.durationMicros) sim.checkLiveness();
  return sim;
}

function states(sim: Simulation): (RaftState | null)[] {
  return sim.nodeStates() as (RaftState | null)[];
}

function preset(id: string, seed = '1', variant: string | null = null): Scenario {
  const parsed = presetScenario(raft, id, seed);
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.value, variant };
}

function withParams(scenario: Scenario, params: Record<string, number | boolean | string>) {
  return { ...scenario, params: { ...scenario.params, ...params } };
}

/** The first seed in [1, last] whose run violates an invariant, or -1. */
function firstFailingSeed(make: (seed: string) => Scenario, last: number): number {
  for (let seed = 1; seed <= last; seed++) {
    const sim = run(make(String(seed)), undefined, true);
    if (sim.violations.length > 0) return seed;
  }
  return -1;
}

function violationsOver(make: (seed: string) => Scenario, seeds: number): string[] {
  const found: string[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const sim = run(make(String(seed)));
    for (const v of sim.violations) found.push(`seed ${seed}: ${v.invariant}: ${v.message}`);
    if (sim.stopped !== null) found.push(`seed ${seed}: stopped: ${sim.stopped}`);
  }
  return found;
}

const nemesis = (seed: string): Scenario => ({
  ...defaultScenario(raft, seed),
  nemesis: DEFAULT_NEMESIS,
});

describe('the workload', () => {
  it('mixes get, put, append and cas over a few keys, and never writes the same value twice', () => {
    const rng = new Stream('1', 'workload');
    const counts = new Map<string, number>();
    const written = new Set<string>();
    for (let client = 0; client < 5; client++) {
      for (let seq = 1; seq <= 400; seq++) {
        const f = drawOpName(rng, opTable({}, raft.workload!.defaultMix)!);
        const op = raft.workload!.nextOp(rng, client, seq, f);
        expect(op.f).toBe(f);
        counts.set(op.f, (counts.get(op.f) ?? 0) + 1);
        expect(['x', 'y', 'z']).toContain(op.key);
        if (op.f === 'get') continue;
        const value = op.f === 'cas' ? (op.value as string[])[1]! : (op.value as string);
        expect(written.has(value.trim())).toBe(false);
        written.add(value.trim());
      }
    }
    expect([...counts.keys()].sort()).toEqual(['append', 'cas', 'get', 'put']);
  });
});

describe('a healthy cluster', () => {
  it('elects one leader that every other node follows', () => {
    const sim = run(defaultScenario(raft, '1'), 1_000_000);
    const all = states(sim).map((s) => s!);
    const leaders = all.filter((s) => s.role === 'leader');
    expect(leaders).toHaveLength(1);
    const leader = all.indexOf(leaders[0]!);
    for (const s of all) {
      expect(s.currentTerm).toBe(leaders[0]!.currentTerm);
      expect(s.leaderId).toBe(leader);
    }
  });

  it('completes client ops (about 100 per second), and every replica applies the same commands', () => {
    const sim = run(defaultScenario(raft, '1'));
    expect(sim.violations).toEqual([]);
    const ok = sim.history.filter((e) => e.type === 'ok').length;
    const fail = sim.history.filter((e) => e.type === 'fail').length;
    expect(ok + fail).toBeGreaterThan(800);
    expect(sim.history.some((e) => e.type === 'info')).toBe(false);
    const all = states(sim).map((s) => s!);
    const applied = Math.min(...all.map((s) => s.lastApplied));
    expect(applied).toBeGreaterThan(800);
    const logs = all.map((s) => JSON.stringify(s.log.slice(0, applied)));
    expect(new Set(logs).size).toBe(1);
  });

  it('gives the same trace hash for the same seed, and another for another seed', () => {
    const hash = (seed: string) => run(nemesis(seed)).traceHash();
    expect(hash('7')).toBe(hash('7'));
    expect(hash('7')).not.toBe(hash('8'));
  });

  it('seeks back to any time and finds the same state as a fresh run', () => {
    const scenario = nemesis('seek');
    const sim = new Simulation(scenario, raft, { checkpointEvery: 2_000 });
    sim.runUntil(scenario.durationMicros);
    for (const t of [1_234_567, 4_000_000, 7_654_321]) {
      sim.seek(t);
      const fresh = new Simulation(scenario, raft, { checkpointEvery: 0 });
      fresh.runUntil(t);
      expect(sim.traceHash()).toBe(fresh.traceHash());
      expect(structuredClone(sim.nodeStates())).toEqual(structuredClone(fresh.nodeStates()));
    }
  });
});

describe('seed sweeps with the nemesis (correct Raft: no violation, liveness after the quiet phase)', () => {
  it('100 seeds, default parameters', () => {
    expect(violationsOver(nemesis, 100)).toEqual([]);
  });

  it('100 seeds, every option on, on a reordering and duplicating network', () => {
    const make = (seed: string): Scenario => {
      const base = nemesis(seed);
      return withParams(
        {
          ...base,
          network: {
            ...base.network,
            default: { ...base.network.default, reorder: true, duplicatePpm: 20_000 },
          },
        },
        {
          preVote: true,
          checkQuorum: true,
          snapshotThreshold: 16,
          readMode: 'readindex',
          maxEntriesPerAppend: 4,
        },
      );
    };
    expect(violationsOver(make, 100)).toEqual([]);
  });

  it('50 seeds of the partition storm (new halves every ~15 ms), one entry per AppendEntries', () => {
    expect(violationsOver((seed) => preset('partition-storm', seed), 50)).toEqual([]);
  });

  it('100 seeds of the crash storm (a crash every ~10 ms), one entry per AppendEntries', () => {
    const make = (seed: string) =>
      withParams(preset('crash-storm', seed), { maxEntriesPerAppend: 1 });
    expect(violationsOver(make, 100)).toEqual([]);
  });
});

describe('client histories are linearizable (kv model, split per key)', () => {
  const verdict = (scenario: Scenario) =>
    checkLinearizable(operationsFromHistory(run(scenario).history), kvStoreModel, {
      maxSteps: 5_000_000,
    }).linearizable;

  it('30 nemesis seeds with reads through the log, 30 with ReadIndex', () => {
    for (let seed = 1; seed <= 30; seed++) {
      expect(verdict(nemesis(String(seed))), `seed ${seed}`).toBe(true);
      const readIndex = withParams(nemesis(String(seed)), { readMode: 'readindex' });
      expect(verdict(readIndex), `seed ${seed} readindex`).toBe(true);
    }
  });

  it('no-log-check loses acknowledged writes: a non-linearizable history within 10 seeds', () => {
    const verdicts = [];
    for (let seed = 1; seed <= 10; seed++)
      verdicts.push(verdict({ ...nemesis(String(seed)), variant: 'no-log-check' }));
    expect(verdicts).toContain(false);
  });
});

describe('the buggy variants are caught', () => {
  it('figure8: the plain nemesis sweep finds it (its leader bursts cut off each new leader)', () => {
    const first = firstFailingSeed((seed) => ({ ...nemesis(seed), variant: 'figure8' }), 5);
    expect(first).toBe(3);
  });

  it('isolateLeader cuts off the node that leads, and only it', () => {
    const sim = run(defaultScenario(raft, '1'), 1_000_000);
    const leader = states(sim).findIndex((s) => s?.role === 'leader');
    expect(leader).toBeGreaterThanOrEqual(0);
    sim.applyInput({ kind: 'isolateLeader' });
    const groups = sim.network.groups();
    expect(groups).toContainEqual([leader]);
    expect(groups).toHaveLength(2);
  });

  it('no-log-check: Leader Completeness fails within a few nemesis seeds', () => {
    const first = firstFailingSeed((seed) => ({ ...nemesis(seed), variant: 'no-log-check' }), 20);
    expect(first).toBeGreaterThan(0);
  });

  it('truncate-always: fails within 60 seeds on a long-tailed, reordering network', () => {
    const make = (seed: string): Scenario => {
      const base = nemesis(seed);
      const policy = {
        ...base.network.default,
        latency: { kind: 'longtail', minMicros: 2_000, maxMicros: 150_000 } as const,
        reorder: true,
        duplicatePpm: 20_000,
      };
      return { ...base, variant: 'truncate-always', network: { ...base.network, default: policy } };
    };
    expect(firstFailingSeed(make, 60)).toBeGreaterThan(0);
  });

  it('figure8: an overwritten committed entry within 40 seeds of the partition storm', () => {
    const first = firstFailingSeed((seed) => preset('partition-storm', seed, 'figure8'), 40);
    expect(first).toBeGreaterThan(0);
    const sim = run(preset('partition-storm', String(first), 'figure8'));
    expect(sim.violations.map((v) => v.invariant)).toContain('leader-completeness');
  });

  it('volatile-vote: two leaders in one term within 100 seeds of the crash storm', () => {
    const first = firstFailingSeed((seed) => preset('crash-storm', seed, 'volatile-vote'), 100);
    expect(first).toBeGreaterThan(0);
    const sim = run(preset('crash-storm', String(first), 'volatile-vote'));
    expect(sim.violations.map((v) => v.invariant)).toContain('election-safety');
  });
});

describe('presets', () => {
  it('Figure 8 with the figure8 bug: the overwritten committed entry breaks Leader Completeness and State Machine Safety', () => {
    for (const seed of ['1', '2']) {
      const sim = run(preset('figure8', seed, 'figure8'));
      expect(sim.violations.map((v) => v.invariant)).toEqual([
        'leader-completeness',
        'state-machine-safety',
      ]);
      expect(sim.violations[0]!.message).toContain('n4 became leader of term 7');
    }
  });

  it('Figure 8 in correct Raft: the same sequence, nothing violated, every log ends equal', () => {
    const sim = run(preset('figure8'));
    expect(sim.violations).toEqual([]);
    const all = states(sim).map((s) => s!);
    expect(all[4]!.role).toBe('leader');
    expect(all[4]!.currentTerm).toBe(7);
    for (const s of all) expect(s.log.map((e) => e.term)).toEqual([2, 7]);
  });

  it('every preset runs clean in correct Raft, liveness included', () => {
    for (const p of raft.presets) {
      const sim = run(preset(p.id));
      expect(sim.violations, p.id).toEqual([]);
    }
  });

  it('split vote: the first leader is elected only after several terms', () => {
    const sim = new Simulation(preset('split-vote'), raft, { trace: 'off' });
    let term = -1;
    while (term < 0 && sim.step()) {
      const leader = states(sim).find((s) => s?.role === 'leader');
      if (leader) term = leader.currentTerm;
    }
    expect(term).toBeGreaterThan(2);
  });

  it('leader crash: n0 leads term 1, then another node leads a later term and n0 rejoins', () => {
    const scenario = preset('leader-crash');
    const before = run(scenario, 1_900_000);
    expect(states(before)[0]).toMatchObject({ role: 'leader', currentTerm: 1 });
    const after = run(scenario, 3_000_000);
    const leader = states(after).find((s) => s?.role === 'leader')!;
    expect(leader.currentTerm).toBeGreaterThan(1);
    expect(states(after)[0]).toBeNull();
  });

  it('stranded leader: with check-quorum n0 steps down inside its minority; the majority elects another', () => {
    const sim = run(preset('stranded-leader'), 4_900_000);
    const all = states(sim).map((s) => s!);
    expect(all[0]!.role).not.toBe('leader');
    expect([2, 3, 4].some((n) => all[n]!.role === 'leader')).toBe(true);
  });

  it('a flapping node disrupts the cluster without pre-vote, and not with it', () => {
    const without = run(preset('flapping'));
    const withPreVote = run(preset('flapping-prevote'));
    const maxTerm = (sim: Simulation) => Math.max(...states(sim).map((s) => s!.currentTerm));
    expect(maxTerm(without)).toBeGreaterThan(5);
    expect(maxTerm(withPreVote)).toBe(1);
    expect(states(withPreVote)[0]!.role).toBe('leader');
  });
});
