/**
 * The views' part of `window.splitbrain` (see automation.ts): messages in flight and the
 * selection, violations and their highlight, the client history's verdict, the metrics.
 */
import { selection } from './components/ClusterView';
import { showViolation } from './components/ViolationsView';
import type { Highlight } from './highlight';
import { currentMetrics, currentRun } from './sim-bridge';
import { type SelectedMessage, appStore } from './store';
import { currentInput } from './components/HistoryView';
import { guaranteeStatus, requestVerdict } from './verdict';
import { workerChecker } from './verdict-client';

export interface MessageInfo {
  readonly id: number;
  readonly type: string;
  readonly from: number;
  readonly to: number;
  readonly sentAt: number;
  readonly deliverAt: number;
}

export interface VerdictSummary {
  readonly atMicros: number;
  readonly ops: number;
  readonly claims: readonly string[];
  readonly error: string | null;
  readonly guarantees: readonly {
    readonly guarantee: string;
    readonly claimed: boolean;
    readonly holds: boolean | 'unknown';
    /** holds, violated (claimed), anomaly (not claimed) or unknown. */
    readonly status: string;
    /** Op ids (indices of their invoke events in the history) of the witness. */
    readonly witness: readonly number[];
  }[];
}

export interface MetricsSummary {
  readonly intervalMicros: number;
  readonly buckets: number;
  /** Boundaries whose node states were sampled. */
  readonly sampled: number;
  readonly messageTypes: readonly string[];
  readonly messagesSent: number;
  readonly opsAnswered: number;
  /** The protocol's own series (ProtocolView.metrics). */
  readonly series: readonly string[];
}

export interface ViewsAutomation {
  messages(): MessageInfo[] | null;
  selectMessage(id: number | null): SelectedMessage | null;
  selectedMessage(): SelectedMessage | null;
  showViolation(index: number): Highlight | null;
  highlight(): Highlight | null;
  historyVerdict(): Promise<VerdictSummary | null>;
  metrics(): MetricsSummary | null;
}

function inFlight(): MessageInfo[] | null {
  const run = currentRun();
  if (run === null) return null;
  return run.simulation
    .inFlight()
    .sort((a, b) => a.id - b.id)
    .map((m) => ({
      id: m.id,
      type: m.msg.type,
      from: m.from,
      to: m.to,
      sentAt: m.sentAt,
      deliverAt: m.deliverAt,
    }));
}

function selectMessage(id: number | null): SelectedMessage | null {
  const store = appStore.getState();
  const run = currentRun();
  if (id === null || run === null) {
    store.selectMessage(null);
    return null;
  }
  const m = run.simulation.inFlight().find((candidate) => candidate.id === id);
  if (m === undefined) throw new Error(`selectMessage: no message ${id} in flight at the cursor`);
  store.selectMessage(selection(m, run.module.view.label(m.msg)));
  return appStore.getState().selectedMessage;
}

async function historyVerdict(): Promise<VerdictSummary | null> {
  const input = currentInput();
  if (input === null) return null;
  const verdict = await requestVerdict(input, workerChecker);
  if (verdict === null) return null;
  return {
    atMicros: verdict.atMicros,
    ops: verdict.ops,
    claims: [...verdict.claims],
    error: verdict.error,
    guarantees: verdict.results.map((r) => ({
      guarantee: r.guarantee,
      claimed: r.claimed,
      holds: r.holds,
      status: guaranteeStatus(r),
      witness: (r.ops ?? []).map((op) => op.id),
    })),
  };
}

function metrics(): MetricsSummary | null {
  const m = currentMetrics();
  if (m === null) return null;
  let sent = 0;
  for (const counts of m.sends.values()) for (const c of counts) sent += c;
  let answered = 0;
  for (const c of m.completed) answered += c;
  let sampled = 0;
  for (const s of m.sampled) sampled += s;
  return {
    intervalMicros: m.interval,
    buckets: m.buckets,
    sampled,
    messageTypes: m.messageTypes(),
    messagesSent: sent,
    opsAnswered: answered,
    series: [...m.series.keys()],
  };
}

export function viewsAutomation(): ViewsAutomation {
  return {
    messages: inFlight,
    selectMessage,
    selectedMessage: () => appStore.getState().selectedMessage,
    showViolation: (index) => {
      const v = currentRun()?.simulation.violations[index];
      if (v === undefined) throw new Error(`showViolation: no violation ${index} up to the cursor`);
      return showViolation(v);
    },
    highlight: () => appStore.getState().highlight,
    historyVerdict,
    metrics,
  };
}
