import { assert } from '../../sim/assert';
import type { ClientOp, ClientReply, NodeCtx, NodeId, ParamValues } from '../../sim/types';
import { commandOf, emptyKvStore, validOp } from '../common/kv';
import {
  initByzantine,
  lieAtOnce,
  onByzantineTick,
  parseByzantine,
  remember,
  stoppedForGood,
  yesManVotes,
} from './byzantine';
import { copyStore, onCheckpoint, onData } from './checkpoint';
import { stateDigest } from './digest';
import { addVote, inWindow, recordCommit } from './log';
import { executeReady, onCommit, onPrePrepare, onPrepare, onRequest, validRequest } from './normal';
import { commitsNeeded, logWindow, primaryOf } from './quorum';
import { armStatusTimer, onStatus, onStatusTimer } from './status';
import { MAX_BACKOFF } from './timers';
import {
  BYZANTINE_TIMER,
  SLOT_KEY_PREFIX,
  STABLE_KEY,
  STATUS_TIMER,
  VIEW_CHANGE_TIMER,
  VIEW_KEY,
  type PbftMsg,
  type PbftState,
  type Slot,
  type Stable,
} from './types';
import {
  buildViewChange,
  onNewView,
  onViewChange,
  recordViewChange,
  startViewChange,
  viewChangeOf,
  type ViewRecord,
} from './viewchange';

/** A replica: start, recovery from its disk, and the dispatch of messages, timers and requests. */

type Ctx = NodeCtx<PbftMsg>;

function freshState(ctx: Ctx, params: ParamValues): PbftState {
  const store = emptyKvStore();
  const genesis: Stable = { n: 0, digest: stateDigest(store), proof: [], state: copyStore(store) };
  const behaviour = parseByzantine(params.byzantine as string).get(ctx.self);
  return {
    self: ctx.self,
    nodes: ctx.nodes,
    window: logWindow(params),
    commitQuorum: commitsNeeded(ctx.nodes, ctx.variant),
    view: 0,
    status: 'normal',
    byzantine: initByzantine(ctx, behaviour),
    stable: genesis,
    stableOnDisk: 0,
    slots: new Map(),
    ownCheckpoints: new Map(),
    checkpointVotes: new Map(),
    lastExecuted: 0,
    store,
    pending: new Map(),
    seqAssigned: 0,
    assigned: new Map(),
    viewChanges: new Map(),
    newView: null,
    timerArmed: false,
    backoff: 0,
    quorumSeenFor: -1,
    commitLog: [],
    commitBase: 0,
  };
}

export function initPbft(ctx: Ctx, params: ParamValues): PbftState {
  const s = freshState(ctx, params);
  armStatusTimer(ctx);
  if (s.byzantine !== null) ctx.note(`byzantine-${s.byzantine.kind}`, ctx.self);
  return s;
}

/**
 * After a crash: the view, the stable checkpoint with its state, and every logged pre-prepare,
 * prepared certificate and commit above it come back from disk; committed requests are executed
 * again (the session table answers retried requests the same way).
 */
export function recoverPbft(
  ctx: Ctx,
  disk: ReadonlyMap<string, unknown>,
  params: ParamValues,
): PbftState {
  const s = freshState(ctx, params);
  const view = disk.get(VIEW_KEY) as ViewRecord | undefined;
  if (view !== undefined) {
    s.view = view.view;
    s.status = view.status;
    s.newView = view.newView;
    for (const sent of view.sent) recordViewChange(s, ctx.self, sent);
  }
  const stable = disk.get(STABLE_KEY) as Stable | undefined;
  if (stable !== undefined && stable.state !== null) {
    s.stable = stable;
    s.stableOnDisk = stable.n;
    s.store = copyStore(stable.state);
    s.lastExecuted = stable.n;
  }
  for (const n of diskSlots(disk)) restoreSlot(ctx, s, disk.get(`${SLOT_KEY_PREFIX}${n}`) as Slot);
  s.seqAssigned = Math.max(s.seqAssigned, s.stable.n);
  if (s.status === 'view-change' && viewChangeOf(s, ctx.self, s.view) === undefined)
    recordViewChange(s, ctx.self, buildViewChange(s));
  armStatusTimer(ctx);
  executeReady(ctx, s);
  ctx.note('recovered', s.lastExecuted);
  return s;
}

