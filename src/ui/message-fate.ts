/**
 * What became of a message, read from the trace: still in flight, delivered, dropped (and why),
 * or held by a paused receiver. Pure: no DOM, no React; unit-tested.
 */
import { DROP_REASON_NAMES } from '../sim/network';
import { REC } from '../sim/trace';
import { formatMicros } from './format';
import { lowerBound } from './playback';
import type { HighlightTrace } from './highlight';

export type MessageFate =
  | { readonly kind: 'unsent' }
  | { readonly kind: 'in-flight' }
  | { readonly kind: 'delivered'; readonly at: number }
  | { readonly kind: 'dropped'; readonly at: number; readonly reason: string }
  /** Due, but neither delivered nor dropped by the cursor: its receiver is paused. */
  | { readonly kind: 'held' };

/** Records looked at past the message's due time. */
const SEARCH_RECORDS = 50_000;

/** The fate of message `id` (sent at sentAt, due at deliverAt) as of the cursor `now`. */
export function messageFate(
  trace: HighlightTrace,
  id: number,
  sentAt: number,
  deliverAt: number,
  now: number,
): MessageFate {
  if (now < sentAt) return { kind: 'unsent' };
  if (now < deliverAt) return { kind: 'in-flight' };
  const from = lowerBound(trace.at, trace.length, deliverAt);
  const to = Math.min(trace.length, from + SEARCH_RECORDS);
  for (let i = from; i < to; i++) {
    if (trace.value[i] !== id) continue;
    const kind = trace.kind[i];
    if (kind === REC.deliver) return { kind: 'delivered', at: trace.at[i]! };
    if (kind === REC.drop)
      return {
        kind: 'dropped',
        at: trace.at[i]!,
        reason: DROP_REASON_NAMES[trace.extra[i]!] ?? 'dropped',
      };
  }
  return { kind: 'held' };
}

export function fateText(fate: MessageFate): string {
  switch (fate.kind) {
    case 'unsent':
      return 'not sent yet at the cursor';
    case 'in-flight':
      return 'in flight';
    case 'delivered':
      return `delivered at ${formatMicros(fate.at)}`;
    case 'dropped':
      return `dropped at ${formatMicros(fate.at)} (${fate.reason})`;
    case 'held':
      return 'due, held by its paused receiver';
  }
}
