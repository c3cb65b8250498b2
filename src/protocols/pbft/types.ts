import type { NodeId } from '../../sim/types';
import type { Command, KvStore } from '../common/kv';

/**
 * PBFT, as in "Practical Byzantine Fault Tolerance" by Castro and Liskov (OSDI 1999): n = 3f + 1
 * replicas, the normal case (request, pre-prepare, prepare, commit, reply), checkpoints with
 * watermarks and garbage collection (section 4.3), and view changes (section 4.4). Names follow
 * the paper. Digests and signatures are modelled, not computed: the kernel names the sender of
 * every message, so a replica cannot speak in another's name, and a message carried inside a
 * certificate keeps the replica that sent it (`Signed`). No code in this module ever makes up a
 * Signed message for a replica other than the one running it: a Byzantine replica can lie in its
 * own name, replay or withhold what it received, but never forge another's vote.
 */

/** A client request <REQUEST, o, t, c>: the KV command; its `seq` is the client's timestamp t. */
export type Request = Command;

/** D(m): a request's digest (16 hex digits), or NULL_DIGEST for the null request of a view change. */
export type Digest = string;
export const NULL_DIGEST: Digest = 'null';

export type PrePrepare = {
  readonly type: 'PRE-PREPARE';
  readonly view: number;
  readonly n: number;
  readonly digest: Digest;
  /** The request itself (piggybacked, as in the paper), or null for the null request. */
  readonly request: Request | null;
};

export type Prepare = {
  readonly type: 'PREPARE';
  readonly view: number;
  readonly n: number;
  readonly digest: Digest;
};

export type Commit = {
  readonly type: 'COMMIT';
  readonly view: number;
  readonly n: number;
  readonly digest: Digest;
};

export type Checkpoint = {
  readonly type: 'CHECKPOINT';
  readonly n: number;
  /** The digest of the state after executing request n. */
  readonly digest: Digest;
};

/** A message together with the replica that sent (signed) it. */
export interface Signed<M> {
  readonly signer: NodeId;
  readonly msg: M;
}

/** Pm in a view-change: a request prepared at the sender, with its certificate. */
export interface PreparedProof {
  readonly n: number;
  readonly view: number;
  readonly digest: Digest;
  readonly request: Request | null;
  /** The primary's pre-prepare and 2f matching prepares from different backups. */
  readonly prePrepare: Signed<PrePrepare>;
  readonly prepares: readonly Signed<Prepare>[];
}

export type ViewChange = {
  readonly type: 'VIEW-CHANGE';
  /** The view the sender moves to (v + 1). */
  readonly view: number;
  /** n: the sequence number of the sender's last stable checkpoint s... */
  readonly n: number;
  /** ...C: the 2f + 1 checkpoint messages proving it (empty for the initial state, n = 0)... */
  readonly checkpointProof: readonly Signed<Checkpoint>[];
  /** ...and P: a prepared certificate for each request prepared above n. */
  readonly prepared: readonly PreparedProof[];
};

export type NewView = {
  readonly type: 'NEW-VIEW';
  readonly view: number;
  /** V: the 2f + 1 valid view-change messages the new primary collected. */
  readonly viewChanges: readonly Signed<ViewChange>[];
  /** O: the pre-prepares it computed from V (null requests for the gaps). */
  readonly prePrepares: readonly PrePrepare[];
};

/** A request relayed by a backup to the primary (clients talk to replicas through the kernel). */
export type RequestMsg = { readonly type: 'REQUEST'; readonly request: Request };

/**
 * Retransmission (Castro's thesis, section 5.2, "status messages"): a replica says how far it
 * got; the others send it what it misses.
 */
export type Status = {
  readonly type: 'STATUS';
  readonly view: number;
  readonly viewChanging: boolean;
  /** Its low watermark h (last stable checkpoint) and the last request it executed. */
  readonly h: number;
  readonly executed: number;
};

/** State transfer: a stable checkpoint's state, with the 2f + 1 checkpoint messages proving it. */
export type Data = {
  readonly type: 'DATA';
  readonly n: number;
  readonly digest: Digest;
  readonly proof: readonly Signed<Checkpoint>[];
  readonly state: KvStore;
};

export type PbftMsg =
  RequestMsg | PrePrepare | Prepare | Commit | Checkpoint | ViewChange | NewView | Status | Data;

