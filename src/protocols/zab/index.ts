import type { ProtocolModule } from '../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../common/kv';
import { onClientOp } from './client';
import { zabInvariants, zabLiveness } from './invariants';
import { zabPresets } from './scenarios';
import { VARIANT, type ZabMsg, type ZabState } from './types';
import { zabView } from './view';
import { initZab, onZabMessage, onZabTimer, recoverZab } from './zab';

/**
 * ZAB, ZooKeeper's atomic broadcast (Junqueira, Reed and Serafini; Medeiros's account of Zab
 * 1.0): Fast Leader Election, discovery, synchronization and broadcast, behind the shared
 * key-value store.
 */
export const zab: ProtocolModule<ZabState, ZabMsg> = {
  id: 'zab',
  title: 'ZAB (ZooKeeper atomic broadcast)',
  summary:
    'A primary orders every write as a zxid (epoch, counter) and a quorum commits it; a new primary first synchronizes the others with its history. Writes go through the leader and are linearizable; reads are answered from the state of the server a client talks to, so they can be stale: sequentially consistent, not linearizable. Each server serves a client only while it owns the client’s session, so a client never reads older state than it has seen. Without syncReads the configuration claims sequential consistency: the history checker judges whole histories, where one stale read makes the run non-linearizable (reported as an anomaly, not a violation). With syncReads (ZooKeeper’s sync before every read) it claims linearizability.',
  params: {
    syncReads: {
      kind: 'bool',
      label: 'Sync before reads',
      help: 'ZooKeeper’s sync: a read waits until the server has applied everything the leader had committed when the read arrived (confirmed by a quorum heartbeat), which makes reads linearizable',
      default: false,
    },
    tickMicros: {
      kind: 'int',
      label: 'Tick',
      help: 'How often the leader pings its followers, and both check that they still hear each other',
      min: 1_000,
      max: 5_000_000,
      default: 50_000,
      unit: 'µs',
    },
    syncTimeoutMicros: {
      kind: 'int',
      label: 'Sync timeout',
      help: 'ZooKeeper’s syncLimit: a follower that has not heard its leader for this long, or a leader that has not heard a quorum, goes back to election',
      min: 10_000,
      max: 10_000_000,
      default: 300_000,
      unit: 'µs',
    },
    initTimeoutMicros: {
      kind: 'int',
      label: 'Init timeout',
      help: 'ZooKeeper’s initLimit: each step of discovery and synchronization must finish within this time, or the server goes back to election',
      min: 10_000,
      max: 10_000_000,
      default: 1_000_000,
      unit: 'µs',
    },
    finalizeWaitMicros: {
      kind: 'int',
      label: 'Finalize wait',
      help: 'Fast Leader Election: once a quorum agrees, wait this long for a better vote before deciding',
      min: 0,
      max: 5_000_000,
      default: 20_000,
      unit: 'µs',
    },
    notificationIntervalMicros: {
      kind: 'int',
      label: 'Notification interval',
      help: 'Fast Leader Election: a looking server sends its vote again this often (plus up to half as much, at random)',
      min: 1_000,
      max: 10_000_000,
      default: 100_000,
      unit: 'µs',
    },
    snapThreshold: {
      kind: 'int',
      label: 'SNAP threshold',
      help: 'A follower missing more than this many transactions gets the whole history (SNAP) instead of a DIFF',
      min: 0,
      max: 1_000_000,
      default: 64,
    },
  },
  variants: {
    [VARIANT.broadcastBeforeSync]: {
      label: 'BUG: broadcast before the follower is synchronized',
      explanation:
        'A follower joining an established leader gets only the committed transactions and then the new proposals: those still outstanding never reach it, it logs later ones over the gap, and its acknowledgements count for transactions it lacks (the data-loss class of ZOOKEEPER-1154 and ZOOKEEPER-4646).',
    },
    [VARIANT.ackBeforePersist]: {
      label: 'BUG: NEWLEADER acknowledged before the history is on disk',
      explanation:
        'A follower acknowledges NEWLEADER with the synchronized transactions still in memory (ZOOKEEPER-4646): after a crash it has lost what a quorum was counted as holding, yet its epoch says it is up to date.',
    },
    [VARIANT.volatileEpoch]: {
      label: 'BUG: acceptedEpoch not persisted',
      explanation:
        'A server forgets the epoch it promised when it crashes (it comes back as its currentEpoch), so after a restart it can help a second leader establish an epoch it already promised to another.',
    },
    [VARIANT.volatileCurrentEpoch]: {
      label: 'BUG: currentEpoch not persisted',
      explanation:
        'A server forgets the epoch of the last NEWLEADER it acknowledged when it crashes (it comes back as 0): its history then looks older than it is, so a leader lacking committed transactions no longer sees that this follower is ahead of it, and truncates them away.',
    },
    [VARIANT.commitWithoutQuorum]: {
      label: 'BUG: follower commits without a quorum',
      explanation:
        'A follower delivers a proposal as soon as it logs it, without waiting for the leader’s COMMIT: if the leader fails before a quorum has it, the next leader can drop it.',
    },
    [VARIANT.noSessionHandoff]: {
      label: 'BUG: any server serves any client',
      explanation:
        'Servers serve every client that talks to them, without taking over its session: a client that switches to a server lagging behind reads older state than it has already seen (ZooKeeper prevents this with the client’s last-seen zxid).',
    },
  },
  defaults: { nodes: 5, workload: KV_CLIENTS },
  init: initZab,
  recover: recoverZab,
  onMessage: onZabMessage,
  onTimer: onZabTimer,
  onClientOp,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  claims: (params) => (params.syncReads === true ? ['linearizable'] : ['sequential']),
  invariants: zabInvariants,
  liveness: zabLiveness,
  view: zabView,
  presets: zabPresets,
};
