import { assert } from '../../../sim/assert';
import { hashText } from './shared';

/**
 * Versioned values with vector clocks (Dynamo, section 4.4; Riak's siblings). A key holds a set of
 * siblings: versions none of which descends from another. A new version replaces the siblings it
 * descends from; a concurrent one joins them. Clocks are arrays indexed by node id.
 */

export interface Version {
  readonly value: string;
  readonly clock: readonly number[];
  /** The write that made it: `client:seq`. */
  readonly writer: string;
  /**
   * Per client, the highest write sequence number in this version's causal past (itself
   * included): a coordinator holding it knows those writes took effect, and applies a retry of
   * one of them again never.
   */
  readonly writes: readonly number[];
}

/** Elementwise maximum of per-client sequence numbers. */
export function maxWrites(a: readonly number[], b: readonly number[]): number[] {
  return mergeClocks(a, b);
}

/** The causal past of a new version written by `client` (write `seq`) over `siblings`. */
export function nextWrites(siblings: readonly Version[], client: number, seq: number): number[] {
  let writes: number[] = [];
  for (const v of siblings) writes = maxWrites(writes, v.writes);
  while (writes.length <= client) writes.push(0);
  writes[client] = Math.max(writes[client]!, seq);
  return writes;
}

/** Whether a version among `siblings` descends from write `seq` of `client`. */
export function hasWrite(siblings: readonly Version[], client: number, seq: number): boolean {
  return siblings.some((v) => (v.writes[client] ?? 0) >= seq);
}

/** Siblings' values as one text, sorted: replicas holding the same versions read alike. */
export function siblingValues(siblings: readonly Version[]): string {
  return siblings
    .map((v) => v.value)
    .sort()
    .join(' | ');
}

export type Order = 'before' | 'after' | 'equal' | 'concurrent';

/** How clock a relates to clock b. */
export function compareClocks(a: readonly number[], b: readonly number[]): Order {
  let less = false;
  let greater = false;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x < y) less = true;
    else if (x > y) greater = true;
  }
  if (less && greater) return 'concurrent';
  if (less) return 'before';
  return greater ? 'after' : 'equal';
}

export function mergeClocks(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(a[i] ?? 0, b[i] ?? 0);
  return out;
}

/** The clock a coordinator gives a new version that supersedes `siblings`. */
export function nextClock(siblings: readonly Version[], node: number, nodes: number): number[] {
  let clock = new Array<number>(nodes).fill(0);
  for (const v of siblings) clock = mergeClocks(clock, v.clock);
  clock[node] = (clock[node] ?? 0) + 1;
  return clock;
}

/**
 * The siblings after `incoming` arrives, or null when nothing changes (it is known already, or an
 * older version of what is held).
 */
export function addVersion(siblings: readonly Version[], incoming: Version): Version[] | null {
  const kept: Version[] = [];
  for (const v of siblings) {
    const order = compareClocks(incoming.clock, v.clock);
    if (order === 'before' || order === 'equal') return null;
    if (order === 'concurrent') kept.push(v);
  }
  kept.push(incoming);
  assert(kept.length <= siblings.length + 1, 'a version adds at most one sibling');
  return sortSiblings(kept);
}

/** Both sets of siblings merged (the maximal versions of their union), or null if `a` already has it all. */
export function mergeSiblings(a: readonly Version[], b: readonly Version[]): Version[] | null {
  let current: readonly Version[] = a;
  let changed = false;
  for (const v of b) {
    const next = addVersion(current, v);
    if (next !== null) {
      current = next;
      changed = true;
    }
  }
  return changed ? [...current] : null;
}

/** Siblings in a canonical order (by clock text), so equal sets look equal everywhere. */
function sortSiblings(versions: Version[]): Version[] {
  return versions.sort((x, y) => {
    const a = x.clock.join(',');
    const b = y.clock.join(',');
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Does `siblings` hold `version` or something that descends from it? */
export function covers(siblings: readonly Version[], version: Version): boolean {
  return siblings.some((v) => {
    const order = compareClocks(v.clock, version.clock);
    return order === 'after' || order === 'equal';
  });
}

/**
 * What a read returns for these siblings: '' for none, the value for one (or for several holding
 * one value), else the distinct values sorted: an array, which the history records as such.
 */
export function readResult(siblings: readonly Version[]): string | string[] {
  const values = [...new Set(siblings.map((v) => v.value))].sort();
  if (values.length === 0) return '';
  return values.length === 1 ? values[0]! : values;
}

/** A digest of one key's siblings (order-independent: they are kept sorted). */
export function siblingsDigest(key: string, siblings: readonly Version[]): number {
  return hashText(`${key}=${siblings.map((v) => `${v.clock.join('.')}:${v.value}`).join('|')}`);
}

export function clockText(clock: readonly number[]): string {
  return `[${clock.join(' ')}]`;
}
