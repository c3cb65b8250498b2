import { KV_CLIENTS } from '../../../src/protocols/common/kv';
import { checkLinearizable, operationsFromHistory } from '../../../src/sim/history/linearizability';
import { MODELS, type Model } from '../../../src/sim/history/models';
import { monotonicReads, readYourWrites } from '../../../src/sim/history/sessions';
import { presetScenario } from '../../../src/sim/presets';
import { DEFAULT_NEMESIS, defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type {
  NemesisKind,
  ParamValues,
  ProtocolModule,
  Scenario,
  WorkloadConfig,
} from '../../../src/sim/types';

/**
 * Runs for the replication tests: one scenario through the real kernel, its client history
 * judged by the linearizability and session checkers (the sequential-consistency search is left
 * to the command line: it is too slow for a sweep of hundreds of runs), and sweeps over seeds.
 */

export type FaultClass = 'none' | 'crash' | 'partition' | 'loss' | 'clock';
export const FAULT_CLASSES: readonly FaultClass[] = ['none', 'crash', 'partition', 'loss', 'clock'];

/** The nemesis kinds a fault class draws from (none: no nemesis). */
const KINDS: Record<FaultClass, readonly NemesisKind[]> = {
  none: [],
  crash: ['crash'],
  partition: ['partition'],
  loss: ['loss'],
  clock: ['clock'],
};

export interface RunSpec {
  readonly module: ProtocolModule;
  readonly params?: ParamValues;
  readonly variant?: string | null;
  readonly preset?: string;
  readonly faults?: FaultClass;
  readonly workload?: Partial<WorkloadConfig>;
}

export function scenarioOf(spec: RunSpec, seed: number): Scenario {
  let base = defaultScenario(spec.module, String(seed));
  if (spec.preset !== undefined) {
    const built = presetScenario(spec.module, spec.preset, String(seed));
    if (!built.ok) throw new Error(built.error);
    base = built.value;
  }
  const kinds = KINDS[spec.faults ?? 'none'];
  return {
    ...base,
    variant: spec.variant ?? null,
    params: { ...base.params, ...spec.params },
    workload: { ...(base.workload ?? KV_CLIENTS), ...spec.workload },
    nemesis: kinds.length === 0 ? base.nemesis : { ...DEFAULT_NEMESIS, kinds },
  };
}

export function runScenario(module: ProtocolModule, scenario: Scenario): Simulation {
  const sim = new Simulation(scenario, module, { trace: 'hash', checkpointEvery: 0 });
  sim.runUntil(scenario.durationMicros);
  if (sim.stopped === null) sim.checkLiveness();
  return sim;
}

export type Checked = 'linearizable' | 'read-your-writes' | 'monotonic-reads';

export interface Outcome {
  /** Invariants (and liveness) that failed. */
  readonly violations: readonly string[];
  /** Guarantees the history broke. */
  readonly broken: readonly Checked[];
  readonly stopped: string | null;
}

const BUDGET = { maxSteps: 5_000_000, maxMemoEntries: 1_000_000 };

/** What one run broke. Session guarantees are checked only when linearizability fails. */
export function judge(sim: Simulation): Outcome {
  const ops = operationsFromHistory(sim.history);
  const model = MODELS.kv as Model<unknown>;
  const broken: Checked[] = [];
  const lin = checkLinearizable(ops, model, BUDGET).linearizable;
  if (lin === false) {
    broken.push('linearizable');
    if (readYourWrites(ops, model, BUDGET).holds === false) broken.push('read-your-writes');
    if (monotonicReads(ops, model, BUDGET).holds === false) broken.push('monotonic-reads');
  }
  return { violations: sim.violations.map((v) => v.invariant), broken, stopped: sim.stopped };
}

export interface SweepResult {
  /** Seeds on which each guarantee broke, and each invariant failed. */
  readonly broken: Map<string, number[]>;
  readonly stopped: number[];
}

export function sweep(spec: RunSpec, seeds: number): SweepResult {
  const broken = new Map<string, number[]>();
  const stopped: number[] = [];
  const add = (name: string, seed: number) => broken.set(name, [...(broken.get(name) ?? []), seed]);
  for (let seed = 1; seed <= seeds; seed++) {
    const outcome = judge(runScenario(spec.module, scenarioOf(spec, seed)));
    for (const g of outcome.broken) add(g, seed);
    for (const v of outcome.violations) add(`invariant ${v}`, seed);
    if (outcome.stopped !== null) stopped.push(seed);
  }
  return { broken, stopped };
}
