import { assert } from '../../sim/assert';
import { applyCommand, type Command } from '../common/kv';
import { redirect, type Ctx } from './common';
import type { MultiPaxosState } from './types';

/**
 * The replica: it learns which command was chosen in each slot (from its leader), and applies
 * the chosen commands to the key-value state machine in slot order, with no gap. Client ops
 * waiting at the leader are answered when their slot is applied.
 */

/** Slot `slot` is chosen with `cmd`: remember it and apply whatever has become contiguous. */
export function learn(ctx: Ctx, s: MultiPaxosState, slot: number, cmd: Command | null): void {
  assert(slot >= 1, 'slots start at 1', slot);
  if (slot <= s.applied || s.chosen.has(slot)) return;
  s.chosen.set(slot, cmd);
  s.learnOrder.push(slot);
  applyChosen(ctx, s);
}

function applyChosen(ctx: Ctx, s: MultiPaxosState): void {
  const before = s.applied;
  for (;;) {
    const slot = s.applied + 1;
    if (!s.chosen.has(slot)) break;
    const cmd = s.chosen.get(slot)!;
    const reply = cmd === null ? null : applyCommand(s, cmd);
    s.applied = slot;
    const op = s.pending.get(slot);
    if (op === undefined) continue;
    s.pending.delete(slot);
    const same = cmd !== null && cmd.client === op.client && cmd.seq === op.seq;
    ctx.reply(op, same && reply !== null ? reply : redirect(ctx, s));
  }
  assert(s.applied >= before, 'the applied point never goes back');
}

/** Leadership is lost: every waiting client is sent elsewhere (its command may still be chosen). */
export function failPending(ctx: Ctx, s: MultiPaxosState): void {
  const answer = redirect(ctx, s);
  for (const op of s.pending.values()) ctx.reply(op, answer);
  s.pending.clear();
}
