import { assert } from '../../sim/assert';
import type { ClientOp, NodeCtx, NodeId } from '../../sim/types';
import { applyCommand, isKvOp } from '../common/kv';
import { answer, broadcast, send } from './byzantine';
import { takeCheckpoint } from './checkpoint';
import { requestDigest } from './digest';
import {
  addVote,
  inWindow,
  matchingVotes,
  persistSlot,
  preparedCertificate,
  recordCommit,
  slotAt,
} from './log';
import { commitsNeeded, logWindow, primaryOf } from './quorum';
import { armViewChangeTimer, disarmViewChangeTimer } from './timers';
import {
  VARIANT,
  type Commit,
  type PbftMsg,
  type PbftState,
  type PrePrepare,
  type Prepare,
  type Request,
  type Slot,
} from './types';

/** Section 4.2, the normal-case operation: pre-prepare, prepare, commit, execute and reply. */

type Ctx = NodeCtx<PbftMsg>;

export function isPrimary(ctx: Ctx, s: PbftState): boolean {
  return primaryOf(s.view, ctx.nodes) === ctx.self;
}

/** The client op a request answers (the kernel matches replies by client and timestamp). */
export function opOf(request: Request): ClientOp {
  return { client: request.client, seq: request.seq, f: request.f, key: request.key };
}

/**
 * A request, from its client or relayed by a backup. One already executed is answered again
 * from the session table; a new one waits here. The primary orders it; a backup relays what
 * came from the client to the primary and starts its view-change timer.
 */
export function onRequest(ctx: Ctx, s: PbftState, request: Request, fromClient: boolean): void {
  const session = s.store.sessions.get(request.client);
  if (session !== undefined && request.seq <= session.seq) {
    if (request.seq === session.seq) answer(ctx, s, opOf(request), session.reply);
    return;
  }
  const known = s.pending.get(request.client);
  if (known !== undefined && known.seq > request.seq) return;
  s.pending.set(request.client, request);
  if (s.status !== 'normal') return;
  if (isPrimary(ctx, s)) return assignPending(ctx, s);
  if (fromClient) send(ctx, s, primaryOf(s.view, ctx.nodes), { type: 'REQUEST', request });
  if (!s.timerArmed) armViewChangeTimer(ctx, s);
}

/** The primary assigns sequence numbers to waiting requests while the window has room. */
export function assignPending(ctx: Ctx, s: PbftState): void {
  assert(isPrimary(ctx, s) && s.status === 'normal', 'only a primary in its view assigns');
  const high = s.stable.n + logWindow(ctx.params);
  for (const request of s.pending.values()) {
    if (s.seqAssigned >= high) return;
    if ((s.assigned.get(request.client) ?? 0) >= request.seq) continue;
    assign(ctx, s, request);
  }
}

/** The primary assigns the next sequence number n to a request and multicasts PRE-PREPARE. */
function assign(ctx: Ctx, s: PbftState, request: Request): void {
  const n = s.seqAssigned + 1;
  assert(inWindow(ctx, s, n), 'the primary assigns within the watermarks', n);
  s.seqAssigned = n;
  s.assigned.set(request.client, request.seq);
  const msg: PrePrepare = {
    type: 'PRE-PREPARE',
    view: s.view,
    n,
    digest: requestDigest(request),
    request,
  };
  acceptPrePrepare(ctx, s, ctx.self, msg);
  broadcast(ctx, s, msg);
}

/** Whether a request from the network is a well-formed KV command (it is untrusted data). */
export function validRequest(request: Request): boolean {
  return (
    typeof request === 'object' &&
    request !== null &&
    Number.isSafeInteger(request.client) &&
    request.client >= 0 &&
    Number.isSafeInteger(request.seq) &&
    isKvOp(request.f) &&
    typeof request.key === 'string' &&
    typeof request.value === 'string' &&
    typeof request.expected === 'string'
  );
}

/** Whether a pre-prepare's digest is the digest of the request it carries. */
function digestMatches(msg: PrePrepare): boolean {
  const request = msg.request;
  if (request !== null && !validRequest(request)) return false;
  return requestDigest(request) === msg.digest;
}

/**
 * A backup accepts a pre-prepare only from the primary of its view, while it is not changing
 * views, within the watermarks, when the digest is the request's, and not for a sequence number
 * it accepted with another digest in this view.
 */
export function onPrePrepare(ctx: Ctx, s: PbftState, from: NodeId, msg: PrePrepare): void {
  if (s.status !== 'normal' || msg.view !== s.view || from === ctx.self) return;
  if (from !== primaryOf(msg.view, ctx.nodes) || !inWindow(ctx, s, msg.n)) return;
  if (!digestMatches(msg)) return;
  acceptPrePrepare(ctx, s, from, msg);
}

