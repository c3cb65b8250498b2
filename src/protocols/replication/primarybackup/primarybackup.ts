import { assert } from '../../../sim/assert';
import type { ClientOp, ClientReply, NodeId, ParamValues } from '../../../sim/types';
import {
  applyCommand,
  commandOf,
  emptyKvStore,
  readValue,
  validOp,
  type Command,
} from '../../common/kv';
import { BAD_OP, extendHash, tagOf } from '../common/shared';
import {
  FAILOVER_TIMER,
  HEARTBEAT_TIMER,
  LOG_KEY_PREFIX,
  VARIANT,
  VIEW_KEY,
  pbParams,
  primaryOf,
  type Ctx,
  type PbMsg,
  type PbState,
} from './types';

const SYNCED_KEY = 'synced';

function freshState(nodes: number): PbState {
  return {
    view: 0,
    log: [],
    role: 'backup',
    ready: false,
    synced: -1,
    store: emptyKvStore(),
    applied: 0,
    commitIndex: 0,
    acked: new Array<number>(nodes).fill(-1),
    lastHeard: 0,
    waiting: new Map(),
    inLog: new Map(),
    held: [],
    hashes: [],
  };
}

export function initPb(ctx: Ctx, _params: ParamValues): PbState {
  return start(ctx, freshState(ctx.nodes));
}

/** After a crash: the view, the view whose state was adopted, and the log come back from disk. */
export function recoverPb(ctx: Ctx, disk: ReadonlyMap<string, unknown>, _p: ParamValues): PbState {
  const s = freshState(ctx.nodes);
  s.view = (disk.get(VIEW_KEY) as number | undefined) ?? 0;
  s.synced = (disk.get(SYNCED_KEY) as number | undefined) ?? -1;
  for (let index = 1; ; index++) {
    const cmd = disk.get(LOG_KEY_PREFIX + index) as Command | undefined;
    if (cmd === undefined) break;
    s.log.push(cmd);
  }
  rehash(s, 0);
  return start(ctx, s);
}

/** Take up the role the view gives: the primary of the view starts it, a backup waits. */
function start(ctx: Ctx, s: PbState): PbState {
  applyUpTo(s, s.log.length);
  if (primaryOf(s.view, ctx.nodes) === ctx.self) becomePrimary(ctx, s);
  else becomeBackup(ctx, s);
  return s;
}

// ---- Log and store ------------------------------------------------------------------------------

function rehash(s: PbState, from: number): void {
  s.hashes.length = from;
  for (let i = from; i < s.log.length; i++)
    s.hashes.push(extendHash(i === 0 ? 0 : s.hashes[i - 1]!, s.log[i]!));
}

/** Apply log entries to the store up to `index`, answering clients that wait on them. */
function applyUpTo(s: PbState, index: number, ctx?: Ctx): void {
  assert(index <= s.log.length, 'apply beyond the log', index, s.log.length);
  while (s.applied < index) {
    const reply = applyCommand(s.store, s.log[s.applied]!);
    s.applied++;
    if (ctx !== undefined) answerWaiting(ctx, s, s.applied, reply);
  }
}

function answerWaiting(ctx: Ctx, s: PbState, index: number, reply: ClientReply): void {
  const ops = s.waiting.get(index);
  if (ops === undefined) return;
  s.waiting.delete(index);
  for (const op of ops) {
    s.inLog.delete(tagOf(op));
    ctx.reply(op, reply);
  }
}

/** Write entries at log index `from` onward (persisted before any ack is sent). */
function writeEntries(ctx: Ctx, s: PbState, from: number, entries: readonly Command[]): void {
  assert(from >= 1 && from <= s.log.length + 1, 'entries leave a gap in the log', from);
  for (let k = 0; k < entries.length; k++) {
    const index = from + k;
    const cmd = entries[k]!;
    const old = s.log[index - 1];
    if (old !== undefined && sameCommand(old, cmd)) continue;
    assert(old === undefined, 'a backup rewrote a log entry within a view', index);
    s.log.push(cmd);
    ctx.persist(LOG_KEY_PREFIX + index, cmd);
  }
  rehash(s, from - 1);
  applyUpTo(s, s.log.length);
}

