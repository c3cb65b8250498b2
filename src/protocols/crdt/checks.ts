import type { ClusterView, HistoryEvent, Invariant, LivenessCheck } from '../../sim/types';
import { fingerprint, joinAll, type CrdtType } from './crdt';
import { contextSize, emptyContext, joinContext } from './dots';
import { opRecords } from './spec';
import type { Replica } from './types';

/**
 * The checks of every CRDT. Safety, after every event: the type's structural rule (e.g. the
 * OR-Set keeps no tombstones). Liveness, once after the quiet phase: every replica holds the
 * same state and reads the same value (strong eventual consistency), and that value agrees with
 * the type's sequential spec over the client history.
 */

interface WellFormedMemory {
  /** The last change count seen per node: a replica is re-checked only after it changed. */
  seen: number[];
}

export function wellFormedInvariant<S>(
  type: CrdtType<S>,
): Invariant<Replica<S>, WellFormedMemory> | null {
  const rule = type.wellFormed;
  if (rule === undefined) return null;
  return {
    id: 'well-formed',
    description: `${type.title}: ${rule.rule}.`,
    init: () => ({ seen: [] }),
    check(memory, cluster) {
      const node = cluster.lastNode;
      if (node < 0) return null;
      const r = cluster.states[node];
      if (r == null) return null;
      const version = r.localUpdates + r.merges;
      if (memory.seen[node] === version) return null;
      memory.seen[node] = version;
      const problem = rule.check(r.crdt);
      return problem === null ? null : `n${node}: ${problem}`;
    },
  };
}

/** Per replica, its fingerprint (state and value). */
function fingerprints<S>(type: CrdtType<S>, states: readonly (Replica<S> | null)[]) {
  return states.map((r) => (r == null ? null : fingerprint(type, r.crdt, r.variant)));
}

export interface Convergence {
  /** Distinct states among the replicas that are up. */
  readonly distinct: number;
  /** Replicas (up) whose state differs from the join of all. */
  readonly diverged: number[];
  /** Most updates any replica (up) has not seen yet. */
  readonly missingUpdates: number;
}

/** How far the replicas that are up are from agreeing. */
export function convergence<S>(
  type: CrdtType<S>,
  states: readonly (Replica<S> | null)[],
): Convergence {
  const up = states.filter((r): r is Replica<S> => r != null);
  if (up.length === 0) return { distinct: 0, diverged: [], missingUpdates: 0 };
  const nodes = up[0]!.clock.vv.length;
  const all = joinAll(
    type,
    up.map((r) => r.crdt),
    nodes,
  );
  const target = fingerprint(type, all, up[0]!.variant);
  const prints = fingerprints(type, states);
  const diverged: number[] = [];
  prints.forEach((print, node) => {
    if (print !== null && print !== target) diverged.push(node);
  });
  const clock = emptyContext(nodes);
  for (const r of up) joinContext(clock, r.clock);
  const total = contextSize(clock);
  let missingUpdates = 0;
  for (const r of up) missingUpdates = Math.max(missingUpdates, total - contextSize(r.clock));
  return { distinct: new Set(prints.filter((p) => p !== null)).size, diverged, missingUpdates };
}

/** Liveness: all replicas equal after the quiet phase, and the value meets the sequential spec. */
export function convergedLiveness<S>(type: CrdtType<S>): LivenessCheck<Replica<S>> {
  return (cluster: ClusterView<Replica<S>>, history: readonly HistoryEvent[]) => {
    const down = cluster.states.flatMap((r, node) => (r == null ? [`n${node}`] : []));
    if (down.length > 0) return `replicas ${down.join(', ')} are down at the end of the run`;
    const states = cluster.states as readonly Replica<S>[];
    const { distinct, diverged } = convergence(type, states);
    if (distinct > 1 || diverged.length > 0) {
      const badges = states.map((r, node) => `n${node} ${type.badge(r.crdt, r.variant)}`);
      return `the replicas have not converged after the quiet phase: ${distinct} distinct states, ${diverged.length} of ${states.length} replicas differ from the join of all (${diverged.map((n) => `n${n}`).join(', ')}); ${badges.join('; ')}`;
    }
    const problem = type.spec(opRecords(history), states[0]!.crdt);
    return problem === null ? null : `converged, but ${problem}`;
  };
}
