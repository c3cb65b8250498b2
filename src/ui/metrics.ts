/**
 * Metrics sampled along a run, for the charts (MetricsView) and the client history view.
 *
 * The run's duration is cut into a fixed number of buckets, so memory is bounded whatever the
 * run's length (long runs are downsampled). Three kinds of series:
 *  - counted from the trace, per bucket: messages sent by type, messages dropped;
 *  - counted from the client history, per bucket of completion time: latency, failures,
 *    unknown outcomes;
 *  - sampled from the nodes' states at each bucket boundary: the term each node reports
 *    (view.summarize) and the protocol's own series (view.metrics).
 *
 * The trace and the history are read incrementally as the cursor moves; states are sampled
 * whenever the kernel sits at a boundary (`observe`), and `forwardSampled` makes forward moves
 * stop at each boundary not sampled yet. What was seen past the cursor stays (the run's known
 * future) until an input forks the run (`fork`). No DOM, no React: unit-tested.
 */
import { lowerBound } from './playback';
import type { Simulation } from '../sim/simulation';
import { REC } from '../sim/trace';
import type { HistoryEvent, Micros, ProtocolModule } from '../sim/types';

/** Buckets per run: the charts' resolution. */
export const METRIC_BUCKETS = 480;
/** Message types charted separately; the rest are summed under OTHER_TYPE. */
export const MAX_MESSAGE_TYPES = 12;
/** Protocol series kept; further names are ignored. */
export const MAX_PROTOCOL_SERIES = 64;
export const OTHER_TYPE = 'other';

/** The run as the recorder reads it (Simulation satisfies this). */
export type SampledRun = Pick<
  Simulation,
  'now' | 'trace' | 'history' | 'nextEventAt' | 'nodeStates' | 'stopped' | 'seek'
> & { readonly scenario: { readonly durationMicros: Micros; readonly nodes: number } };

function filled(length: number, value: number): Float64Array {
  return new Float64Array(length).fill(value);
}

export class MetricsRecorder {
  /** Simulated micros per bucket. */
  readonly interval: Micros;
  /** Number of buckets; state samples are taken at the B + 1 boundaries k * interval. */
  readonly buckets: number;
  /** Increases whenever a series changes (for memoised drawing). */
  version = 0;

  /** Sends per bucket, by message type (at most MAX_MESSAGE_TYPES, then OTHER_TYPE). */
  readonly sends = new Map<string, Float64Array>();
  readonly drops: Float64Array;
  /** Client ops completed (ok or fail) per bucket, their summed and largest latency. */
  readonly completed: Float64Array;
  readonly latencySum: Float64Array;
  readonly latencyMax: Float64Array;
  readonly failed: Float64Array;
  /** Ops whose outcome became unknown (info) per bucket. */
  readonly unknown: Float64Array;

  /** 1 where the boundary's state sample is known. */
  readonly sampled: Uint8Array;
  /** Per node, the term it reported at each boundary (NaN: crashed, no term, not sampled). */
  readonly terms: Float64Array[];
  /** The protocol's own series, at each boundary (NaN: absent or not sampled). */
  readonly series = new Map<string, Float64Array>();

  /** Every history event seen, in order: the history up to the cursor and its known future. */
  readonly knownHistory: HistoryEvent[] = [];
  /** Increases on every fork. */
  generation = 0;

  private traceScanned = 0;
  private historyScanned = 0;
  private readonly openInvokes = new Map<number, Micros>();

  constructor(
    private readonly module: Pick<ProtocolModule, 'view'>,
    durationMicros: Micros,
    nodes: number,
    buckets = METRIC_BUCKETS,
  ) {
    this.interval = Math.max(1, Math.ceil(durationMicros / buckets));
    this.buckets = Math.max(1, Math.ceil(durationMicros / this.interval));
    const b = this.buckets;
    this.drops = new Float64Array(b);
    this.completed = new Float64Array(b);
    this.latencySum = new Float64Array(b);
    this.latencyMax = new Float64Array(b);
    this.failed = new Float64Array(b);
    this.unknown = new Float64Array(b);
    this.sampled = new Uint8Array(b + 1);
    this.terms = Array.from({ length: nodes }, () => filled(b + 1, NaN));
  }

  /** The bucket a time falls in (the last one holds the run's end). */
  bucketOf(at: Micros): number {
    return Math.min(this.buckets - 1, Math.max(0, Math.floor(at / this.interval)));
  }

  /** Read the trace and the history up to the cursor, and sample the state if at a boundary. */
  update(run: SampledRun): void {
    this.scanTrace(run);
    this.scanHistory(run);
    this.observe(run);
  }

  /**
   * Sample every boundary at which the state is the current one: those in [now, next event).
   * Cheap when there is none (called before every step while playing).
   */
  observe(run: SampledRun): void {
    const next = run.nextEventAt();
    let k = Math.ceil(run.now / this.interval);
    if (k * this.interval >= next || k > this.buckets) return;
    let states: readonly unknown[] | null = null;
    for (; k <= this.buckets && k * this.interval < next; k++) {
      if (this.sampled[k] === 1) continue;
      states ??= run.nodeStates();
      this.sampleStates(k, states);
    }
  }

