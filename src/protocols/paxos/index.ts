import type { ProtocolModule, WorkloadConfig } from '../../sim/types';
import { paxosInvariants, paxosLiveness } from './invariants';
import { initPaxos, onPaxosClientOp, onPaxosMessage, onPaxosTimer, recoverPaxos } from './paxos';
import { paxosPresets } from './scenarios';
import { drawPaxosKnobs } from './swarm';
import { PROPOSE, VARIANT, type PaxosMsg, type PaxosState } from './types';
import { paxosView } from './view';

/**
 * Three closed-loop clients. Each proposes a value of its own ("c1#4") and is answered with the
 * value chosen. There is no history model: single-decree consensus is a write-once register in
 * which every propose returns the one chosen value, and the invariants check exactly that (one
 * value chosen, proposed by a client, and the only one any learner or client is told).
 */
const PAXOS_CLIENTS: WorkloadConfig = {
  clients: 3,
  mode: 'closed',
  thinkMicros: 100_000,
  ratePerSec: 0,
  attemptTimeoutMicros: 500_000,
  opTimeoutMicros: 3_000_000,
  stopMicros: null,
  mix: {},
};

/**
 * Basic Paxos (Lamport, "Paxos Made Simple"): proposers, acceptors and learners choose a single
 * value; ballots unique per proposer; acceptors persist their promise and accepted proposal;
 * randomized backoff or a distinguished proposer for progress.
 */
export const paxos: ProtocolModule<PaxosState, PaxosMsg> = {
  id: 'paxos',
  title: 'Basic Paxos (single decree)',
  summary:
    'Proposers, acceptors and learners agree on one value, whatever crashes and partitions do; two proposers can keep preempting each other unless one backs off.',
  params: {
    proposers: {
      kind: 'int',
      label: 'Proposers',
      help: 'How many nodes propose (n0 .. n(k-1)); every node is an acceptor and a learner',
      min: 1,
      max: 64,
      default: 2,
    },
    retryTimeoutMicrosMin: {
      kind: 'int',
      label: 'Retry timeout (min)',
      help: 'A round with no outcome after a random time between min and max is abandoned for a higher ballot',
      min: 1_000,
      max: 10_000_000,
      default: 50_000,
      unit: 'µs',
    },
    retryTimeoutMicrosMax: {
      kind: 'int',
      label: 'Retry timeout (max)',
      help: 'Upper end of the retry timeout (at least the minimum); also caps the backoff window',
      min: 1_000,
      max: 10_000_000,
      default: 100_000,
      unit: 'µs',
    },
    backoff: {
      kind: 'bool',
      label: 'Randomized backoff',
      help: 'A preempted proposer waits a random time (a window doubling up to the retry maximum) before its next round; off: it retries at once',
      default: true,
    },
    distinguishedProposer: {
      kind: 'bool',
      label: 'Distinguished proposer',
      help: 'A proposer stands back while a lower-numbered proposer has been heard proposing within 3 retry timeouts (Paxos Made Simple, 2.4)',
      default: false,
    },
  },
  variants: {
    [VARIANT.volatilePromise]: {
      label: 'BUG: promise not persisted',
      explanation:
        'An acceptor forgets its promise when it restarts, so it can accept a proposal numbered below a prepare it already answered.',
    },
    [VARIANT.ignoreAccepted]: {
      label: 'BUG: proposer ignores accepted values',
      explanation:
        'A proposer proposes its own value even when the promises report an accepted one (breaks P2c), so a second value can be chosen.',
    },
    [VARIANT.volatileAccepted]: {
      label: 'BUG: accepted proposal not persisted',
      explanation:
        'An acceptor forgets what it accepted when it restarts, so a later proposer can miss a chosen value and choose another.',
    },
  },
  defaults: { nodes: 5, workload: PAXOS_CLIENTS },
  init: initPaxos,
  recover: recoverPaxos,
  onMessage: onPaxosMessage,
  onTimer: onPaxosTimer,
  onClientOp: onPaxosClientOp,
  workload: {
    defaultMix: { [PROPOSE]: 1 },
    nextOp: (_rng, client, seq) => ({ f: PROPOSE, value: `c${client}#${seq}` }),
  },
  nemesisParams: drawPaxosKnobs,
  invariants: paxosInvariants,
  liveness: paxosLiveness,
  view: paxosView,
  presets: paxosPresets,
};
