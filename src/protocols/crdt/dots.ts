import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';

/**
 * Dots and causal contexts, as in the delta-state CRDT paper (Almeida, Shoker, Baquero, "Delta
 * State Replicated Data Types", 2018, section 5): a dot (i, n) names the n-th event of replica i;
 * a causal context is the set of dots a state has seen, kept compact as a version vector (every
 * dot up to vv[i] of each replica i) plus a "dot cloud" of the dots seen beyond a gap. When dots
 * arrive in causal order the cloud stays empty: the context is one integer per replica.
 */

/** Replica ids are below this (the kernel's node bound), so a dot fits in one number. */
export const MAX_REPLICAS = 64;

/** A dot (replica, counter) packed as counter * 64 + replica: numbers order dots counter-first. */
export type Dot = number;

export function makeDot(replica: NodeId, counter: number): Dot {
  assert(replica >= 0 && replica < MAX_REPLICAS, 'dot replica out of range', replica);
  assert(Number.isSafeInteger(counter) && counter >= 1, 'dot counter must be positive', counter);
  return counter * MAX_REPLICAS + replica;
}

export function dotReplica(dot: Dot): NodeId {
  return dot % MAX_REPLICAS;
}

export function dotCounter(dot: Dot): number {
  return (dot - (dot % MAX_REPLICAS)) / MAX_REPLICAS;
}

export function formatDot(dot: Dot): string {
  return `n${dotReplica(dot)}:${dotCounter(dot)}`;
}

/** A version vector plus the dots seen beyond its gaps. Plain data. */
export interface CausalContext {
  /** vv[i]: every dot (i, 1..vv[i]) has been seen. */
  vv: number[];
  /** Dots seen that are not contiguous with the version vector (empty under causal delivery). */
  cloud: Set<Dot>;
}

export function emptyContext(nodes: number): CausalContext {
  assert(Number.isInteger(nodes) && nodes >= 1, 'a context needs a replica count', nodes);
  assert(nodes <= MAX_REPLICAS, 'too many replicas for a dot', nodes);
  return { vv: new Array<number>(nodes).fill(0), cloud: new Set() };
}

export function contextHas(cc: CausalContext, dot: Dot): boolean {
  return dotCounter(dot) <= (cc.vv[dotReplica(dot)] ?? 0) || cc.cloud.has(dot);
}

/** The next dot of `replica`: one past every dot of it this context has seen. */
export function nextDot(cc: CausalContext, replica: NodeId): Dot {
  let top = cc.vv[replica] ?? 0;
  for (const dot of cc.cloud) if (dotReplica(dot) === replica) top = Math.max(top, dotCounter(dot));
  return makeDot(replica, top + 1);
}

/** Add one dot, keeping the context compact. */
export function addDot(cc: CausalContext, dot: Dot): void {
  if (contextHas(cc, dot)) return;
  cc.cloud.add(dot);
  compact(cc);
}

/** A context holding exactly these dots (a delta's context). */
export function contextOf(nodes: number, dots: Iterable<Dot>): CausalContext {
  const cc = emptyContext(nodes);
  for (const dot of dots) addDot(cc, dot);
  return cc;
}

/** Move cloud dots that extend the version vector into it; drop cloud dots it already covers. */
export function compact(cc: CausalContext): void {
  if (!compactable(cc)) return;
  const sorted = [...cc.cloud].sort((x, y) => x - y);
  for (const dot of sorted) {
    const replica = dotReplica(dot);
    const counter = dotCounter(dot);
    assert(replica < cc.vv.length, 'dot of an unknown replica', replica);
    const have = cc.vv[replica]!;
    // Sorted counter-first, so a run n+1, n+2, ... of one replica is absorbed in one pass.
    if (counter === have + 1) cc.vv[replica] = counter;
    if (counter <= cc.vv[replica]!) cc.cloud.delete(dot);
  }
}

/** Whether some cloud dot extends or repeats the version vector (a scan, cheaper than a sort). */
function compactable(cc: CausalContext): boolean {
  for (const dot of cc.cloud) if (dotCounter(dot) <= (cc.vv[dotReplica(dot)] ?? 0) + 1) return true;
  return false;
}

/** target := target ∪ source. True when target grew. */
export function joinContext(target: CausalContext, source: CausalContext): boolean {
  assert(target.vv.length === source.vv.length, 'contexts of different cluster sizes');
  let changed = false;
  for (let i = 0; i < target.vv.length; i++) {
    if (source.vv[i]! > target.vv[i]!) {
      target.vv[i] = source.vv[i]!;
      changed = true;
    }
  }
  for (const dot of source.cloud) {
    if (contextHas(target, dot)) continue;
    target.cloud.add(dot);
    changed = true;
  }
  compact(target);
  return changed;
}

/** Whether `cc` has seen every dot the version vector `base` names. */
export function covers(cc: CausalContext, base: readonly number[]): boolean {
  assert(base.length === cc.vv.length, 'version vectors of different cluster sizes');
  for (let i = 0; i < base.length; i++) if (cc.vv[i]! < base[i]!) return false;
  return true;
}

/** How many dots the context holds. */
export function contextSize(cc: CausalContext): number {
  let total = cc.cloud.size;
  for (const n of cc.vv) total += n;
  return total;
}

/** A stable text for equality: the version vector, then the sorted cloud. */
export function contextKey(cc: CausalContext): string {
  const cloud = [...cc.cloud].sort((x, y) => x - y);
  return cloud.length === 0 ? cc.vv.join(',') : `${cc.vv.join(',')}+${cloud.join(',')}`;
}

export function cloneContext(cc: CausalContext): CausalContext {
  return { vv: cc.vv.slice(), cloud: new Set(cc.cloud) };
}
