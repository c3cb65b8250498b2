import { assert } from '../../../sim/assert';
import type { ClientOp, ClientReply, NodeId, ParamValues } from '../../../sim/types';
import { validOp } from '../../common/kv';
import { BAD_OP, hashText, tagOf, writtenOver } from '../common/shared';
import {
  covers,
  hasWrite,
  mergeSiblings,
  nextClock,
  nextWrites,
  readResult,
  type Version,
} from '../common/versions';
import {
  HINTS_KEY,
  INCARNATION_KEY,
  STORE_KEY_PREFIX,
  TICK_TIMER,
  VARIANT,
  dynamoParams,
  type Ctx,
  type DynamoMsg,
  type DynamoState,
  type PendingGet,
} from './types';

const UNAVAILABLE: ClientReply = Object.freeze({
  kind: 'fail',
  error: 'no replica of the key is reachable',
});
const SIBLINGS: ClientReply = Object.freeze({
  kind: 'fail',
  error: 'the key has siblings: a put must resolve them first',
});
/** Request ids of one life of a node (a restart starts the next block). */
const REQUESTS_PER_LIFE = 1_000_000_000;

const NO_READ_QUORUM: ClientReply = Object.freeze({
  kind: 'fail',
  error: 'read quorum not reached',
});

function freshState(ctx: Ctx): DynamoState {
  return {
    self: ctx.self,
    store: new Map(),
    hints: new Map(),
    lastHeard: new Array<number>(ctx.nodes).fill(ctx.now),
    nextReq: 1,
    puts: new Map(),
    gets: new Map(),
    lastAck: null,
    lastRead: null,
    maxSiblingsRead: 0,
  };
}

export function initDynamo(ctx: Ctx, _params: ParamValues): DynamoState {
  ctx.setTimer(TICK_TIMER, dynamoParams(ctx).tickMicros);
  return freshState(ctx);
}

export function recoverDynamo(
  ctx: Ctx,
  disk: ReadonlyMap<string, unknown>,
  _params: ParamValues,
): DynamoState {
  const s = freshState(ctx);
  // Request ids never repeat across restarts: a late reply to a request of an earlier life must
  // not count for a new one.
  const incarnation = ((disk.get(INCARNATION_KEY) as number | undefined) ?? 0) + 1;
  ctx.persist(INCARNATION_KEY, incarnation);
  s.nextReq = incarnation * REQUESTS_PER_LIFE + 1;
  for (const [name, value] of disk) {
    if (name.startsWith(STORE_KEY_PREFIX))
      s.store.set(name.slice(STORE_KEY_PREFIX.length), value as Version[]);
  }
  for (const [node, keys] of (disk.get(HINTS_KEY) as [NodeId, string[]][] | undefined) ?? [])
    s.hints.set(node, keys);
  ctx.setTimer(TICK_TIMER, dynamoParams(ctx).tickMicros);
  return s;
}

// ---- Ring and health -----------------------------------------------------------------------------

/** The key's preference list: every node, in ring order from the key's hash. */
export function preferenceList(key: string, nodes: number): NodeId[] {
  const start = (hashText(key) >>> 0) % nodes;
  return Array.from({ length: nodes }, (_, i) => (start + i) % nodes);
}

function healthy(ctx: Ctx, s: DynamoState, node: NodeId): boolean {
  return node === ctx.self || ctx.now - s.lastHeard[node]! <= dynamoParams(ctx).suspectMicros;
}

/**
 * Where a key's replicas go: the first N nodes of its preference list; with a sloppy quorum the
 * unhealthy ones are replaced by the next healthy nodes, each with a hint for the one it
 * replaces.
 */
function replicaTargets(ctx: Ctx, s: DynamoState, key: string) {
  const p = dynamoParams(ctx);
  const list = preferenceList(key, ctx.nodes);
  const top = list.slice(0, p.replicas);
  const hintFor = new Map<NodeId, NodeId>();
  if (!p.sloppy) return { targets: top, hintFor };
  const down = top.filter((node) => !healthy(ctx, s, node));
  const stand = list.slice(p.replicas).filter((node) => healthy(ctx, s, node));
  const targets = top.filter((node) => healthy(ctx, s, node));
  down.forEach((node, i) => {
    const substitute = stand[i];
    if (substitute === undefined) return;
    targets.push(substitute);
    hintFor.set(substitute, node);
  });
  return { targets, hintFor };
}

/** The coordinator of a write: the first healthy node among the targets (-1: none). */
function coordinatorFor(ctx: Ctx, s: DynamoState, key: string): NodeId {
  const { targets } = replicaTargets(ctx, s, key);
  return targets.find((node) => healthy(ctx, s, node)) ?? -1;
}

// ---- Local storage ----------------------------------------------------------------------------

