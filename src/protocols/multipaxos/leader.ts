import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import type { Command } from '../common/kv';
import { compareBallots, majority, sameBallot } from '../paxos/ballot';
import { sendToAll } from '../paxos/common';
import { armHeartbeatTimer, params, type Ctx } from './common';
import { nack } from './acceptor';
import { learn } from './replica';
import { noteLeader } from './role';
import { VARIANT, type ChosenEntry, type MultiPaxosMsg, type MultiPaxosState } from './types';

/**
 * The leader's phase 2, one slot at a time: an accept request per slot in the leader's ballot;
 * a slot is chosen once a majority of acceptors accepted it, and the leader tells the replicas.
 * Heartbeats keep followers from starting elections and tell the leader how far each replica
 * has applied, so it can send what they lack.
 */

type Msg<T extends MultiPaxosMsg['type']> = Extract<MultiPaxosMsg, { type: T }>;

/** Phase 2a: propose `cmd` in `slot` in this leader's ballot. */
export function propose(ctx: Ctx, s: MultiPaxosState, slot: number, cmd: Command | null): void {
  assert(s.role === 'leader', 'only a leader proposes');
  assert(!s.inFlight.has(slot), 'one proposal per slot per ballot', slot);
  s.inFlight.set(slot, { cmd, by: new Array<boolean>(ctx.nodes).fill(false), count: 0 });
  sendToAll(ctx, { type: 'Accept', ballot: s.ballot, slot, cmd });
}

/** Acceptances a slot needs: a majority (a minority in the minority-commit variant). */
function quorum(ctx: Ctx): number {
  return ctx.variant === VARIANT.minorityCommit ? Math.max(1, ctx.nodes >> 1) : majority(ctx.nodes);
}

/** Phase 2b at the leader: count it; with a quorum the slot is chosen. */
export function onAccepted(ctx: Ctx, s: MultiPaxosState, from: NodeId, msg: Msg<'Accepted'>): void {
  if (s.role !== 'leader' || !sameBallot(msg.ballot, s.ballot)) return;
  const slot = s.inFlight.get(msg.slot);
  if (slot === undefined || slot.by[from]) return;
  slot.by[from] = true;
  slot.count++;
  assert(slot.count <= ctx.nodes, 'one acceptance per acceptor', slot.count);
  if (slot.count < quorum(ctx)) return;
  s.inFlight.delete(msg.slot);
  ctx.broadcast({ type: 'Chosen', ballot: s.ballot, entries: [{ slot: msg.slot, cmd: slot.cmd }] });
  learn(ctx, s, msg.slot, slot.cmd);
}

/** Heartbeat tick: tell everyone this leader lives, and resend accept requests still unanswered. */
export function onHeartbeatTimer(ctx: Ctx, s: MultiPaxosState): void {
  if (s.role !== 'leader') return;
  ctx.broadcast({ type: 'Heartbeat', ballot: s.ballot, applied: s.applied });
  for (const [slot, flight] of s.inFlight) {
    const accept: MultiPaxosMsg = { type: 'Accept', ballot: s.ballot, slot, cmd: flight.cmd };
    for (const peer of ctx.peers) if (!flight.by[peer]) ctx.send(peer, accept);
  }
  armHeartbeatTimer(ctx);
}

/** A follower hears the leader: no election for now; answer with how far it has applied. */
export function onHeartbeat(
  ctx: Ctx,
  s: MultiPaxosState,
  from: NodeId,
  msg: Msg<'Heartbeat'>,
): void {
  if (compareBallots(msg.ballot, s.promised) < 0) return nack(ctx, s, from, msg.ballot);
  noteLeader(ctx, s, msg.ballot);
  ctx.send(from, { type: 'HeartbeatReply', ballot: msg.ballot, applied: s.applied });
}

/** The leader sends a replica that is behind the chosen commands it lacks. */
export function onHeartbeatReply(
  ctx: Ctx,
  s: MultiPaxosState,
  from: NodeId,
  msg: Msg<'HeartbeatReply'>,
): void {
  if (s.role !== 'leader' || !sameBallot(msg.ballot, s.ballot) || msg.applied >= s.applied) return;
  const entries: ChosenEntry[] = [];
  const last = Math.min(s.applied, msg.applied + params(ctx).maxEntriesPerChosen);
  for (let slot = msg.applied + 1; slot <= last; slot++) {
    const cmd = s.chosen.get(slot);
    assert(cmd !== undefined, 'every applied slot is known chosen', slot);
    entries.push({ slot, cmd });
  }
  assert(entries.length <= params(ctx).maxEntriesPerChosen, 'catch-up batches are bounded');
  if (entries.length > 0) ctx.send(from, { type: 'Chosen', ballot: s.ballot, entries });
}

/** A replica learns chosen commands from its leader. */
export function onChosen(ctx: Ctx, s: MultiPaxosState, msg: Msg<'Chosen'>): void {
  if (compareBallots(msg.ballot, s.promised) >= 0) noteLeader(ctx, s, msg.ballot);
  for (const entry of msg.entries) learn(ctx, s, entry.slot, entry.cmd);
}
