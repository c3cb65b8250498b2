import type { HistoryEvent } from '../../sim/types';
import type { OpRecord } from './crdt';

export type { OpRecord } from './crdt';

/**
 * Helpers for the sequential spec checks: the client history paired into ops, and the sums and
 * sets a spec compares the converged value against. An op whose outcome is unknown (info, or
 * still pending at the end) may or may not have taken effect, so specs bound the value between
 * "the acknowledged ops" and "the acknowledged ops plus the unknown ones", as Jepsen's counter
 * checker does.
 */

/** Pair each invoke with its completion (by process; a process has one op open at a time). */
export function opRecords(history: readonly HistoryEvent[]): OpRecord[] {
  const open = new Map<number, number>();
  const out: OpRecord[] = [];
  for (const event of history) {
    if (event.type === 'invoke') {
      open.set(event.process, out.length);
      out.push({
        f: event.f,
        ...(event.key === undefined ? {} : { key: event.key }),
        value: event.value,
        result: 'pending',
        reply: undefined,
        invokedAt: event.at,
        completedAt: Number.POSITIVE_INFINITY,
      });
      continue;
    }
    const index = open.get(event.process);
    if (index === undefined) continue;
    open.delete(event.process);
    out[index] = { ...out[index]!, result: event.type, reply: event.value, completedAt: event.at };
  }
  return out;
}

/** Acknowledged: the op took effect. */
export function isOk(op: OpRecord): boolean {
  return op.result === 'ok';
}

/** The op may have taken effect (acknowledged, or its outcome is unknown). */
export function mayHaveApplied(op: OpRecord): boolean {
  return op.result !== 'fail';
}

/** Sum of the amounts of ops named f that satisfy `which`. */
export function sumAmounts(
  ops: readonly OpRecord[],
  f: string,
  which: (op: OpRecord) => boolean,
): number {
  let total = 0;
  for (const op of ops) if (op.f === f && which(op)) total += op.value as number;
  return total;
}

/** "x, y and 2 more": a short list for messages. */
export function listSome(items: readonly unknown[], max = 5): string {
  const shown = items.slice(0, max).map(String).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
