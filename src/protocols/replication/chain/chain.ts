import { assert } from '../../../sim/assert';
import type { ClientOp, ClientReply, NodeId, ParamValues } from '../../../sim/types';
import { applyCommand, commandOf, emptyKvStore, readValue, validOp } from '../../common/kv';
import { BAD_OP, extendHash } from '../common/shared';
import { initMaster, initialConfig, onMasterMessage, onMasterTick } from './master';
import {
  CONFIG_KEY,
  LOG_KEY_PREFIX,
  MASTER,
  SINCE_KEY,
  SYNCING_KEY,
  TICK_TIMER,
  VARIANT,
  chainParams,
  isHead,
  isTail,
  predecessorOf,
  roleIn,
  successorOf,
  type ChainMsg,
  type ChainState,
  type Config,
  type Ctx,
  type Entry,
} from './types';

const NO_CHAIN: ClientReply = Object.freeze({
  kind: 'fail',
  error: 'chain replication needs a master and at least one server (2 nodes)',
});

function freshState(self: NodeId, config: Config): ChainState {
  return {
    self,
    config,
    log: [],
    since: 0,
    store: emptyKvStore(),
    succAcked: 0,
    succSent: 0,
    synced: true,
    reads: [],
    readRound: 0,
    checking: -1,
    checkSentAt: 0,
    master: null,
    hashes: [],
    ackedUpTo: 0,
  };
}

export function initChain(ctx: Ctx, _params: ParamValues): ChainState {
  const s = freshState(ctx.self, initialConfig(ctx.nodes));
  if (ctx.self === MASTER) initMaster(ctx, s);
  else ctx.setTimer(TICK_TIMER, chainParams(ctx).tickMicros);
  return s;
}

/** After a crash: configuration, `since` and history from disk; in sync with nobody yet. */
export function recoverChain(
  ctx: Ctx,
  disk: ReadonlyMap<string, unknown>,
  _params: ParamValues,
): ChainState {
  const s = freshState(
    ctx.self,
    (disk.get(CONFIG_KEY) as Config | undefined) ?? initialConfig(ctx.nodes),
  );
  if (ctx.self === MASTER) {
    initMaster(ctx, s);
    return s;
  }
  s.since = (disk.get(SINCE_KEY) as number | undefined) ?? 0;
  for (let seq = 1; ; seq++) {
    const entry = disk.get(LOG_KEY_PREFIX + seq) as Entry | undefined;
    if (entry === undefined) break;
    appendEntry(s, entry);
  }
  // Only a server that joined and had not caught up yet can lack acknowledged updates.
  s.synced = disk.get(SYNCING_KEY) !== true;
  s.succAcked = -1;
  s.succSent = -1;
  ctx.setTimer(TICK_TIMER, chainParams(ctx).tickMicros);
  return s;
}

// ---- History -----------------------------------------------------------------------------------

/** Append one entry to the history and apply it; the answer for its client. */
function appendEntry(s: ChainState, entry: Entry): ClientReply {
  const seq = s.log.length + 1;
  s.log.push(entry);
  s.hashes.push(extendHash(seq === 1 ? 0 : s.hashes[seq - 2]!, entry.cmd));
  return applyCommand(s.store, entry.cmd);
}

/** Append, persist and, at a synced tail, answer the client: the paper's "reply at the tail". */
function takeEntry(ctx: Ctx, s: ChainState, entry: Entry): void {
  const reply = appendEntry(s, entry);
  ctx.persist(LOG_KEY_PREFIX + s.log.length, entry);
  if (isTail(roleIn(s.config, ctx.self)) && s.synced) answer(ctx, s, entry.op, reply);
}

function answer(ctx: Ctx, s: ChainState, op: ClientOp, reply: ClientReply): void {
  s.ackedUpTo = Math.max(s.ackedUpTo, s.log.length);
  ctx.reply(op, reply);
}

function setSynced(ctx: Ctx, s: ChainState, synced: boolean): void {
  s.synced = synced;
  ctx.persist(SYNCING_KEY, synced ? undefined : true);
}

function wipe(ctx: Ctx, s: ChainState): void {
  for (let seq = 1; seq <= s.log.length; seq++) ctx.persist(LOG_KEY_PREFIX + seq, undefined);
  s.log = [];
  s.hashes = [];
  s.store = emptyKvStore();
  s.ackedUpTo = 0;
}

/** Send the successor the next batch of history it lacks. */
function pump(ctx: Ctx, s: ChainState): void {
  const succ = successorOf(s.config, ctx.self);
  if (succ < 0 || s.succSent < 0 || s.succSent >= s.log.length) return;
  const entries = s.log.slice(s.succSent, s.succSent + chainParams(ctx).maxEntriesPerUpdate);
  ctx.send(succ, {
    type: 'Update',
    epoch: s.config.epoch,
    from: s.succSent + 1,
    entries,
    senderLength: s.log.length,
    complete: s.synced,
  });
  s.succSent += entries.length;
}

