import type { NodeCtx } from '../../sim/types';
import { adoptConfigEntry, reloadConfig } from './membership';
import { LOG_KEY_PREFIX, type KvOp, type LogEntry, type RaftMsg, type RaftState } from './types';

/**
 * The log with its compacted prefix: indices start at 1; entries up to `snapshotIndex` live only
 * in the snapshot. Every change goes to disk here, entry by entry, before the caller replies.
 */

export function lastLogIndex(s: RaftState): number {
  return s.snapshotIndex + s.log.length;
}

export function lastLogTerm(s: RaftState): number {
  const n = s.log.length;
  return n === 0 ? s.snapshotTerm : s.log[n - 1]!.term;
}

/** The term of the entry at `index`, or -1 when this node cannot tell (compacted away or absent). */
export function termAt(s: RaftState, index: number): number {
  const offset = index - s.snapshotIndex;
  if (offset === 0) return s.snapshotTerm;
  if (offset < 0 || offset > s.log.length) return -1;
  return s.log[offset - 1]!.term;
}

/** The entry at `index` (which must be in (snapshotIndex, lastLogIndex]). */
export function entryAt(s: RaftState, index: number): LogEntry {
  return s.log[index - s.snapshotIndex - 1]!;
}

export function logKey(index: number): string {
  return LOG_KEY_PREFIX + index;
}

/**
 * An entry as it sits on disk: a compact string, `term` for a no-op, `term#m1,m2,...` for a
 * configuration entry, else
 * `term|client|seq|f|keyLength|valueLength|key value expected` (lengths make any text safe).
 * The kernel deep-copies an object on every persist; a string is stored as it is, and building
 * one costs a small fraction of a structured clone.
 */
export function encodeEntry(entry: LogEntry): string {
  const c = entry.cmd;
  if (entry.config !== undefined) return `${entry.term}#${entry.config.join(',')}`;
  if (c === null) return String(entry.term);
  return `${entry.term}|${c.client}|${c.seq}|${c.f}|${c.key.length}|${c.value.length}|${c.key}${c.value}${c.expected}`;
}

export function decodeEntry(text: string): LogEntry {
  const bar = text.indexOf('|');
  if (bar < 0) {
    const hash = text.indexOf('#');
    if (hash < 0) return { term: Number(text), cmd: null };
    const config = text
      .slice(hash + 1)
      .split(',')
      .map(Number);
    return { term: Number(text.slice(0, hash)), cmd: null, config };
  }
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 6; i++) {
    const end = text.indexOf('|', start);
    fields.push(text.slice(start, end));
    start = end + 1;
  }
  const keyLength = Number(fields[4]);
  const valueLength = Number(fields[5]);
  const key = text.slice(start, start + keyLength);
  const value = text.slice(start + keyLength, start + keyLength + valueLength);
  const expected = text.slice(start + keyLength + valueLength);
  return {
    term: Number(fields[0]),
    cmd: {
      client: Number(fields[1]),
      seq: Number(fields[2]),
      f: fields[3] as KvOp,
      key,
      value,
      expected,
    },
  };
}

/** Append one entry at lastLogIndex + 1 and write it to disk. */
export function appendEntry(ctx: NodeCtx<RaftMsg>, s: RaftState, entry: LogEntry): number {
  s.log.push(entry);
  const index = s.snapshotIndex + s.log.length;
  ctx.persist(logKey(index), encodeEntry(entry));
  if (entry.config !== undefined) adoptConfigEntry(s, ctx.self, index, entry);
  return index;
}

/** Delete the entry at `from` and all that follow it, on disk too. */
export function truncateFrom(ctx: NodeCtx<RaftMsg>, s: RaftState, from: number): void {
  const last = lastLogIndex(s);
  if (from > last) return;
  for (let i = from; i <= last; i++) ctx.persist(logKey(i), undefined);
  s.log.length = from - s.snapshotIndex - 1;
  s.truncations++;
  s.truncatedFrom = from;
  if (from <= s.configIndex) reloadConfig(s, ctx.self);
}

/**
 * The first index in (snapshotIndex, upTo] whose term is `term` (terms never decrease along a
 * log, so a binary search finds it), or -1 when there is none.
 */
export function firstIndexOfTerm(s: RaftState, term: number, upTo: number): number {
  let lo = s.snapshotIndex + 1;
  let hi = Math.min(upTo, lastLogIndex(s));
  if (lo > hi) return -1;
  // Smallest index in [lo, hi] with termAt >= term.
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (entryAt(s, mid).term >= term) hi = mid;
    else lo = mid + 1;
  }
  return entryAt(s, lo).term === term ? lo : -1;
}

/** The last index in (snapshotIndex, lastLogIndex] whose term is `term`, or -1. */
export function lastIndexOfTerm(s: RaftState, term: number): number {
  let lo = s.snapshotIndex + 1;
  let hi = lastLogIndex(s);
  if (lo > hi) return s.snapshotTerm === term && s.snapshotIndex > 0 ? s.snapshotIndex : -1;
  // Largest index in [lo, hi] with termAt <= term.
  if (entryAt(s, lo).term > term)
    return s.snapshotTerm === term && s.snapshotIndex > 0 ? s.snapshotIndex : -1;
  while (lo < hi) {
    const mid = lo + ((hi - lo + 1) >> 1);
    if (entryAt(s, mid).term <= term) lo = mid;
    else hi = mid - 1;
  }
  return entryAt(s, lo).term === term ? lo : -1;
}

/**
 * Section 5.4.1: the candidate's log is at least as up-to-date as ours when its last term is
 * later, or the same with a log at least as long.
 */
export function isUpToDate(s: RaftState, lastIndex: number, lastTerm: number): boolean {
  const myTerm = lastLogTerm(s);
  return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= lastLogIndex(s));
}