  /** The first boundary at or after `at` not sampled yet, or null. */
  firstUnsampled(at: Micros): Micros | null {
    for (let k = Math.max(0, Math.ceil(at / this.interval)); k <= this.buckets; k++)
      if (this.sampled[k] === 0) return k * this.interval;
    return null;
  }

  /**
   * An input is about to change the run at the cursor: forget what was seen past it. Bucket
   * counts from the cursor's bucket on are recounted from the trace; the history is reread.
   */
  fork(run: SampledRun): void {
    this.generation++;
    this.version++;
    const first = Math.ceil(run.now / this.interval);
    for (let k = first; k <= this.buckets; k++) this.sampled[k] = 0;
    for (const values of [...this.terms, ...this.series.values()]) values.fill(NaN, first);
    const bucket = this.bucketOf(run.now);
    for (const counts of [this.drops, ...this.sends.values()]) counts.fill(0, bucket);
    this.traceScanned = lowerBound(run.trace.at, run.trace.length, bucket * this.interval);
    for (const a of [this.completed, this.latencySum, this.latencyMax, this.failed, this.unknown])
      a.fill(0);
    this.knownHistory.length = 0;
    this.openInvokes.clear();
    this.historyScanned = 0;
  }

  /** Message types seen, busiest first (OTHER_TYPE last). */
  messageTypes(): string[] {
    const totals = [...this.sends]
      .map(([type, counts]) => {
        let sum = 0;
        for (const c of counts) sum += c;
        return { type, sum };
      })
      .filter((t) => t.sum > 0);
    totals.sort((a, b) =>
      a.type === OTHER_TYPE
        ? 1
        : b.type === OTHER_TYPE
          ? -1
          : b.sum - a.sum || (a.type < b.type ? -1 : 1),
    );
    return totals.map((t) => t.type);
  }

  private sampleStates(k: number, states: readonly unknown[]): void {
    const view = this.module.view;
    for (let node = 0; node < this.terms.length; node++) {
      const state = states[node];
      const term = state === null || state === undefined ? -1 : view.summarize(state).term;
      this.terms[node]![k] = term >= 0 ? term : NaN;
    }
    const values = view.metrics?.(states) ?? {};
    for (const [name, value] of Object.entries(values)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      let series = this.series.get(name);
      if (series === undefined) {
        if (this.series.size >= MAX_PROTOCOL_SERIES) continue;
        series = filled(this.buckets + 1, NaN);
        this.series.set(name, series);
      }
      series[k] = value;
    }
    this.sampled[k] = 1;
    this.version++;
  }

  private scanTrace(run: SampledRun): void {
    const trace = run.trace;
    if (trace.mode !== 'full' || trace.length <= this.traceScanned) return;
    for (let i = this.traceScanned; i < trace.length; i++) {
      const kind = trace.kind[i];
      if (kind === REC.send) {
        this.countSend(trace.names[trace.name[i]!] ?? OTHER_TYPE, this.bucketOf(trace.at[i]!));
      } else if (kind === REC.drop) {
        this.drops[this.bucketOf(trace.at[i]!)]!++;
      }
    }
    this.traceScanned = trace.length;
    this.version++;
  }

  private countSend(type: string, bucket: number): void {
    let counts = this.sends.get(type);
    if (counts === undefined) {
      const full = this.sends.size >= MAX_MESSAGE_TYPES;
      const name = full ? OTHER_TYPE : type;
      counts = this.sends.get(name);
      if (counts === undefined) {
        counts = new Float64Array(this.buckets);
        this.sends.set(name, counts);
      }
    }
    counts[bucket]!++;
  }

  private scanHistory(run: SampledRun): void {
    const history = run.history;
    if (history.length <= this.historyScanned) return;
    for (let i = this.historyScanned; i < history.length; i++) {
      const event = history[i]!;
      this.knownHistory.push(event);
      if (event.type === 'invoke') {
        this.openInvokes.set(event.process, event.at);
        continue;
      }
      const start = this.openInvokes.get(event.process);
      this.openInvokes.delete(event.process);
      const bucket = this.bucketOf(event.at);
      if (event.type === 'info') {
        this.unknown[bucket]!++;
        continue;
      }
      if (event.type === 'fail') this.failed[bucket]!++;
      if (start === undefined) continue;
      const latency = event.at - start;
      this.completed[bucket]!++;
      this.latencySum[bucket]! += latency;
      this.latencyMax[bucket] = Math.max(this.latencyMax[bucket]!, latency);
    }
    this.historyScanned = history.length;
    this.version++;
  }
}

/**
 * Move the run forward to `target`, stopping at each boundary not sampled yet so its state is
 * recorded. Where every boundary is known already, it seeks (checkpoints make that fast).
 */
export function forwardSampled(run: SampledRun, recorder: MetricsRecorder, target: Micros): void {
  while (run.stopped === null && run.now < target) {
    const boundary = recorder.firstUnsampled(run.now);
    if (boundary === null || boundary > target) break;
    run.seek(boundary);
    if (run.now !== boundary) break;
    recorder.observe(run);
  }
  if (run.stopped === null && (run.now !== target || run.nextEventAt() <= target)) run.seek(target);
  recorder.update(run);
}
