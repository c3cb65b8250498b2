import { describe, expect, it } from 'vitest';
import { CONVERGENCE_SAMPLE_MICROS, runMeasuringConvergence } from '../src/cli/convergence';
import { executeRun } from '../src/cli/execute';
import { gcounter, rga } from '../src/protocols/crdt';
import { raft } from '../src/protocols/raft';
import { presetScenario } from '../src/sim/presets';
import { DEFAULT_NEMESIS, defaultScenario } from '../src/sim/scenario';
import { Simulation } from '../src/sim/simulation';
import type { ProtocolModule, Scenario } from '../src/sim/types';

/** Time to converge, as `run` and `fuzz` report it for the protocols that define `converged`. */

function preset(module: ProtocolModule, id: string, variant: string | null = null): Scenario {
  const parsed = presetScenario(module, id, '5');
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.value, variant };
}

function sim(module: ProtocolModule, scenario: Scenario) {
  return new Simulation(scenario, module, { trace: 'hash', checkpointEvery: 0 });
}

describe('time to converge', () => {
  it('sampling along the run changes nothing in it: the same trace hash as one plain run', () => {
    const scenario = { ...defaultScenario(gcounter, '9'), nemesis: DEFAULT_NEMESIS };
    const plain = sim(gcounter, scenario);
    plain.runUntil(scenario.durationMicros);
    const sampled = sim(gcounter, scenario);
    expect(runMeasuringConvergence(sampled, gcounter, scenario.durationMicros)).not.toBeNull();
    expect(sampled.traceHash()).toBe(plain.traceHash());
  });

  it('partition-heal: the replicas agree a few gossip rounds after the heal at 4 s', () => {
    const scenario = preset(gcounter, 'partition-heal');
    const report = runMeasuringConvergence(
      sim(gcounter, scenario),
      gcounter,
      scenario.durationMicros,
    )!;
    expect(report.sampleMicros).toBe(CONVERGENCE_SAMPLE_MICROS);
    expect(report.lastUpdateMicros).toBe(4_000_000); // the heal, when the clients stop too
    expect(report.convergedAtMicros).toBeGreaterThan(4_000_000);
    // Gossip every 100 ms with a fanout of 2 over 5 replicas: well under a second.
    expect(report.timeToConvergeMicros).toBeGreaterThan(0);
    expect(report.timeToConvergeMicros).toBeLessThan(1_000_000);
  });

  it('is null when the replicas still differ at the end (RGA ordering by arrival, not by id)', () => {
    const scenario = preset(rga, 'text-partition', 'arrival-order');
    const report = runMeasuringConvergence(sim(rga, scenario), rga, scenario.durationMicros)!;
    expect(report.convergedAtMicros).toBeNull();
    expect(report.timeToConvergeMicros).toBeNull();
  });

  it('run reports it for a CRDT and not for a protocol without `converged`', () => {
    const crdt = executeRun(gcounter, preset(gcounter, 'partition-heal'), 6_000_000);
    expect(crdt.convergence?.timeToConvergeMicros).toBeGreaterThan(0);
    const consensus = executeRun(raft, defaultScenario(raft, '1'), 1_000_000);
    expect(consensus.convergence).toBeUndefined();
  });
});