/** Put a pre-prepare in the log; a backup multicasts its PREPARE (also for a NEW-VIEW's O). */
export function acceptPrePrepare(ctx: Ctx, s: PbftState, signer: NodeId, msg: PrePrepare): void {
  assert(signer === primaryOf(msg.view, ctx.nodes), 'pre-prepares come from the primary', signer);
  assert(msg.view === s.view, 'a pre-prepare of another view', msg.view, s.view);
  const slot = slotAt(ctx, s, msg.n);
  const held = slot.prePrepare;
  if (held !== null && held.msg.view === msg.view) {
    if (held.msg.digest === msg.digest) return;
    if (ctx.variant !== VARIANT.acceptConflicting) return;
    ctx.note('accepted-conflicting-pre-prepare', msg.n);
  }
  slot.prePrepare = { signer, msg };
  persistSlot(ctx, slot);
  if (signer !== ctx.self) {
    const prepare: Prepare = { type: 'PREPARE', view: msg.view, n: msg.n, digest: msg.digest };
    addVote(slot.prepares, ctx.self, prepare);
    broadcast(ctx, s, prepare);
  }
  checkPrepared(ctx, s, slot);
}

/** PREPAREs are accepted from backups of the current view, within the watermarks. */
export function onPrepare(ctx: Ctx, s: PbftState, from: NodeId, msg: Prepare): void {
  if (s.status !== 'normal' || msg.view !== s.view || !inWindow(ctx, s, msg.n)) return;
  if (from === primaryOf(msg.view, ctx.nodes) || typeof msg.digest !== 'string') return;
  const slot = slotAt(ctx, s, msg.n);
  if (addVote(slot.prepares, from, msg)) checkPrepared(ctx, s, slot);
}

/** COMMITs are accepted from any replica in the current view, within the watermarks. */
export function onCommit(ctx: Ctx, s: PbftState, from: NodeId, msg: Commit): void {
  if (s.status !== 'normal' || msg.view !== s.view || !inWindow(ctx, s, msg.n)) return;
  if (typeof msg.digest !== 'string') return;
  const slot = slotAt(ctx, s, msg.n);
  if (addVote(slot.commits, from, msg)) checkCommitted(ctx, s, slot);
}

/** Once prepared (pre-prepare and 2f matching prepares), a replica multicasts its COMMIT. */
function checkPrepared(ctx: Ctx, s: PbftState, slot: Slot): void {
  const pp = slot.prePrepare;
  if (pp === null || pp.msg.view !== s.view) return;
  const held = slot.prepared;
  if (held !== null && held.view === s.view && held.digest === pp.msg.digest) return;
  const certificate = preparedCertificate(ctx, slot, s.view);
  if (certificate === null) return;
  slot.prepared = certificate;
  persistSlot(ctx, slot);
  const commit: Commit = { type: 'COMMIT', view: s.view, n: slot.n, digest: certificate.digest };
  addVote(slot.commits, ctx.self, commit);
  broadcast(ctx, s, commit);
  checkCommitted(ctx, s, slot);
}

/** committed-local: prepared, and 2f + 1 matching commits (possibly its own) from different replicas. */
function checkCommitted(ctx: Ctx, s: PbftState, slot: Slot): void {
  const certificate = slot.prepared;
  if (slot.committed !== null || certificate === null || certificate.view !== s.view) return;
  const commits = matchingVotes(slot.commits, s.view, certificate.digest, -1);
  if (commits.length < commitsNeeded(ctx.nodes, ctx.variant)) return;
  slot.committed = { view: s.view, digest: certificate.digest, request: certificate.request };
  persistSlot(ctx, slot);
  recordCommit(s, slot.n, certificate.digest);
  executeReady(ctx, s);
}

/**
 * Execute committed requests in sequence-number order (a replica that lacks the state of its
 * stable checkpoint waits for state transfer first). The timer restarts while other requests
 * still wait, and stops when none does.
 */
export function executeReady(ctx: Ctx, s: PbftState): void {
  let executed = 0;
  while (s.lastExecuted >= s.stable.n) {
    const slot = s.slots.get(s.lastExecuted + 1);
    if (slot === undefined || slot.committed === null) break;
    execute(ctx, s, slot.n, slot.committed.request);
    executed++;
  }
  if (executed === 0) return;
  s.backoff = 0;
  if (s.status !== 'normal' || isPrimary(ctx, s)) return;
  if (s.pending.size === 0) disarmViewChangeTimer(ctx, s);
  else armViewChangeTimer(ctx, s);
}

function execute(ctx: Ctx, s: PbftState, n: number, request: Request | null): void {
  assert(n === s.lastExecuted + 1, 'requests execute in order', n, s.lastExecuted);
  if (request !== null) {
    const reply = applyCommand(s.store, request);
    answer(ctx, s, opOf(request), reply);
    const waiting = s.pending.get(request.client);
    if (waiting !== undefined && waiting.seq <= request.seq) s.pending.delete(request.client);
  }
  s.lastExecuted = n;
  assert(s.lastExecuted > s.stable.n, 'executed above the stable checkpoint', n);
  if (n % (ctx.params.checkpointInterval as number) === 0) takeCheckpoint(ctx, s, n);
}

/** After a state transfer, requests the new state already executed wait no more. */
export function prunePending(s: PbftState): void {
  for (const [client, request] of [...s.pending]) {
    const session = s.store.sessions.get(client);
    if (session !== undefined && session.seq >= request.seq) s.pending.delete(client);
  }
}
