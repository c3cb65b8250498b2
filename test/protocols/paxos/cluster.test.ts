import { describe, expect, it } from 'vitest';
import { paxos } from '../../../src/protocols/paxos';
import type { PaxosState } from '../../../src/protocols/paxos/types';
import { defaultScenario } from '../../../src/sim/scenario';
import type { Simulation } from '../../../src/sim/simulation';
import { failures, nemesisScenario, presetOf, runScenario, sweep } from './sim';

/** Whole clusters through the real kernel: presets, determinism, seed sweeps, buggy variants. */

const run = (id: string, seed = '1', variant: string | null = null, until?: number) =>
  runScenario(paxos, presetOf(paxos, id, seed, variant), until);

function states(sim: Simulation): (PaxosState | null)[] {
  return sim.nodeStates() as (PaxosState | null)[];
}

function learnedValues(sim: Simulation): (string | null)[] {
  return states(sim).map((s) => s?.learned ?? null);
}

describe('a healthy cluster', () => {
  it('chooses one value that every learner learns, and every client is told that value', () => {
    const sim = runScenario(paxos, defaultScenario(paxos, '1'));
    expect(sim.violations).toEqual([]);
    const learned = new Set(learnedValues(sim));
    expect(learned.size).toBe(1);
    const [value] = learned;
    expect(value).toMatch(/^c\d#1$/);
    const oks = sim.history.filter((e) => e.type === 'ok');
    expect(oks.length).toBeGreaterThan(100);
    expect(oks.every((e) => e.value === value)).toBe(true);
  });

  it('gives the same trace hash for the same seed, and another for another seed', () => {
    const hash = (seed: string) => runScenario(paxos, nemesisScenario(paxos, seed)).traceHash();
    expect(hash('11')).toBe(hash('11'));
    expect(hash('11')).not.toBe(hash('12'));
  });
});

describe('presets do what they say', () => {
  it('every preset but the livelock runs clean, liveness included', () => {
    for (const preset of paxos.presets) {
      if (preset.id === 'dueling') continue;
      expect(run(preset.id).violations, preset.id).toEqual([]);
    }
  });

  it('dueling proposers: ballots climb by the hundred, nothing is chosen, and liveness reports it', () => {
    for (const seed of ['1', '2', '3']) {
      const sim = run('dueling', seed);
      expect(sim.violations.map((v) => v.invariant)).toEqual(['liveness']);
      expect(sim.violations[0]!.message).toMatch(/^no value chosen within 10000000 µs/);
      expect(learnedValues(sim).every((v) => v === null)).toBe(true);
      expect(states(sim)[0]!.promised.round).toBeGreaterThan(100);
    }
  });

  it('the cures: randomized backoff, or a distinguished proposer, choose a value within a few rounds', () => {
    for (const seed of ['1', '2', '3']) {
      const backoff = run('dueling-backoff', seed);
      expect(backoff.violations).toEqual([]);
      expect(states(backoff)[0]!.promised.round).toBeLessThan(10);
      const distinguished = run('dueling-distinguished', seed);
      expect(distinguished.violations).toEqual([]);
      // Only n0 ever ran a round: its first one chose its client's value.
      expect(learnedValues(distinguished)).toEqual(Array(5).fill('c0#1'));
      expect(states(distinguished)[1]!.rounds).toBe(0);
    }
  });

  it('proposer crash in phase 2: n1 takes over and, by P2c, proposes the value n0 got chosen', () => {
    const sim = run('proposer-crash-phase2');
    expect(sim.violations).toEqual([]);
    const n1 = states(sim)[1]!;
    expect(n1.clientValue).toBe('c1#1');
    expect(n1.learned).toBe('c0#1');
    expect(n1.ballot.proposer).toBe(1);
  });

  it('proposer crash in phase 2 with ignore-accepted: n1 proposes its own value and a second value is chosen', () => {
    for (const seed of ['1', '2', '3']) {
      const sim = run('proposer-crash-phase2', seed, 'ignore-accepted');
      expect(sim.violations[0]!.invariant).toBe('at-most-one-chosen');
      expect(sim.violations[0]!.message).toContain('c0#1 in ballot 1.0 and c1#1');
    }
  });

  it('a partitioned distinguished proposer chooses nothing alone; the majority chooses n1’s value, which n0 adopts after the heal', () => {
    const during = run('proposer-partition', '1', null, 2_900_000);
    expect(states(during)[0]!.learned).toBeNull();
    expect(states(during)[0]!.rounds).toBeGreaterThan(10);
    expect(learnedValues(during).slice(1)).toEqual(Array(4).fill('c1#1'));
    const after = run('proposer-partition');
    expect(after.violations).toEqual([]);
    expect(learnedValues(after)).toEqual(Array(5).fill('c1#1'));
  });

  it('forgotten promise: correct Paxos chooses one value; volatile-promise chooses two', () => {
    const correct = run('forgotten-promise');
    expect(correct.violations).toEqual([]);
    for (const seed of ['1', '2', '3']) {
      const buggy = run('forgotten-promise', seed, 'volatile-promise');
      // The cause (the acceptor broke its promise), then the consequence (two values chosen).
      expect(buggy.violations.map((v) => v.invariant).slice(0, 2)).toEqual([
        'promise-kept',
        'at-most-one-chosen',
      ]);
    }
  });
});

describe('seed sweeps with the nemesis (correct Paxos: no violation, liveness after the quiet phase)', () => {
  it('150 seeds, options drawn per seed (proposers, backoff, distinguished proposer, retry timeout)', () => {
    expect(sweep(paxos, 150, (seed) => nemesisScenario(paxos, seed))).toEqual([]);
  });

  it('100 seeds each with an option fixed: backoff off; distinguished proposer on; both; five proposers', () => {
    const options: Record<string, number | boolean>[] = [
      { backoff: false },
      { distinguishedProposer: true },
      { backoff: false, distinguishedProposer: true },
      { proposers: 5 },
    ];
    for (const params of options) {
      expect(sweep(paxos, 100, (seed) => nemesisScenario(paxos, seed, null, params))).toEqual([]);
    }
  });
});

describe('the buggy variants are caught by the plain nemesis sweep', () => {
  it('ignore-accepted: two values chosen within 20 seeds', () => {
    const found = failures(paxos, 20, (seed) => nemesisScenario(paxos, seed, 'ignore-accepted'));
    expect(found.seeds.length).toBeGreaterThan(0);
    expect(found.invariants).toContain('at-most-one-chosen');
  });

  it('volatile-accepted: two values chosen within 20 seeds', () => {
    const found = failures(paxos, 20, (seed) => nemesisScenario(paxos, seed, 'volatile-accepted'));
    expect(found.seeds.length).toBeGreaterThan(0);
    expect(found.invariants).toContain('at-most-one-chosen');
  });

  it('volatile-promise: an acceptor breaks a promise it forgot in a restart (P1a) within 20 seeds', () => {
    const found = failures(paxos, 20, (seed) => nemesisScenario(paxos, seed, 'volatile-promise'));
    expect(found.seeds.length).toBeGreaterThan(0);
    expect(found.invariants).toContain('promise-kept');
  });
});
