import type { ClientOp, NodeCtx } from '../../../sim/types';
import type { Command, KvStore } from '../../common/kv';

/**
 * Primary-backup replication (Alsberg and Day, 1976; Budhiraja, Marzullo, Schneider and Toueg,
 * "The Primary-Backup Approach", 1993), with a fixed succession order:
 *
 *  - Views are numbered; the primary of view v is node v mod n. Every node is in every view (no
 *    membership changes). A node persists its view and its log.
 *  - The primary appends each client write to its log and sends it to every backup (`Update`);
 *    backups append it, apply it and answer `Ack` with their log length.
 *  - When the primary answers the client depends on the mode: sync after every backup acked,
 *    semisync after one backup acked, async at once. Reads are served by the primary from its
 *    committed store.
 *  - Failover: a backup that hears nothing from the primary for a timeout moves to the next view
 *    and says so (`StartView`). The primary of the new view sends its own log to everyone
 *    (`NewView`): backups replace theirs. It serves clients once enough backups took it (sync:
 *    all, semisync: one, async: none).
 *
 * What the modes keep. Sync: a write is acknowledged only once it is in every node's log, so the
 * next primary has it whichever node that is, and a deposed primary can never complete a write
 * again (the node that replaced it refuses its updates): linearizable, at the price of blocking
 * while any node is down. Async and semisync: the next primary is the next node in the order, not
 * the most up-to-date one, so a write acknowledged by the old primary (and, in semisync, one
 * backup) but not yet on the successor is lost at failover; a deposed async primary even goes on
 * acknowledging writes nobody else will ever see.
 */

export type PbMode = 'sync' | 'semisync' | 'async';

export type PbMsg =
  /** Entries from log index `from` (1-based), possibly none (a heartbeat); the primary's commit index. */
  | {
      readonly type: 'Update';
      readonly view: number;
      readonly from: number;
      readonly entries: readonly Command[];
      readonly commit: number;
    }
  /** A backup holds the primary's log up to `length` in `view`. */
  | { readonly type: 'Ack'; readonly view: number; readonly length: number }
  /** The sender moved to `view` (its timeout fired, or it heard of it). */
  | { readonly type: 'StartView'; readonly view: number }
  /** The new primary's whole log: the state every backup adopts in `view`. */
  | {
      readonly type: 'NewView';
      readonly view: number;
      readonly log: readonly Command[];
      readonly commit: number;
    };

export type PbRole = 'primary' | 'backup';

export interface PbState {
  // ---- On disk.
  view: number;
  log: Command[];
  // ---- Volatile.
  role: PbRole;
  /** Primary: it can serve clients in this view (enough backups took its NewView). */
  ready: boolean;
  /** Backup: the view whose NewView it adopted (it accepts Updates of that view only). */
  synced: number;
  /** The store: the primary applies committed entries only, a backup every entry it holds. */
  store: KvStore;
  applied: number;
  /** The primary's commit index (a backup keeps the last one it heard). */
  commitIndex: number;
  /** Primary: the log length each backup acknowledged in this view (-1: NewView not taken yet). */
  acked: number[];
  /** Backup: local time it last heard from the primary of its view. */
  lastHeard: number;
  /** Primary: client ops waiting for the entry at a log index to commit. */
  waiting: Map<number, ClientOp[]>;
  /** Primary: log index of each uncommitted entry by its tag `client:seq` (a retry waits on it). */
  inLog: Map<string, number>;
  /** Primary not yet ready: client ops held until it is. */
  held: ClientOp[];
  /** hashes[i]: hash of the log prefix of length i + 1 (for the invariants). */
  hashes: number[];
}

export type Ctx = NodeCtx<PbMsg>;

export const HEARTBEAT_TIMER = 'heartbeat';
export const FAILOVER_TIMER = 'failover';
export const VIEW_KEY = 'view';
export const LOG_KEY_PREFIX = 'log/';

export const VARIANT = {
  ackBeforeApply: 'ack-before-apply',
  acceptOldView: 'accept-old-view',
} as const;

export interface PbParams {
  readonly mode: PbMode;
  readonly heartbeatMicros: number;
  readonly failoverMicros: number;
  readonly maxEntriesPerUpdate: number;
}

export function pbParams(ctx: { readonly params: unknown }): PbParams {
  return ctx.params as PbParams;
}

/** The primary of a view: the fixed succession order n0, n1, ..., n(n-1), n0, ... */
export function primaryOf(view: number, nodes: number): number {
  return view % nodes;
}