/** The Byzantine behaviours a replica can be switched to. */
export const BEHAVIOURS = [
  'silent',
  'crash',
  'equivocate',
  'wrong-digest',
  'replay',
  'delay',
  'yes-man',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** One sequence number's entry in the message log. */
export interface Slot {
  readonly n: number;
  /** The pre-prepare accepted for n in the latest view this replica accepted one in, or null. */
  prePrepare: Signed<PrePrepare> | null;
  /** PREPARE and COMMIT messages of the current view (own included), a few per sender at most. */
  prepares: Signed<Prepare>[];
  commits: Signed<Commit>[];
  /** The prepared certificate of the highest view it prepared in, or null. */
  prepared: PreparedProof | null;
  /** Once committed-local: the view it happened in and the request (executed in order). */
  committed: Committed | null;
}

export interface Committed {
  readonly view: number;
  readonly digest: Digest;
  readonly request: Request | null;
}

/** A Byzantine replica's own bookkeeping. */
export interface ByzantineState {
  readonly kind: Behaviour;
  /** crash: the local time it stops for good; stopped once it has. */
  readonly stopAtMicros: number;
  stopped: boolean;
  /** delay: the peers whose messages it holds back, for how long, and what it holds. */
  readonly victims: readonly NodeId[];
  readonly delayMicros: number;
  held: { readonly due: number; readonly to: NodeId; readonly msg: PbftMsg }[];
  /** replay: recent messages it received, to send again later in its own name. */
  seen: PbftMsg[];
  /** What it sent to whom, newest last (for the inspector). */
  sent: { readonly at: number; readonly to: NodeId; readonly what: string }[];
  /** yes-man: what it already voted for (recent ones). */
  voted: string[];
}

/** The stable checkpoint: h, its digest and proof, and the state then (null until fetched). */
export interface Stable {
  readonly n: number;
  readonly digest: Digest;
  readonly proof: readonly Signed<Checkpoint>[];
  readonly state: KvStore | null;
}

/** normal: taking part in the view; view-change: it sent VIEW-CHANGE and waits for NEW-VIEW. */
export type ReplicaStatus = 'normal' | 'view-change';

/** One replica. Plain data only (checkpoints copy it with structuredClone). */
export interface PbftState {
  // ---- Configuration (for the views and checkers, which see the state alone).
  readonly self: NodeId;
  readonly nodes: number;
  /** L, the width of the window of sequence numbers, and the commits a certificate needs. */
  readonly window: number;
  readonly commitQuorum: number;

  /** The current view v (the primary is v mod n); during a view change, the view it moves to. */
  view: number;
  status: ReplicaStatus;
  /** This replica's Byzantine behaviour, or null for an honest replica. */
  byzantine: ByzantineState | null;

  // ---- Message log and watermarks (section 4.3).
  /** h = stable.n; sequence numbers in (h, h + L] are accepted. */
  stable: Stable;
  /** The n of the stable checkpoint on disk (log entries at or below it are gone from disk). */
  stableOnDisk: number;
  slots: Map<number, Slot>;
  /** Own checkpoints above h: seq -> digest and a copy of the state then. */
  ownCheckpoints: Map<number, { readonly digest: Digest; readonly state: KvStore }>;
  /** CHECKPOINT messages above h, per sender: seq -> digest. */
  checkpointVotes: Map<NodeId, Map<number, Digest>>;

  // ---- Execution.
  lastExecuted: number;
  store: KvStore;
  /** Requests received and not yet executed (a backup "waits for" them): client -> request. */
  pending: Map<number, Request>;

  // ---- Primary.
  /** The last sequence number assigned in this view. */
  seqAssigned: number;
  /** The latest timestamp assigned per client in this view (no request is assigned twice). */
  assigned: Map<number, number>;

  // ---- View changes (section 4.4).
  /** The VIEW-CHANGE messages of each replica (own included), the latest few, by view. */
  viewChanges: Map<NodeId, ViewChange[]>;
  /** The NEW-VIEW that started the current view (null in view 0). */
  newView: NewView | null;
  /** Whether the view-change timer runs, and how many view changes failed in a row. */
  timerArmed: boolean;
  backoff: number;
  /** The view-change target for which 2f + 1 VIEW-CHANGE messages were seen (-1: none yet). */
  quorumSeenFor: number;

  // ---- For the invariant checkers (not used by the protocol itself).
  /** (n, digest) of each request this replica committed, newest last; `commitBase` were trimmed. */
  commitLog: [number, Digest][];
  commitBase: number;
}

/** Timers. */
export const VIEW_CHANGE_TIMER = 'view-change';
export const STATUS_TIMER = 'status';
export const BYZANTINE_TIMER = 'byzantine';

/** Disk keys. */
export const VIEW_KEY = 'view';
export const STABLE_KEY = 'stable';
export const SLOT_KEY_PREFIX = 'slot/';

/** Buggy variants (ctx.variant). */
export const VARIANT = {
  commitQuorum2f: 'commit-quorum-2f',
  ignorePrepared: 'ignore-prepared',
  acceptConflicting: 'accept-conflicting',
} as const;

/** Typed view of the run's parameters. */
export interface PbftParams {
  readonly checkpointInterval: number;
  readonly viewChangeTimeoutMicros: number;
  readonly statusIntervalMicros: number;
  readonly byzantine: string;
}