function sameCommand(a: Command, b: Command): boolean {
  return a.client === b.client && a.seq === b.seq;
}

/** Adopt a whole new log: persist what differs, rebuild the store from it. */
function replaceLog(ctx: Ctx, s: PbState, log: readonly Command[]): void {
  let same = 0;
  while (same < log.length && same < s.log.length && sameCommand(log[same]!, s.log[same]!)) same++;
  for (let i = same; i < log.length; i++) ctx.persist(LOG_KEY_PREFIX + (i + 1), log[i]);
  for (let i = log.length; i < s.log.length; i++) ctx.persist(LOG_KEY_PREFIX + (i + 1), undefined);
  s.log = [...log];
  rehash(s, 0);
  s.store = emptyKvStore();
  s.applied = 0;
  applyUpTo(s, s.log.length);
  assert(s.hashes.length === s.log.length, 'log hashes out of step');
}

// ---- Views -----------------------------------------------------------------------------------

function setView(ctx: Ctx, s: PbState, view: number): void {
  assert(view > s.view, 'views only go up', view, s.view);
  s.view = view;
  ctx.persist(VIEW_KEY, view);
  if (primaryOf(view, ctx.nodes) === ctx.self) becomePrimary(ctx, s);
  else becomeBackup(ctx, s);
}

/** Tell every client waiting here to retry (at the view's primary); their ops may still commit. */
function releaseClients(ctx: Ctx, s: PbState): void {
  const answer: ClientReply = { kind: 'redirect', leader: primaryOf(s.view, ctx.nodes) };
  for (const ops of s.waiting.values()) for (const op of ops) ctx.reply(op, answer);
  for (const op of s.held) ctx.reply(op, answer);
  s.waiting.clear();
  s.inLog.clear();
  s.held = [];
}

function becomeBackup(ctx: Ctx, s: PbState): void {
  releaseClients(ctx, s);
  s.role = 'backup';
  s.ready = false;
  s.lastHeard = ctx.now;
  // A backup applies every entry it holds (the primary only committed ones).
  applyUpTo(s, s.log.length);
  ctx.cancelTimer(HEARTBEAT_TIMER);
  ctx.setTimer(FAILOVER_TIMER, pbParams(ctx).failoverMicros);
}

/** Start a view as its primary: send everyone the log; serve once enough backups took it. */
function becomePrimary(ctx: Ctx, s: PbState): void {
  assert(primaryOf(s.view, ctx.nodes) === ctx.self, 'only the view’s primary starts it');
  // Clients of an earlier view retry; a retry of an op already in the log is answered from the
  // session table once the view is ready.
  releaseClients(ctx, s);
  s.role = 'primary';
  s.ready = false;
  s.acked.fill(-1);
  s.acked[ctx.self] = s.log.length;
  applyUpTo(s, s.log.length);
  ctx.cancelTimer(FAILOVER_TIMER);
  for (const peer of ctx.peers) sendNewView(ctx, s, peer);
  ctx.setTimer(HEARTBEAT_TIMER, pbParams(ctx).heartbeatMicros);
  ctx.note('view', s.view);
  checkReady(ctx, s);
}

function sendNewView(ctx: Ctx, s: PbState, peer: NodeId): void {
  ctx.send(peer, { type: 'NewView', view: s.view, log: s.log.slice(), commit: s.commitIndex });
}

/** Backups that must take the new primary's log before it serves: all, one, or none. */
function backupsNeeded(ctx: Ctx): number {
  const mode = pbParams(ctx).mode;
  if (mode === 'async') return 0;
  return mode === 'semisync' ? Math.min(1, ctx.peers.length) : ctx.peers.length;
}

