import type { ClientOp, NodeCtx, NodeId } from '../../../sim/types';
import type { Command, KvStore } from '../../common/kv';

/**
 * Chain replication (van Renesse and Schneider, "Chain Replication for Supporting High
 * Throughput and Availability", OSDI 2004).
 *
 *  - Node n0 is the master: it holds the configuration (an epoch and the chain's order), pings
 *    the servers, removes a server that stops answering and adds back one that answers again
 *    (at the tail). It is a single node here, where the paper replicates it with Paxos: while it
 *    is down or cut off the chain cannot change and the tail cannot serve reads; safety holds.
 *  - The servers n1..n(n-1) form the chain. Updates enter at the head, which orders them
 *    (sequence numbers), applies them and forwards them down the chain; every server applies and
 *    forwards; the tail applies and answers the client. Queries are answered by the tail.
 *  - The Update Propagation Invariant: a server's history is a prefix of its predecessor's.
 *  - Repair. Head removed: its successor is the head (updates the old head never forwarded were
 *    never acknowledged). Tail removed: its predecessor is the tail (it holds everything the old
 *    tail acknowledged) and answers the updates it forwarded but saw no acknowledgement for.
 *    Middle server removed: its successor tells its new predecessor what it has (`Sync`) and the
 *    predecessor sends what it lacks. A server added back starts empty and syncs from the tail.
 *  - A server acts as the tail in a new epoch only once it has caught up with its predecessor in
 *    that epoch, and answers a query only after the master confirmed (`ReadCheck`) that the
 *    epoch is still current: a tail the master removed while it was cut off never answers with a
 *    stale value. Neither needs clocks.
 */

export interface Config {
  readonly epoch: number;
  /** Servers from head to tail. */
  readonly chain: readonly NodeId[];
  /** since[i]: the epoch chain[i] (re)joined; a server that sees a new `since` starts empty. */
  readonly since: readonly number[];
}

/** One update in a server's history: its command and the client op to answer at the tail. */
export interface Entry {
  readonly cmd: Command;
  readonly op: ClientOp;
}

export type ChainMsg =
  /**
   * Entries from sequence number `from` on; the sender's history length when it sent them, and
   * whether the sender has everything acknowledged so far (a joiner still catching up has not).
   */
  | {
      readonly type: 'Update';
      readonly epoch: number;
      readonly from: number;
      readonly entries: readonly Entry[];
      readonly senderLength: number;
      readonly complete: boolean;
    }
  /** The successor holds the history up to `length` (the paper's acknowledgement). */
  | { readonly type: 'Ack'; readonly epoch: number; readonly length: number }
  /** A server with a new predecessor says how much history it has. */
  | { readonly type: 'Sync'; readonly epoch: number; readonly have: number }
  | { readonly type: 'Ping'; readonly epoch: number }
  /** A server's answer: its epoch, and the `since` under which it holds everything acknowledged (-1: catching up). */
  | { readonly type: 'Pong'; readonly epoch: number; readonly syncedSince: number }
  /** The master's configuration. */
  | { readonly type: 'Config'; readonly config: Config }
  /** The tail asks the master whether `epoch` is still current, for the queries of `round`. */
  | { readonly type: 'ReadCheck'; readonly epoch: number; readonly round: number }
  | { readonly type: 'ReadCheckOk'; readonly epoch: number; readonly round: number };

export type ChainRole = 'master' | 'head' | 'middle' | 'tail' | 'single' | 'out';

export interface PendingRead {
  readonly op: ClientOp;
  readonly round: number;
}

export interface MasterState {
  /** Local time each server last answered a ping. */
  lastPong: number[];
  /** The `since` under which each server last said it holds everything acknowledged (-1: not). */
  syncedSince: number[];
}

export interface ChainState {
  /** This node's id (for the views, which see a state alone). */
  readonly self: NodeId;
  // ---- On disk.
  config: Config;
  log: Entry[];
  /** The `since` under which this server's history was built. */
  since: number;
  // ---- Volatile.
  store: KvStore;
  /** Server: the successor's acknowledged history length in this epoch (-1: unknown)... */
  succAcked: number;
  /** ...and how far this server has sent it (-1: unknown, wait for its Sync or probe it). */
  succSent: number;
  /**
   * Server: holds everything any tail acknowledged. Always true of a server that was in the
   * chain; a server that joins (empty) becomes synced once it caught up with a synced predecessor.
   */
  synced: boolean;
  /** Tail: queries waiting for the master's confirmation. */
  reads: PendingRead[];
  readRound: number;
  /** The round sent to the master and not yet confirmed (-1: none), and when it was sent. */
  checking: number;
  checkSentAt: number;
  /** The master only. */
  master: MasterState | null;
  /** hashes[i]: hash of the history prefix of length i + 1 (for the invariants). */
  hashes: number[];
  /** The highest sequence number this node acknowledged to a client (for the invariants). */
  ackedUpTo: number;
}

export type Ctx = NodeCtx<ChainMsg>;

export const MASTER: NodeId = 0;
export const TICK_TIMER = 'tick';
export const CONFIG_KEY = 'config';
export const SINCE_KEY = 'since';
export const SYNCING_KEY = 'syncing';
export const LOG_KEY_PREFIX = 'log/';

export const VARIANT = {
  ackAtHead: 'ack-at-head',
  noReadCheck: 'no-read-check',
} as const;

export interface ChainParams {
  readonly tickMicros: number;
  readonly failMicros: number;
  readonly maxEntriesPerUpdate: number;
}

export function chainParams(ctx: { readonly params: unknown }): ChainParams {
  return ctx.params as ChainParams;
}

export function roleIn(config: Config, node: NodeId): ChainRole {
  if (node === MASTER) return 'master';
  const at = config.chain.indexOf(node);
  if (at < 0) return 'out';
  if (config.chain.length === 1) return 'single';
  if (at === 0) return 'head';
  return at === config.chain.length - 1 ? 'tail' : 'middle';
}

export const isHead = (role: ChainRole): boolean => role === 'head' || role === 'single';
export const isTail = (role: ChainRole): boolean => role === 'tail' || role === 'single';

export function predecessorOf(config: Config, node: NodeId): NodeId {
  const at = config.chain.indexOf(node);
  return at > 0 ? config.chain[at - 1]! : -1;
}

export function successorOf(config: Config, node: NodeId): NodeId {
  const at = config.chain.indexOf(node);
  return at >= 0 && at < config.chain.length - 1 ? config.chain[at + 1]! : -1;
}
