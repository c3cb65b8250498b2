import { writeFileSync } from 'node:fs';
import { exportTrace } from '../sim/export';
import {
  checkLinearizable,
  operationsFromHistory,
  type Witness,
} from '../sim/history/linearizability';
import { MODELS, type Model } from '../sim/history/models';
import { UsageError } from './errors';
import { sharePath } from '../sim/share';
import { Simulation, type RunSummary, type SimOptions } from '../sim/simulation';
import type { HistoryEvent, Micros, ProtocolModule, Scenario } from '../sim/types';

export interface HistoryVerdict {
  readonly ops: number;
  readonly checked: boolean;
  /** null when the protocol's history has no model to check against. */
  readonly linearizable: boolean | 'unknown' | null;
  readonly reason?: string;
  readonly witness?: Witness;
}

export interface RunReport extends RunSummary {
  readonly history: HistoryVerdict;
  readonly wallMillis: number;
  readonly url: string;
}

/** Checker budget for a run's own history: bounded, so a sweep never hangs on one seed. */
const RUN_CHECK_BUDGET = { maxSteps: 5_000_000, maxMemoEntries: 1_000_000 } as const;

/** Check the run's client history against the protocol's model, when it declares one. */
export function checkHistory(
  module: ProtocolModule,
  history: readonly HistoryEvent[],
): HistoryVerdict {
  const ops = history.filter((event) => event.type === 'invoke').length;
  if (module.historyModel === undefined) return { ops, checked: false, linearizable: null };
  const model = MODELS[module.historyModel] as Model<unknown>;
  const result = checkLinearizable(operationsFromHistory(history), model, RUN_CHECK_BUDGET);
  const verdict: HistoryVerdict = { ops, checked: true, linearizable: result.linearizable };
  if (result.reason !== undefined) return { ...verdict, reason: result.reason };
  if (result.witness !== undefined) return { ...verdict, witness: result.witness };
  return verdict;
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
  // The command line never seeks, so it takes no checkpoints (the app does).
  const sim = new Simulation(scenario, module, { trace: 'hash', checkpointEvery: 0, ...options });
  sim.runUntil(untilMicros);
  if (untilMicros >= scenario.durationMicros) sim.checkLiveness();
  const history = checkHistory(module, sim.history);
  const wallMillis = Number(process.hrtime.bigint() - started) / 1e6;
  if (traceFile !== undefined) writeTrace(traceFile, sim);
  return {
    ...sim.summary(),
    history,
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