function checkReady(ctx: Ctx, s: PbState): void {
  if (s.ready) return;
  const took = ctx.peers.filter((peer) => s.acked[peer]! >= 0).length;
  if (took < backupsNeeded(ctx)) return;
  s.ready = true;
  // Everything in the log is now where the mode wants it: it is committed.
  s.commitIndex = s.log.length;
  assert(s.applied === s.log.length, 'a new primary has applied its whole log');
  const held = s.held;
  s.held = [];
  for (const op of held) serve(ctx, s, op);
}

// ---- Commit ------------------------------------------------------------------------------------

/** The highest log index the mode lets the primary commit. */
function commitTarget(ctx: Ctx, s: PbState): number {
  const mode = pbParams(ctx).mode;
  if (mode === 'async' || ctx.variant === VARIANT.ackBeforeApply) return s.log.length;
  let lowest = s.log.length;
  let highest = ctx.peers.length === 0 ? s.log.length : -1;
  for (const peer of ctx.peers) {
    lowest = Math.min(lowest, s.acked[peer]!);
    highest = Math.max(highest, s.acked[peer]!);
  }
  return Math.min(s.log.length, mode === 'sync' ? lowest : highest);
}

function advanceCommit(ctx: Ctx, s: PbState): void {
  if (s.role !== 'primary' || !s.ready) return;
  const target = commitTarget(ctx, s);
  if (target <= s.commitIndex) return;
  s.commitIndex = target;
  applyUpTo(s, target, ctx);
  assert(s.applied === s.commitIndex, 'the primary applies exactly what is committed');
}

// ---- Clients -------------------------------------------------------------------------------------

export function onPbClientOp(ctx: Ctx, s: PbState, op: ClientOp): void {
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  if (s.role !== 'primary')
    return ctx.reply(op, { kind: 'redirect', leader: primaryOf(s.view, ctx.nodes) });
  if (!s.ready) {
    s.held.push(op);
    return;
  }
  serve(ctx, s, op);
}

function serve(ctx: Ctx, s: PbState, op: ClientOp): void {
  if (op.f === 'get') return ctx.reply(op, readValue(s.store, op.key!));
  const session = s.store.sessions.get(op.client);
  if (session !== undefined && op.seq <= session.seq) {
    if (op.seq === session.seq) ctx.reply(op, session.reply);
    return;
  }
  const tag = tagOf(op);
  const pending = s.inLog.get(tag);
  if (pending !== undefined) {
    s.waiting.get(pending)!.push(op);
    return;
  }
  const cmd = commandOf(op);
  s.log.push(cmd);
  const index = s.log.length;
  ctx.persist(LOG_KEY_PREFIX + index, cmd);
  rehash(s, index - 1);
  s.acked[ctx.self] = index;
  s.inLog.set(tag, index);
  s.waiting.set(index, [op]);
  const update: PbMsg = {
    type: 'Update',
    view: s.view,
    from: index,
    entries: [cmd],
    commit: s.commitIndex,
  };
  for (const peer of ctx.peers) if (s.acked[peer] === index - 1) ctx.send(peer, update);
  advanceCommit(ctx, s);
}

// ---- Messages ------------------------------------------------------------------------------------

export function onPbMessage(ctx: Ctx, s: PbState, from: NodeId, msg: PbMsg): void {
  switch (msg.type) {
    case 'Update':
      return onUpdate(ctx, s, from, msg);
    case 'Ack':
      return onAck(ctx, s, from, msg);
    case 'StartView':
      if (msg.view > s.view) setView(ctx, s, msg.view);
      else if (msg.view < s.view) ctx.send(from, { type: 'StartView', view: s.view });
      return;
    case 'NewView':
      return onNewView(ctx, s, from, msg);
  }
}

