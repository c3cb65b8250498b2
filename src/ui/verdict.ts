/**
 * The client history's guarantees, judged in the browser on the history up to the cursor by the
 * kernel's checkers (src/sim/history/guarantees.ts), within a bounded budget: the checker says
 * "unknown" when it runs out. The checker is synchronous; the app runs it in a worker
 * (verdict-worker.ts) so the page never freezes, and falls back to running it here. Results are
 * cached per run and per history (a fingerprint of its events), so moving the cursor back and
 * forth costs nothing, and the last broken guarantee found is remembered (pinned) so its witness
 * stays visible when the cursor moves back to look at it. No DOM, no React: unit-tested.
 */
import {
  checkGuarantees,
  claimedGuarantees,
  type GuaranteeResult,
} from '../sim/history/guarantees';
import type { CheckBudget } from '../sim/history/linearizability';
import type { ModelName } from '../sim/history/models';
import type { Guarantee, HistoryEvent, Micros, ProtocolModule, Scenario } from '../sim/types';

/**
 * A fifth of the command line's step budget: a second or two at most for the app's histories,
 * spent in a worker. Memory is bounded well below a browser tab's.
 */
export const BROWSER_CHECK_BUDGET: CheckBudget = {
  maxSteps: 1_000_000,
  maxMemoEntries: 500_000,
  maxMemoBytes: 128 << 20,
  maxWitnessSteps: 200_000,
};

/** What the checker needs, as plain data (it is posted to the worker). */
export interface CheckRequest {
  readonly history: readonly HistoryEvent[];
  readonly model: ModelName;
  readonly claims: readonly Guarantee[];
  readonly budget: CheckBudget;
}

export interface CheckAnswer {
  readonly results: readonly GuaranteeResult[];
  /** The history could not be checked (a malformed op): why; else null. */
  readonly error: string | null;
}

/** Run the checkers (in the worker, or here). */
export function runCheck(request: CheckRequest): CheckAnswer {
  try {
    const results = checkGuarantees(request.history, request.model, request.claims, request.budget);
    return { results, error: null };
  } catch (error) {
    return { results: [], error: error instanceof Error ? error.message : String(error) };
  }
}

/** Runs a check somewhere (a worker); resolves null when a newer request superseded it. */
export type Checker = (request: CheckRequest) => Promise<CheckAnswer | null>;

export interface HistoryVerdict {
  /** The history's fingerprint (length and a hash of its events). */
  readonly key: string;
  /** The cursor it was judged at. */
  readonly atMicros: Micros;
  /** History events judged, and ops (invocations) among them. */
  readonly events: number;
  readonly ops: number;
  /** null: the protocol names no history model, so there is nothing to judge. */
  readonly model: string | null;
  readonly claims: readonly Guarantee[];
  readonly results: readonly GuaranteeResult[];
  /** The history could not be checked (a malformed op): why. */
  readonly error: string | null;
}

/** What a verdict says of one guarantee, in the words the views use. */
export type GuaranteeStatus = 'holds' | 'violated' | 'anomaly' | 'unknown';

export function guaranteeStatus(result: GuaranteeResult): GuaranteeStatus {
  if (result.holds === true) return 'holds';
  if (result.holds === 'unknown') return 'unknown';
  return result.claimed ? 'violated' : 'anomaly';
}

/** The results that show a broken guarantee (claimed or not). */
export function brokenResults(verdict: HistoryVerdict | null): GuaranteeResult[] {
  return verdict?.results.filter((r) => r.holds === false) ?? [];
}

/** Invoke indices of the ops a verdict's broken guarantees name (the witness). */
export function witnessIds(verdict: HistoryVerdict | null): Set<number> {
  const ids = new Set<number>();
  for (const result of brokenResults(verdict)) for (const op of result.ops ?? []) ids.add(op.id);
  return ids;
}