/** The sequence numbers of the log entries on disk, in order. */
function diskSlots(disk: ReadonlyMap<string, unknown>): number[] {
  const ns: number[] = [];
  for (const key of disk.keys()) {
    if (key.startsWith(SLOT_KEY_PREFIX)) ns.push(Number(key.slice(SLOT_KEY_PREFIX.length)));
  }
  return ns.sort((a, b) => a - b);
}

/** One log entry back from disk, with this replica's own votes (it sent them before the crash). */
function restoreSlot(ctx: Ctx, s: PbftState, record: Slot): void {
  if (!inWindow(ctx, s, record.n)) {
    if (record.n <= s.stable.n) ctx.persist(`${SLOT_KEY_PREFIX}${record.n}`, undefined);
    return;
  }
  const slot: Slot = { ...record, prepares: [], commits: [] };
  s.slots.set(slot.n, slot);
  const pp = slot.prePrepare;
  if (pp !== null && pp.msg.view === s.view) {
    const vote = { view: s.view, n: slot.n, digest: pp.msg.digest };
    if (pp.signer === ctx.self) {
      s.seqAssigned = Math.max(s.seqAssigned, slot.n);
      const request = pp.msg.request;
      if (request !== null) s.assigned.set(request.client, request.seq);
    } else {
      addVote(slot.prepares, ctx.self, { type: 'PREPARE', ...vote });
    }
  }
  const certificate = slot.prepared;
  if (certificate !== null && certificate.view === s.view) {
    for (const { signer, msg } of certificate.prepares) addVote(slot.prepares, signer, msg);
    addVote(slot.commits, ctx.self, {
      type: 'COMMIT',
      view: s.view,
      n: slot.n,
      digest: certificate.digest,
    });
  }
  if (slot.committed !== null) recordCommit(s, slot.n, slot.committed.digest);
  assert(slot.n > s.stable.n, 'a restored entry lies above the stable checkpoint', slot.n);
}

export function onPbftMessage(ctx: Ctx, s: PbftState, from: NodeId, msg: PbftMsg): void {
  if (stoppedForGood(ctx, s)) return;
  assert(from !== ctx.self && from >= 0 && from < ctx.nodes, 'a message from a peer', from);
  remember(s, msg);
  yesManVotes(ctx, s, msg);
  switch (msg.type) {
    case 'REQUEST':
      if (validRequest(msg.request)) onRequest(ctx, s, msg.request, false);
      return;
    case 'PRE-PREPARE':
      return onPrePrepare(ctx, s, from, msg);
    case 'PREPARE':
      return onPrepare(ctx, s, from, msg);
    case 'COMMIT':
      return onCommit(ctx, s, from, msg);
    case 'CHECKPOINT':
      return onCheckpoint(ctx, s, from, msg);
    case 'VIEW-CHANGE':
      return onViewChange(ctx, s, from, msg);
    case 'NEW-VIEW':
      return onNewView(ctx, s, from, msg);
    case 'STATUS':
      return onStatus(ctx, s, from, msg);
    case 'DATA':
      return onData(ctx, s, msg);
  }
}

export function onPbftTimer(ctx: Ctx, s: PbftState, timer: string): void {
  if (stoppedForGood(ctx, s)) return;
  switch (timer) {
    case VIEW_CHANGE_TIMER:
      return onViewChangeTimer(ctx, s);
    case STATUS_TIMER:
      return onStatusTimer(ctx, s);
    case BYZANTINE_TIMER:
      return onByzantineTick(ctx, s);
  }
  assert(false, 'unknown timer', timer);
}

/**
 * The timer expired: a backup gives up on the primary of its view (or, during a view change,
 * on the primary of the view it moves to) and moves to the next view; a failed view change
 * doubles the time the next one gets.
 */
function onViewChangeTimer(ctx: Ctx, s: PbftState): void {
  assert(s.timerArmed, 'the view-change timer fires only when armed');
  s.timerArmed = false;
  if (s.status === 'view-change') s.backoff = Math.min(s.backoff + 1, MAX_BACKOFF);
  else if (primaryOf(s.view, ctx.nodes) === ctx.self) return;
  startViewChange(ctx, s, s.view + 1);
}

const BAD_OP: ClientReply = Object.freeze({ kind: 'fail', error: 'not a key-value operation' });

/** A client's request reaches this replica (the client later waits for f + 1 matching replies). */
export function onPbftClientOp(ctx: Ctx, s: PbftState, op: ClientOp): void {
  if (stoppedForGood(ctx, s)) return;
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  lieAtOnce(ctx, s, op);
  onRequest(ctx, s, commandOf(op), true);
}