function onUpdate(ctx: Ctx, s: PbState, from: NodeId, m: Extract<PbMsg, { type: 'Update' }>): void {
  assert(
    from === primaryOf(m.view, ctx.nodes),
    'an Update from a node that is not its view’s primary',
  );
  if (m.view < s.view) {
    if (ctx.variant !== VARIANT.acceptOldView)
      return ctx.send(from, { type: 'StartView', view: s.view });
    // The bug: acknowledge the deposed primary's entries in its old view, without taking them.
    return ctx.send(from, { type: 'Ack', view: m.view, length: m.from + m.entries.length - 1 });
  }
  if (m.view > s.view) setView(ctx, s, m.view);
  assert(s.role === 'backup', 'two primaries in one view', s.view);
  s.lastHeard = ctx.now;
  if (s.synced !== s.view) return ctx.send(from, { type: 'Ack', view: s.view, length: -1 });
  if (m.from <= s.log.length + 1) writeEntries(ctx, s, m.from, m.entries);
  s.commitIndex = Math.max(s.commitIndex, Math.min(m.commit, s.log.length));
  ctx.send(from, { type: 'Ack', view: s.view, length: s.log.length });
}

function onNewView(
  ctx: Ctx,
  s: PbState,
  from: NodeId,
  m: Extract<PbMsg, { type: 'NewView' }>,
): void {
  assert(
    from === primaryOf(m.view, ctx.nodes),
    'a NewView from a node that is not its view’s primary',
  );
  if (m.view < s.view) return ctx.send(from, { type: 'StartView', view: s.view });
  if (m.view > s.view) setView(ctx, s, m.view);
  assert(s.role === 'backup', 'two primaries in one view', s.view);
  if (s.synced === s.view && m.log.length <= s.log.length) {
    // A late or duplicated NewView of a view this backup already took. Within a view every
    // entry comes from the view's primary, which only appends: the shorter log is a prefix of
    // the longer. Taking it would drop entries this backup has acknowledged (and the primary
    // may have committed on that strength).
    s.lastHeard = ctx.now;
    return ctx.send(from, { type: 'Ack', view: s.view, length: s.log.length });
  }
  replaceLog(ctx, s, m.log);
  s.synced = s.view;
  ctx.persist(SYNCED_KEY, s.view);
  s.commitIndex = Math.min(m.commit, s.log.length);
  s.lastHeard = ctx.now;
  ctx.send(from, { type: 'Ack', view: s.view, length: s.log.length });
}

function onAck(ctx: Ctx, s: PbState, from: NodeId, m: Extract<PbMsg, { type: 'Ack' }>): void {
  if (s.role !== 'primary' || m.view !== s.view) return;
  if (m.length < 0) {
    // The backup restarted without this view's log: send it again.
    s.acked[from] = -1;
    return sendNewView(ctx, s, from);
  }
  assert(m.length <= s.log.length, 'a backup acknowledged more than the primary holds', m.length);
  s.acked[from] = Math.max(s.acked[from]!, m.length);
  if (!s.ready) checkReady(ctx, s);
  advanceCommit(ctx, s);
}

// ---- Timers --------------------------------------------------------------------------------------

export function onPbTimer(ctx: Ctx, s: PbState, timer: string): void {
  if (timer === HEARTBEAT_TIMER && s.role === 'primary') {
    for (const peer of ctx.peers) sendCatchUp(ctx, s, peer);
    ctx.setTimer(HEARTBEAT_TIMER, pbParams(ctx).heartbeatMicros);
  } else if (timer === FAILOVER_TIMER && s.role === 'backup') {
    const silent = ctx.now - s.lastHeard;
    const timeout = pbParams(ctx).failoverMicros;
    if (silent < timeout) return ctx.setTimer(FAILOVER_TIMER, timeout - silent);
    // The primary is silent: move to the next view, whose primary is the next node in order.
    setView(ctx, s, s.view + 1);
    ctx.broadcast({ type: 'StartView', view: s.view });
  }
}

/** A heartbeat to one backup: its NewView if it has not taken it, else the entries it lacks. */
function sendCatchUp(ctx: Ctx, s: PbState, peer: NodeId): void {
  const acked = s.acked[peer]!;
  if (acked < 0) return sendNewView(ctx, s, peer);
  const entries = s.log.slice(acked, acked + pbParams(ctx).maxEntriesPerUpdate);
  ctx.send(peer, { type: 'Update', view: s.view, from: acked + 1, entries, commit: s.commitIndex });
}
