import type { ProtocolModule } from '../../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../../common/kv';
import { MS, microsParam } from '../common/shared';
import { mmInvariants, mmLiveness } from './invariants';
import { initMm, onMmClientOp, onMmMessage, onMmTimer, recoverMm } from './multimaster';
import { mmPresets } from './scenarios';
import { VARIANT, type MmMsg, type MmState } from './types';
import { mmView } from './view';

/** Multi-master replication with last-writer-wins or vector-clock siblings (see types.ts). */
export const multimaster: ProtocolModule<MmState, MmMsg> = {
  id: 'multimaster',
  title: 'Multi-master replication',
  summary:
    'Every node takes writes and answers at once, then propagates them; concurrent writes are resolved by last-writer-wins or kept as vector-clock siblings.',
  params: {
    resolve: {
      kind: 'enum',
      label: 'Conflict resolution',
      help: 'lww: the value with the larger (clock, node) stamp wins; vclock: concurrent versions are kept as siblings',
      options: ['lww', 'vclock'],
      default: 'lww',
    },
    syncMicros: microsParam(
      'Anti-entropy interval',
      'How often a node pushes its whole store to a random other node',
      1_000,
      5_000_000,
      100 * MS,
    ),
  },
  variants: {
    [VARIANT.acceptOlder]: {
      label: 'BUG: take an older value from another node (LWW)',
      explanation:
        'A replica takes the value another node sends even when its stamp is older than its own: merge is no longer commutative, values go back in time and replicas never agree.',
    },
  },
  // Writes stop 2 s before the default 10 s run ends, so convergence can be judged at the end.
  defaults: { nodes: 5, workload: { ...KV_CLIENTS, stopMicros: 8_000_000 } },
  init: initMm,
  recover: recoverMm,
  onMessage: onMmMessage,
  onTimer: onMmTimer,
  onClientOp: onMmClientOp,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  claims: () => [],
  invariants: mmInvariants,
  liveness: mmLiveness,
  view: mmView,
  presets: mmPresets,
};