function siblingsOf(s: DynamoState, key: string): readonly Version[] {
  return s.store.get(key) ?? [];
}

/** Merge versions into the key's siblings and persist; true when something changed. */
function storeVersions(
  ctx: Ctx,
  s: DynamoState,
  key: string,
  versions: readonly Version[],
): boolean {
  const merged = mergeSiblings(siblingsOf(s, key), versions);
  if (merged === null) return false;
  s.store.set(key, merged);
  ctx.persist(STORE_KEY_PREFIX + key, merged);
  return true;
}

function addHint(ctx: Ctx, s: DynamoState, node: NodeId, key: string): void {
  const keys = s.hints.get(node) ?? [];
  if (keys.includes(key)) return;
  s.hints.set(node, [...keys, key]);
  ctx.persist(HINTS_KEY, [...s.hints]);
}

function dropHint(ctx: Ctx, s: DynamoState, node: NodeId, key: string): void {
  const keys = (s.hints.get(node) ?? []).filter((k) => k !== key);
  if (keys.length === 0) s.hints.delete(node);
  else s.hints.set(node, keys);
  ctx.persist(HINTS_KEY, [...s.hints]);
}

// ---- Clients ----------------------------------------------------------------------------------

export function onDynamoClientOp(ctx: Ctx, s: DynamoState, op: ClientOp): void {
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  if (op.f === 'get') return startGet(ctx, s, op);
  const coordinator = coordinatorFor(ctx, s, op.key!);
  if (coordinator < 0) return ctx.reply(op, UNAVAILABLE);
  if (coordinator === ctx.self) return coordinatePut(ctx, s, op);
  ctx.send(coordinator, { type: 'Forward', op });
}

/** The new value a write makes from the coordinator's siblings, or why it fails. */
function newValue(op: ClientOp, local: readonly Version[]): string | ClientReply {
  if (op.f !== 'put' && local.length > 1) return SIBLINGS;
  return writtenOver(op, local[0]?.value ?? '');
}

/** Coordinate a write: a version that supersedes the local siblings, sent to N replicas. */
function coordinatePut(ctx: Ctx, s: DynamoState, op: ClientOp): void {
  const key = op.key!;
  const local = siblingsOf(s, key);
  if (hasWrite(local, op.client, op.seq)) {
    // A retry of a write whose version (or one descending from it) is here already: replicate
    // the siblings again rather than apply the write twice.
    return replicate(ctx, s, op, local);
  }
  const value = newValue(op, local);
  if (typeof value !== 'string') return ctx.reply(op, value);
  const version: Version = {
    value,
    clock: nextClock(local, ctx.self, ctx.nodes),
    writer: tagOf(op),
    writes: nextWrites(local, op.client, op.seq),
  };
  assert(storeVersions(ctx, s, key, [version]), 'a new version supersedes the local siblings');
  replicate(ctx, s, op, [version]);
}

/** Send versions of the op's key to the replicas; the client hears back after W stored them. */
function replicate(ctx: Ctx, s: DynamoState, op: ClientOp, versions: readonly Version[]): void {
  const key = op.key!;
  assert(versions.length > 0, 'a write replicates at least one version');
  const { targets, hintFor } = replicaTargets(ctx, s, key);
  const selfHint = hintFor.get(ctx.self);
  if (selfHint !== undefined) addHint(ctx, s, selfHint, key);
  const req = s.nextReq++;
  s.puts.set(req, { op, key, versions, ackers: [ctx.self], startedAt: ctx.now, answered: false });
  for (const node of targets) {
    if (node !== ctx.self)
      ctx.send(node, { type: 'Put', req, key, versions, hintFor: hintFor.get(node) ?? -1 });
  }
  checkPutQuorum(ctx, s, req);
}

function checkPutQuorum(ctx: Ctx, s: DynamoState, req: number): void {
  const put = s.puts.get(req);
  if (put === undefined || put.answered) return;
  // The bug counts the coordinator's own write twice.
  const stored = put.ackers.length + (ctx.variant === VARIANT.doubleCount ? 1 : 0);
  if (stored < dynamoParams(ctx).writeQuorum) return;
  put.answered = true;
  s.lastAck = { key: put.key, versions: put.versions, ackers: [...put.ackers] };
  ctx.reply(put.op, { kind: 'ok' });
}

function startGet(ctx: Ctx, s: DynamoState, op: ClientOp): void {
  const key = op.key!;
  const { targets } = replicaTargets(ctx, s, key);
  const req = s.nextReq++;
  const get: PendingGet = {
    op,
    key,
    targets,
    replies: new Map(),
    startedAt: ctx.now,
    answered: false,
  };
  s.gets.set(req, get);
  for (const node of targets) {
    if (node === ctx.self) get.replies.set(node, siblingsOf(s, key));
    else ctx.send(node, { type: 'Get', req, key });
  }
  checkGetQuorum(ctx, s, req);
}

