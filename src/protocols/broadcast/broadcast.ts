import { assert } from '../../sim/assert';
import type { ClientOp, NodeCtx, NodeId, ParamValues } from '../../sim/types';
import { GOSSIP_TIMER, VALUE_KEY_PREFIX, type BroadcastMsg, type BroadcastState } from './types';

type Ctx = NodeCtx<BroadcastMsg>;

/** The variant that sends each value once and never retries. */
export const NO_RETRY = 'no-retry';

/** Neighbours by topology: everyone (mesh) or the two nodes beside it on a ring. */
export function neighboursOf(self: NodeId, nodes: number, topology: string): NodeId[] {
  if (topology === 'mesh' || nodes <= 3)
    return Array.from({ length: nodes }, (_, i) => i).filter((i) => i !== self);
  assert(topology === 'ring', 'unknown topology', topology);
  return [(self + nodes - 1) % nodes, (self + 1) % nodes];
}

export function initBroadcast(ctx: Ctx, params: ParamValues): BroadcastState {
  const neighbours = neighboursOf(ctx.self, ctx.nodes, params.topology as string);
  const state: BroadcastState = {
    values: [],
    known: new Set(),
    unacked: Array.from({ length: ctx.nodes }, () => new Set<number>()),
    neighbours,
  };
  ctx.setTimer(GOSSIP_TIMER, params.gossipIntervalMicros as number);
  return state;
}

/** After a restart: reload the values from disk and offer all of them to every neighbour again. */
export function recoverBroadcast(
  ctx: Ctx,
  disk: ReadonlyMap<string, unknown>,
  params: ParamValues,
): BroadcastState {
  const state = initBroadcast(ctx, params);
  for (const key of disk.keys()) {
    if (key.startsWith(VALUE_KEY_PREFIX))
      addValue(state, Number(key.slice(VALUE_KEY_PREFIX.length)));
  }
  for (const value of state.values)
    for (const peer of state.neighbours) state.unacked[peer]!.add(value);
  // A node whose disk is gone asks its neighbours for everything they hold.
  if (disk.size === 0)
    for (const peer of state.neighbours) ctx.send(peer, { type: 'sync_request' });
  return state;
}

function addValue(state: BroadcastState, value: number): boolean {
  if (state.known.has(value)) return false;
  state.known.add(value);
  state.values.push(value);
  return true;
}

/** Learn a value: keep it on disk, and owe it to every neighbour but the one it came from. */
function learn(ctx: Ctx, state: BroadcastState, value: number, from: NodeId): void {
  if (!addValue(state, value)) return;
  ctx.persist(VALUE_KEY_PREFIX + value, true);
  for (const peer of state.neighbours) if (peer !== from) state.unacked[peer]!.add(value);
}

export function onBroadcastClientOp(ctx: Ctx, state: BroadcastState, op: ClientOp): void {
  if (op.f === 'broadcast') {
    assert(Number.isInteger(op.value), 'a broadcast value is an integer');
    learn(ctx, state, op.value as number, ctx.self);
    ctx.reply(op, { kind: 'ok' });
    return;
  }
  assert(op.f === 'read', 'broadcast has no such op', op.f);
  ctx.reply(op, { kind: 'ok', value: [...state.values].sort((x, y) => x - y) });
}

export function onBroadcastMessage(
  ctx: Ctx,
  state: BroadcastState,
  from: NodeId,
  msg: BroadcastMsg,
): void {
  switch (msg.type) {
    case 'gossip':
      for (const value of msg.values) learn(ctx, state, value, from);
      ctx.send(from, { type: 'gossip_ok', values: msg.values });
      return;
    case 'gossip_ok':
      for (const value of msg.values) state.unacked[from]!.delete(value);
      return;
    case 'sync_request':
      for (const value of state.values) state.unacked[from]!.add(value);
      return;
  }
}

/** Every interval: send each neighbour (a batch of) what it has not acknowledged. */
export function onGossipTimer(ctx: Ctx, state: BroadcastState): void {
  const params = ctx.params;
  const maxBatch = params.maxBatch as number;
  for (const peer of state.neighbours) {
    const owed = state.unacked[peer]!;
    if (owed.size === 0) continue;
    const values: number[] = [];
    for (const value of owed) {
      if (values.length >= maxBatch) break;
      values.push(value);
    }
    ctx.send(peer, { type: 'gossip', values });
    if (ctx.variant === NO_RETRY) for (const value of values) owed.delete(value);
  }
  ctx.setTimer(GOSSIP_TIMER, params.gossipIntervalMicros as number);
}
