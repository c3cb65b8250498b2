import type { FaultAction, NodeId, Preset, TimedFault } from '../../sim/types';
import { KV_CLIENTS } from '../common/kv';

const MS = 1_000;

function at(ms: number, action: FaultAction): TimedFault {
  return { at: ms * MS, action };
}
const FAST_LINK = {
  latency: { kind: 'uniform', minMicros: 1 * MS, maxMicros: 5 * MS },
  lossPpm: 0,
  duplicatePpm: 0,
  reorder: false,
} as const;
const SLOW_LINK = { ...FAST_LINK, latency: { kind: 'constant', micros: 300 * MS } } as const;

const crash = (node: NodeId): FaultAction => ({ kind: 'crash', node });
const restart = (node: NodeId): FaultAction => ({ kind: 'restart', node });

/**
 * On a fresh cluster every server votes (epoch 0, zxid 0, itself) and Fast Leader Election
 * prefers the highest id: n4 leads epoch 1 in every preset below.
 */
export const zabPresets: readonly Preset[] = [
  {
    id: 'normal',
    title: 'Normal operation',
    description:
      'Five servers on a healthy network. Fast Leader Election picks n4 (all histories are empty, so the highest id wins); discovery fixes epoch 1; every follower is synchronized (an empty DIFF) and acknowledges NEWLEADER; then client writes flow as PROPOSAL, a quorum of ACKs and COMMIT, while reads are answered by the server each client talks to.',
    scenario: {},
  },
  {
    id: 'failover',
    title: 'Leader failover with a follower that missed proposals',
    description:
      'n4 leads epoch 1. At 1 s the link n4 → n3 is cut: n3 sees a gap in its connection, drops it, and misses the proposals the others commit. At 1.8 s n4 is cut off from everyone and keeps logging the writes of its own clients, which can never commit; at 2 s it crashes and the network heals. n0..n2 hold the longest history, so n2 (highest id among them) wins the election and becomes the primary of epoch 2; it brings n3 up to date with a DIFF. When n4 restarts at 4 s, its uncommitted tail is removed with a TRUNC before it follows n2.',
    scenario: {
      faults: [
        at(1_000, { kind: 'cut', from: 4, to: 3 }),
        at(1_800, { kind: 'partition', groups: [[4], [0, 1, 2, 3]] }),
        at(2_000, crash(4)),
        at(2_000, { kind: 'heal' }),
        at(4_000, restart(4)),
      ],
    },
  },
  {
    id: 'stale-read',
    title: 'A stale follower read',
    description:
      'Every link into n0 takes 300 ms, so n0 applies each commit 300 ms after the others. Client 0 talks to n0 and reads from n0’s state: it often reads a value that other clients have already overwritten through the leader, and were told so. The history checker reports that the run is not linearizable (an anomaly: reads without sync never claimed it) but sequentially consistent, which is what ZooKeeper promises. Switch on syncReads: every read first waits for a sync, and the history becomes linearizable.',
    scenario: {
      params: { syncReads: false },
      network: {
        default: FAST_LINK,
        links: [1, 2, 3, 4].map((from) => ({ from, to: 0, policy: SLOW_LINK })),
        clientLatencyMicros: 1 * MS,
      },
    },
  },
  {
    id: 'client-switch',
    title: 'A client switches to a server that lags behind',
    description:
      'Every link into n1 takes 300 ms, so n1 applies each commit 300 ms late, and clients give up on a silent server after 100 ms. Clients first try servers that are still electing, so client 4 settles on n0. n0 crashes at 3 s: client 4 tries n1, the next server. n1 may not serve it yet: client 4 has seen n0’s newer state. Its session moves to n1 only once n0 has logged the move, which waits for n0 to restart at 4 s, and by then n1 has caught up. With the no-session-handoff variant n1 answers at once from its older state and the client reads values older than ones it has already read: the history is not sequentially consistent, a violation of what the configuration claims.',
    scenario: {
      network: {
        default: FAST_LINK,
        links: [0, 2, 3, 4].map((from) => ({ from, to: 1, policy: SLOW_LINK })),
        clientLatencyMicros: 1 * MS,
      },
      workload: { ...KV_CLIENTS, attemptTimeoutMicros: 100 * MS },
      faults: [at(3_000, crash(0)), at(4_000, restart(0))],
    },
  },
  {
    id: 'leader-partitioned',
    title: 'Leader partitioned away',
    description:
      'At 2 s the leader n4 is cut off from the other four. It stops hearing a quorum, gives up leadership after the sync timeout and looks for a leader; its clients are sent elsewhere. The four others elect n3 (the highest id among the longest histories), which establishes epoch 2. At 5 s the partition heals: n4 finds the established leader through the election notifications, and follows it after a TRUNC of whatever it logged alone.',
    scenario: {
      faults: [
        at(2_000, { kind: 'partition', groups: [[4], [0, 1, 2, 3]] }),
        at(5_000, { kind: 'heal' }),
      ],
    },
  },
  {
    id: 'snap',
    title: 'A follower too far behind: SNAP',
    description:
      'n0 crashes at 1 s and restarts at 5 s, more than 16 transactions behind (the snapThreshold): the leader sends its whole history in one SNAP instead of a DIFF.',
    scenario: {
      params: { snapThreshold: 16 },
      faults: [at(1_000, crash(0)), at(5_000, restart(0))],
    },
  },
  {
    id: 'crash-storm',
    title: 'Crash storm',
    description:
      'For 6 s a server crashes every few milliseconds and restarts soon after (never more than two down at once), with links of 5 to 40 ms, so elections, discoveries and synchronizations are interrupted over and over. Correct ZAB stays safe. With the volatile-epoch variant, a server that promised a new epoch and crashed before that epoch was established comes back having forgotten the promise, and helps a second leader establish the same epoch: two primaries broadcast different transactions under the same zxids.',
    scenario: {
      network: {
        default: {
          ...FAST_LINK,
          latency: { kind: 'uniform', minMicros: 5 * MS, maxMicros: 40 * MS },
        },
        links: [],
        clientLatencyMicros: 1 * MS,
      },
      nemesis: { safetyMicros: 6_000 * MS, intervalMicros: 10 * MS, kinds: ['crash'] },
    },
  },
];
