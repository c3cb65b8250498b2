import { assert } from '../../sim/assert';
import type { NodeCtx, NodeId } from '../../sim/types';
import { broadcast, send } from './byzantine';
import { stabilize, validCheckpointProof } from './checkpoint';
import { requestDigest } from './digest';
import { dropOldViews, inWindow } from './log';
import { acceptPrePrepare, assignPending } from './normal';
import { faultsTolerated, logWindow, preparesNeeded, primaryOf, quorum } from './quorum';
import { armViewChangeTimer, disarmViewChangeTimer } from './timers';
import {
  NULL_DIGEST,
  VARIANT,
  VIEW_KEY,
  type Checkpoint,
  type Digest,
  type NewView,
  type PbftMsg,
  type PbftState,
  type PrePrepare,
  type PreparedProof,
  type Signed,
  type ViewChange,
} from './types';

/**
 * Section 4.4, view changes. A backup whose timer expires moves to view v + 1 and multicasts
 * VIEW-CHANGE with its stable checkpoint (C) and a certificate for every request prepared above
 * it (P). The primary of v + 1 collects 2f + 1 of them (V), computes O (a pre-prepare in v + 1
 * for every sequence number between the latest stable checkpoint min-s and the highest prepared
 * max-s: the request prepared in the highest view, or the null request) and multicasts
 * NEW-VIEW. Every replica checks O against V before it enters the new view.
 */

type Ctx = NodeCtx<PbftMsg>;

/** What a replica keeps of its views on disk: enough to never go back, and to resend. */
export interface ViewRecord {
  readonly view: number;
  readonly status: PbftState['status'];
  /** The NEW-VIEW that started the view (the primary resends it after a crash). */
  readonly newView: NewView | null;
  /** Its own latest VIEW-CHANGE messages (resent to a peer still changing to that view). */
  readonly sent: readonly ViewChange[];
}

export function persistView(ctx: Ctx, s: PbftState): void {
  const record: ViewRecord = {
    view: s.view,
    status: s.status,
    newView: s.newView,
    sent: s.viewChanges.get(ctx.self) ?? [],
  };
  ctx.persist(VIEW_KEY, record);
}

/** Move to `view`: stop taking part in the old one and multicast VIEW-CHANGE. */
export function startViewChange(ctx: Ctx, s: PbftState, view: number): void {
  assert(view > s.view, 'views only go up', view, s.view);
  assert(Number.isSafeInteger(view), 'a view number', view);
  s.view = view;
  s.status = 'view-change';
  disarmViewChangeTimer(ctx, s);
  const msg = buildViewChange(s);
  recordViewChange(s, ctx.self, msg);
  persistView(ctx, s);
  broadcast(ctx, s, msg);
  ctx.note('view-change', view);
  progressViewChange(ctx, s);
}

/** VIEW-CHANGE messages kept per replica: its latest few views (a traitor may send many). */
const VIEW_CHANGES_PER_REPLICA = 4;

/** Keep a replica's VIEW-CHANGE for its view; false when one for that view is already kept. */
export function recordViewChange(s: PbftState, sender: NodeId, msg: ViewChange): boolean {
  const kept = s.viewChanges.get(sender) ?? [];
  if (kept.some((vc) => vc.view === msg.view)) return false;
  kept.push(msg);
  kept.sort((a, b) => a.view - b.view);
  if (kept.length > VIEW_CHANGES_PER_REPLICA) kept.shift();
  s.viewChanges.set(sender, kept);
  assert(kept.length <= VIEW_CHANGES_PER_REPLICA, 'view-change messages are bounded per replica');
  return kept.includes(msg);
}

/** A replica's VIEW-CHANGE for `view`, if kept. */
export function viewChangeOf(s: PbftState, sender: NodeId, view: number): ViewChange | undefined {
  return s.viewChanges.get(sender)?.find((vc) => vc.view === view);
}

/** This replica's VIEW-CHANGE for its current target view. */
export function buildViewChange(s: PbftState): ViewChange {
  const prepared: PreparedProof[] = [];
  const ns = [...s.slots.keys()].sort((a, b) => a - b);
  for (const n of ns) {
    const certificate = s.slots.get(n)!.prepared;
    if (n > s.stable.n && certificate !== null) prepared.push(certificate);
  }
  return {
    type: 'VIEW-CHANGE',
    view: s.view,
    n: s.stable.n,
    checkpointProof: s.stable.proof,
    prepared,
  };
}

/**
 * A VIEW-CHANGE is kept (the latest few per replica) when its certificates are valid. Seeing f + 1
 * replicas move past its view makes a replica follow (to the smallest such view), so that a
 * view change does not wait for its own timer when others already gave up on the primary.
 */
