import { afterEach, describe, expect, it } from 'vitest';
import { broadcast } from '../protocols/broadcast';
import { defaultScenario } from '../sim/scenario';
import { shareFragment } from '../sim/share';
import { Simulation } from '../sim/simulation';
import {
  connectKernel,
  currentFragment,
  currentRun,
  disconnectKernel,
  openFragment,
  runSelected,
  seekTo,
} from './sim-bridge';
import { createAppStore } from './store';

function connect() {
  const store = createAppStore();
  const replaced: string[] = [];
  connectKernel({ listProtocols: () => [broadcast] }, store, { replace: (f) => replaced.push(f) });
  return { store, replaced };
}

function hashAt(seed: string, micros: number): string {
  const sim = new Simulation(defaultScenario(broadcast, seed), broadcast);
  sim.runUntil(micros);
  return sim.traceHash();
}

afterEach(() => disconnectKernel());

describe('sim bridge', () => {
  it('runs the selected protocol and seed to the end, publishing the kernel hash', () => {
    const { store, replaced } = connect();
    store.getState().setSeed('9');
    runSelected();
    const run = store.getState().lastRun;
    expect(run).toMatchObject({ protocol: 'broadcast', seed: '9', now: 10_000_000 });
    expect(run?.traceHash).toBe(hashAt('9', 10_000_000));
    expect(replaced.at(-1)).toBe(currentFragment());
  });

  it('opens a shared fragment at its cursor, and seeks', () => {
    const { store } = connect();
    openFragment(shareFragment(defaultScenario(broadcast, 'abc'), 4_000_000));
    expect(store.getState().lastRun?.traceHash).toBe(hashAt('abc', 4_000_000));
    expect(store.getState().seed).toBe('abc');
    seekTo(1_500_000);
    expect(currentRun()?.simulation.now).toBe(1_500_000);
    expect(store.getState().lastRun?.traceHash).toBe(hashAt('abc', 1_500_000));
  });

  it('a garbled fragment shows a banner and opens the default run', () => {
    const { store } = connect();
    openFragment('#s=1.not-really-a-scenario&t=5');
    expect(store.getState().banner).toMatch(
      /^This link could not be opened: .+ Showing the default run instead\.$/,
    );
    expect(store.getState().lastRun?.traceHash).toBe(hashAt('1', 10_000_000));
  });

  it('an empty fragment opens the default run without a banner', () => {
    const { store } = connect();
    openFragment('');
    expect(store.getState().banner).toBeNull();
    expect(store.getState().lastRun?.protocol).toBe('broadcast');
  });
});
