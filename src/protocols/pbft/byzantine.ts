import { assert } from '../../sim/assert';
import type { ClientOp, ClientReply, NodeCtx, NodeId, ParamValues, Rng } from '../../sim/types';
import { labelMessage } from './label';
import { faultsTolerated } from './quorum';
import {
  BEHAVIOURS,
  BYZANTINE_TIMER,
  NULL_DIGEST,
  VIEW_CHANGE_TIMER,
  STATUS_TIMER,
  type Behaviour,
  type ByzantineState,
  type Digest,
  type PbftMsg,
  type PbftState,
  type PrePrepare,
} from './types';

/**
 * Byzantine replicas. The honest code runs in every replica, so a Byzantine one keeps an honest
 * looking state; what makes it a traitor is what it does with its messages (withholds, delays,
 * tampers with, equivocates, replays) and what it tells clients. It speaks only in its own name:
 * the kernel names the sender of every message, and nothing here forges another replica's.
 */

const KINDS = BEHAVIOURS.join('|');
/** `byzantine` parameter: "id:behaviour" pairs, comma separated; empty for none. */
export const BYZANTINE_PATTERN = `(?:\\d{1,2}:(?:${KINDS})(?:,\\d{1,2}:(?:${KINDS}))*)?`;

/** Which replicas are Byzantine, and how (the parameter is validated before a run starts). */
export function parseByzantine(text: string): Map<NodeId, Behaviour> {
  const byzantine = new Map<NodeId, Behaviour>();
  if (text === '') return byzantine;
  for (const pair of text.split(',')) {
    const [id, kind] = pair.split(':');
    if ((BEHAVIOURS as readonly string[]).includes(kind ?? '')) {
      byzantine.set(Number(id), kind as Behaviour);
    }
  }
  return byzantine;
}

/** What is wrong with a `byzantine` value for a cluster of `nodes` (ids in range, each once). */
export function byzantineProblem(text: string, nodes: number): string | null {
  const seen = new Set<number>();
  for (const pair of text === '' ? [] : text.split(',')) {
    const id = Number(pair.split(':')[0]);
    if (!(id < nodes)) return `replica ${id} is not in the cluster (ids 0 to ${nodes - 1})`;
    if (seen.has(id)) return `replica ${id} is named twice`;
    seen.add(id);
  }
  return null;
}

/** How many replicas the parameter makes Byzantine. */
export function byzantineCount(params: ParamValues): number {
  return parseByzantine(params.byzantine as string).size;
}

/** `nemesisTraitors`: how many replicas the nemesis turns Byzantine. */
export const NEMESIS_TRAITORS = ['up-to-f', 'f-plus-1'] as const;

/**
 * With the nemesis on and no Byzantine replica named: 1 to f random replicas get random
 * behaviours (drawn from the kernel's dedicated stream, so the seed reproduces them); with
 * `nemesisTraitors` f-plus-1, exactly f + 1, beyond what PBFT tolerates.
 */
export function drawByzantine(rng: Rng, params: ParamValues, nodes: number): ParamValues {
  const f = faultsTolerated(nodes);
  const beyond = params.nemesisTraitors === 'f-plus-1';
  if (params.byzantine !== '' || (f === 0 && !beyond)) return {};
  const count = beyond ? f + 1 : rng.range(1, f);
  const ids = Array.from({ length: nodes }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(nodes - i);
    const swap = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = swap;
  }
  const chosen = ids.slice(0, count).sort((a, b) => a - b);
  assert(chosen.length === count, 'the nemesis draws distinct traitors', count);
  assert(count <= f || beyond, 'the nemesis draws at most f traitors unless asked', count, f);
  const pairs = chosen.map((id) => `${id}:${BEHAVIOURS[rng.int(BEHAVIOURS.length)]!}`);
  return { byzantine: pairs.join(',') };
}

/** How often a delaying or replaying replica acts on its own. */
const TICK_MICROS = 25_000;
const SENT_LOG = 30;
const SEEN_LOG = 24;

/** A Byzantine replica's bookkeeping, drawn from its own stream at start. */
export function initByzantine(
  ctx: NodeCtx<PbftMsg>,
  kind: Behaviour | undefined,
): ByzantineState | null {
  if (kind === undefined) return null;
  const rng = ctx.rng;
  const stopAtMicros = kind === 'crash' ? ctx.now + rng.range(300_000, 3_000_000) : 0;
  let victims: NodeId[] = [];
  let delayMicros = 0;
  if (kind === 'delay') {
    victims = ctx.peers.filter(() => rng.int(2) === 0);
    if (victims.length === 0) victims = [ctx.peers[rng.int(ctx.peers.length)]!];
    delayMicros = rng.range(50_000, 400_000);
  }
  if (kind === 'delay' || kind === 'replay') ctx.setTimer(BYZANTINE_TIMER, TICK_MICROS);
  const state: ByzantineState = {
    kind,
    stopAtMicros,
    stopped: false,
    victims,
    delayMicros,
    held: [],
    seen: [],
    sent: [],
    voted: [],
  };
  return state;
}

