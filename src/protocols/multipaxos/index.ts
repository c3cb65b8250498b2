import type { ProtocolModule } from '../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../common/kv';
import { onClientOp } from './client';
import { multiPaxosInvariants, multiPaxosLiveness } from './invariants';
import {
  initMultiPaxos,
  onMultiPaxosMessage,
  onMultiPaxosTimer,
  recoverMultiPaxos,
} from './multipaxos';
import { multiPaxosPresets } from './scenarios';
import { VARIANT, type MultiPaxosMsg, type MultiPaxosState } from './types';
import { multiPaxosView } from './view';

/**
 * Multi-Paxos: a replicated key-value log, one Paxos instance per slot, a stable leader that
 * runs phase 1 once per ballot and phase 2 per slot; a new leader re-proposes accepted values
 * and fills gaps with no-ops.
 */
export const multipaxos: ProtocolModule<MultiPaxosState, MultiPaxosMsg> = {
  id: 'multipaxos',
  title: 'Multi-Paxos',
  summary:
    'A replicated log of key-value commands, one Paxos instance per slot: a stable leader runs phase 1 once and phase 2 per command.',
  params: {
    electionTimeoutMicrosMin: {
      kind: 'int',
      label: 'Leader timeout (min)',
      help: 'A node that hears from no leader for a random time between min and max runs phase 1 with a higher ballot',
      min: 10_000,
      max: 10_000_000,
      default: 150_000,
      unit: 'µs',
    },
    electionTimeoutMicrosMax: {
      kind: 'int',
      label: 'Leader timeout (max)',
      help: 'The longest a node waits without news of a leader (raised to the minimum if below it)',
      min: 10_000,
      max: 10_000_000,
      default: 300_000,
      unit: 'µs',
    },
    heartbeatIntervalMicros: {
      kind: 'int',
      label: 'Heartbeat interval',
      help: 'The leader tells every node it is alive this often, and resends accept requests still unanswered',
      min: 1_000,
      max: 2_000_000,
      default: 50_000,
      unit: 'µs',
    },
    maxEntriesPerChosen: {
      kind: 'int',
      label: 'Slots per catch-up message',
      help: 'At most this many chosen slots in one Chosen message to a replica that is behind',
      min: 1,
      max: 10_000,
      default: 256,
    },
  },
  variants: {
    [VARIANT.skipRecovery]: {
      label: 'BUG: new leader skips recovery',
      explanation:
        'A new leader ignores the accepted proposals in the promises and puts new commands right after what it applied, over slots already chosen.',
    },
    [VARIANT.minorityCommit]: {
      label: 'BUG: commits on a minority',
      explanation:
        'The leader treats a slot as chosen once a minority (itself and one more of five) accepted it, so a later leader can choose another command there.',
    },
    [VARIANT.volatilePromise]: {
      label: 'BUG: promise not persisted',
      explanation:
        'An acceptor forgets its promise when it restarts, so it can accept an old leader’s proposal after promising a newer leader not to.',
    },
  },
  defaults: { nodes: 5, workload: KV_CLIENTS },
  init: initMultiPaxos,
  recover: recoverMultiPaxos,
  onMessage: onMultiPaxosMessage,
  onTimer: onMultiPaxosTimer,
  onClientOp,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  invariants: multiPaxosInvariants,
  liveness: multiPaxosLiveness,
  view: multiPaxosView,
  presets: multiPaxosPresets,
};
