import type { ProtocolModule } from '../../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../../common/kv';
import { MS, microsParam } from '../common/shared';
import { initAe, onAeClientOp, onAeMessage, onAeTimer, recoverAe } from './antientropy';
import { aeInvariants, aeLiveness } from './invariants';
import { aePresets } from './scenarios';
import { VARIANT, type AeMsg, type AeState } from './types';
import { aeView } from './view';

/** Gossip anti-entropy with Merkle-tree comparison of key ranges (see types.ts). */
export const antientropy: ProtocolModule<AeState, AeMsg> = {
  id: 'antientropy',
  title: 'Gossip anti-entropy (Merkle trees)',
  summary:
    'Nodes take writes locally and reconcile by gossip: random pairs compare Merkle trees over key ranges and exchange only the ranges that differ.',
  params: {
    gossipMicros: microsParam(
      'Gossip interval',
      'How often a node starts an exchange with a random peer',
      1_000,
      5_000_000,
      100 * MS,
    ),
    merkleDepth: {
      kind: 'int',
      label: 'Merkle depth',
      help: 'The tree has 2^depth leaves, one per key range',
      min: 0,
      max: 8,
      default: 3,
    },
  },
  variants: {
    [VARIANT.staleLeafHash]: {
      label: 'BUG: local writes leave the Merkle tree stale',
      explanation:
        'A node updates a key on a local write without rehashing its range: its tree still matches its peers’, so the write is never exchanged and replicas stay apart.',
    },
  },
  // Writes stop 2 s before the default 10 s run ends, so convergence can be judged at the end.
  defaults: { nodes: 5, workload: { ...KV_CLIENTS, stopMicros: 8_000_000 } },
  init: initAe,
  recover: recoverAe,
  onMessage: onAeMessage,
  onTimer: onAeTimer,
  onClientOp: onAeClientOp,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  claims: () => [],
  invariants: aeInvariants,
  liveness: aeLiveness,
  view: aeView,
  presets: aePresets,
};
