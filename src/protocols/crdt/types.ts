import type { Micros, ParamValues } from '../../sim/types';
import type { CausalContext } from './dots';

/**
 * The gossip protocol's replica and messages. Delta mode follows the anti-entropy algorithm of
 * Almeida et al. (2018, Algorithm 2, "delta-interval" with acknowledgements): a replica keeps
 * the deltas that grew its state, numbered; it sends each peer the join of the deltas that peer
 * has not acknowledged, or its whole state when it no longer has them. Message names follow
 * the paper (delta, ack); state, nack and pull are this simulator's.
 */

/** One delta in the buffer: what it changed, the updates it holds, and what it builds on. */
export interface BufferedDelta<S> {
  readonly seq: number;
  readonly delta: S;
  /** The dots of the client updates this delta carries. */
  readonly dots: CausalContext;
  /** The replica's version vector before this delta: a receiver must have seen all of it. */
  readonly base: readonly number[];
}

export interface Replica<S> {
  /** The buggy variant this replica runs (views read the value as the variant does). */
  readonly variant: string | null;
  /** The CRDT's state. On disk as of the last local update. */
  crdt: S;
  /**
   * Which client updates `crdt` reflects: one dot per update, (replica, n) for the n-th update
   * made at that replica. Its size is the replica's version (how many updates it has seen).
   */
  clock: CausalContext;
  /** Incremented at each restart; acks name it, so an ack meant for an earlier life is ignored. */
  epoch: number;
  /**
   * After a restart that lost the disk: local updates are refused until a peer's whole state
   * has been joined, so the replica does not hand out dots (or counts) it already used.
   */
  catchingUp: boolean;

  // ---- Delta anti-entropy (volatile): Almeida et al.'s c_i, D_i and A_i.
  /** Sequence number the next buffered delta gets. */
  seq: number;
  buffer: BufferedDelta<S>[];
  /** Per peer: the sequence number it has acknowledged (-1: unknown, send the whole state). */
  acked: number[];

  // ---- Bookkeeping for the views (not used by the protocol itself).
  localUpdates: number;
  merges: number;
  /** Local time of the last change of the state. */
  lastChangeMicros: Micros;
}

export type CrdtMsg<S> =
  /** Full-state gossip: the whole state; `reply` asks the receiver for its own (push-pull). */
  | {
      readonly type: 'state';
      readonly crdt: S;
      readonly clock: CausalContext;
      readonly reply: boolean;
    }
  /** A delta-interval (or, `full`, the whole state) and the sequence number to acknowledge. */
  | {
      readonly type: 'delta';
      readonly crdt: S;
      readonly dots: CausalContext;
      readonly base: readonly number[];
      readonly full: boolean;
      readonly epoch: number;
      readonly seq: number;
      readonly reply: boolean;
    }
  | { readonly type: 'ack'; readonly epoch: number; readonly seq: number }
  /** "I lack what your delta builds on": the sender falls back to the whole state. */
  | { readonly type: 'nack'; readonly epoch: number }
  /** Pull anti-entropy: "send me what I have not acknowledged". */
  | { readonly type: 'pull' };

export const GOSSIP_TIMER = 'gossip';
export const REPLICA_KEY = 'replica';
export const EPOCH_KEY = 'epoch';

export type Dissemination = 'delta' | 'state';
export type AntiEntropy = 'push' | 'pull' | 'push-pull';

export interface GossipParams {
  readonly dissemination: Dissemination;
  readonly antiEntropy: AntiEntropy;
  readonly fanout: number;
  readonly gossipIntervalMicros: number;
  readonly maxBufferedDeltas: number;
}

export function gossipParams(params: ParamValues): GossipParams {
  return params as unknown as GossipParams;
}
