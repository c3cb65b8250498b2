import { assert } from '../../sim/assert';
import type { NodeCtx, NodeId } from '../../sim/types';
import { broadcast, equivocateAgain, send } from './byzantine';
import { dataFor } from './checkpoint';
import { logWindow, primaryOf } from './quorum';
import { isPrimary } from './normal';
import { preparedIn } from './log';
import { viewChangeOf } from './viewchange';
import { STATUS_TIMER, type PbftMsg, type PbftState, type Status } from './types';

/**
 * Retransmission, as in Castro's thesis (section 5.2): every replica multicasts STATUS now and
 * then, saying how far it got, and the others send it what it lacks: the primary's NEW-VIEW,
 * pre-prepares, prepares and commits above what it executed, checkpoints, or the whole state
 * (DATA) when it fell behind a stable checkpoint. Honest replicas only ever resend their own
 * messages; the network may lose any of them.
 */

type Ctx = NodeCtx<PbftMsg>;

/** An equivocating primary tells its second story about this many recent sequence numbers. */
const EQUIVOCATE_RECENT = 4;

export function armStatusTimer(ctx: Ctx): void {
  const interval = ctx.params.statusIntervalMicros as number;
  ctx.setTimer(STATUS_TIMER, { min: interval, max: interval + Math.floor(interval / 4) });
}

export function onStatusTimer(ctx: Ctx, s: PbftState): void {
  const status: Status = {
    type: 'STATUS',
    view: s.view,
    viewChanging: s.status === 'view-change',
    h: s.stable.n,
    executed: s.lastExecuted,
  };
  broadcast(ctx, s, status);
  if (s.status === 'view-change') {
    const own = viewChangeOf(s, ctx.self, s.view);
    assert(own !== undefined, 'a changing replica sent its VIEW-CHANGE', s.view);
    broadcast(ctx, s, own);
  } else if (!isPrimary(ctx, s)) {
    const primary = primaryOf(s.view, ctx.nodes);
    for (const request of s.pending.values()) send(ctx, s, primary, { type: 'REQUEST', request });
  } else if (s.byzantine?.kind === 'equivocate') {
    tellSecondStory(ctx, s);
  }
  armStatusTimer(ctx);
}

function tellSecondStory(ctx: Ctx, s: PbftState): void {
  const recent = [...s.slots.keys()].sort((a, b) => b - a).slice(0, EQUIVOCATE_RECENT);
  for (const n of recent) {
    const pp = s.slots.get(n)!.prePrepare;
    if (pp !== null && pp.signer === ctx.self && pp.msg.view === s.view)
      equivocateAgain(ctx, s, pp.msg);
  }
}

function validStatus(msg: Status): boolean {
  return (
    Number.isSafeInteger(msg.view) &&
    Number.isSafeInteger(msg.h) &&
    Number.isSafeInteger(msg.executed) &&
    typeof msg.viewChanging === 'boolean'
  );
}

/** Send a peer what its STATUS shows it lacks. */
export function onStatus(ctx: Ctx, s: PbftState, from: NodeId, msg: Status): void {
  if (!validStatus(msg)) return;
  const data = dataFor(s);
  if (data !== null && msg.executed < data.n) send(ctx, s, from, data);
  // A peer still changing to a view this replica left (or completed) gets its VIEW-CHANGE for
  // it again: without it the peer might never gather 2f + 1 for that view.
  const mine = msg.viewChanging ? viewChangeOf(s, ctx.self, msg.view) : undefined;
  if (mine !== undefined && (msg.view < s.view || s.status === 'normal')) send(ctx, s, from, mine);
  if (s.status !== 'normal') return;
  if (msg.view < s.view || (msg.view === s.view && msg.viewChanging)) {
    if (isPrimary(ctx, s) && s.newView !== null) send(ctx, s, from, s.newView);
    return;
  }
  if (msg.view > s.view) return;
  for (const [n, own] of s.ownCheckpoints) {
    if (n > msg.h) send(ctx, s, from, { type: 'CHECKPOINT', n, digest: own.digest });
  }
  resendSlots(ctx, s, from, Math.max(msg.executed, s.stable.n));
}

/** This replica's own pre-prepares, prepares and commits of this view above `after`. */
function resendSlots(ctx: Ctx, s: PbftState, to: NodeId, after: number): void {
  assert(s.status === 'normal', 'votes are resent in a view, not during a view change');
  const high = s.stable.n + logWindow(ctx.params);
  for (let n = after + 1; n <= high; n++) {
    const slot = s.slots.get(n);
    const pp = slot?.prePrepare ?? null;
    if (slot === undefined || pp === null || pp.msg.view !== s.view) continue;
    const vote = { view: s.view, n, digest: pp.msg.digest };
    if (pp.signer === ctx.self) send(ctx, s, to, pp.msg);
    else send(ctx, s, to, { type: 'PREPARE', ...vote });
    if (preparedIn(slot, s.view))
      send(ctx, s, to, { type: 'COMMIT', ...vote, digest: slot.prepared!.digest });
  }
}
