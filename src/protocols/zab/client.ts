import { assert } from '../../sim/assert';
import type { ClientOp, ClientReply } from '../../sim/types';
import { commandOf, readValue, validOp } from '../common/kv';
import { params, redirectTo, type Ctx } from './common';
import { sendRequest, sendSync } from './follower';
import { propose, startSync } from './leader';
import { servable } from './statemachine';
import type { Txn, ZabState } from './types';

/**
 * Clients, as ZooKeeper serves them: a client talks to one server. Writes go through the leader
 * (the server forwards them as a REQUEST) and are answered once this server has applied them.
 * Reads are answered from this server's own state: sequentially consistent, not linearizable,
 * unless `syncReads` makes every read wait for a sync first. A server serves a client only
 * while it owns the client's session (statemachine.ts); otherwise the op waits while the
 * session moves here.
 */

const BAD_OP: ClientReply = Object.freeze({ kind: 'fail', error: 'not a key-value operation' });
const STALE: ClientReply = Object.freeze({ kind: 'fail', error: 'superseded by a later command' });

/** Whether this node serves clients: an established leader, or a follower after UPTODATE. */
export function serving(s: ZabState): boolean {
  return (
    (s.role === 'leading' && s.leaderPhase === 'broadcast') ||
    (s.role === 'following' && s.followerPhase === 'broadcast')
  );
}

export function onClientOp(ctx: Ctx, s: ZabState, op: ClientOp): void {
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  // A server that is not serving takes no client connections: the client gives up on it after
  // its attempt timeout and tries the next server (ZooKeeper servers never send clients to the
  // leader: a client stays with the server it connected to).
  if (!serving(s)) return;
  forgetOlder(ctx, s, op);
  if (servable(s, ctx.self, op.client, ctx.variant)) serve(ctx, s, op);
  else park(ctx, s, op);
}

/** A newer op of the same client: it gave up on the older ones waiting here. */
function forgetOlder(ctx: Ctx, s: ZabState, op: ClientOp): void {
  const older = (o: ClientOp): boolean => o.client === op.client && o.seq < op.seq;
  for (const o of s.parked) if (older(o)) ctx.reply(o, redirectTo(-1, ctx.self));
  s.parked = s.parked.filter((o) => !older(o));
}

function serve(ctx: Ctx, s: ZabState, op: ClientOp): void {
  if (op.f === 'get') {
    if (params(ctx).syncReads) startRead(ctx, s, op);
    else ctx.reply(op, readValue(s, op.key!));
    return;
  }
  const session = s.sessions.get(op.client);
  if (session !== undefined && op.seq <= session.seq) {
    ctx.reply(op, op.seq === session.seq ? session.reply : STALE);
    return;
  }
  if (!s.pending.some((o) => o.client === op.client && o.seq === op.seq)) s.pending.push(op);
  submit(ctx, s, { kind: 'cmd', cmd: commandOf(op) });
}

/** Wait here while the client's session moves to this server. */
function park(ctx: Ctx, s: ZabState, op: ClientOp): void {
  if (!s.parked.some((o) => o.client === op.client && o.seq === op.seq)) s.parked.push(op);
  // Once per op: a request lost on the way is asked again by the client's next attempt.
  if (s.moveRequested.get(op.client) === op.seq) return;
  s.moveRequested.set(op.client, op.seq);
  submit(ctx, s, { kind: 'move', client: op.client, owner: ctx.self });
}

function submit(ctx: Ctx, s: ZabState, txn: Txn): void {
  if (s.role === 'leading') propose(ctx, s, txn);
  else sendRequest(ctx, s, txn);
}

function startRead(ctx: Ctx, s: ZabState, op: ClientOp): void {
  const reqId = s.nextReqId++;
  s.reads.push({ reqId, op });
  if (s.role === 'leading') startSync(ctx, s, ctx.self, reqId);
  else sendSync(ctx, s, reqId);
}

/** The sync `reqId` is done: everything committed when it started is applied here. */
export function answerRead(ctx: Ctx, s: ZabState, reqId: number): void {
  const at = s.reads.findIndex((r) => r.reqId === reqId);
  if (at < 0) return;
  const { op } = s.reads[at]!;
  s.reads.splice(at, 1);
  ctx.reply(op, readValue(s, op.key!));
}

/** After transactions were delivered: answer the writes they applied, serve parked ops. */
export function afterDelivery(ctx: Ctx, s: ZabState): void {
  const waiting = s.pending;
  s.pending = [];
  for (const op of waiting) {
    const session = s.sessions.get(op.client);
    if (session === undefined || session.seq < op.seq) s.pending.push(op);
    else ctx.reply(op, session.seq === op.seq ? session.reply : STALE);
  }
  for (const client of s.moveRequested.keys())
    if (s.owners.get(client)?.owner === ctx.self) s.moveRequested.delete(client);
  const parked = s.parked;
  s.parked = [];
  for (const op of parked) {
    const owner = s.owners.get(op.client)?.owner ?? -1;
    if (servable(s, ctx.self, op.client, ctx.variant)) serve(ctx, s, op);
    else if (owner >= 0 && owner !== ctx.self && !s.moveRequested.has(op.client))
      ctx.reply(op, redirectTo(owner, ctx.self)); // the session went to another server
    else s.parked.push(op);
  }
  assert(
    s.pending.length <= 1_000 && s.parked.length <= 1_000,
    'client ops pile up',
    s.pending.length,
  );
}

/** This node stops serving: every waiting client is told to look elsewhere (its op may still commit). */
export function failClients(ctx: Ctx, s: ZabState): void {
  const away = redirectTo(-1, ctx.self);
  for (const op of s.pending) ctx.reply(op, away);
  for (const op of s.parked) ctx.reply(op, away);
  for (const read of s.reads) ctx.reply(read.op, away);
  s.pending = [];
  s.parked = [];
  s.reads = [];
}
