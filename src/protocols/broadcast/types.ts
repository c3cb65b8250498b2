import type { NodeId } from '../../sim/types';

/** Messages, named as in Maelstrom's broadcast workload. */
export type BroadcastMsg =
  /** Values the sender holds that it has not yet seen acknowledged by the receiver. */
  | { readonly type: 'gossip'; readonly values: readonly number[] }
  /** Acknowledges the values of a gossip message. */
  | { readonly type: 'gossip_ok'; readonly values: readonly number[] }
  /** Sent by a node that lost its disk: "send me everything you hold". */
  | { readonly type: 'sync_request' };

export interface BroadcastState {
  /** Every value this node holds, in the order it learned them. */
  values: number[];
  /** The same values, for membership tests. */
  known: Set<number>;
  /** Per neighbour (indexed by node id), the values it has not acknowledged yet. */
  unacked: Set<number>[];
  /** The nodes this node gossips with. */
  neighbours: NodeId[];
}

export const GOSSIP_TIMER = 'gossip';
export const VALUE_KEY_PREFIX = 'value/';
