import type { ParamSpec, Preset, ProtocolModule } from '../../sim/types';
import { convergedLiveness, convergence, wellFormedInvariant } from './checks';
import { gcounterType, pncounterType } from './counters';
import { workloadOf, type CrdtType } from './crdt';
import { initReplica, onGossipMessage, onGossipTimer, onUpdateOp, recoverReplica } from './gossip';
import { lwwMapType } from './lwwmap';
import { orsetType } from './orset';
import { lwwRegisterType, mvRegisterType } from './registers';
import { rgaType } from './rga';
import { CRDT_PRESETS, CRDT_WORKLOAD } from './scenarios';
import { gsetType, twoPhaseSetType } from './sets';
import { GOSSIP_TIMER, type CrdtMsg, type Replica } from './types';
import { crdtView } from './view';

/** The gossip parameters every CRDT shares. */
export const GOSSIP_PARAMS: ParamSpec = {
  dissemination: {
    kind: 'enum',
    label: 'Gossip carries',
    help: 'delta: only what the peer has not acknowledged (delta-state CRDTs); state: the whole state every time',
    options: ['delta', 'state'],
    default: 'delta',
  },
  antiEntropy: {
    kind: 'enum',
    label: 'Anti-entropy',
    help: 'push: send to peers; pull: ask peers to send; push-pull: send, and the peer answers with what we lack',
    options: ['push', 'pull', 'push-pull'],
    default: 'push',
  },
  fanout: {
    kind: 'int',
    label: 'Fanout',
    help: 'How many random peers a replica gossips with each round',
    min: 1,
    max: 63,
    default: 2,
  },
  gossipIntervalMicros: {
    kind: 'int',
    label: 'Gossip interval',
    help: 'Time between two gossip rounds of a replica',
    min: 1_000,
    max: 5_000_000,
    default: 100_000,
    unit: 'µs',
  },
  maxBufferedDeltas: {
    kind: 'int',
    label: 'Deltas kept',
    help: 'At most this many deltas are kept for peers that have not acknowledged them; a peer further behind gets the whole state',
    min: 1,
    max: 100_000,
    default: 1_000,
  },
};

/** Any CRDT type, gossiped: a ProtocolModule. */
export function crdtProtocol<S>(
  type: CrdtType<S>,
  presets: readonly Preset[],
): ProtocolModule<Replica<S>, CrdtMsg<S>> {
  const wellFormed = wellFormedInvariant(type);
  return {
    id: type.id,
    title: type.title,
    summary: type.summary,
    params: GOSSIP_PARAMS,
    variants: type.variants,
    defaults: { nodes: 5, workload: CRDT_WORKLOAD },
    init: (ctx) => initReplica(type, ctx),
    recover: (ctx, disk) => recoverReplica(type, ctx, disk),
    onMessage: (ctx, r, from, msg) => onGossipMessage(type, ctx, r, from, msg),
    onTimer(ctx, r, timer) {
      if (timer === GOSSIP_TIMER) onGossipTimer(type, ctx, r);
    },
    onClientOp: (ctx, r, op) => onUpdateOp(type, ctx, r, op),
    workload: workloadOf(type),
    // Not linearizable, nor sequential: replicas answer from local state. What a CRDT promises is
    // convergence, checked by the liveness check after the quiet phase.
    claims: () => [],
    invariants: wellFormed === null ? [] : [wellFormed],
    liveness: convergedLiveness(type),
    converged(states) {
      const { distinct, diverged } = convergence(type, states);
      return distinct <= 1 && diverged.length === 0;
    },
    view: crdtView(type),
    presets,
  };
}

export const gcounter = crdtProtocol(gcounterType, CRDT_PRESETS.gcounter);
export const pncounter = crdtProtocol(pncounterType, CRDT_PRESETS.pncounter);
export const gset = crdtProtocol(gsetType, CRDT_PRESETS.gset);
export const twophaseset = crdtProtocol(twoPhaseSetType, CRDT_PRESETS.twophaseset);
export const orset = crdtProtocol(orsetType, CRDT_PRESETS.orset);
export const lwwregister = crdtProtocol(lwwRegisterType, CRDT_PRESETS.lwwregister);
export const mvregister = crdtProtocol(mvRegisterType, CRDT_PRESETS.mvregister);
export const lwwmap = crdtProtocol(lwwMapType, CRDT_PRESETS.lwwmap);
export const rga = crdtProtocol(rgaType, CRDT_PRESETS.rga);

/** Every CRDT, in the order the registry lists them. */
export const CRDT_PROTOCOLS: readonly ProtocolModule[] = [
  gcounter,
  pncounter,
  gset,
  twophaseset,
  orset,
  lwwregister,
  mvregister,
  lwwmap,
  rga,
];

/** The data types behind them, for the property tests. */
export const CRDT_TYPES = [
  gcounterType,
  pncounterType,
  gsetType,
  twoPhaseSetType,
  orsetType,
  lwwRegisterType,
  mvRegisterType,
  lwwMapType,
  rgaType,
] as const;