/** A cheap, order-sensitive fingerprint of a history (it changes when any event differs). */
export function historyFingerprint(history: readonly HistoryEvent[]): string {
  let h = 0x811c9dc5;
  const mix = (n: number) => {
    h = Math.imul(h ^ (n | 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ Math.floor(n / 4_294_967_296), 0x01000193) >>> 0;
  };
  for (const e of history) {
    mix(e.at);
    mix(e.process);
    mix(e.type.length * 31 + e.type.charCodeAt(0));
    mix(e.f.length * 31 + (e.f.charCodeAt(0) || 0));
  }
  return `${history.length}:${h.toString(16)}`;
}

interface RunVerdicts {
  readonly byKey: Map<string, HistoryVerdict>;
  pinned: HistoryVerdict | null;
  /** The verdict judged or looked up last (shown, faded, while the next one is checked). */
  latest: HistoryVerdict | null;
  generation: number;
}

/** Verdicts kept per run (at most this many histories each). */
const MAX_CACHED = 64;
const runs = new WeakMap<object, RunVerdicts>();

function verdictsOf(run: object, generation: number): RunVerdicts {
  let entry = runs.get(run);
  if (entry === undefined || entry.generation !== generation) {
    // A fork changed the history past its point: what was pinned may no longer happen.
    entry = { byKey: entry?.byKey ?? new Map(), pinned: null, latest: null, generation };
    runs.set(run, entry);
  }
  return entry;
}

export interface VerdictInput {
  /** The run (any object identifying it; the Simulation). */
  readonly run: object;
  readonly module: ProtocolModule;
  readonly scenario: Pick<Scenario, 'params' | 'variant' | 'nodes'>;
  readonly history: readonly HistoryEvent[];
  readonly now: Micros;
  /** Increases when an input forks the run (MetricsRecorder.generation). */
  readonly generation: number;
}

/** The verdict for this history, if it was judged already (never runs the checker). */
export function cachedVerdict(input: VerdictInput): HistoryVerdict | null {
  const entry = verdictsOf(input.run, input.generation);
  return entry.byKey.get(historyFingerprint(input.history)) ?? null;
}

/** The verdict judged last that found a broken guarantee (kept across cursor moves). */
export function pinnedVerdict(
  input: Pick<VerdictInput, 'run' | 'generation'>,
): HistoryVerdict | null {
  return verdictsOf(input.run, input.generation).pinned;
}

/** The verdict this run judged last (for another history than the cursor's, maybe), or null. */
export function latestVerdict(
  input: Pick<VerdictInput, 'run' | 'generation'>,
): HistoryVerdict | null {
  return verdictsOf(input.run, input.generation).latest;
}

/** Judge the history up to the cursor here, synchronously (or return the cached verdict). */
export function judgeHistory(
  input: VerdictInput,
  budget: CheckBudget = BROWSER_CHECK_BUDGET,
): HistoryVerdict {
  const key = historyFingerprint(input.history);
  const cached = remember(input, key, null);
  if (cached !== null) return cached;
  const request = checkRequest(input, budget);
  const answer = request === null ? { results: [], error: null } : runCheck(request);
  return remember(input, key, verdictOf(input, key, answer))!;
}

/**
 * Judge the history up to the cursor with `checker` (a worker); null when a newer request
 * superseded this one. The history is copied: the kernel's list changes as the cursor moves.
 */
export async function requestVerdict(
  input: VerdictInput,
  checker: Checker,
  budget: CheckBudget = BROWSER_CHECK_BUDGET,
): Promise<HistoryVerdict | null> {
  const key = historyFingerprint(input.history);
  const cached = remember(input, key, null);
  if (cached !== null) return cached;
  const request = checkRequest({ ...input, history: [...input.history] }, budget);
  const answer = request === null ? { results: [], error: null } : await checker(request);
  if (answer === null) return null;
  return remember(input, key, verdictOf(input, key, answer));
}

/** Cache `verdict` (when given) and pin it if it found a broken guarantee; the cached one. */
function remember(input: VerdictInput, key: string, verdict: HistoryVerdict | null) {
  const entry = verdictsOf(input.run, input.generation);
  const known = entry.byKey.get(key) ?? verdict;
  if (known === null) return null;
  if (!entry.byKey.has(key)) {
    if (entry.byKey.size >= MAX_CACHED) entry.byKey.delete(entry.byKey.keys().next().value!);
    entry.byKey.set(key, known);
  }
  if (brokenResults(known).length > 0) entry.pinned = known;
  entry.latest = known;
  return known;
}

function checkRequest(input: VerdictInput, budget: CheckBudget): CheckRequest | null {
  const model = input.module.historyModel;
  if (model === undefined) return null;
  const claims = claimedGuarantees(input.module, input.scenario.params, input.scenario.variant);
  return { history: input.history, model, claims, budget };
}

function verdictOf(input: VerdictInput, key: string, answer: CheckAnswer): HistoryVerdict {
  let ops = 0;
  for (const e of input.history) if (e.type === 'invoke') ops++;
  const model = input.module.historyModel ?? null;
  return {
    key,
    atMicros: input.now,
    events: input.history.length,
    ops,
    model,
    claims:
      model === null
        ? []
        : claimedGuarantees(input.module, input.scenario.params, input.scenario.variant),
    results: answer.results,
    error: answer.error,
  };
}
