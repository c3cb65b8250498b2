import { assert } from '../../sim/assert';
import type { ClientOp, NodeCtx, NodeId, ParamValues } from '../../sim/types';
import type { CrdtType } from './crdt';
import {
  addDot,
  cloneContext,
  contextHas,
  contextOf,
  contextSize,
  covers,
  dotReplica,
  emptyContext,
  joinContext,
  nextDot,
  type CausalContext,
} from './dots';
import {
  EPOCH_KEY,
  GOSSIP_TIMER,
  REPLICA_KEY,
  gossipParams,
  type CrdtMsg,
  type Replica,
} from './types';

/**
 * One gossip protocol for every CRDT. Clients update any replica, which applies the update at
 * once and answers (a CRDT never waits for others); replicas then exchange state by gossip
 * every interval with `fanout` random peers: whole states, or deltas (Almeida et al. 2018,
 * Algorithm 2), by push, pull or push-pull anti-entropy.
 *
 * Causal delivery: a delta-interval carries the sender's version vector from before its first
 * delta. A replica that has not seen all of it answers nack, and the sender falls back to its
 * whole state; types that need causal order (OR-Set, RGA) do not join such a delta at all.
 *
 * Persistence: the CRDT state and its clock go to disk at every local update, before the client
 * hears ok, so a crash never loses an acknowledged update; what a replica learned by gossip after
 * its last local update is learned again from its peers. The delta buffer and acknowledgements
 * are volatile, as in the paper: after a restart the replica sends whole states until acked.
 */

type Ctx<S> = NodeCtx<CrdtMsg<S>>;

/** A peer further behind than this many deltas gets the whole state (cheaper than their join). */
const MAX_INTERVAL = 64;

const NOT_YET = { kind: 'fail', error: 'this replica lost its disk and is catching up' } as const;

function freshReplica<S>(type: CrdtType<S>, ctx: Ctx<S>): Replica<S> {
  return {
    variant: ctx.variant,
    crdt: type.empty(ctx.nodes),
    clock: emptyContext(ctx.nodes),
    epoch: 0,
    catchingUp: false,
    seq: 0,
    buffer: [],
    acked: new Array<number>(ctx.nodes).fill(0),
    localUpdates: 0,
    merges: 0,
    lastChangeMicros: 0,
  };
}

/** The first round comes at a random point of the interval, so replicas do not gossip in step. */
function armGossip<S>(ctx: Ctx<S>, first: boolean): void {
  const interval = gossipParams(ctx.params).gossipIntervalMicros;
  ctx.setTimer(GOSSIP_TIMER, first ? { min: 1, max: interval } : interval);
}

export function initReplica<S>(type: CrdtType<S>, ctx: Ctx<S>): Replica<S> {
  const replica = freshReplica(type, ctx);
  ctx.persist(EPOCH_KEY, 0);
  armGossip(ctx, true);
  return replica;
}

/** After a crash: the state of the last local update, a new epoch, every peer unacknowledged. */
export function recoverReplica<S>(
  type: CrdtType<S>,
  ctx: Ctx<S>,
  disk: ReadonlyMap<string, unknown>,
): Replica<S> {
  const replica = freshReplica(type, ctx);
  const saved = disk.get(REPLICA_KEY) as { crdt: S; clock: CausalContext } | undefined;
  if (saved !== undefined) {
    assert(saved.clock.vv.length === ctx.nodes, 'the disk holds a clock of another cluster size');
    replica.crdt = saved.crdt;
    replica.clock = saved.clock;
  }
  const epoch = disk.get(EPOCH_KEY) as number | undefined;
  assert(epoch === undefined || Number.isInteger(epoch), 'the epoch on disk is an integer', epoch);
  replica.epoch = (epoch ?? 0) + 1;
  replica.catchingUp = epoch === undefined && ctx.nodes > 1;
  replica.acked.fill(-1);
  ctx.persist(EPOCH_KEY, replica.epoch);
  armGossip(ctx, true);
  return replica;
}

// ---- Client updates ---------------------------------------------------------------------------