// ---- Configuration -----------------------------------------------------------------------------

function adopt(ctx: Ctx, s: ChainState, config: Config): void {
  assert(config.epoch > s.config.epoch, 'epochs only go up', config.epoch);
  const old = s.config;
  const wasMember = old.chain.includes(ctx.self);
  const oldSucc = successorOf(old, ctx.self);
  const oldSuccAcked = s.succAcked;
  s.config = config;
  ctx.persist(CONFIG_KEY, config);
  const role = roleIn(config, ctx.self);
  if (role === 'out') return releaseReads(ctx, s);
  const since = config.since[config.chain.indexOf(ctx.self)]!;
  const fresh = since !== s.since;
  if (fresh) {
    wipe(ctx, s);
    s.since = since;
    ctx.persist(SINCE_KEY, since);
  }
  const pred = predecessorOf(config, ctx.self);
  // A server that was in the chain holds everything the tail ever acknowledged (the tail's
  // history is a prefix of every other's); one that joins starts empty and must catch up first.
  if (fresh) setSynced(ctx, s, pred < 0);
  if (pred >= 0 && (fresh || !wasMember || pred !== predecessorOf(old, ctx.self)))
    ctx.send(pred, { type: 'Sync', epoch: config.epoch, have: s.log.length });
  s.checking = -1;
  const succ = successorOf(config, ctx.self);
  if (succ !== oldSucc) s.succAcked = s.succSent = -1;
  if (!isTail(role)) releaseReads(ctx, s);
  else if (s.synced && oldSucc >= 0 && oldSuccAcked >= 0) answerUnacked(ctx, s, oldSuccAcked);
  startCheck(ctx, s);
}

/** A new tail answers the updates its removed successor never acknowledged. */
function answerUnacked(ctx: Ctx, s: ChainState, acked: number): void {
  const replay = emptyKvStore();
  for (let seq = 1; seq <= s.log.length; seq++) {
    const reply = applyCommand(replay, s.log[seq - 1]!.cmd);
    if (seq > acked) answer(ctx, s, s.log[seq - 1]!.op, reply);
  }
}

function releaseReads(ctx: Ctx, s: ChainState): void {
  const tail = s.config.chain[s.config.chain.length - 1];
  for (const read of s.reads) ctx.reply(read.op, { kind: 'redirect', leader: tail });
  s.reads = [];
  s.checking = -1;
}

// ---- Clients -------------------------------------------------------------------------------------

export function onChainClientOp(ctx: Ctx, s: ChainState, op: ClientOp): void {
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  const { chain } = s.config;
  if (chain.length === 0) return ctx.reply(op, NO_CHAIN);
  const role = roleIn(s.config, ctx.self);
  if (op.f === 'get') {
    if (!isTail(role)) return ctx.reply(op, { kind: 'redirect', leader: chain[chain.length - 1] });
    if (ctx.variant === VARIANT.noReadCheck && s.synced)
      return answer(ctx, s, op, readValue(s.store, op.key!));
    s.reads.push({ op, round: s.readRound + 1 });
    return startCheck(ctx, s);
  }
  if (!isHead(role)) return ctx.reply(op, { kind: 'redirect', leader: chain[0] });
  // The head orders the update (a retry becomes a new entry: the session table applies it once).
  const entry: Entry = { cmd: commandOf(op), op };
  takeEntry(ctx, s, entry);
  if (ctx.variant === VARIANT.ackAtHead) answer(ctx, s, op, s.store.sessions.get(op.client)!.reply);
  pump(ctx, s);
}

/** Ask the master to confirm the epoch for the waiting queries (one round at a time). */
function startCheck(ctx: Ctx, s: ChainState): void {
  if (s.checking >= 0 || s.reads.length === 0 || !s.synced) return;
  if (!isTail(roleIn(s.config, ctx.self))) return;
  s.readRound++;
  s.checking = s.readRound;
  s.checkSentAt = ctx.now;
  ctx.send(MASTER, { type: 'ReadCheck', epoch: s.config.epoch, round: s.checking });
}

function onReadCheckOk(ctx: Ctx, s: ChainState, epoch: number, round: number): void {
  if (epoch !== s.config.epoch || round !== s.checking) return;
  assert(isTail(roleIn(s.config, ctx.self)) && s.synced, 'only a synced tail checks reads');
  const ready = s.reads.filter((read) => read.round <= round);
  s.reads = s.reads.filter((read) => read.round > round);
  s.checking = -1;
  for (const read of ready) answer(ctx, s, read.op, readValue(s.store, read.op.key!));
  startCheck(ctx, s);
}

