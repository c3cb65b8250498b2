import { assert } from '../../../sim/assert';
import type { ClientOp, ClientReply, NodeId, ParamValues } from '../../../sim/types';
import { validOp } from '../../common/kv';
import { wins, type LwwValue } from '../common/lww';
import { BAD_OP, tagOf, writtenOver } from '../common/shared';
import { mergeSiblings, nextClock, nextWrites, readResult, type Version } from '../common/versions';
import {
  KEY_PREFIX,
  TICK_TIMER,
  VARIANT,
  mmParams,
  type Ctx,
  type MmMsg,
  type MmState,
} from './types';

const SIBLINGS: ClientReply = Object.freeze({
  kind: 'fail',
  error: 'the key has siblings: a put must resolve them first',
});

function freshState(ctx: Ctx): MmState {
  return { self: ctx.self, lww: new Map(), vv: new Map(), maxSiblings: 0 };
}

export function initMm(ctx: Ctx, _params: ParamValues): MmState {
  ctx.setTimer(TICK_TIMER, mmParams(ctx).syncMicros);
  return freshState(ctx);
}

export function recoverMm(ctx: Ctx, disk: ReadonlyMap<string, unknown>, _p: ParamValues): MmState {
  const s = freshState(ctx);
  const lww = mmParams(ctx).resolve === 'lww';
  for (const [name, value] of disk) {
    if (!name.startsWith(KEY_PREFIX)) continue;
    const key = name.slice(KEY_PREFIX.length);
    if (lww) s.lww.set(key, value as LwwValue);
    else s.vv.set(key, value as Version[]);
  }
  ctx.setTimer(TICK_TIMER, mmParams(ctx).syncMicros);
  return s;
}

// ---- Local store ----------------------------------------------------------------------------------

/** Merge a value for `key` under last-writer-wins; true when it replaced what was there. */
function mergeLww(ctx: Ctx, s: MmState, key: string, incoming: LwwValue, remote: boolean): boolean {
  const current = s.lww.get(key);
  // The bug: a value from another node replaces the local one even when its stamp is older.
  const take =
    wins(incoming, current) ||
    (remote && ctx.variant === VARIANT.acceptOlder && current?.writer !== incoming.writer);
  if (!take) return false;
  s.lww.set(key, incoming);
  ctx.persist(KEY_PREFIX + key, incoming);
  return true;
}

function mergeVersions(ctx: Ctx, s: MmState, key: string, incoming: readonly Version[]): boolean {
  const merged = mergeSiblings(s.vv.get(key) ?? [], incoming);
  if (merged === null) return false;
  s.vv.set(key, merged);
  s.maxSiblings = Math.max(s.maxSiblings, merged.length);
  ctx.persist(KEY_PREFIX + key, merged);
  return true;
}

// ---- Clients ---------------------------------------------------------------------------------------

export function onMmClientOp(ctx: Ctx, s: MmState, op: ClientOp): void {
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  const key = op.key!;
  if (mmParams(ctx).resolve === 'lww') return lwwOp(ctx, s, op, key);
  vclockOp(ctx, s, op, key);
}

function lwwOp(ctx: Ctx, s: MmState, op: ClientOp, key: string): void {
  const current = s.lww.get(key);
  if (op.f === 'get') return ctx.reply(op, { kind: 'ok', value: current?.value ?? '' });
  const value = writtenOver(op, current?.value ?? '');
  if (typeof value !== 'string') return ctx.reply(op, value);
  const stamped: LwwValue = { value, time: ctx.now, node: ctx.self, writer: tagOf(op) };
  // A write stamped older than the value here loses at once: acknowledged, without effect.
  if (mergeLww(ctx, s, key, stamped, false))
    ctx.broadcast({ type: 'Update', key, lww: stamped, versions: [] });
  ctx.reply(op, { kind: 'ok' });
}

function vclockOp(ctx: Ctx, s: MmState, op: ClientOp, key: string): void {
  const siblings = s.vv.get(key) ?? [];
  if (op.f === 'get') return ctx.reply(op, { kind: 'ok', value: readResult(siblings) });
  if (op.f !== 'put' && siblings.length > 1) return ctx.reply(op, SIBLINGS);
  const value = writtenOver(op, siblings[0]?.value ?? '');
  if (typeof value !== 'string') return ctx.reply(op, value);
  const version: Version = {
    value,
    clock: nextClock(siblings, ctx.self, ctx.nodes),
    writer: tagOf(op),
    writes: nextWrites(siblings, op.client, op.seq),
  };
  assert(mergeVersions(ctx, s, key, [version]), 'a local write supersedes the local siblings');
  ctx.broadcast({ type: 'Update', key, lww: null, versions: [version] });
  ctx.reply(op, { kind: 'ok' });
}

// ---- Messages and timers ---------------------------------------------------------------------------

export function onMmMessage(ctx: Ctx, s: MmState, _from: NodeId, msg: MmMsg): void {
  if (msg.type === 'Update') {
    if (msg.lww !== null) mergeLww(ctx, s, msg.key, msg.lww, true);
    if (msg.versions.length > 0) mergeVersions(ctx, s, msg.key, msg.versions);
    return;
  }
  for (const [key, value] of msg.lww) mergeLww(ctx, s, key, value, true);
  for (const [key, versions] of msg.versions) mergeVersions(ctx, s, key, versions);
}

/** Every tick, push the whole store to one node picked at random (anti-entropy). */
export function onMmTimer(ctx: Ctx, s: MmState, timer: string): void {
  if (timer !== TICK_TIMER) return;
  ctx.setTimer(TICK_TIMER, mmParams(ctx).syncMicros);
  if (ctx.peers.length === 0) return;
  const peer = ctx.peers[ctx.rng.int(ctx.peers.length)]!;
  ctx.send(peer, { type: 'Sync', lww: [...s.lww], versions: [...s.vv] });
}
