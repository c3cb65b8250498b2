import { assert } from '../../../sim/assert';
import type { ClientOp, NodeId, ParamValues } from '../../../sim/types';
import { validOp } from '../../common/kv';
import { wins, type LwwValue } from '../common/lww';
import { BAD_OP, tagOf, writtenOver } from '../common/shared';
import { buildTree, entriesIn, updateTree } from './merkle';
import {
  GOSSIP_TIMER,
  KEY_PREFIX,
  LAMPORT_KEY,
  VARIANT,
  aeParams,
  type AeMsg,
  type AeState,
  type Ctx,
} from './types';

function rangeCount(ctx: Ctx): number {
  return 1 << aeParams(ctx).merkleDepth;
}

function freshState(ctx: Ctx, store: Map<string, LwwValue>, lamport: number): AeState {
  return {
    self: ctx.self,
    store,
    lamport,
    tree: buildTree(store, rangeCount(ctx)),
    rounds: 0,
    received: 0,
  };
}

export function initAe(ctx: Ctx, _params: ParamValues): AeState {
  ctx.setTimer(GOSSIP_TIMER, { min: 1, max: aeParams(ctx).gossipMicros });
  return freshState(ctx, new Map(), 0);
}

export function recoverAe(ctx: Ctx, disk: ReadonlyMap<string, unknown>, _p: ParamValues): AeState {
  const store = new Map<string, LwwValue>();
  for (const [name, value] of disk)
    if (name.startsWith(KEY_PREFIX)) store.set(name.slice(KEY_PREFIX.length), value as LwwValue);
  ctx.setTimer(GOSSIP_TIMER, aeParams(ctx).gossipMicros);
  return freshState(ctx, store, (disk.get(LAMPORT_KEY) as number | undefined) ?? 0);
}

/** Store a value that wins over the local one; keep the tree and the Lamport clock current. */
function take(ctx: Ctx, s: AeState, key: string, value: LwwValue, local: boolean): boolean {
  if (!wins(value, s.store.get(key))) return false;
  s.store.set(key, value);
  ctx.persist(KEY_PREFIX + key, value);
  if (value.time > s.lamport) {
    s.lamport = value.time;
    ctx.persist(LAMPORT_KEY, s.lamport);
  }
  // The bug: a local write leaves the Merkle tree as it was.
  if (!(local && ctx.variant === VARIANT.staleLeafHash)) updateTree(s.tree, s.store, key);
  return true;
}

// ---- Clients ----------------------------------------------------------------------------------------

export function onAeClientOp(ctx: Ctx, s: AeState, op: ClientOp): void {
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  const key = op.key!;
  const current = s.store.get(key)?.value ?? '';
  if (op.f === 'get') return ctx.reply(op, { kind: 'ok', value: current });
  const value = writtenOver(op, current);
  if (typeof value !== 'string') return ctx.reply(op, value);
  const stamped: LwwValue = { value, time: s.lamport + 1, node: ctx.self, writer: tagOf(op) };
  assert(take(ctx, s, key, stamped, true), 'a local write has the largest stamp here');
  ctx.reply(op, { kind: 'ok' });
}

// ---- Anti-entropy -----------------------------------------------------------------------------------

export function onAeTimer(ctx: Ctx, s: AeState, timer: string): void {
  if (timer !== GOSSIP_TIMER) return;
  ctx.setTimer(GOSSIP_TIMER, aeParams(ctx).gossipMicros);
  if (ctx.peers.length === 0) return;
  const peer = ctx.peers[ctx.rng.int(ctx.peers.length)]!;
  s.rounds++;
  ctx.send(peer, { type: 'TreeCompare', nodes: [[1, s.tree[1]!]] });
}

export function onAeMessage(ctx: Ctx, s: AeState, from: NodeId, msg: AeMsg): void {
  if (msg.type === 'TreeCompare') return compare(ctx, s, from, msg.nodes);
  const ranges = rangeCount(ctx);
  for (const [key, value] of msg.entries) if (take(ctx, s, key, value, false)) s.received++;
  if (msg.reply)
    ctx.send(from, {
      type: 'Entries',
      ranges: msg.ranges,
      entries: entriesIn(s.store, msg.ranges, ranges),
      reply: false,
    });
}

/** Walk down where the trees differ: children of different inner nodes, values of different leaves. */
function compare(
  ctx: Ctx,
  s: AeState,
  from: NodeId,
  nodes: readonly (readonly [number, number])[],
): void {
  const ranges = rangeCount(ctx);
  const children: [number, number][] = [];
  const leaves: number[] = [];
  for (const [index, hash] of nodes) {
    assert(index >= 1 && index < 2 * ranges, 'a tree position within the tree', index);
    if (s.tree[index] === hash) continue;
    if (index >= ranges) leaves.push(index - ranges);
    else children.push([2 * index, s.tree[2 * index]!], [2 * index + 1, s.tree[2 * index + 1]!]);
  }
  if (children.length > 0) ctx.send(from, { type: 'TreeCompare', nodes: children });
  if (leaves.length > 0)
    ctx.send(from, {
      type: 'Entries',
      ranges: leaves,
      entries: entriesIn(s.store, leaves, ranges),
      reply: true,
    });
}
