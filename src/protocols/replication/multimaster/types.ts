import type { NodeCtx, NodeId } from '../../../sim/types';
import type { LwwValue } from '../common/lww';
import type { Version } from '../common/versions';

/**
 * Multi-master (update-anywhere) replication: every node takes reads and writes for every key on
 * its own, answers at once, then sends the new value to every other node (`Update`), and every
 * tick pushes its whole store to one random node (`Sync`) so that what was lost or partitioned
 * away arrives in the end. Concurrent writes are resolved either by last-writer-wins (each value
 * stamped with the writer's physical clock and node id; the larger stamp wins everywhere) or by
 * vector clocks, which keep concurrent versions as siblings until a put supersedes them (an
 * append or a cas on siblings fails).
 *
 * What it keeps: replicas converge once writes stop and messages flow. Nothing more. A read
 * sees only what reached its node; last-writer-wins drops all but one of concurrent writes (a
 * lost update), and a node whose clock is behind writes values that lose to older ones at once,
 * even on the node itself.
 */

export type Resolve = 'lww' | 'vclock';

export type MmMsg =
  | {
      readonly type: 'Update';
      readonly key: string;
      readonly lww: LwwValue | null;
      readonly versions: readonly Version[];
    }
  | {
      readonly type: 'Sync';
      readonly lww: readonly (readonly [string, LwwValue])[];
      readonly versions: readonly (readonly [string, readonly Version[]])[];
    };

export interface MmState {
  readonly self: NodeId;
  /** resolve = lww: key -> its value. */
  lww: Map<string, LwwValue>;
  /** resolve = vclock: key -> siblings. */
  vv: Map<string, Version[]>;
  /** The most siblings one key held here (for the view). */
  maxSiblings: number;
}

export type Ctx = NodeCtx<MmMsg>;

export const TICK_TIMER = 'tick';
export const KEY_PREFIX = 'k/';

export const VARIANT = {
  acceptOlder: 'lww-accept-older',
} as const;

export interface MmParams {
  readonly resolve: Resolve;
  readonly syncMicros: number;
}

export function mmParams(ctx: { readonly params: unknown }): MmParams {
  return ctx.params as MmParams;
}
