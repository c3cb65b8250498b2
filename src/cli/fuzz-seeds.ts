import type { Micros, Scenario } from '../sim/types';
import { getProtocol } from '../protocols/registry';
import { executeRun } from './execute';

/** One problem a seed showed: a broken invariant, liveness, or a non-linearizable history. */
export interface SeedFailure {
  readonly seed: string;
  readonly kind: 'invariant' | 'liveness' | 'linearizability' | 'stopped';
  readonly invariant: string;
  readonly atMicros: Micros;
  readonly message: string;
  readonly url: string;
}

export interface SeedResult {
  readonly seed: string;
  readonly failures: SeedFailure[];
}

/** Run one seed of a sweep and list what broke. Shared by the main thread and the workers. */
export function runSeed(base: Scenario, seed: string, untilMicros: Micros): SeedResult {
  const module = getProtocol(base.protocol);
  if (module === undefined) throw new Error(`unknown protocol ${base.protocol}`);
  const report = executeRun(module, { ...base, seed }, untilMicros, { stopOnViolation: true });
  const failures: SeedFailure[] = report.violations.map((v) => ({
    seed,
    kind: v.invariant === 'liveness' ? 'liveness' : 'invariant',
    invariant: v.invariant,
    atMicros: v.atMicros,
    message: v.message,
    url: report.url,
  }));
  if (report.history.linearizable === false) {
    const ops = report.history.witness?.ops ?? [];
    failures.push({
      seed,
      kind: 'linearizability',
      invariant: 'linearizability',
      atMicros: ops.length > 0 ? Math.max(...ops.map((op) => op.call)) : report.simMicros,
      message: `history not linearizable: ${ops.map((op) => op.description).join('; ') || 'no witness'}`,
      url: report.url,
    });
  }
  if (report.stopped !== null && report.violations.length === 0) {
    failures.push({
      seed,
      kind: 'stopped',
      invariant: 'bound',
      atMicros: report.simMicros,
      message: report.stopped,
      url: report.url,
    });
  }
  return { seed, failures };
}