export function onUpdateOp<S>(type: CrdtType<S>, ctx: Ctx<S>, r: Replica<S>, op: ClientOp): void {
  if (type.readOps.includes(op.f)) {
    ctx.reply(op, { kind: 'ok', value: type.read(r.crdt, op, r.variant) });
    return;
  }
  if (r.catchingUp) return ctx.reply(op, NOT_YET);
  const at = { replica: ctx.self, nodes: ctx.nodes, nowMicros: ctx.now, variant: ctx.variant };
  const result = type.update(r.crdt, op, at);
  if (!result.ok) return ctx.reply(op, { kind: 'fail', error: result.error });
  const dot = nextDot(r.clock, ctx.self);
  assert(dotReplica(dot) === ctx.self, 'a local update gets a dot of its own replica');
  const base = r.clock.vv.slice();
  addDot(r.clock, dot);
  assert(contextHas(r.clock, dot), 'the clock holds the new update');
  if (gossipParams(ctx.params).dissemination === 'delta')
    bufferDelta(ctx, r, result.delta, contextOf(ctx.nodes, [dot]), base);
  r.localUpdates++;
  ctx.persist(REPLICA_KEY, { crdt: r.crdt, clock: r.clock });
  changed(ctx, r, 'update');
  ctx.reply(op, result.reply === undefined ? { kind: 'ok' } : { kind: 'ok', value: result.reply });
}

function changed<S>(ctx: Ctx<S>, r: Replica<S>, kind: 'update' | 'merge'): void {
  r.lastChangeMicros = ctx.now;
  ctx.note(kind, contextSize(r.clock));
}

/** Keep a delta that grew the state; drop the oldest past the bound (peers then get states). */
function bufferDelta<S>(
  ctx: Ctx<S>,
  r: Replica<S>,
  delta: S,
  dots: CausalContext,
  base: readonly number[],
): void {
  assert(base.length === ctx.nodes, 'a base names every replica');
  r.buffer.push({ seq: r.seq, delta, dots, base });
  r.seq++;
  const bound = gossipParams(ctx.params).maxBufferedDeltas;
  if (r.buffer.length > bound) r.buffer.splice(0, r.buffer.length - bound);
  assert(r.buffer[0]!.seq + r.buffer.length === r.seq, 'the delta buffer is contiguous');
}

// ---- Gossip rounds ----------------------------------------------------------------------------

/** `count` distinct peers, uniformly (a partial Fisher-Yates shuffle). */
function pickPeers<S>(ctx: Ctx<S>, count: number): NodeId[] {
  const peers = ctx.peers.slice();
  const n = Math.min(count, peers.length);
  for (let i = 0; i < n; i++) {
    const j = i + ctx.rng.int(peers.length - i);
    const swap = peers[i]!;
    peers[i] = peers[j]!;
    peers[j] = swap;
  }
  return peers.slice(0, n);
}

export function onGossipTimer<S>(type: CrdtType<S>, ctx: Ctx<S>, r: Replica<S>): void {
  const p = gossipParams(ctx.params);
  for (const peer of pickPeers(ctx, p.fanout)) {
    if (p.antiEntropy === 'pull') ctx.send(peer, { type: 'pull' });
    else if (hasNews(ctx, r, peer)) sendUpdate(type, ctx, r, peer, p.antiEntropy === 'push-pull');
    else if (p.antiEntropy === 'push-pull') ctx.send(peer, { type: 'pull' });
  }
  armGossip(ctx, false);
}

/** Whether the peer may lack something (delta mode knows from acks; state mode never knows). */
function hasNews<S>(ctx: Ctx<S>, r: Replica<S>, peer: NodeId): boolean {
  return gossipParams(ctx.params).dissemination === 'state' || r.acked[peer] !== r.seq;
}

function sendUpdate<S>(
  type: CrdtType<S>,
  ctx: Ctx<S>,
  r: Replica<S>,
  peer: NodeId,
  reply: boolean,
): void {
  if (gossipParams(ctx.params).dissemination === 'state') {
    const crdt = structuredClone(r.crdt);
    ctx.send(peer, { type: 'state', crdt, clock: cloneContext(r.clock), reply });
    return;
  }
  const from = r.acked[peer]!;
  assert(from <= r.seq, 'a peer acknowledged a delta not yet made', from);
  const first = r.buffer.length === 0 ? r.seq : r.buffer[0]!.seq;
  const base = { epoch: r.epoch, seq: r.seq, reply };
  if (from < first || from < 0 || r.seq - from > MAX_INTERVAL) {
    const crdt = structuredClone(r.crdt);
    const dots = cloneContext(r.clock);
    const zero = new Array<number>(ctx.nodes).fill(0);
    ctx.send(peer, { type: 'delta', crdt, dots, base: zero, full: true, ...base });
    return;
  }
  const interval = r.buffer.slice(from - first);
  assert(interval.length > 0, 'a delta-interval is sent only when the peer lacks something');
  const crdt = structuredClone(interval[0]!.delta);
  const dots = cloneContext(interval[0]!.dots);
  for (let k = 1; k < interval.length; k++) {
    type.join(crdt, interval[k]!.delta, ctx.variant);
    joinContext(dots, interval[k]!.dots);
  }
  ctx.send(peer, { type: 'delta', crdt, dots, base: interval[0]!.base, full: false, ...base });
}