/** A crash-behaviour replica stops for good at its time: true once it has (it then does nothing). */
export function stoppedForGood(ctx: NodeCtx<PbftMsg>, s: PbftState): boolean {
  const b = s.byzantine;
  if (b === null || b.kind !== 'crash') return false;
  if (!b.stopped && ctx.now >= b.stopAtMicros) {
    b.stopped = true;
    for (const timer of [VIEW_CHANGE_TIMER, STATUS_TIMER, BYZANTINE_TIMER]) ctx.cancelTimer(timer);
    ctx.note('byzantine-crash');
  }
  return b.stopped;
}

// ---- Sending ------------------------------------------------------------------------------------

/** Send a message to one replica, as this replica's behaviour has it (honest: just send). */
export function send(ctx: NodeCtx<PbftMsg>, s: PbftState, to: NodeId, msg: PbftMsg): void {
  const b = s.byzantine;
  if (b === null) return ctx.send(to, msg);
  transmit(ctx, b, to, msg, false);
}

/** Send a message to every other replica. */
export function broadcast(ctx: NodeCtx<PbftMsg>, s: PbftState, msg: PbftMsg): void {
  const b = s.byzantine;
  if (b === null) return ctx.broadcast(msg);
  for (const peer of ctx.peers) transmit(ctx, b, peer, msg, false);
}

/**
 * An equivocating primary's second story: on its retransmission tick it sends each backup the
 * pre-prepare it did not send it first (a correct backup ignores it: it already accepted one).
 */
export function equivocateAgain(ctx: NodeCtx<PbftMsg>, s: PbftState, msg: PrePrepare): void {
  const b = s.byzantine;
  assert(b !== null && b.kind === 'equivocate', 'only an equivocating replica tells two stories');
  for (const peer of ctx.peers) transmit(ctx, b, peer, msg, true);
}

function transmit(
  ctx: NodeCtx<PbftMsg>,
  b: ByzantineState,
  to: NodeId,
  msg: PbftMsg,
  swap: boolean,
): void {
  assert(to !== ctx.self, 'a replica does not send to itself', to);
  const actual = tamper(ctx, b, to, msg, swap);
  if (msg.type !== 'STATUS') logSend(ctx, b, to, msg, actual);
  if (actual === null) return;
  if (b.kind === 'delay' && b.victims.includes(to)) {
    b.held.push({ due: ctx.now + b.delayMicros, to, msg: actual });
    return;
  }
  ctx.send(to, actual);
}

/** What the behaviour makes of a message to `to`: the message, another one, or null (withheld). */
function tamper(
  ctx: NodeCtx<PbftMsg>,
  b: ByzantineState,
  to: NodeId,
  msg: PbftMsg,
  swap: boolean,
): PbftMsg | null {
  switch (b.kind) {
    case 'silent':
      return null;
    case 'equivocate':
      return equivocate(ctx, to, msg, swap);
    case 'wrong-digest':
      return wrongDigest(msg);
    default:
      return msg;
  }
}

/**
 * Different stories to different replicas: for each sequence number n one backup (the n-th in
 * turn) gets a conflicting pre-prepare (the null request) and the others the real one, and the
 * traitor's own votes follow the story each backup heard. One backup in turn misses a request,
 * so executions stall until a view change; the second story (swap) tells everyone the other one.
 */
function equivocate(ctx: NodeCtx<PbftMsg>, to: NodeId, msg: PbftMsg, swap: boolean): PbftMsg {
  if (msg.type !== 'PRE-PREPARE' && msg.type !== 'PREPARE' && msg.type !== 'COMMIT') return msg;
  const misled = ctx.peers[msg.n % ctx.peers.length] === to;
  if (misled === swap) return msg;
  if (msg.type === 'PRE-PREPARE')
    return msg.request === null ? msg : { ...msg, digest: NULL_DIGEST, request: null };
  return { ...msg, digest: otherDigest(msg.digest) };
}

function otherDigest(digest: Digest): Digest {
  return digest === NULL_DIGEST ? 'forged' : NULL_DIGEST;
}

/** A digest no request has (not hexadecimal). */
function corrupt(digest: Digest): Digest {
  return `x${digest.slice(1)}`;
}