/** The merged versions of every reply so far. */
function mergedReplies(get: PendingGet): Version[] {
  let merged: Version[] = [];
  for (const versions of get.replies.values()) merged = mergeSiblings(merged, versions) ?? merged;
  return merged;
}

function checkGetQuorum(ctx: Ctx, s: DynamoState, req: number): void {
  const get = s.gets.get(req)!;
  const needed = ctx.variant === VARIANT.readOne ? 1 : dynamoParams(ctx).readQuorum;
  if (!get.answered && get.replies.size >= needed) {
    get.answered = true;
    s.lastRead = { key: get.key, repliers: [...get.replies.keys()] };
    const merged = mergedReplies(get);
    const result = readResult(merged);
    if (Array.isArray(result)) {
      s.maxSiblingsRead = Math.max(s.maxSiblingsRead, result.length);
      ctx.note('siblings', result.length);
    }
    ctx.reply(get.op, { kind: 'ok', value: result });
  }
  if (get.answered && get.replies.size === get.targets.length) finishGet(ctx, s, req);
}

/** Read repair: every replier that was behind gets the merged versions. */
function finishGet(ctx: Ctx, s: DynamoState, req: number): void {
  const get = s.gets.get(req)!;
  s.gets.delete(req);
  if (!dynamoParams(ctx).readRepair || get.replies.size < 2) return;
  const merged = mergedReplies(get);
  for (const [node, versions] of get.replies) {
    if (merged.every((v) => covers(versions, v))) continue;
    if (node === ctx.self) storeVersions(ctx, s, get.key, merged);
    else ctx.send(node, { type: 'Repair', req: 0, key: get.key, versions: merged });
  }
}

// ---- Messages ----------------------------------------------------------------------------------

export function onDynamoMessage(ctx: Ctx, s: DynamoState, from: NodeId, msg: DynamoMsg): void {
  s.lastHeard[from] = ctx.now;
  switch (msg.type) {
    case 'Forward':
      return coordinatePut(ctx, s, msg.op);
    case 'Put':
      storeVersions(ctx, s, msg.key, msg.versions);
      if (msg.hintFor >= 0) addHint(ctx, s, msg.hintFor, msg.key);
      return ctx.send(from, { type: 'PutAck', req: msg.req });
    case 'PutAck': {
      const put = s.puts.get(msg.req);
      if (put !== undefined && !put.ackers.includes(from)) put.ackers.push(from);
      return checkPutQuorum(ctx, s, msg.req);
    }
    case 'Get':
      return ctx.send(from, { type: 'GetReply', req: msg.req, versions: siblingsOf(s, msg.key) });
    case 'GetReply': {
      const get = s.gets.get(msg.req);
      if (get === undefined || !get.targets.includes(from)) return;
      get.replies.set(from, msg.versions);
      return checkGetQuorum(ctx, s, msg.req);
    }
    case 'Repair':
      storeVersions(ctx, s, msg.key, msg.versions);
      if (msg.req > 0) ctx.send(from, { type: 'RepairAck', req: msg.req, key: msg.key });
      return;
    case 'RepairAck':
      return dropHint(ctx, s, from, msg.key);
    case 'Ping':
      return;
  }
}

// ---- Timers ------------------------------------------------------------------------------------

export function onDynamoTimer(ctx: Ctx, s: DynamoState, timer: string): void {
  if (timer !== TICK_TIMER) return;
  const p = dynamoParams(ctx);
  ctx.setTimer(TICK_TIMER, p.tickMicros);
  ctx.broadcast({ type: 'Ping' });
  expireRequests(ctx, s);
  handOff(ctx, s);
}

/** Requests past their time: a read short of its quorum fails; a write is left to the client's timeout. */
function expireRequests(ctx: Ctx, s: DynamoState): void {
  const limit = dynamoParams(ctx).requestMicros;
  for (const [req, put] of s.puts) if (ctx.now - put.startedAt >= limit) s.puts.delete(req);
  for (const [req, get] of s.gets) {
    if (ctx.now - get.startedAt < limit) continue;
    if (get.answered) finishGet(ctx, s, req);
    else {
      s.gets.delete(req);
      ctx.reply(get.op, NO_READ_QUORUM);
    }
  }
}

/** Hinted handoff: send each healthy node the data held for it; the hint goes once it is acknowledged. */
function handOff(ctx: Ctx, s: DynamoState): void {
  for (const [node, keys] of s.hints) {
    if (!healthy(ctx, s, node) || node === ctx.self) continue;
    for (const key of keys)
      ctx.send(node, { type: 'Repair', req: s.nextReq++, key, versions: siblingsOf(s, key) });
  }
}
