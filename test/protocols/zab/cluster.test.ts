import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../src/cli/execute';
import { zab } from '../../../src/protocols/zab';
import { VARIANT, type ZabState } from '../../../src/protocols/zab/types';
import { presetScenario } from '../../../src/sim/presets';
import { DEFAULT_NEMESIS, defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { Scenario } from '../../../src/sim/types';

/** Whole clusters through the real kernel: presets, guarantees, determinism, seed sweeps. */

function run(scenario: Scenario, trace: 'full' | 'hash' = 'hash', stopOnViolation = false) {
  const sim = new Simulation(scenario, zab, { trace, checkpointEvery: 0, stopOnViolation });
  sim.runUntil(scenario.durationMicros);
  if (sim.now >= scenario.durationMicros) sim.checkLiveness();
  return sim;
}

function preset(id: string, seed = '1'): Scenario {
  const parsed = presetScenario(zab, id, seed);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function withParams(scenario: Scenario, params: Record<string, number | boolean | string>) {
  return { ...scenario, params: { ...scenario.params, ...params } };
}

function states(sim: Simulation): (ZabState | null)[] {
  return sim.nodeStates() as (ZabState | null)[];
}

/** How many messages of each type were sent (needs a full trace). */
function sent(sim: Simulation, type: string): number {
  return sim.trace.slice().filter((r) => r.kind === 'send' && r.name === type).length;
}

function guarantee(scenario: Scenario, sim: Simulation, name: string) {
  return checkHistory(zab, scenario, sim.history).guarantees.find((g) => g.guarantee === name)!;
}

const nemesis = (seed: string, variant: string | null = null): Scenario => ({
  ...defaultScenario(zab, seed),
  nemesis: DEFAULT_NEMESIS,
  variant,
});

describe('presets', () => {
  it('normal: n4 (highest id, all histories empty) leads epoch 1; every server delivers the same', () => {
    const sim = run(preset('normal'));
    expect(sim.violations).toEqual([]);
    const all = states(sim);
    expect(all[4]).toMatchObject({ role: 'leading', leaderPhase: 'broadcast', currentEpoch: 1 });
    expect(sim.history.filter((e) => e.type === 'ok').length).toBeGreaterThan(500);
    const delivered = Math.min(...all.map((s) => s!.delivered));
    for (const s of all)
      expect(s!.history.slice(0, delivered)).toEqual(all[4]!.history.slice(0, delivered));
  });

  it('failover: the new primary of epoch 2 brings the follower that missed proposals up with a DIFF, the old leader with a TRUNC', () => {
    const sim = run(preset('failover'), 'full');
    expect(sim.violations).toEqual([]);
    const all = states(sim);
    expect(all[2]).toMatchObject({ role: 'leading', currentEpoch: 2 });
    expect(all[4]).toMatchObject({ role: 'following', leader: 2 });
    expect(sent(sim, 'DIFF')).toBeGreaterThan(0);
    expect(sent(sim, 'TRUNC')).toBeGreaterThan(0);
    expect(all[3]!.history.length).toBeGreaterThan(0);
  });

  it('stale-read: not linearizable (an anomaly), sequentially consistent (the claim)', () => {
    const scenario = preset('stale-read');
    const sim = run(scenario);
    expect(sim.violations).toEqual([]);
    expect(guarantee(scenario, sim, 'linearizable')).toMatchObject({
      claimed: false,
      holds: false,
    });
    expect(guarantee(scenario, sim, 'sequential')).toMatchObject({ claimed: true, holds: true });
  });

  it('stale-read with syncReads: linearizable, as claimed', () => {
    const scenario = withParams(preset('stale-read'), { syncReads: true });
    const sim = run(scenario);
    expect(sim.violations).toEqual([]);
    expect(guarantee(scenario, sim, 'linearizable')).toMatchObject({ claimed: true, holds: true });
  });

  it('client-switch: the session handoff keeps the client from reading older state; without it, it does not', () => {
    const scenario = preset('client-switch');
    const good = run(scenario);
    expect(good.violations).toEqual([]);
    expect(guarantee(scenario, good, 'sequential').holds).toBe(true);
    const buggy = { ...scenario, variant: VARIANT.noSessionHandoff };
    expect(guarantee(buggy, run(buggy), 'sequential')).toMatchObject({
      claimed: true,
      holds: false,
    });
  });

  it('leader-partitioned: the majority elects a new primary; the old leader follows it after the heal', () => {
    const sim = run(preset('leader-partitioned'));
    expect(sim.violations).toEqual([]);
    const all = states(sim);
    const leaders = all.filter((s) => s!.role === 'leading');
    expect(leaders).toHaveLength(1);
    expect(leaders[0]!.currentEpoch).toBeGreaterThan(1);
    expect(all[4]).toMatchObject({ role: 'following', followerPhase: 'broadcast' });
  });

  it('crash-storm: correct ZAB stays safe while servers crash every few milliseconds', () => {
    const sim = run(preset('crash-storm'));
    expect(sim.violations).toEqual([]);
    expect(sim.history.filter((e) => e.type === 'ok').length).toBeGreaterThan(50);
  });

  it('snap: a follower further behind than snapThreshold gets a SNAP', () => {
    const sim = run(preset('snap'), 'full');
    expect(sim.violations).toEqual([]);
    expect(sent(sim, 'SNAP')).toBeGreaterThan(0);
  });
});

describe('determinism', () => {
  it('the same seed gives the same trace hash, with the nemesis', () => {
    const a = run(nemesis('7'));
    const b = run(nemesis('7'));
    expect(a.traceHash()).toBe(b.traceHash());
    expect(run(nemesis('8')).traceHash()).not.toBe(a.traceHash());
  });
});

describe('seed sweeps under the nemesis', () => {
  it('correct ZAB: no invariant, liveness or claimed guarantee broken on seeds 1..8, with and without syncReads', () => {
    for (let seed = 1; seed <= 8; seed++) {
      for (const syncReads of [false, true]) {
        const scenario = withParams(nemesis(String(seed)), { syncReads });
        const sim = run(scenario);
        expect(sim.violations, `seed ${seed} syncReads ${syncReads}`).toEqual([]);
        const broken = checkHistory(zab, scenario, sim.history).guarantees.filter(
          (g) => g.claimed && g.holds === false,
        );
        expect(broken, `seed ${seed} syncReads ${syncReads}`).toEqual([]);
      }
    }
  });

  it.each([
    [VARIANT.broadcastBeforeSync, 'total-order'],
    [VARIANT.commitWithoutQuorum, 'primary-integrity'],
    [VARIANT.ackBeforePersist, 'primary-integrity'],
  ])('the %s variant breaks %s within a few seeds', (variant, invariant) => {
    let found: string[] = [];
    for (let seed = 1; seed <= 10 && found.length === 0; seed++)
      found = run(nemesis(String(seed), variant), 'hash', true).violations.map((v) => v.invariant);
    expect(found).toContain(invariant);
  });
});
