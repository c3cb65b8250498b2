import type { ClientOp, NodeCtx, NodeId } from '../../../sim/types';
import type { Version } from '../common/versions';

/**
 * Dynamo (DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store", SOSP 2007), on
 * the shared KV workload:
 *
 *  - Each key has a preference list: the nodes in ring order from the key's hash. Its first N
 *    nodes hold its replicas.
 *  - A put goes to a coordinator: the first healthy node of the preference list (the node a
 *    client reaches forwards it there). The coordinator makes the new version's vector clock
 *    from the versions it holds (it supersedes them), stores it and sends it to the first N
 *    healthy nodes; it answers once W of them (itself included) stored it. An append or a cas is
 *    computed on the coordinator's own value; with siblings there it fails (a put resolves them).
 *  - A get is coordinated by the node the client reached: it asks the first N healthy nodes and
 *    answers with the versions of the first R replies, merged by vector clock: one value, or the
 *    siblings. Read repair then sends the merged versions to the replies that were behind.
 *  - Siblings in the history: a get that finds several values returns them all, sorted, as an
 *    array. The kv model holds one value per key, so no state of it reads as an array: a read of
 *    siblings makes the history non-linearizable (rightly: the replicas diverged and the client
 *    saw it). The session checkers read an array as the set of versions the client saw: it
 *    reflects whatever any of them reflects.
 *  - Sloppy quorum: with `sloppy`, an unhealthy node among the first N is replaced by the next
 *    healthy one, which keeps a hint naming the node it stands in for and hands the data over
 *    when that node is back (hinted handoff). Without it, only the first N count: a write or read
 *    that cannot reach W or R of them does not succeed.
 *  - Health is a local view: a node is healthy if it was heard from (any message, or the ping
 *    every node sends every interval) within the failure timeout.
 *
 * What it keeps: no guarantee of the four checked, in any configuration, so it claims none.
 * Nothing is linearizable: two reads around a write in progress can see new then old, concurrent
 * writes through different coordinators become siblings, and a coordinator with a stale copy
 * writes a version concurrent with a newer one. With R + W <= N a read can miss an acknowledged
 * write altogether (a stale read). With R + W > N and strict quorums a read after a write
 * acknowledged by W of the first N replicas reaches one of them, so the writer sees its write or
 * a later version: read-your-writes, for writes that take effect once. But writes are not
 * idempotent: a write whose client timed out is retried, and when its first attempt reached only
 * a minority (and was read there), the retry can be applied again after newer writes, bringing
 * an old value back over a process's own later write. The session checker judges versions in
 * real time, so that breaks read-your-writes (5 of 500 nemesis seeds). A retry whose coordinator
 * holds the first attempt, or a version descending from it, is replicated again instead of
 * applied twice (Version.writes), which makes this rare, not impossible. Sloppy quorums lose it
 * more often: W acknowledgements can all come from stand-ins.
 */

export type DynamoMsg =
  /** The node a client reached hands a write to the key's coordinator. */
  | { readonly type: 'Forward'; readonly op: ClientOp }
  /** Store these versions (`hintFor`: the node this one stands in for, or -1). */
  | {
      readonly type: 'Put';
      readonly req: number;
      readonly key: string;
      readonly versions: readonly Version[];
      readonly hintFor: NodeId;
    }
  | { readonly type: 'PutAck'; readonly req: number }
  | { readonly type: 'Get'; readonly req: number; readonly key: string }
  | { readonly type: 'GetReply'; readonly req: number; readonly versions: readonly Version[] }
  /** Read repair, and hinted handoff: merge these versions of `key`. */
  | {
      readonly type: 'Repair';
      readonly req: number;
      readonly key: string;
      readonly versions: readonly Version[];
    }
  | { readonly type: 'RepairAck'; readonly req: number; readonly key: string }
  | { readonly type: 'Ping' };

/** A write the coordinator is collecting acknowledgements for. */
export interface PendingPut {
  readonly op: ClientOp;
  readonly key: string;
  /** The new version (a retry replicates the siblings that hold the earlier attempt). */
  readonly versions: readonly Version[];
  /** Nodes that stored it (the coordinator first). */
  readonly ackers: NodeId[];
  readonly startedAt: number;
  answered: boolean;
}

/** A read the coordinator is collecting replies for. */
export interface PendingGet {
  readonly op: ClientOp;
  readonly key: string;
  readonly targets: readonly NodeId[];
  readonly replies: Map<NodeId, readonly Version[]>;
  readonly startedAt: number;
  answered: boolean;
}

export interface DynamoState {
  readonly self: NodeId;
  // ---- On disk.
  /** key -> siblings. */
  store: Map<string, Version[]>;
  /** Hints: node stood in for -> keys whose data it must get. */
  hints: Map<NodeId, string[]>;
  // ---- Volatile.
  /** Local time each node was last heard from. */
  lastHeard: number[];
  nextReq: number;
  puts: Map<number, PendingPut>;
  gets: Map<number, PendingGet>;
  /** The last read this node answered, and who had replied (for the read-quorum invariant). */
  lastRead: { readonly key: string; readonly repliers: readonly NodeId[] } | null;
  /** The last write this node acknowledged to a client, with who stored it (for the invariant). */
  lastAck: {
    readonly key: string;
    readonly versions: readonly Version[];
    readonly ackers: readonly NodeId[];
  } | null;
  /** The most siblings a read here returned (for the view). */
  maxSiblingsRead: number;
}

export type Ctx = NodeCtx<DynamoMsg>;

export const TICK_TIMER = 'tick';
export const STORE_KEY_PREFIX = 'k/';
export const HINTS_KEY = 'hints';
export const INCARNATION_KEY = 'incarnation';

export const VARIANT = {
  doubleCount: 'double-count-coordinator',
  readOne: 'read-one',
} as const;

export interface DynamoParams {
  readonly replicas: number;
  readonly readQuorum: number;
  readonly writeQuorum: number;
  readonly sloppy: boolean;
  readonly readRepair: boolean;
  readonly tickMicros: number;
  readonly suspectMicros: number;
  readonly requestMicros: number;
}

export function dynamoParams(ctx: {
  readonly params: unknown;
  readonly nodes: number;
}): DynamoParams {
  const p = ctx.params as DynamoParams;
  const replicas = Math.min(p.replicas, ctx.nodes);
  return {
    ...p,
    replicas,
    readQuorum: Math.min(p.readQuorum, replicas),
    writeQuorum: Math.min(p.writeQuorum, replicas),
  };
}
