import { describe, expect, it } from 'vitest';
import { listProtocols } from '../../src/protocols/registry';
import { DEFAULT_NEMESIS, defaultScenario } from '../../src/sim/scenario';
import { Simulation } from '../../src/sim/simulation';
import type { ProtocolModule, Scenario } from '../../src/sim/types';

/**
 * Every protocol, with the nemesis on: a message is immutable once sent (no protocol changes a
 * piece of its state it has sent), and seeking back to any checkpoint and forward again gives the
 * same trace as running forward once (the app's seek depends on both).
 */

const UNTIL = 3_000_000;

function scenario(module: ProtocolModule, seed: string): Scenario {
  return { ...defaultScenario(module, seed), nemesis: DEFAULT_NEMESIS };
}

describe.each(listProtocols().map((m) => [m.id, m] as const))('%s', (_id, module) => {
  it('never changes a message after sending it (messages frozen as they are sent)', () => {
    for (const seed of ['1', '2']) {
      const sim = new Simulation(scenario(module, seed), module, {
        trace: 'hash',
        checkpointEvery: 0,
        freezeMessages: true,
      });
      sim.runUntil(UNTIL);
      expect(
        sim.violations.filter((v) => v.invariant === 'handler-error'),
        `seed ${seed}`,
      ).toEqual([]);
      expect(sim.stopped, `seed ${seed}`).toBeNull();
    }
  });

  it('seeking back to earlier points and forward again gives the forward run’s trace', () => {
    const sim = new Simulation(scenario(module, '3'), module, {
      trace: 'hash',
      checkpointEvery: 500,
    });
    sim.runUntil(UNTIL);
    const forward = sim.traceHash();
    const events = sim.eventCount;
    for (const back of [0, 1, Math.floor(UNTIL / 3), Math.floor((2 * UNTIL) / 3)]) {
      sim.seek(back);
      sim.seek(UNTIL);
      expect([sim.traceHash(), sim.eventCount], `after seeking to ${back} µs`).toEqual([
        forward,
        events,
      ]);
    }
  });
});
