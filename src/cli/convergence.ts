import type { ProtocolModule, Scenario } from '../sim/types';
import type { Simulation } from '../sim/simulation';

/** How often a run samples whether the replicas agree (the resolution of the figure). */
export const CONVERGENCE_SAMPLE_MICROS = 10_000;

/**
 * How long the replicas took to agree after the last thing that could set them apart: the last
 * client op invoked, the last scheduled fault or recorded action, and the end of the nemesis's
 * safety phase. Measured by sampling `module.converged` every CONVERGENCE_SAMPLE_MICROS.
 */
export interface ConvergenceReport {
  readonly sampleMicros: number;
  readonly lastUpdateMicros: number;
  /** From this sample on, every sample found the replicas in agreement; null: not at the end. */
  readonly convergedAtMicros: number | null;
  /** convergedAt - lastUpdate (0 when they never drifted apart after it); null: not converged. */
  readonly timeToConvergeMicros: number | null;
}

/** The last moment, up to `untilMicros`, at which something could make replicas differ. */
function lastUpdate(sim: Simulation, scenario: Scenario, untilMicros: number): number {
  let last = 0;
  for (const event of sim.history) if (event.type === 'invoke') last = Math.max(last, event.at);
  for (const fault of scenario.faults) if (fault.at <= untilMicros) last = Math.max(last, fault.at);
  for (const input of scenario.inputs) if (input.at <= untilMicros) last = Math.max(last, input.at);
  if (scenario.nemesis !== null)
    last = Math.max(last, Math.min(scenario.nemesis.safetyMicros, untilMicros));
  return last;
}

/**
 * Run `sim` to `untilMicros`; for a protocol that says what converged means, in steps, sampling
 * agreement after each (stepping changes nothing in the run: the kernel is deterministic however
 * its time is cut). Returns the convergence report, or null for other protocols.
 */
export function runMeasuringConvergence(
  sim: Simulation,
  module: ProtocolModule,
  untilMicros: number,
): ConvergenceReport | null {
  const converged = module.converged;
  if (converged === undefined) {
    sim.runUntil(untilMicros);
    return null;
  }
  let since: number | null = null;
  for (let t = CONVERGENCE_SAMPLE_MICROS; t <= untilMicros && sim.stopped === null;) {
    sim.runUntil(t);
    if (!converged(sim.nodeStates())) since = null;
    else since ??= t;
    if (t === untilMicros) break;
    t = Math.min(t + CONVERGENCE_SAMPLE_MICROS, untilMicros);
  }
  sim.runUntil(untilMicros);
  const last = lastUpdate(sim, sim.scenario, untilMicros);
  const convergedAt = since === null ? null : Math.max(since, last);
  return {
    sampleMicros: CONVERGENCE_SAMPLE_MICROS,
    lastUpdateMicros: last,
    convergedAtMicros: convergedAt,
    timeToConvergeMicros: convergedAt === null ? null : convergedAt - last,
  };
}
