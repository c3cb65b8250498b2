import type { ProtocolModule } from '../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../common/kv';
import {
  BYZANTINE_PATTERN,
  NEMESIS_TRAITORS,
  byzantineCount,
  byzantineProblem,
  drawByzantine,
} from './byzantine';
import { pbftInvariants, pbftLiveness } from './invariants';
import { faultsTolerated } from './quorum';
import { initPbft, onPbftClientOp, onPbftMessage, onPbftTimer, recoverPbft } from './replica';
import { pbftPresets } from './scenarios';
import { BEHAVIOURS, VARIANT, type PbftMsg, type PbftState } from './types';
import { pbftView } from './view';

/**
 * PBFT (Castro and Liskov, OSDI 1999): state machine replication that tolerates f Byzantine
 * replicas out of 3f + 1, with checkpoints, watermarks, view changes and a KV state machine.
 */
export const pbft: ProtocolModule<PbftState, PbftMsg> = {
  id: 'pbft',
  title: 'PBFT (Byzantine fault tolerance)',
  summary:
    'Practical Byzantine Fault Tolerance: 3f + 1 replicas agree on every request even when f of them lie, equivocate or fall silent.',
  params: {
    byzantine: {
      kind: 'text',
      label: 'Byzantine replicas',
      help: `Which replicas misbehave and how: silent (sends nothing), crash (stops at a random moment), equivocate (a primary sends different pre-prepares for one sequence number; votes and client answers lie), wrong-digest (digests that match nothing), replay (resends old messages), delay (holds back messages to some replicas), yes-man (votes for everything). With --nemesis and none named, 1 to f random ones.`,
      default: '',
      maxLength: 400,
      pattern: BYZANTINE_PATTERN,
      accepts: `id:behaviour pairs separated by commas, behaviours ${BEHAVIOURS.join(', ')} (e.g. "0:equivocate,3:silent"), or nothing`,
      problem: byzantineProblem,
    },
    nemesisTraitors: {
      kind: 'enum',
      label: 'Nemesis traitors',
      help: 'With --nemesis and no Byzantine replica named: up-to-f draws 1 to f traitors (what PBFT tolerates); f-plus-1 draws f + 1, beyond the fault assumption, where nothing is claimed and agreement can break',
      options: NEMESIS_TRAITORS,
      default: 'up-to-f',
    },
    checkpointInterval: {
      kind: 'int',
      label: 'Checkpoint interval K',
      help: 'A checkpoint every K requests; the window of sequence numbers (h, h + L] is L = 2K wide',
      min: 1,
      max: 1_000,
      default: 16,
    },
    viewChangeTimeoutMicros: {
      kind: 'int',
      label: 'View-change timeout T',
      help: 'How long a backup waits for a request it knows of to execute before it gives up on the primary (doubled after each failed view change, up to 8T)',
      min: 10_000,
      max: 10_000_000,
      default: 300_000,
      unit: 'µs',
    },
    statusIntervalMicros: {
      kind: 'int',
      label: 'Status interval',
      help: 'How often a replica multicasts STATUS so that the others resend what it lacks (lost messages, a missed checkpoint)',
      min: 1_000,
      max: 5_000_000,
      default: 100_000,
      unit: 'µs',
    },
  },
  variants: {
    [VARIANT.commitQuorum2f]: {
      label: 'BUG: commit with 2f commits',
      explanation:
        'A replica commits with 2f matching COMMITs instead of 2f + 1: a request can commit without f + 1 honest replicas holding its certificate, and a view change loses it.',
    },
    [VARIANT.ignorePrepared]: {
      label: 'BUG: view change ignores prepared certificates',
      explanation:
        'The new primary leaves out the prepared certificates of the VIEW-CHANGE messages and starts afresh after the stable checkpoint: a request committed in the old view is replaced by another.',
    },
    [VARIANT.acceptConflicting]: {
      label: 'BUG: accept a second pre-prepare for one sequence number',
      explanation:
        'A backup accepts a pre-prepare for a sequence number it already accepted with another digest in the same view: an equivocating primary gets both requests certified.',
    },
  },
  defaults: { nodes: 4, workload: KV_CLIENTS },
  init: initPbft,
  recover: recoverPbft,
  onMessage: onPbftMessage,
  onTimer: onPbftTimer,
  onClientOp: onPbftClientOp,
  clientReplyQuorum: (_params, nodes) => faultsTolerated(nodes) + 1,
  nemesisParams: drawByzantine,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  // Linearizable within the fault assumption; with more than f traitors nothing is claimed.
  // (A caller that cannot tell the cluster size gets the claim.)
  claims: (params, _variant, nodes) =>
    nodes === undefined || byzantineCount(params) <= faultsTolerated(nodes) ? ['linearizable'] : [],
  invariants: pbftInvariants,
  liveness: pbftLiveness,
  view: pbftView,
  presets: pbftPresets,
};
