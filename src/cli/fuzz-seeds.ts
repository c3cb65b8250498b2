import type { Micros, Scenario } from '../sim/types';
import { getProtocol } from '../protocols/registry';
import { executeRun } from './execute';

/** One problem a seed showed: a broken invariant, liveness, or a broken claimed guarantee. */
export interface SeedFailure {
  readonly seed: string;
  /** guarantee: the client history broke a guarantee the configuration claims. */
  readonly kind: 'invariant' | 'liveness' | 'guarantee' | 'stopped';
  readonly invariant: string;
  readonly atMicros: Micros;
  readonly message: string;
  readonly url: string;
}

export interface SeedResult {
  readonly seed: string;
  readonly failures: SeedFailure[];
  /** Guarantees the history broke that the configuration never claimed (not failures). */
  readonly anomalies: SeedFailure[];
  /** For protocols that say what converged means: time to converge, null if it never did. */
  readonly timeToConvergeMicros?: number | null;
}

function failureKind(invariant: string, event: number): SeedFailure['kind'] {
  if (invariant === 'liveness') return 'liveness';
  return event === -1 ? 'guarantee' : 'invariant';
}

/** Run one seed of a sweep and list what broke. Shared by the main thread and the workers. */
export function runSeed(base: Scenario, seed: string, untilMicros: Micros): SeedResult {
  const module = getProtocol(base.protocol);
  if (module === undefined) throw new Error(`unknown protocol ${base.protocol}`);
  const report = executeRun(module, { ...base, seed }, untilMicros, { stopOnViolation: true });
  const failures: SeedFailure[] = report.violations.map((v) => ({
    seed,
    kind: failureKind(v.invariant, v.event),
    invariant: v.invariant,
    atMicros: v.atMicros,
    message: v.message,
    url: report.url,
  }));
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
  const anomalies: SeedFailure[] = report.anomalies.map((a) => ({
    seed,
    kind: 'guarantee',
    invariant: a.guarantee,
    atMicros: a.atMicros,
    message: a.message,
    url: report.url,
  }));
  const converge = report.convergence;
  return converge === undefined
    ? { seed, failures, anomalies }
    : { seed, failures, anomalies, timeToConvergeMicros: converge.timeToConvergeMicros };
}
