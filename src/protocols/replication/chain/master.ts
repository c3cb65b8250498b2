import { assert } from '../../../sim/assert';
import type { NodeId } from '../../../sim/types';
import {
  CONFIG_KEY,
  MASTER,
  TICK_TIMER,
  chainParams,
  type ChainMsg,
  type ChainState,
  type Config,
  type Ctx,
} from './types';

/**
 * The master (n0): the authority on the chain's configuration. It pings every server each tick,
 * removes a member silent for longer than the failure timeout (never the last one known to hold
 * the data), and adds back at the tail a server that answers again, one change per tick.
 */

/** The chain every node starts from: n1 .. n(n-1), head first. */
export function initialConfig(nodes: number): Config {
  const chain = Array.from({ length: Math.max(0, nodes - 1) }, (_, i) => i + 1);
  return { epoch: 0, chain, since: chain.map(() => 0) };
}

export function initMaster(ctx: Ctx, s: ChainState): void {
  assert(ctx.self === MASTER, 'only n0 is the master');
  s.master = {
    lastPong: new Array<number>(ctx.nodes).fill(ctx.now),
    syncedSince: new Array<number>(ctx.nodes).fill(-1),
  };
  ctx.setTimer(TICK_TIMER, chainParams(ctx).tickMicros);
}

export function onMasterMessage(ctx: Ctx, s: ChainState, from: NodeId, msg: ChainMsg): void {
  const master = s.master!;
  switch (msg.type) {
    case 'Pong':
      master.lastPong[from] = ctx.now;
      master.syncedSince[from] = msg.syncedSince;
      if (msg.epoch < s.config.epoch) ctx.send(from, { type: 'Config', config: s.config });
      return;
    case 'ReadCheck':
      if (msg.epoch === s.config.epoch)
        ctx.send(from, { type: 'ReadCheckOk', epoch: msg.epoch, round: msg.round });
      else ctx.send(from, { type: 'Config', config: s.config });
      return;
    default:
      return;
  }
}

export function onMasterTick(ctx: Ctx, s: ChainState): void {
  const p = chainParams(ctx);
  for (const peer of ctx.peers) ctx.send(peer, { type: 'Ping', epoch: s.config.epoch });
  ctx.setTimer(TICK_TIMER, p.tickMicros);
  const lastPong = s.master!.lastPong;
  const { chain, since } = s.config;
  const silent = chain.find((node) => ctx.now - lastPong[node]! > p.failMicros);
  if (silent !== undefined && keepsData(s, silent)) {
    const at = chain.indexOf(silent);
    return reconfigure(ctx, s, chain.toSpliced(at, 1), since.toSpliced(at, 1));
  }
  // A server outside the chain that answered the last two pings joins at the tail.
  const back = ctx.peers.find(
    (node) => !chain.includes(node) && ctx.now - lastPong[node]! <= 2 * p.tickMicros,
  );
  if (back !== undefined) reconfigure(ctx, s, [...chain, back], [...since, s.config.epoch + 1]);
}

/**
 * Removing `node` leaves a server known to hold everything acknowledged: one that was in the
 * chain from the start, or said it caught up after it joined. (A server that joined and is still
 * copying the history must never be left alone: the acknowledged updates would be lost.)
 */
function keepsData(s: ChainState, node: NodeId): boolean {
  const { chain, since } = s.config;
  return chain.some(
    (other, i) => other !== node && (since[i] === 0 || s.master!.syncedSince[other] === since[i]),
  );
}

function reconfigure(ctx: Ctx, s: ChainState, chain: NodeId[], since: number[]): void {
  assert(chain.length > 0, 'a chain keeps at least one server');
  assert(chain.length === since.length, 'one since per server');
  s.config = { epoch: s.config.epoch + 1, chain, since };
  ctx.persist(CONFIG_KEY, s.config);
  ctx.note('epoch', s.config.epoch);
  for (const peer of ctx.peers) ctx.send(peer, { type: 'Config', config: s.config });
}
