import { writeFileSync } from 'node:fs';
import { exportTrace } from '../sim/export';
import {
  checkGuarantees,
  claimedGuarantees,
  type GuaranteeResult,
} from '../sim/history/guarantees';
import type { WitnessOp } from '../sim/history/linearizability';
import { UsageError } from './errors';
import { sharePath } from '../sim/share';
import { type ConvergenceReport, runMeasuringConvergence } from './convergence';
import { Simulation, type RunSummary, type SimOptions } from '../sim/simulation';
import type {
  Guarantee,
  HistoryEvent,
  Micros,
  ProtocolModule,
  Scenario,
  Violation,
} from '../sim/types';

export interface HistoryVerdict {
  readonly ops: number;
  readonly checked: boolean;
  /** null when the protocol's history has no model to check against. */
  readonly linearizable: boolean | 'unknown' | null;
  /** What the configuration claims, and what every checker found (claimed or not). */
  readonly claims: readonly Guarantee[];
  readonly guarantees: readonly GuaranteeResult[];
}

/** A broken guarantee the protocol never claimed: shown for teaching, not a failure. */
export interface Anomaly {
  readonly guarantee: Guarantee;
  readonly atMicros: Micros;
  readonly message: string;
  readonly ops: readonly WitnessOp[];
}

export interface RunReport extends RunSummary {
  readonly history: HistoryVerdict;
  /** Broken claimed guarantees are violations (event -1: found in the history, not at an event). */
  readonly violations: readonly Violation[];
  readonly anomalies: readonly Anomaly[];
  /** For protocols that say what converged means (CRDTs): how long the replicas took to agree. */
  readonly convergence?: ConvergenceReport;
  readonly wallMillis: number;
  readonly url: string;
}

/** Checker budget for a run's own history: bounded, so a sweep never hangs on one seed. */
const RUN_CHECK_BUDGET = { maxSteps: 5_000_000, maxMemoEntries: 1_000_000 } as const;

/** Check the run's client history against every guarantee a checker exists for. */
export function checkHistory(
  module: ProtocolModule,
  scenario: Scenario,
  history: readonly HistoryEvent[],
): HistoryVerdict {
  const ops = history.filter((event) => event.type === 'invoke').length;
  if (module.historyModel === undefined) {
    return { ops, checked: false, linearizable: null, claims: [], guarantees: [] };
  }
  const claims = claimedGuarantees(module, scenario.params, scenario.variant, scenario.nodes);
  const guarantees = checkGuarantees(history, module.historyModel, claims, RUN_CHECK_BUDGET);
  const linearizable = guarantees.find((g) => g.guarantee === 'linearizable')?.holds ?? null;
  return { ops, checked: true, linearizable, claims, guarantees };
}

/** When a broken guarantee shows: the latest call among its evidence (or the run's end). */
function findingTime(result: GuaranteeResult, endMicros: Micros): Micros {
  const ops = result.ops ?? [];
  return ops.length > 0 ? Math.max(...ops.map((op) => op.call)) : endMicros;
}

function brokenClaims(history: HistoryVerdict, endMicros: Micros): Violation[] {
  return history.guarantees
    .filter((g) => g.claimed && g.holds === false)
    .map((g) => ({
      invariant: g.guarantee,
      atMicros: findingTime(g, endMicros),
      event: -1,
      message: `history not ${g.guarantee}: ${g.reason ?? ''}`,
    }));
}

function anomaliesOf(history: HistoryVerdict, endMicros: Micros): Anomaly[] {
  return history.guarantees
    .filter((g) => !g.claimed && g.holds === false)
    .map((g) => ({
      guarantee: g.guarantee,
      atMicros: findingTime(g, endMicros),
      message: `history not ${g.guarantee}: ${g.reason ?? ''}`,
      ops: g.ops ?? [],
    }));
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
  const convergence = runMeasuringConvergence(sim, module, untilMicros);
  if (untilMicros >= scenario.durationMicros) sim.checkLiveness();
  // The run's own scenario: it holds any parameters the nemesis drew.
  const history = checkHistory(module, sim.scenario, sim.history);
  const wallMillis = Number(process.hrtime.bigint() - started) / 1e6;
  if (traceFile !== undefined) writeTrace(traceFile, sim);
  const summary = sim.summary();
  return {
    ...summary,
    violations: [...summary.violations, ...brokenClaims(history, summary.simMicros)],
    anomalies: anomaliesOf(history, summary.simMicros),
    history,
    ...(convergence === null ? {} : { convergence }),
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
