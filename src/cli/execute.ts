import { writeFileSync } from 'node:fs';
import { exportTrace } from '../sim/export';
import { Simulation, type RunSummary, type SimOptions } from '../sim/simulation';
import { UsageError } from './errors';
import { sharePath } from '../sim/share';
import type { Micros, ProtocolModule, Scenario } from '../sim/types';

export interface RunReport extends RunSummary {
  readonly history: {
    readonly ops: number;
    readonly checked: boolean;
    readonly linearizable: boolean | null;
  };
  readonly wallMillis: number;
  readonly url: string;
}

/** Run a validated scenario to `untilMicros`, judge liveness if it reached its end, and report. */
export function executeRun(
  module: ProtocolModule,
  scenario: Scenario,
  untilMicros: Micros,
  options: SimOptions = {},
  traceFile?: string,
): RunReport {
  const started = process.hrtime.bigint();
  const sim = new Simulation(scenario, module, { trace: 'hash', ...options });
  sim.runUntil(untilMicros);
  if (untilMicros >= scenario.durationMicros) sim.checkLiveness();
  const wallMillis = Number(process.hrtime.bigint() - started) / 1e6;
  if (traceFile !== undefined) writeTrace(traceFile, sim);
  const invocations = sim.history.filter((event) => event.type === 'invoke').length;
  return {
    ...sim.summary(),
    history: { ops: invocations, checked: false, linearizable: null },
    wallMillis: Math.round(wallMillis * 1000) / 1000,
    url: sharePath(sim.currentScenario(), untilMicros),
  };
}

function writeTrace(path: string, sim: Simulation): void {
  try {
    writeFileSync(path, JSON.stringify(exportTrace(sim)));
  } catch (error) {
    throw new UsageError(
      `--trace ${path}: cannot write the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}
