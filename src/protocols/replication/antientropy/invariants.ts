import type { ClusterView, Invariant } from '../../../sim/types';
import { lwwDigest } from '../common/lww';
import { convergedAndServed } from '../common/shared';
import { buildTree } from './merkle';
import type { AeState } from './types';

/** A node's Merkle tree is the tree of its data (else comparisons miss differences). */
export const treeMatchesData: Invariant<AeState, null> = {
  id: 'merkle-tree-matches-data',
  description: 'Each node’s Merkle tree hashes exactly the data it holds.',
  init: () => null,
  check(_memory, cluster: ClusterView<AeState>) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null) return null;
    const fresh = buildTree(s.store, s.tree.length / 2);
    const stale = fresh.findIndex((hash, i) => i >= 1 && hash !== s.tree[i]);
    return stale < 0
      ? null
      : `n${node}'s Merkle tree is stale at position ${stale}: it no longer hashes the node's data`;
  },
};

export const aeInvariants = [treeMatchesData] as const;

export function aeDigest(s: AeState): number {
  let h = 0;
  for (const [key, value] of s.store) h = (h + lwwDigest(key, value)) | 0;
  return h;
}

export const aeLiveness = convergedAndServed<AeState>(aeDigest);