export function onViewChange(ctx: Ctx, s: PbftState, from: NodeId, msg: ViewChange): void {
  if (msg.view < s.view || !validViewChange(ctx, msg)) return;
  if (!recordViewChange(s, from, msg)) return;
  let above = 0;
  let smallest = Number.MAX_SAFE_INTEGER;
  for (const [sender, kept] of s.viewChanges) {
    const highest = kept[kept.length - 1]!.view;
    if (sender === ctx.self || highest <= s.view) continue;
    above++;
    smallest = Math.min(smallest, highest);
  }
  if (above >= faultsTolerated(ctx.nodes) + 1) return startViewChange(ctx, s, smallest);
  progressViewChange(ctx, s);
}

/**
 * With 2f + 1 VIEW-CHANGE messages for its target view, a replica starts its timer (the new
 * primary gets a time T to deliver); the new primary multicasts NEW-VIEW.
 */
function progressViewChange(ctx: Ctx, s: PbftState): void {
  if (s.status !== 'view-change') return;
  const collected = viewChangesFor(ctx, s, s.view);
  if (collected.length < quorum(ctx.nodes)) return;
  if (s.quorumSeenFor !== s.view) {
    s.quorumSeenFor = s.view;
    armViewChangeTimer(ctx, s);
  }
  if (primaryOf(s.view, ctx.nodes) === ctx.self) sendNewView(ctx, s, collected);
}

/** The VIEW-CHANGE messages for `view`: this replica's own first, then by replica id. */
function viewChangesFor(ctx: Ctx, s: PbftState, view: number): Signed<ViewChange>[] {
  const out: Signed<ViewChange>[] = [];
  const own = viewChangeOf(s, ctx.self, view);
  if (own !== undefined) out.push({ signer: ctx.self, msg: own });
  for (let node = 0; node < ctx.nodes; node++) {
    const vc = viewChangeOf(s, node, view);
    if (node !== ctx.self && vc !== undefined) out.push({ signer: node, msg: vc });
  }
  return out;
}

function sendNewView(ctx: Ctx, s: PbftState, collected: Signed<ViewChange>[]): void {
  const viewChanges = collected.slice(0, quorum(ctx.nodes));
  const computed = computeNewView(ctx, s.view, viewChanges);
  const msg: NewView = {
    type: 'NEW-VIEW',
    view: s.view,
    viewChanges,
    prePrepares: computed.prePrepares,
  };
  broadcast(ctx, s, msg);
  enterNewView(ctx, s, msg, computed);
}

interface Computed {
  /** min-s, the latest stable checkpoint in V, with its digest and proof. */
  readonly minS: number;
  readonly digest: Digest;
  readonly proof: readonly Signed<Checkpoint>[];
  /** max-s, the highest sequence number prepared in V. */
  readonly maxS: number;
  readonly prePrepares: PrePrepare[];
}

/**
 * O, from V: for each n in (min-s, max-s], a pre-prepare in the new view for the request whose
 * certificate in V has the highest view, or for the null request when V holds none.
 */
export function computeNewView(
  ctx: Ctx,
  view: number,
  viewChanges: readonly Signed<ViewChange>[],
): Computed {
  assert(viewChanges.length > 0, 'O is computed from view-change messages');
  let latest = viewChanges[0]!.msg;
  for (const { msg } of viewChanges) if (msg.n > latest.n) latest = msg;
  const minS = latest.n;
  const digest = latest.checkpointProof[0]?.msg.digest ?? NULL_DIGEST;
  let maxS = minS;
  const best = new Map<number, PreparedProof>();
  for (const { msg } of viewChanges) {
    for (const proof of msg.prepared) {
      if (proof.n <= minS) continue;
      maxS = Math.max(maxS, proof.n);
      const held = best.get(proof.n);
      if (held === undefined || proof.view > held.view) best.set(proof.n, proof);
    }
  }
  // The bug: the new primary ignores the prepared certificates and starts afresh at min-s.
  if (ctx.variant === VARIANT.ignorePrepared) maxS = minS;
  assert(maxS - minS <= 2 * logWindow(ctx.params), 'O stays within the watermarks', maxS, minS);
  const prePrepares: PrePrepare[] = [];
  for (let n = minS + 1; n <= maxS; n++) {
    const proof = best.get(n);
    const request = proof?.request ?? null;
    prePrepares.push({
      type: 'PRE-PREPARE',
      view,
      n,
      digest: proof?.digest ?? NULL_DIGEST,
      request,
    });
  }
  return { minS, digest, proof: latest.checkpointProof, maxS, prePrepares };
}

/**
 * A NEW-VIEW is accepted from the primary of a view this replica moves to (or a later one),
 * when V holds 2f + 1 valid VIEW-CHANGE messages for that view from different replicas and O is
 * exactly what V gives.
 */
