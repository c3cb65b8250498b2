import type { HistoryEvent, Micros } from '../../sim/types';

/**
 * The client half of a liveness check, for any protocol with a client workload: every op invoked
 * in [now - windowMicros, now - boundMicros] completed (ok or fail) within boundMicros. Returns
 * what did not happen, or null. The window should start after the faults stop (the quiet phase).
 */
export function opsCompleteWithin(
  history: readonly HistoryEvent[],
  now: Micros,
  windowMicros: Micros,
  boundMicros: Micros,
): string | null {
  const windowStart = now - windowMicros;
  const windowEnd = now - boundMicros;
  if (windowStart < 0) return null;
  const open = new Map<number, number>();
  for (const event of history) {
    if (event.type === 'invoke') {
      if (event.at >= windowStart && event.at <= windowEnd) open.set(event.process, event.at);
      continue;
    }
    const started = open.get(event.process);
    if (started === undefined) continue;
    open.delete(event.process);
    if (event.type === 'info' || event.at - started > boundMicros) {
      return `client op ${event.f} by process ${event.process}, invoked at ${started} µs, took ${event.at - started} µs (${event.type})`;
    }
  }
  for (const [process, started] of open)
    return `client op by process ${process}, invoked at ${started} µs, never completed`;
  return null;
}
