/**
 * Pure playback logic: the speed scale, mapping wall time to simulated time, timeline markers
 * read from the trace, and where things are drawn at the cursor. No DOM, no React: unit-tested.
 */
import { REC } from '../sim/trace';

/** Playback speeds, simulated seconds per wall second: a log scale from 1/1000x to 100x. */
export const SPEEDS: readonly number[] = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100,
];
/** 0.02x: a 5 ms message takes a quarter of a second to cross the screen. */
export const DEFAULT_SPEED_INDEX = 4;

export function clampSpeedIndex(index: number): number {
  return Math.min(SPEEDS.length - 1, Math.max(0, Math.round(index)));
}

/** "1/50x", "1x", "20x". */
export function speedLabel(index: number): string {
  const speed = SPEEDS[clampSpeedIndex(index)]!;
  if (speed >= 1) return `${speed}x`;
  return `1/${Math.round(1 / speed)}x`;
}

/**
 * How far the simulation moves in one frame: wall milliseconds times the speed, in whole
 * microseconds. A long frame (a background tab) is capped so playback never leaps.
 */
export function simAdvance(wallMillis: number, speedIndex: number, maxFrameMillis = 100): number {
  const ms = Math.min(Math.max(0, wallMillis), maxFrameMillis);
  return Math.max(0, Math.round(ms * 1000 * SPEEDS[clampSpeedIndex(speedIndex)]!));
}

export type MarkerKind = 'fault' | 'heal' | 'role' | 'leader' | 'violation' | 'client';

export interface Marker {
  /** Index of the trace record. */
  readonly record: number;
  readonly at: number;
  readonly kind: MarkerKind;
  /** Node it concerns, or -1. */
  readonly node: number;
  /** A short text: "crash n2", "n1 leader (term 3)". */
  readonly label: string;
}

/** The trace columns markers are read from (Trace satisfies this). */
export interface TraceColumns {
  readonly kind: ArrayLike<number>;
  readonly at: ArrayLike<number>;
  readonly node: ArrayLike<number>;
  readonly peer: ArrayLike<number>;
  readonly name: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly names: readonly string[];
}

const FAULT_LABELS: Partial<Record<number, string>> = {
  [REC.crash]: 'crash',
  [REC.restart]: 'restart',
  [REC.amnesia]: 'amnesia restart',
  [REC.pause]: 'pause',
  [REC.resume]: 'resume',
  [REC.cut]: 'cut',
  [REC.uncut]: 'uncut',
  [REC.loss]: 'loss',
  [REC.latency]: 'latency',
  [REC.clock]: 'clock',
  [REC.partition]: 'partition',
};

/**
 * Markers in trace records [from, to): faults, heals, role changes (notes named after one of the
 * protocol's roles), violations. Client ops are not markers (there are too many of them).
 */
export function scanMarkers(
  trace: TraceColumns,
  from: number,
  to: number,
  roles: ReadonlySet<string>,
): Marker[] {
  const out: Marker[] = [];
  for (let i = from; i < to; i++) {
    const kind = trace.kind[i]!;
    const at = trace.at[i]!;
    const node = trace.node[i]!;
    if (kind === REC.note) {
      const name = trace.names[trace.name[i]!] ?? '';
      if (!roles.has(name)) continue;
      const term = trace.value[i]!;
      out.push({
        record: i,
        at,
        node,
        kind: name === 'leader' ? 'leader' : 'role',
        label: `n${node} ${name}${term > 0 ? ` (term ${term})` : ''}`,
      });
    } else if (kind === REC.violation) {
      out.push({
        record: i,
        at,
        node: -1,
        kind: 'violation',
        label: `violation: ${trace.names[trace.name[i]!] ?? ''}`,
      });
    } else if (kind === REC.command) {
      const name = trace.names[trace.name[i]!] ?? 'command';
      out.push({ record: i, at, node: -1, kind: 'fault', label: `${name} n${trace.value[i]!}` });
    } else if (kind === REC.heal || kind === REC.quiet) {
      out.push({
        record: i,
        at,
        node: -1,
        kind: 'heal',
        label: kind === REC.heal ? 'heal' : 'quiet phase',
      });
    } else {
      const label = FAULT_LABELS[kind];
      if (label === undefined) continue;
      let text = label;
      if (kind === REC.cut || kind === REC.uncut) text = `${label} n${node}→n${trace.peer[i]!}`;
      else if (kind === REC.loss) text = `loss ${trace.value[i]! / 10_000}%`;
      else if (node >= 0) text = `${label} n${node}`;
      out.push({ record: i, at, node, kind: 'fault', label: text });
    }
  }
  return out;
}

/**
 * The marker to jump to from `now`: the first one strictly after it (dir 1) or strictly before
 * it (dir -1); null if none.
 */
export function adjacentMarker(
  markers: readonly Marker[],
  now: number,
  dir: 1 | -1,
): Marker | null {
  if (dir === 1) {
    for (const m of markers) if (m.at > now) return m;
    return null;
  }
  for (let i = markers.length - 1; i >= 0; i--) if (markers[i]!.at < now) return markers[i]!;
  return null;
}

/** How far along its link a message is at `now`: 0 at send, 1 at delivery. */
export function messageProgress(sentAt: number, deliverAt: number, now: number): number {
  if (deliverAt <= sentAt) return 1;
  return Math.min(1, Math.max(0, (now - sentAt) / (deliverAt - sentAt)));
}

/** The share of a timer still to run at `now` (1 just armed, 0 due), or null without one. */
export function timerRemaining(
  timer: { start: number; deadline: number } | null,
  now: number,
): number | null {
  if (timer === null) return null;
  const span = timer.deadline - timer.start;
  if (span <= 0) return 0;
  return Math.min(1, Math.max(0, (timer.deadline - now) / span));
}

/** First index in the sorted `at` column whose time is >= t (binary search over [0, length)). */
export function lowerBound(at: ArrayLike<number>, length: number, t: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