// ---- Receiving --------------------------------------------------------------------------------

export function onGossipMessage<S>(
  type: CrdtType<S>,
  ctx: Ctx<S>,
  r: Replica<S>,
  from: NodeId,
  msg: CrdtMsg<S>,
): void {
  switch (msg.type) {
    case 'state':
      return onState(type, ctx, r, from, msg);
    case 'delta':
      return onDelta(type, ctx, r, from, msg);
    case 'ack':
      if (msg.epoch === r.epoch) {
        r.acked[from] = Math.max(r.acked[from]!, msg.seq);
        collectGarbage(ctx, r);
      }
      return;
    case 'nack':
      if (msg.epoch === r.epoch) r.acked[from] = -1;
      return;
    case 'pull':
      if (hasNews(ctx, r, from)) sendUpdate(type, ctx, r, from, false);
      return;
  }
}

/** Join a whole state; in push-pull, answer with ours if the sender lacks something. */
function onState<S>(
  type: CrdtType<S>,
  ctx: Ctx<S>,
  r: Replica<S>,
  from: NodeId,
  msg: Extract<CrdtMsg<S>, { type: 'state' }>,
): void {
  const theyLack = !covers(msg.clock, r.clock.vv) || r.clock.cloud.size > 0;
  const grew = type.join(r.crdt, msg.crdt, ctx.variant);
  const clockGrew = joinContext(r.clock, msg.clock);
  if (r.catchingUp) caughtUp(ctx, r);
  if (grew || clockGrew) merged(ctx, r);
  if (msg.reply && theyLack) sendUpdate(type, ctx, r, from, false);
}

function onDelta<S>(
  type: CrdtType<S>,
  ctx: Ctx<S>,
  r: Replica<S>,
  from: NodeId,
  msg: Extract<CrdtMsg<S>, { type: 'delta' }>,
): void {
  assert(msg.base.length === ctx.nodes, 'a delta names a base for every replica');
  assert(Number.isInteger(msg.seq) && msg.seq >= 0, 'a delta carries a sequence number', msg.seq);
  const inOrder = covers(r.clock, msg.base);
  if (!inOrder) ctx.send(from, { type: 'nack', epoch: msg.epoch });
  if (inOrder || !type.causal) {
    const base = r.clock.vv.slice();
    const grew = type.join(r.crdt, msg.crdt, ctx.variant);
    const clockGrew = joinContext(r.clock, msg.dots);
    if (msg.full && r.catchingUp) caughtUp(ctx, r);
    if (grew || clockGrew) {
      bufferDelta(ctx, r, msg.crdt, msg.dots, base);
      merged(ctx, r);
    }
  }
  if (inOrder) ctx.send(from, { type: 'ack', epoch: msg.epoch, seq: msg.seq });
  if (msg.reply && hasNews(ctx, r, from)) sendUpdate(type, ctx, r, from, false);
}

/** A replica that lost its disk has joined a peer's whole state: it may take updates again. */
function caughtUp<S>(ctx: Ctx<S>, r: Replica<S>): void {
  r.catchingUp = false;
  ctx.persist(REPLICA_KEY, { crdt: r.crdt, clock: r.clock });
}

function merged<S>(ctx: Ctx<S>, r: Replica<S>): void {
  r.merges++;
  changed(ctx, r, 'merge');
}

/** Drop the deltas every peer with a known position has acknowledged. */
function collectGarbage<S>(ctx: Ctx<S>, r: Replica<S>): void {
  let lowest = r.seq;
  for (const peer of ctx.peers) {
    const acked = r.acked[peer]!;
    if (acked >= 0 && acked < lowest) lowest = acked;
  }
  let drop = 0;
  while (drop < r.buffer.length && r.buffer[drop]!.seq < lowest) drop++;
  if (drop > 0) r.buffer.splice(0, drop);
}

export function gossipInit<S>(type: CrdtType<S>) {
  return (ctx: Ctx<S>, _params: ParamValues) => initReplica(type, ctx);
}
