import type { ProtocolModule, WorkloadConfig } from '../../sim/types';
import {
  NO_RETRY,
  initBroadcast,
  onBroadcastClientOp,
  onBroadcastMessage,
  onGossipTimer,
  recoverBroadcast,
} from './broadcast';
import { everyAckedValueEverywhere, validity } from './invariants';
import { broadcastPresets } from './scenarios';
import { GOSSIP_TIMER, type BroadcastMsg, type BroadcastState } from './types';
import { broadcastView } from './view';

const workload: WorkloadConfig = {
  clients: 3,
  mode: 'closed',
  thinkMicros: 100_000,
  ratePerSec: 0,
  attemptTimeoutMicros: 500_000,
  opTimeoutMicros: 2_000_000,
  // New broadcasts stop 2 s before the default 10 s run ends, so the liveness check is fair.
  stopMicros: 8_000_000,
  mix: {},
};

/**
 * The reference protocol: Maelstrom-style broadcast. A client gives a node a value; nodes
 * gossip values to their neighbours and retry until each value is acknowledged, so every node
 * eventually holds every value (checked after the quiet phase).
 */
export const broadcast: ProtocolModule<BroadcastState, BroadcastMsg> = {
  id: 'broadcast',
  title: 'Broadcast (gossip with retries)',
  summary:
    'Every node must eventually hold every broadcast value, despite loss, partitions and crashes.',
  params: {
    gossipIntervalMicros: {
      kind: 'int',
      label: 'Gossip interval',
      help: 'How often a node resends unacknowledged values to each neighbour',
      min: 1_000,
      max: 5_000_000,
      default: 100_000,
      unit: 'µs',
    },
    maxBatch: {
      kind: 'int',
      label: 'Values per gossip message',
      help: 'At most this many values in one gossip message',
      min: 1,
      max: 10_000,
      default: 100,
    },
    topology: {
      kind: 'enum',
      label: 'Topology',
      help: 'mesh: gossip to every node; ring: only to the two neighbours',
      options: ['mesh', 'ring'],
      default: 'mesh',
    },
  },
  variants: {
    [NO_RETRY]: {
      label: 'BUG: no retries',
      explanation:
        'Each value is gossiped once and forgotten, acknowledged or not: one lost message loses it for that node.',
    },
  },
  defaults: { nodes: 5, workload },
  init: initBroadcast,
  recover: recoverBroadcast,
  onMessage: onBroadcastMessage,
  onTimer(ctx, state, timer) {
    if (timer === GOSSIP_TIMER) onGossipTimer(ctx, state);
  },
  onClientOp: onBroadcastClientOp,
  workload: {
    defaultMix: { broadcast: 7, read: 3 },
    nextOp(_rng, client, seq, f) {
      // Values are unique: the client in the high digits, its op number in the low ones.
      if (f === 'broadcast') return { f, value: client * 1_000_000 + seq };
      return { f: 'read' };
    },
  },
  invariants: [validity],
  liveness: everyAckedValueEverywhere,
  view: broadcastView,
  presets: broadcastPresets,
};