function wrongDigest(msg: PbftMsg): PbftMsg {
  switch (msg.type) {
    case 'PRE-PREPARE':
    case 'PREPARE':
    case 'COMMIT':
    case 'CHECKPOINT':
      return { ...msg, digest: corrupt(msg.digest) };
    case 'VIEW-CHANGE':
      return {
        ...msg,
        prepared: msg.prepared.map((proof) => ({ ...proof, digest: corrupt(proof.digest) })),
      };
    default:
      return msg;
  }
}

function logSend(
  ctx: NodeCtx<PbftMsg>,
  b: ByzantineState,
  to: NodeId,
  msg: PbftMsg,
  actual: PbftMsg | null,
): void {
  let what: string;
  if (actual === null) what = `withheld ${labelMessage(msg)}`;
  else if (actual !== msg) what = `${labelMessage(actual)} (tampered)`;
  else if (b.kind === 'delay' && b.victims.includes(to))
    what = `${labelMessage(msg)} (held ${b.delayMicros / 1000} ms)`;
  else what = labelMessage(msg);
  b.sent.push({ at: ctx.now, to, what });
  if (b.sent.length > SENT_LOG) b.sent.splice(0, b.sent.length - SENT_LOG);
}

// ---- Clients ------------------------------------------------------------------------------------

/** The answer a lying replica gives whatever the request: the same forgery from every liar. */
export const FORGED: ClientReply = Object.freeze({ kind: 'ok', value: 'forged' });

function liesToClients(s: PbftState): boolean {
  const kind = s.byzantine?.kind;
  return kind === 'equivocate' || kind === 'wrong-digest';
}

/** Answer a client after executing its request (a silent replica never answers; liars forge). */
export function answer(
  ctx: NodeCtx<PbftMsg>,
  s: PbftState,
  op: ClientOp,
  reply: ClientReply,
): void {
  if (s.byzantine?.kind === 'silent') return;
  ctx.reply(op, liesToClients(s) ? FORGED : reply);
}

/** A liar answers a client at once, before anything was ordered. */
export function lieAtOnce(ctx: NodeCtx<PbftMsg>, s: PbftState, op: ClientOp): void {
  if (liesToClients(s)) ctx.reply(op, FORGED);
}

// ---- Acting on its own --------------------------------------------------------------------------

/** A replayer remembers what it received, to send it again later in its own name. */
export function remember(s: PbftState, msg: PbftMsg): void {
  const b = s.byzantine;
  if (b === null || b.kind !== 'replay' || msg.type === 'STATUS' || msg.type === 'DATA') return;
  b.seen.push(msg);
  if (b.seen.length > SEEN_LOG) b.seen.splice(0, b.seen.length - SEEN_LOG);
}

/** The Byzantine timer: a delayer releases what is due; a replayer replays an old message. */
export function onByzantineTick(ctx: NodeCtx<PbftMsg>, s: PbftState): void {
  const b = s.byzantine;
  assert(b !== null, 'only a Byzantine replica has a Byzantine timer');
  if (b.kind === 'delay') {
    const due = b.held.filter((held) => held.due <= ctx.now);
    b.held = b.held.filter((held) => held.due > ctx.now);
    for (const held of due) ctx.send(held.to, held.msg);
  } else if (b.kind === 'replay' && b.seen.length > 0) {
    const msg = b.seen[ctx.rng.int(b.seen.length)]!;
    const to = ctx.peers[ctx.rng.int(ctx.peers.length)]!;
    b.sent.push({ at: ctx.now, to, what: `${labelMessage(msg)} (replayed)` });
    if (b.sent.length > SENT_LOG) b.sent.splice(0, b.sent.length - SENT_LOG);
    ctx.send(to, msg);
  }
  ctx.setTimer(BYZANTINE_TIMER, TICK_MICROS);
}

/**
 * A yes-man votes for everything it sees: a PREPARE and a COMMIT for any pre-prepare or prepare,
 * whatever the view, the sequence number or the digest.
 */
export function yesManVotes(ctx: NodeCtx<PbftMsg>, s: PbftState, msg: PbftMsg): void {
  const b = s.byzantine;
  if (b === null || b.kind !== 'yes-man') return;
  if (msg.type !== 'PRE-PREPARE' && msg.type !== 'PREPARE') return;
  const key = `${msg.view}/${msg.n}/${msg.digest}`;
  if (b.voted.includes(key)) return;
  b.voted.push(key);
  if (b.voted.length > 64) b.voted.shift();
  const vote = { view: msg.view, n: msg.n, digest: msg.digest };
  broadcast(ctx, s, { type: 'PREPARE', ...vote });
  broadcast(ctx, s, { type: 'COMMIT', ...vote });
}
