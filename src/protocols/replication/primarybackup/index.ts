import type { ProtocolModule } from '../../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../../common/kv';
import { MS, batchParam, microsParam } from '../common/shared';
import { pbInvariants, pbLiveness } from './invariants';
import { initPb, onPbClientOp, onPbMessage, onPbTimer, recoverPb } from './primarybackup';
import { pbPresets } from './scenarios';
import { VARIANT, type PbMsg, type PbState } from './types';
import { pbView } from './view';

/**
 * Primary-backup replication with a fixed succession order of primaries: synchronous,
 * semi-synchronous or asynchronous (see types.ts for the model and what each mode keeps).
 */
export const primaryBackup: ProtocolModule<PbState, PbMsg> = {
  id: 'primary-backup',
  title: 'Primary-backup replication',
  summary:
    'One primary orders writes and copies them to backups: synchronously, semi-synchronously or asynchronously. Failover goes to the next node in a fixed order.',
  params: {
    mode: {
      kind: 'enum',
      label: 'Replication mode',
      help: 'sync: acknowledge once every backup applied the write; semisync: once one backup did; async: at once',
      options: ['sync', 'semisync', 'async'],
      default: 'sync',
    },
    heartbeatMicros: microsParam(
      'Heartbeat interval',
      'How often the primary sends each backup the entries it lacks (or nothing, as a heartbeat)',
      1_000,
      5_000_000,
      50 * MS,
    ),
    failoverMicros: microsParam(
      'Failover timeout',
      'A backup that hears nothing from its primary for this long moves to the next view',
      10_000,
      10_000_000,
      300 * MS,
    ),
    maxEntriesPerUpdate: batchParam('log', 64),
  },
  variants: {
    [VARIANT.ackBeforeApply]: {
      label: 'BUG: sync primary acknowledges before its backups applied',
      explanation:
        'In sync mode the primary answers a write as soon as it is in its own log, before the backups have it: a failover then loses acknowledged writes.',
    },
    [VARIANT.acceptOldView]: {
      label: 'BUG: backups accept updates from an older view',
      explanation:
        'A backup that moved to a new view still takes and acknowledges updates from the deposed primary, which can then complete writes the new primary never sees.',
    },
  },
  defaults: { nodes: 3, workload: KV_CLIENTS },
  init: initPb,
  recover: recoverPb,
  onMessage: onPbMessage,
  onTimer: onPbTimer,
  onClientOp: onPbClientOp,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  claims: (params) => (params.mode === 'sync' ? ['linearizable'] : []),
  invariants: pbInvariants,
  liveness: pbLiveness,
  view: pbView,
  presets: pbPresets,
};
