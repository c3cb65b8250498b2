import type { Preset } from '../../../sim/types';
import { KV_CLIENTS } from '../../common/kv';
import { at, crash, heal, partition, restart } from '../common/faults';

export const chainPresets: readonly Preset[] = [
  {
    id: 'normal',
    title: 'A healthy chain',
    description:
      'n0 is the master; n1 → n2 → n3 → n4 is the chain. Writes enter at the head n1 and are answered by the tail n4 once every server applied them; reads are answered by the tail after the master confirms the epoch. Linearizable.',
    scenario: { nodes: 5 },
  },
  {
    id: 'middle-crash',
    title: 'Chain repair after a middle server crashes',
    description:
      'n2, in the middle of n1 → n2 → n3 → n4, crashes at 2 s. The master notices it no longer answers pings and removes it (epoch 1: n1 → n3 → n4). n3, whose predecessor changed, sends n1 a Sync with the length of its history, and n1 sends what n2 never forwarded. n2 restarts at 5 s and is added back at the tail (epoch 2), empty: it copies the whole history from n4 before it acts as the tail.',
    scenario: { nodes: 5, faults: [at(2_000, crash(2)), at(5_000, restart(2))] },
  },
  {
    id: 'tail-crash',
    title: 'The tail crashes',
    description:
      'The tail n4 crashes at 2 s. The master makes n3 the tail; n3 answers the updates it had forwarded to n4 without an acknowledgement (their clients may have heard nothing), and serves reads from then on. n4 comes back at 5 s as the new tail.',
    scenario: { nodes: 5, faults: [at(2_000, crash(4)), at(5_000, restart(4))] },
  },
  {
    id: 'stale-tail',
    title: 'A tail cut off from the chain',
    description:
      'From 2 s to 4 s the tail n4 is cut off from every other server and from the master (clients still reach it). The master removes it and n3 becomes the tail and takes new writes. The clients mostly read (90%), so some keep asking n4: it asks the master to confirm its epoch, gets no answer, and answers nothing. With the no-read-check variant it answers from its stale history: stale reads, not linearizable.',
    scenario: {
      nodes: 5,
      workload: { ...KV_CLIENTS, mix: { get: 90, put: 5, append: 5 } },
      faults: [at(2_000, partition([4], [0, 1, 2, 3])), at(4_000, heal)],
    },
  },
];
