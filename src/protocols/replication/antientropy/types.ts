import type { NodeCtx, NodeId } from '../../../sim/types';
import type { LwwValue } from '../common/lww';

/**
 * Gossip anti-entropy with Merkle trees (Demers et al., "Epidemic Algorithms for Replicated
 * Database Maintenance", 1987; the Merkle-tree comparison of Dynamo, section 4.7, and Cassandra's
 * repair):
 *
 *  - Every node takes reads and writes locally and answers at once. A write is stamped with a
 *    Lamport clock (one more than any stamp the node has seen) and the node id; the larger stamp
 *    wins everywhere (last-writer-wins without physical clocks, so clock faults do not matter).
 *    Writes are not pushed: they spread only by anti-entropy.
 *  - Keys fall into 2^depth ranges (by hash). Each node keeps a Merkle tree over the ranges: a
 *    leaf hashes the values in its range, an inner node its two children. Every interval a node
 *    picks a random peer and they compare trees from the root down (`TreeCompare`): equal hashes
 *    end the walk, different inner nodes send their children's hashes, different leaves exchange
 *    their values (`Entries`, push-pull). Nodes in sync exchange one hash.
 *
 * What it keeps: convergence once writes stop (every pair meets, at random, eventually). Reads
 * are local and as stale as the last exchange; concurrent writes to a key keep only the larger
 * stamp.
 */

export type AeMsg =
  /** The sender's hashes at these tree positions (1: the root; 2i, 2i + 1: the children of i). */
  | { readonly type: 'TreeCompare'; readonly nodes: readonly (readonly [number, number])[] }
  /** The sender's values in these key ranges; `reply`: send yours for the same ranges back. */
  | {
      readonly type: 'Entries';
      readonly ranges: readonly number[];
      readonly entries: readonly (readonly [string, LwwValue])[];
      readonly reply: boolean;
    };

export interface AeState {
  readonly self: NodeId;
  // ---- On disk.
  store: Map<string, LwwValue>;
  lamport: number;
  // ---- Volatile (rebuilt from the store).
  /** The Merkle tree in heap layout: tree[1] is the root, leaves at [ranges, 2 * ranges). */
  tree: number[];
  /** Anti-entropy exchanges this node started, and values it took from others (for the view). */
  rounds: number;
  received: number;
}

export type Ctx = NodeCtx<AeMsg>;

export const GOSSIP_TIMER = 'gossip';
export const KEY_PREFIX = 'k/';
export const LAMPORT_KEY = 'lamport';

export const VARIANT = {
  staleLeafHash: 'stale-leaf-hash',
} as const;

export interface AeParams {
  readonly gossipMicros: number;
  readonly merkleDepth: number;
}

export function aeParams(ctx: { readonly params: unknown }): AeParams {
  return ctx.params as AeParams;
}
