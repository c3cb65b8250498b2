import { afterEach, describe, expect, it } from 'vitest';
import { broadcast } from '../protocols/broadcast';
import { presetScenario } from '../sim/presets';
import { Simulation } from '../sim/simulation';
import type { Scenario } from '../sim/types';
import { messageFate } from './message-fate';
import {
  act,
  connectKernel,
  currentMetrics,
  currentRun,
  disconnectKernel,
  openScenario,
  seekTo,
} from './sim-bridge';
import { createAppStore } from './store';

/** broadcast's lossy preset with the no-retry bug: liveness breaks (a value never arrives). */
function lossyNoRetry(): Scenario {
  const built = presetScenario(broadcast, 'lossy', '1');
  if (!built.ok) throw new Error(built.error);
  return { ...built.value, variant: 'no-retry' };
}

function connect() {
  const store = createAppStore();
  connectKernel({ listProtocols: () => [broadcast] }, store, null);
  return store;
}

function livenessCount(): number {
  return currentRun()!.simulation.violations.filter((v) => v.invariant === 'liveness').length;
}

afterEach(() => disconnectKernel());

describe('the views in the bridge', () => {
  it('judges liveness when the cursor reaches the end, once, and the hash is the command line’s', () => {
    const store = connect();
    const scenario = lossyNoRetry();
    expect(openScenario(scenario, 2_000_000)).toBeNull();
    expect(livenessCount()).toBe(0);
    seekTo(scenario.durationMicros);
    expect(livenessCount()).toBe(1);
    // Like `bin/splitbrain run`: to the end, then liveness.
    const cli = new Simulation(scenario, broadcast, { checkpointEvery: 0 });
    cli.runUntil(scenario.durationMicros);
    cli.checkLiveness();
    expect(store.getState().lastRun?.traceHash).toBe(cli.traceHash());
    expect(store.getState().lastRun?.violations).toBe(cli.violations.length);
    // Staying at the end, or leaving and coming back, does not judge it twice.
    seekTo(scenario.durationMicros);
    expect(livenessCount()).toBe(1);
    seekTo(3_000_000);
    expect(livenessCount()).toBe(0);
    seekTo(scenario.durationMicros);
    expect(livenessCount()).toBe(1);
    expect(store.getState().lastRun?.traceHash).toBe(cli.traceHash());
  });

  it('samples the metrics along the run it opens, and forks them with an action', () => {
    connect();
    const scenario = lossyNoRetry();
    openScenario(scenario);
    const metrics = currentMetrics()!;
    expect([...metrics.sampled].every((s) => s === 1)).toBe(true);
    seekTo(4_000_000);
    act({ kind: 'crash', node: 2 });
    expect(metrics.generation).toBe(1);
    const first = Math.ceil(4_000_000 / metrics.interval);
    expect(metrics.sampled[first + 1]).toBe(0);
    seekTo(6_000_000);
    expect(metrics.sampled[first + 1]).toBe(1);
  });

  it('tells what became of a message: in flight, then delivered or dropped', () => {
    connect();
    openScenario(lossyNoRetry(), 1_000_000);
    const sim = currentRun()!.simulation;
    const m = sim.inFlight()[0]!;
    expect(messageFate(sim.trace, m.id, m.sentAt, m.deliverAt, sim.now).kind).toBe('in-flight');
    seekTo(m.deliverAt);
    const fate = messageFate(sim.trace, m.id, m.sentAt, m.deliverAt, sim.now);
    expect(['delivered', 'dropped']).toContain(fate.kind);
    if (fate.kind === 'delivered') expect(fate.at).toBe(m.deliverAt);
    expect(messageFate(sim.trace, m.id, m.sentAt, m.deliverAt, m.sentAt - 1).kind).toBe('unsent');
  });
});
