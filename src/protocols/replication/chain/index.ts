import type { ProtocolModule } from '../../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../../common/kv';
import { MS, batchParam, microsParam } from '../common/shared';
import { initChain, onChainClientOp, onChainMessage, onChainTimer, recoverChain } from './chain';
import { chainInvariants, chainLiveness } from './invariants';
import { chainPresets } from './scenarios';
import { VARIANT, type ChainMsg, type ChainState } from './types';
import { chainView } from './view';

/** Chain replication with a master (n0) that reconfigures the chain (see types.ts). */
export const chain: ProtocolModule<ChainState, ChainMsg> = {
  id: 'chain',
  title: 'Chain replication',
  summary:
    'Servers in a chain: updates enter at the head and are answered by the tail, queries are answered by the tail; a master repairs the chain when a server fails.',
  params: {
    tickMicros: microsParam(
      'Tick',
      'How often the master pings the servers, and servers resend what was not acknowledged',
      1_000,
      5_000_000,
      50 * MS,
    ),
    failMicros: microsParam(
      'Failure timeout',
      'The master removes a server that has not answered a ping for this long',
      10_000,
      10_000_000,
      300 * MS,
    ),
    maxEntriesPerUpdate: batchParam('history', 256),
  },
  variants: {
    [VARIANT.ackAtHead]: {
      label: 'BUG: acknowledge at the head',
      explanation:
        'The head answers a write as soon as it applied it, before the rest of the chain has it: a read at the tail right after misses it.',
    },
    [VARIANT.noReadCheck]: {
      label: 'BUG: tail reads without the master’s check',
      explanation:
        'The tail answers queries from its history without asking the master whether its epoch is current: a tail removed while cut off serves stale values.',
    },
  },
  defaults: { nodes: 4, workload: KV_CLIENTS },
  init: initChain,
  recover: recoverChain,
  onMessage: onChainMessage,
  onTimer: onChainTimer,
  onClientOp: onChainClientOp,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  claims: () => ['linearizable'],
  invariants: chainInvariants,
  liveness: chainLiveness,
  view: chainView,
  presets: chainPresets,
};
