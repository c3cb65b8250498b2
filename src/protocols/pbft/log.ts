import { assert } from '../../sim/assert';
import type { NodeCtx, NodeId } from '../../sim/types';
import { logWindow, preparesNeeded, primaryOf } from './quorum';
import {
  SLOT_KEY_PREFIX,
  type Commit,
  type Digest,
  type PbftMsg,
  type PbftState,
  type Prepare,
  type PreparedProof,
  type Signed,
  type Slot,
} from './types';

/** The message log: one slot per sequence number in the window (h, h + L]. */

/** A sender's PREPAREs (or COMMITs) kept per slot: an honest one sends one per view. */
const VOTES_PER_SENDER = 3;
/** commitLog is trimmed to this many entries once it holds twice as many. */
const COMMIT_LOG_KEEP = 512;

/** Whether n lies between the watermarks: h < n <= h + L. */
export function inWindow(ctx: NodeCtx<PbftMsg>, s: PbftState, n: number): boolean {
  return n > s.stable.n && n <= s.stable.n + logWindow(ctx.params);
}

/** The slot for n, created empty when first needed (n must lie in the window). */
export function slotAt(ctx: NodeCtx<PbftMsg>, s: PbftState, n: number): Slot {
  let slot = s.slots.get(n);
  if (slot === undefined) {
    assert(inWindow(ctx, s, n), 'a slot outside the watermarks', n, s.stable.n);
    slot = { n, prePrepare: null, prepares: [], commits: [], prepared: null, committed: null };
    s.slots.set(n, slot);
  }
  return slot;
}

/** Insert a vote in the log; false when it was already there or its sender sent too many. */
export function addVote<M extends Prepare | Commit>(
  votes: Signed<M>[],
  signer: NodeId,
  msg: M,
): boolean {
  let fromSigner = 0;
  for (const vote of votes) {
    if (vote.signer !== signer) continue;
    if (vote.msg.view === msg.view && vote.msg.digest === msg.digest) return false;
    fromSigner++;
  }
  if (fromSigner >= VOTES_PER_SENDER) return false;
  votes.push({ signer, msg });
  return true;
}

/** The votes for (view, digest) from distinct replicas other than `excluded` (-1: none). */
export function matchingVotes<M extends Prepare | Commit>(
  votes: readonly Signed<M>[],
  view: number,
  digest: Digest,
  excluded: NodeId,
): Signed<M>[] {
  const out: Signed<M>[] = [];
  for (const vote of votes) {
    if (vote.msg.view !== view || vote.msg.digest !== digest || vote.signer === excluded) continue;
    if (out.some((other) => other.signer === vote.signer)) continue;
    out.push(vote);
  }
  return out;
}

/**
 * prepared(m, v, n, i): the slot holds the pre-prepare for m in view v and 2f prepares from
 * different backups that match it. Returns the certificate, or null.
 */
export function preparedCertificate(
  ctx: NodeCtx<PbftMsg>,
  slot: Slot,
  view: number,
): PreparedProof | null {
  const pp = slot.prePrepare;
  if (pp === null || pp.msg.view !== view) return null;
  const primary = primaryOf(view, ctx.nodes);
  assert(pp.signer === primary, 'an accepted pre-prepare comes from the primary', pp.signer);
  const prepares = matchingVotes(slot.prepares, view, pp.msg.digest, primary);
  const needed = preparesNeeded(ctx.nodes);
  if (prepares.length < needed) return null;
  return {
    n: slot.n,
    view,
    digest: pp.msg.digest,
    request: pp.msg.request,
    prePrepare: pp,
    prepares: prepares.slice(0, needed),
  };
}

/** Whether the slot is prepared in `view` (the certificate was recorded). */
export function preparedIn(slot: Slot, view: number): boolean {
  return slot.prepared !== null && slot.prepared.view === view;
}

/** The disk keeps what a replica accepted and certified: enough to never contradict itself. */
export function persistSlot(ctx: NodeCtx<PbftMsg>, slot: Slot): void {
  ctx.persist(`${SLOT_KEY_PREFIX}${slot.n}`, {
    n: slot.n,
    prePrepare: slot.prePrepare,
    prepared: slot.prepared,
    committed: slot.committed,
  });
}

/** Note a committed-local request for the agreement checkers. */
export function recordCommit(s: PbftState, n: number, digest: Digest): void {
  s.commitLog.push([n, digest]);
  if (s.commitLog.length >= 2 * COMMIT_LOG_KEEP) {
    const drop = s.commitLog.length - COMMIT_LOG_KEEP;
    s.commitLog.splice(0, drop);
    s.commitBase += drop;
  }
}

/** Forget every vote of a view before `view` (a new view started). */
export function dropOldViews(s: PbftState, view: number): void {
  for (const slot of s.slots.values()) {
    slot.prepares = slot.prepares.filter((vote) => vote.msg.view >= view);
    slot.commits = slot.commits.filter((vote) => vote.msg.view >= view);
    if (slot.prePrepare !== null && slot.prePrepare.msg.view < view) slot.prePrepare = null;
  }
}