export function onNewView(ctx: Ctx, s: PbftState, from: NodeId, msg: NewView): void {
  if (from !== primaryOf(msg.view, ctx.nodes) || from === ctx.self) return;
  if (!(msg.view > s.view || (msg.view === s.view && s.status === 'view-change'))) return;
  if (!validViewChangeSet(ctx, msg)) return;
  const computed = computeNewView(ctx, msg.view, msg.viewChanges);
  if (computed.prePrepares.length !== msg.prePrepares.length) return;
  for (let i = 0; i < computed.prePrepares.length; i++) {
    const mine = computed.prePrepares[i]!;
    const theirs = msg.prePrepares[i]!;
    if (theirs.n !== mine.n || theirs.digest !== mine.digest || theirs.view !== msg.view) return;
  }
  enterNewView(ctx, s, msg, computed);
}

function validViewChangeSet(ctx: Ctx, msg: NewView): boolean {
  if (!Array.isArray(msg.viewChanges) || !Array.isArray(msg.prePrepares)) return false;
  const signers = new Set<NodeId>();
  for (const { signer, msg: vc } of msg.viewChanges) {
    if (vc.view !== msg.view || !validViewChange(ctx, vc)) return false;
    signers.add(signer);
  }
  return signers.size >= quorum(ctx.nodes) && signers.size === msg.viewChanges.length;
}

/** Enter the new view: the stable checkpoint min-s, then O's pre-prepares, then new requests. */
function enterNewView(ctx: Ctx, s: PbftState, msg: NewView, computed: Computed): void {
  const primary = primaryOf(msg.view, ctx.nodes);
  assert(msg.view >= s.view && computed.maxS >= computed.minS, 'a new view is a later one');
  // Still changing views while the checkpoint moves, so that no request is assigned before O.
  s.view = msg.view;
  s.status = 'view-change';
  dropOldViews(s, msg.view);
  if (computed.minS > s.stable.n) stabilize(ctx, s, computed.minS, computed.digest, computed.proof);
  s.status = 'normal';
  s.newView = msg;
  persistView(ctx, s);
  disarmViewChangeTimer(ctx, s);
  s.seqAssigned = Math.max(computed.maxS, s.stable.n);
  s.assigned = new Map();
  for (const pp of msg.prePrepares) {
    if (!inWindow(ctx, s, pp.n)) continue;
    const request = pp.request;
    if (request !== null && (s.assigned.get(request.client) ?? 0) < request.seq)
      s.assigned.set(request.client, request.seq);
    acceptPrePrepare(ctx, s, primary, pp);
  }
  ctx.note('new-view', msg.view);
  if (primary === ctx.self) return assignPending(ctx, s);
  for (const request of s.pending.values()) send(ctx, s, primary, { type: 'REQUEST', request });
  if (s.pending.size > 0) armViewChangeTimer(ctx, s);
}

// ---- Validating certificates --------------------------------------------------------------------

/** A VIEW-CHANGE is valid when its checkpoint proof and every prepared certificate in P are. */
export function validViewChange(ctx: Ctx, vc: ViewChange): boolean {
  if (!Number.isSafeInteger(vc.view) || !Number.isSafeInteger(vc.n) || vc.n < 0) return false;
  if (vc.n % (ctx.params.checkpointInterval as number) !== 0 || !Array.isArray(vc.prepared))
    return false;
  const digest = vc.checkpointProof[0]?.msg.digest ?? NULL_DIGEST;
  if (!validCheckpointProof(ctx, vc.checkpointProof, vc.n, digest)) return false;
  const seen = new Set<number>();
  for (const proof of vc.prepared) {
    if (seen.has(proof.n) || proof.view >= vc.view) return false;
    if (proof.n <= vc.n || proof.n > vc.n + logWindow(ctx.params)) return false;
    if (!validPreparedProof(ctx, proof)) return false;
    seen.add(proof.n);
  }
  return true;
}

/** A prepared certificate: the primary's pre-prepare and 2f matching prepares from other backups. */
export function validPreparedProof(ctx: Ctx, proof: PreparedProof): boolean {
  const primary = primaryOf(proof.view, ctx.nodes);
  const pp = proof.prePrepare;
  if (pp.signer !== primary || pp.msg.type !== 'PRE-PREPARE') return false;
  if (pp.msg.view !== proof.view || pp.msg.n !== proof.n || pp.msg.digest !== proof.digest)
    return false;
  if (requestDigest(proof.request) !== proof.digest) return false;
  const signers = new Set<NodeId>();
  for (const { signer, msg } of proof.prepares) {
    if (msg.type !== 'PREPARE' || signer === primary || !(signer >= 0 && signer < ctx.nodes))
      return false;
    if (msg.view !== proof.view || msg.n !== proof.n || msg.digest !== proof.digest) return false;
    signers.add(signer);
  }
  return signers.size >= preparesNeeded(ctx.nodes);
}