// ---- Messages ------------------------------------------------------------------------------------

export function onChainMessage(ctx: Ctx, s: ChainState, from: NodeId, msg: ChainMsg): void {
  if (ctx.self === MASTER) return onMasterMessage(ctx, s, from, msg);
  switch (msg.type) {
    case 'Config':
      if (msg.config.epoch > s.config.epoch) adopt(ctx, s, msg.config);
      return;
    case 'Ping':
      return ctx.send(from, {
        type: 'Pong',
        epoch: s.config.epoch,
        syncedSince: s.synced ? s.since : -1,
      });
    case 'ReadCheckOk':
      return onReadCheckOk(ctx, s, msg.epoch, msg.round);
    case 'Update':
      return onUpdate(ctx, s, from, msg);
    case 'Ack':
      return onAck(ctx, s, from, msg.epoch, msg.length);
    case 'Sync':
      return onSync(ctx, s, from, msg.epoch, msg.have);
    default:
      return;
  }
}

function onUpdate(
  ctx: Ctx,
  s: ChainState,
  from: NodeId,
  m: Extract<ChainMsg, { type: 'Update' }>,
): void {
  if (m.epoch !== s.config.epoch || from !== predecessorOf(s.config, ctx.self)) return;
  if (m.from <= s.log.length + 1) {
    m.entries.forEach((entry, k) => {
      const seq = m.from + k;
      if (seq > s.log.length) return takeEntry(ctx, s, entry);
      assert(sameCmd(s, seq - 1, entry), 'a history is a prefix of its predecessor’s', seq);
    });
    if (!s.synced && m.complete && s.log.length >= m.senderLength) {
      setSynced(ctx, s, true);
      startCheck(ctx, s);
    }
    pump(ctx, s);
  }
  ctx.send(from, { type: 'Ack', epoch: s.config.epoch, length: s.log.length });
}

function sameCmd(s: ChainState, index: number, entry: Entry): boolean {
  const cmd = s.log[index]!.cmd;
  return cmd.client === entry.cmd.client && cmd.seq === entry.cmd.seq;
}

function onAck(ctx: Ctx, s: ChainState, from: NodeId, epoch: number, length: number): void {
  if (epoch !== s.config.epoch || from !== successorOf(s.config, ctx.self)) return;
  assert(length <= s.log.length, 'a successor holds more than its predecessor', length);
  // The first answer after a restart (to a probe) says where the successor stands.
  if (s.succSent < 0) s.succSent = length;
  s.succAcked = Math.max(s.succAcked, length);
  // An acknowledgement below what was sent reports a gap: send again from there.
  if (length < s.succSent) s.succSent = Math.max(length, s.succAcked);
  pump(ctx, s);
}

function onSync(ctx: Ctx, s: ChainState, from: NodeId, epoch: number, have: number): void {
  if (epoch !== s.config.epoch || from !== successorOf(s.config, ctx.self)) return;
  assert(have <= s.log.length, 'a new successor holds more than its predecessor', have);
  s.succAcked = have;
  s.succSent = have;
  pump(ctx, s);
  // Nothing to send: an empty update still tells the successor it has caught up.
  if (have === s.log.length)
    ctx.send(from, {
      type: 'Update',
      epoch,
      from: have + 1,
      entries: [],
      senderLength: have,
      complete: s.synced,
    });
}

// ---- Timers --------------------------------------------------------------------------------------

export function onChainTimer(ctx: Ctx, s: ChainState, timer: string): void {
  if (timer !== TICK_TIMER) return;
  if (ctx.self === MASTER) return onMasterTick(ctx, s);
  const p = chainParams(ctx);
  ctx.setTimer(TICK_TIMER, p.tickMicros);
  const pred = predecessorOf(s.config, ctx.self);
  if (!s.synced && pred >= 0)
    ctx.send(pred, { type: 'Sync', epoch: s.config.epoch, have: s.log.length });
  const succ = successorOf(s.config, ctx.self);
  if (succ >= 0 && s.succSent < 0) {
    // After a restart: probe the successor for its length (it answers with an Ack).
    ctx.send(succ, {
      type: 'Update',
      epoch: s.config.epoch,
      from: s.log.length + 1,
      entries: [],
      senderLength: s.log.length,
      complete: s.synced,
    });
  } else if (succ >= 0 && s.succAcked < s.log.length) {
    s.succSent = s.succAcked;
    pump(ctx, s);
  }
  if (s.checking >= 0 && ctx.now - s.checkSentAt >= 2 * p.tickMicros) {
    s.checkSentAt = ctx.now;
    ctx.send(MASTER, { type: 'ReadCheck', epoch: s.config.epoch, round: s.checking });
  }
}
