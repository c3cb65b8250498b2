import type { ClientOp, NodeId } from '../../sim/types';
import type { Command, Session } from '../common/kv';
import type { Ballot } from '../paxos/ballot';

/**
 * Multi-Paxos, as Lamport sketches it in "Paxos Made Simple" (section 3) and as "Paxos Made
 * Moderately Complex" (van Renesse and Altinbuken) spells it out: one instance of Paxos per log
 * slot; a leader runs phase 1 once for its ballot and every slot from some point on, then phase
 * 2 per slot. A new leader re-proposes what the promises report as accepted and fills the gaps
 * with no-ops. Every node is an acceptor and a replica of a key-value store.
 */

export type Role = 'follower' | 'candidate' | 'leader';

export type { Command, Session };

/** A proposal an acceptor accepted in one slot. `cmd` null is a no-op. */
export interface SlotProposal {
  readonly slot: number;
  readonly ballot: Ballot;
  readonly cmd: Command | null;
}

/** A slot and the command chosen there (null: a no-op). */
export interface ChosenEntry {
  readonly slot: number;
  readonly cmd: Command | null;
}

export type MultiPaxosMsg =
  /** Phase 1a for every slot from `fromSlot` on (the leader knows what was chosen before it). */
  | { readonly type: 'Prepare'; readonly ballot: Ballot; readonly fromSlot: number }
  /** Phase 1b: the promise, with every proposal accepted in a slot from `fromSlot` on. */
  | {
      readonly type: 'Promise';
      readonly ballot: Ballot;
      readonly accepted: readonly SlotProposal[];
    }
  /** Phase 2a for one slot. */
  | {
      readonly type: 'Accept';
      readonly ballot: Ballot;
      readonly slot: number;
      readonly cmd: Command | null;
    }
  /** Phase 2b, to the leader. */
  | { readonly type: 'Accepted'; readonly ballot: Ballot; readonly slot: number }
  /** The acceptor ignored a request numbered `ballot` because it promised `promised`. */
  | { readonly type: 'Nack'; readonly ballot: Ballot; readonly promised: Ballot }
  /** The leader tells the replicas what was chosen (as it happens, and to catch up). */
  | { readonly type: 'Chosen'; readonly ballot: Ballot; readonly entries: readonly ChosenEntry[] }
  /** The leader is alive; `applied`: its state machine has applied every slot up to here. */
  | { readonly type: 'Heartbeat'; readonly ballot: Ballot; readonly applied: number }
  /** A replica's answer: how far it has applied, so the leader can send what it lacks. */
  | { readonly type: 'HeartbeatReply'; readonly ballot: Ballot; readonly applied: number };

/** A slot a leader is getting accepted in its ballot. */
export interface InFlight {
  readonly cmd: Command | null;
  /** Acceptors that sent Accepted, and how many. */
  readonly by: boolean[];
  count: number;
}

/** One node. Plain data only (checkpoints copy it with structuredClone). */
export interface MultiPaxosState {
  // ---- Acceptor: on disk before any reply depends on it.
  promised: Ballot;
  /** slot -> the highest-numbered proposal accepted there. */
  accepted: Map<number, SlotProposal>;
  /** Acceptances so far, and the slot of the last one (read by the invariant checkers). */
  acceptCount: number;
  lastAcceptedSlot: number;

  // ---- Leadership (volatile).
  role: Role;
  /** The leader this node follows (or is), or -1. */
  leader: NodeId;
  /** This node's ballot while a candidate or leader. */
  ballot: Ballot;
  /** The highest ballot heard of: a new election goes above it. */
  highestSeen: Ballot;

  // ---- Candidate: phase 1.
  fromSlot: number;
  promisedBy: boolean[];
  promiseCount: number;
  /** slot -> the highest-numbered proposal any promise reported there. */
  reported: Map<number, SlotProposal>;

  // ---- Leader: phase 2.
  /** The next free slot. */
  nextSlot: number;
  inFlight: Map<number, InFlight>;
  /** Client ops waiting for their slot to be applied. */
  pending: Map<number, ClientOp>;

  // ---- Replica: learner and state machine (volatile, rebuilt from the leader after a crash).
  /** slot -> the command chosen there, as far as this node knows. */
  chosen: Map<number, Command | null>;
  /** Slots in the order this node learned they were chosen (read by the checkers). */
  learnOrder: number[];
  /** Every slot up to here is applied to the state machine. */
  applied: number;
  kv: Map<string, string>;
  sessions: Map<number, Session>;
}

export const ELECTION_TIMER = 'election';
export const HEARTBEAT_TIMER = 'heartbeat';

/** Disk keys: the promise, and one key per slot with an accepted proposal. */
export const PROMISED_KEY = 'promised';
export const ACCEPTED_KEY_PREFIX = 'accepted/';

/** Buggy variants (ctx.variant). */
export const VARIANT = {
  skipRecovery: 'skip-recovery',
  minorityCommit: 'minority-commit',
  volatilePromise: 'volatile-promise',
} as const;

export interface MultiPaxosParams {
  readonly electionTimeoutMicrosMin: number;
  readonly electionTimeoutMicrosMax: number;
  readonly heartbeatIntervalMicros: number;
  readonly maxEntriesPerChosen: number;
}
