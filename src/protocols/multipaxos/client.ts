import { assert } from '../../sim/assert';
import type { ClientOp, ClientReply } from '../../sim/types';
import { commandOf, validOp } from '../common/kv';
import { redirect, type Ctx } from './common';
import { propose } from './leader';
import type { MultiPaxosState } from './types';

/**
 * Clients talk to the leader: followers and candidates redirect them. The leader puts every op,
 * reads included, in the next free slot and answers once that slot is applied, so reads are
 * linearizable. A retried op may land in two slots; the session table applies it once.
 */

const BAD_OP: ClientReply = Object.freeze({ kind: 'fail', error: 'not a key-value operation' });

export function onClientOp(ctx: Ctx, s: MultiPaxosState, op: ClientOp): void {
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  if (s.role !== 'leader') return ctx.reply(op, redirect(ctx, s));
  const session = s.sessions.get(op.client);
  if (session !== undefined && op.seq <= session.seq) {
    if (op.seq === session.seq) ctx.reply(op, session.reply);
    return;
  }
  const slot = s.nextSlot++;
  assert(!s.pending.has(slot), 'a new command takes a slot no client waits on', slot);
  s.pending.set(slot, op);
  propose(ctx, s, slot, commandOf(op));
}
