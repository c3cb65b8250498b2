import type { ClusterView, Invariant } from '../../../sim/types';
import { compareStamps, lwwDigest, type LwwValue } from '../common/lww';
import { convergedAndServed } from '../common/shared';
import { compareClocks, siblingsDigest } from '../common/versions';
import type { MmState } from './types';

/**
 * Last-writer-wins: the value a replica holds for a key is only ever replaced by one with a
 * larger stamp. Vector clocks: siblings are pairwise concurrent (none descends from another).
 */
export const stampsOnlyGrow: Invariant<MmState, Map<string, LwwValue>[]> = {
  id: 'stamps-only-grow',
  description:
    'A replica replaces a value only by one with a larger stamp; siblings are concurrent.',
  init: () => [],
  check(memory, cluster: ClusterView<MmState>) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null) return null;
    const seen = (memory[node] ??= new Map());
    for (const [key, value] of s.lww) {
      const before = seen.get(key);
      if (before !== undefined && compareStamps(value, before) < 0)
        return `n${node} replaced ${key} = ${before.value} (stamp ${before.time}/n${before.node}) by an older value ${value.value} (stamp ${value.time}/n${value.node})`;
      seen.set(key, value);
    }
    for (const [key, siblings] of s.vv) {
      for (let i = 0; i < siblings.length; i++)
        for (let j = i + 1; j < siblings.length; j++)
          if (compareClocks(siblings[i]!.clock, siblings[j]!.clock) !== 'concurrent')
            return `n${node} holds siblings of ${key} that are not concurrent`;
    }
    return null;
  },
};

export const mmInvariants = [stampsOnlyGrow] as const;

/** A digest of a replica's data, for the convergence check and the divergence chart. */
export function mmDigest(s: MmState): number {
  let h = 0;
  for (const [key, value] of s.lww) h = (h + lwwDigest(key, value)) | 0;
  for (const [key, siblings] of s.vv) h = (h + siblingsDigest(key, siblings)) | 0;
  return h;
}

/** After the quiet phase (writes stop 2 s before the end), ops were served and replicas agree. */
export const mmLiveness = convergedAndServed<MmState>(mmDigest);
