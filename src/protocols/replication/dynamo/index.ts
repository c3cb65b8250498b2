import type { ProtocolModule } from '../../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../../common/kv';
import { MS, microsParam } from '../common/shared';
import {
  initDynamo,
  onDynamoClientOp,
  onDynamoMessage,
  onDynamoTimer,
  recoverDynamo,
} from './dynamo';
import { dynamoInvariants, dynamoLiveness } from './invariants';
import { dynamoPresets } from './scenarios';
import { VARIANT, type DynamoMsg, type DynamoState } from './types';
import { dynamoView } from './view';

const quorumParam = (label: string, help: string, def: number) =>
  ({ kind: 'int', label, help, min: 1, max: 64, default: def }) as const;

/** Dynamo-style replication: N, R, W, sloppy quorums, hinted handoff, read repair, siblings. */
export const dynamo: ProtocolModule<DynamoState, DynamoMsg> = {
  id: 'dynamo',
  title: 'Dynamo-style quorums',
  summary:
    'Each key on N replicas; a write waits for W of them, a read for R. Sloppy quorums with hinted handoff, read repair, and vector-clock siblings.',
  params: {
    replicas: quorumParam(
      'N (replicas)',
      'How many nodes hold each key (at most the cluster size)',
      3,
    ),
    readQuorum: quorumParam('R (read quorum)', 'Replies a read waits for (at most N)', 2),
    writeQuorum: quorumParam(
      'W (write quorum)',
      'Replicas that must store a write before it is acknowledged (at most N)',
      2,
    ),
    sloppy: {
      kind: 'bool',
      label: 'Sloppy quorum',
      help: 'Replace unreachable replicas by the next healthy nodes, which keep hints and hand the data over later',
      default: true,
    },
    readRepair: {
      kind: 'bool',
      label: 'Read repair',
      help: 'After a read, send the merged versions to the replicas that replied with older ones',
      default: true,
    },
    tickMicros: microsParam(
      'Tick',
      'How often a node pings the others, expires requests and hands off hints',
      1_000,
      5_000_000,
      100 * MS,
    ),
    suspectMicros: microsParam(
      'Failure timeout',
      'A node not heard from for this long is unhealthy',
      10_000,
      10_000_000,
      300 * MS,
    ),
    requestMicros: microsParam(
      'Request timeout',
      'A read short of R replies after this long fails; a write short of W stays unanswered',
      10_000,
      10_000_000,
      400 * MS,
    ),
  },
  variants: {
    [VARIANT.doubleCount]: {
      label: 'BUG: the coordinator counts its own write twice',
      explanation:
        'The coordinator counts its local write twice toward W, so with W = 2 it acknowledges a write only it holds; a read quorum can then miss it.',
    },
    [VARIANT.readOne]: {
      label: 'BUG: a read answers after the first reply',
      explanation:
        'The read coordinator answers with the first replica’s versions instead of waiting for R: quorums no longer overlap, and a read can miss an acknowledged write.',
    },
  },
  defaults: { nodes: 5, workload: KV_CLIENTS },
  init: initDynamo,
  recover: recoverDynamo,
  onMessage: onDynamoMessage,
  onTimer: onDynamoTimer,
  onClientOp: onDynamoClientOp,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  // No configuration keeps any of the checked guarantees for sure (see types.ts): the buggy
  // variants break the quorum invariants instead.
  claims: () => [],
  invariants: dynamoInvariants,
  liveness: dynamoLiveness,
  view: dynamoView,
  presets: dynamoPresets,
};
