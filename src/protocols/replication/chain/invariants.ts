import type { ClusterView, HistoryEvent, Invariant } from '../../../sim/types';
import { opsComplete } from '../common/shared';
import { predecessorOf, roleIn, successorOf, type ChainState } from './types';

type Cluster = ClusterView<ChainState>;

function isPrefix(shorter: ChainState, longer: ChainState): boolean {
  const n = shorter.log.length;
  if (n > longer.log.length) return false;
  return n === 0 || shorter.hashes[n - 1] === longer.hashes[n - 1];
}

/** Neighbour `other` of a node, when it is up and in the same epoch. */
function neighbour(cluster: Cluster, s: ChainState, other: number): ChainState | null {
  if (other < 0) return null;
  const t = cluster.states[other];
  return t != null && t.config.epoch === s.config.epoch ? t : null;
}

/**
 * The paper's Update Propagation Invariant: for servers i before j in the chain, Hist_j is a
 * prefix of Hist_i. Checked between the server that just acted and its neighbours in its epoch.
 */
export const updatePropagation: Invariant<ChainState, null> = {
  id: 'update-propagation',
  description:
    'Each server’s history is a prefix of its predecessor’s (Update Propagation Invariant).',
  init: () => null,
  check(_memory, cluster) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null || roleIn(s.config, node) === 'out' || node === 0) return null;
    const pred = predecessorOf(s.config, node);
    const before = neighbour(cluster, s, pred);
    if (before !== null && !isPrefix(s, before))
      return `epoch ${s.config.epoch}: n${node}'s history (${s.log.length}) is not a prefix of its predecessor n${pred}'s (${before.log.length})`;
    const succ = successorOf(s.config, node);
    const after = neighbour(cluster, s, succ);
    if (after !== null && !isPrefix(after, s))
      return `epoch ${s.config.epoch}: successor n${succ}'s history (${after.log.length}) is not a prefix of n${node}'s (${s.log.length})`;
    return null;
  },
};

/**
 * A client hears back only about updates the tail holds: the reply comes from the tail, after
 * every server applied the update.
 */
export const ackedAtTail: Invariant<ChainState, number[]> = {
  id: 'acked-at-tail',
  description: 'An update is acknowledged to its client only once the tail holds it.',
  init: () => [],
  check(memory, cluster) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null || s.ackedUpTo <= (memory[node] ?? 0)) return null;
    memory[node] = s.ackedUpTo;
    const chain = s.config.chain;
    const tailId = chain[chain.length - 1];
    if (tailId === undefined || tailId === node) return null;
    const tail = neighbour(cluster, s, tailId);
    if (tail === null || tail.log.length >= s.ackedUpTo) return null;
    return `n${node} acknowledged update ${s.ackedUpTo} while the tail n${tailId} holds only ${tail.log.length}`;
  },
};

export const chainInvariants = [updatePropagation, ackedAtTail] as const;

export function chainLiveness(cluster: Cluster, history: readonly HistoryEvent[]): string | null {
  const master = cluster.states[0];
  if (master != null && master.config.chain.length === 0) return null;
  return opsComplete(cluster, history);
}
