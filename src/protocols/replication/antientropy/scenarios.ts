import type { Preset } from '../../../sim/types';
import { KV_CLIENTS } from '../../common/kv';
import { at, heal, partition } from '../common/faults';

export const aePresets: readonly Preset[] = [
  {
    id: 'gossip',
    title: 'Anti-entropy rounds',
    description:
      'Five nodes take writes locally; every 100 ms each compares its Merkle tree with a random peer’s. Equal roots end the exchange in one message; different ones walk down to the key ranges that differ, and only those values cross. The metrics chart how many distinct states the replicas hold: after writes stop at 8 s it falls to one.',
    scenario: {},
  },
  {
    id: 'partition-heal',
    title: 'A partition, then Merkle repair',
    description:
      'From 2 s to 5 s {n0, n1} and {n2, n3, n4} cannot talk; each side converges on its own. After the heal, the first exchange across the cut finds different roots, walks down to the differing ranges and swaps just those values.',
    scenario: { faults: [at(2_000, partition([0, 1], [2, 3, 4])), at(5_000, heal)] },
  },
  {
    id: 'fifty-nodes',
    title: '50-node gossip',
    description:
      'Fifty nodes, five clients writing to the first five until 6 s. Each update spreads epidemically, one random pair per node per round: the number of distinct states climbs while writes come in, then falls to one within a few rounds of the last write.',
    scenario: { nodes: 50, workload: { ...KV_CLIENTS, stopMicros: 6_000_000 } },
  },
];
