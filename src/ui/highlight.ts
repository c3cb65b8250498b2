/**
 * What a violation involves, read back from the trace: the node (or nodes) whose handler ran
 * at the event after which the invariant failed, the message delivered at that event, and the
 * messages sent by it. The views highlight them. Pure: no DOM, no React; unit-tested.
 */
import { REC } from '../sim/trace';
import type { Violation } from '../sim/types';
import type { TraceColumns } from './playback';

export interface InvolvedMessage {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  readonly type: string;
}

export interface Highlight {
  readonly invariant: string;
  readonly message: string;
  readonly event: number;
  readonly atMicros: number;
  /** Nodes whose handlers ran at the event (empty for a fault on the network, or liveness). */
  readonly nodes: readonly number[];
  /** The message whose delivery was the event, if it was one. */
  readonly delivered: InvolvedMessage | null;
  /** Messages sent at the event (still in flight just after it). */
  readonly sent: readonly InvolvedMessage[];
}

/** The trace as this module reads it (Trace satisfies this). */
export interface HighlightTrace extends TraceColumns {
  readonly length: number;
  readonly extra: ArrayLike<number>;
}

/** How far back from the cursor the violation's record is looked for. */
const SEARCH_RECORDS = 20_000;

/** Records a handler writes while it runs: they belong to the event that started it. */
function isInsideHandler(trace: HighlightTrace, i: number): boolean {
  const kind = trace.kind[i];
  if (kind === REC.drop) {
    // Dropped at send (lost or partitioned) happens inside a handler; at delivery it is an event.
    const reason = trace.extra[i];
    return reason === 1 || reason === 2;
  }
  return kind === REC.send || kind === REC.note || kind === REC.reply || kind === REC.violation;
}

function message(trace: HighlightTrace, i: number, from: number, to: number): InvolvedMessage {
  return { id: trace.value[i]!, from, to, type: trace.names[trace.name[i]!] ?? '' };
}

/** Index of the violation's own trace record, looked for backwards from the end; or -1. */
export function violationRecord(trace: HighlightTrace, v: Violation): number {
  const stop = Math.max(0, trace.length - SEARCH_RECORDS);
  for (let i = trace.length - 1; i >= stop; i--) {
    if (trace.kind[i] !== REC.violation || trace.value[i] !== v.event) continue;
    if (trace.names[trace.name[i]!] === v.invariant) return i;
  }
  return -1;
}

/**
 * What `v` involves. The trace must reach just past the violation (the cursor at its event, as
 * seekEvent(v.event) leaves it). Liveness is judged over the whole run: it involves no event.
 */
export function violationHighlight(trace: HighlightTrace, v: Violation): Highlight {
  const base = {
    invariant: v.invariant,
    message: v.message,
    event: v.event,
    atMicros: v.atMicros,
  };
  const none = { ...base, nodes: [], delivered: null, sent: [] };
  const found = v.invariant === 'liveness' ? -1 : violationRecord(trace, v);
  if (found < 0) return none;
  const nodes = new Set<number>();
  const sent: InvolvedMessage[] = [];
  let delivered: InvolvedMessage | null = null;
  let i = found - 1;
  for (; i >= 0 && isInsideHandler(trace, i); i--) {
    const node = trace.node[i]!;
    if (trace.kind[i] === REC.send) {
      sent.push(message(trace, i, node, trace.peer[i]!));
      nodes.add(node);
    } else if (trace.kind[i] === REC.note && node >= 0) {
      nodes.add(node);
    }
  }
  if (i >= 0) {
    // The record that started the event: a delivery, a timer, a fault, a client request...
    const node = trace.node[i]!;
    if (node >= 0) nodes.add(node);
    if (trace.kind[i] === REC.deliver) delivered = message(trace, i, trace.peer[i]!, node);
  }
  sent.reverse();
  return { ...base, nodes: [...nodes].sort((a, b) => a - b), delivered, sent };
}

/** "n4 ran on RequestVoteResponse from n2 to n4 and sent 4 messages". */
export function describeHighlight(h: Highlight): string {
  const parts: string[] = [];
  if (h.nodes.length > 0) parts.push(`${h.nodes.map((n) => `n${n}`).join(', ')} ran`);
  if (h.delivered)
    parts.push(`on ${h.delivered.type} from n${h.delivered.from} to n${h.delivered.to}`);
  if (h.sent.length > 0)
    parts.push(`and sent ${h.sent.length} message${h.sent.length > 1 ? 's' : ''}`);
  return parts.length === 0 ? 'no node ran at this event' : parts.join(' ');
}
