import type { ClientOp, NodeId } from '../../sim/types';
import type { Ballot } from './ballot';

/**
 * Basic (single-decree) Paxos, as in Lamport's "Paxos Made Simple" (2001): proposers, acceptors
 * and learners choose one value. Every node is an acceptor and a learner; the first `proposers`
 * nodes are also proposers. Names follow the paper.
 */

/** A value clients propose: a string naming the client's op ("c2#5"). */
export type Value = string;

/** Messages, named as in the paper (Nack is its suggested optimisation, section 2.3). */
export type PaxosMsg =
  /** Phase 1a: "prepare request with number n". */
  | { readonly type: 'Prepare'; readonly ballot: Ballot }
  /**
   * Phase 1b: the promise not to accept anything numbered below `ballot`, with the
   * highest-numbered proposal this acceptor has accepted (NO_BALLOT and null if none).
   */
  | {
      readonly type: 'Promise';
      readonly ballot: Ballot;
      readonly accepted: Ballot;
      readonly value: Value | null;
    }
  /** Phase 2a: "accept request for a proposal numbered n with a value v". */
  | { readonly type: 'Accept'; readonly ballot: Ballot; readonly value: Value }
  /** Phase 2b, sent by an acceptor to every learner when it accepts a proposal. */
  | { readonly type: 'Accepted'; readonly ballot: Ballot; readonly value: Value }
  /** The acceptor ignored a request numbered `ballot` because it promised `promised`. */
  | { readonly type: 'Nack'; readonly ballot: Ballot; readonly promised: Ballot };

export type ProposerPhase =
  /** Has nothing to propose, has learned the value, or defers to a distinguished proposer. */
  | 'idle'
  /** Phase 1: waiting for promises from a majority. */
  | 'preparing'
  /** Phase 2: accept requests sent, waiting to learn the outcome. */
  | 'accepting'
  /** Preempted: waiting out a (randomized) backoff before the next round. */
  | 'backoff';

/** One promise a proposer received in its current round (per acceptor, null: none yet). */
export interface PromiseSeen {
  readonly accepted: Ballot;
  readonly value: Value | null;
}

/** One node: acceptor, learner, and (if its id < proposers) proposer. Plain data only. */
export interface PaxosState {
  // ---- Acceptor: on disk before any reply that depends on it.
  /** The highest-numbered prepare request it has responded to. */
  promised: Ballot;
  /** The highest-numbered proposal it has accepted (NO_BALLOT: none), and its value. */
  accepted: Ballot;
  acceptedValue: Value | null;

  // ---- Proposer (volatile).
  isProposer: boolean;
  phase: ProposerPhase;
  /** The number of the current (or last) round. */
  ballot: Ballot;
  /** The highest ballot this node has heard of: its next round goes above it. */
  highestSeen: Ballot;
  /** The value a client asked this proposer to propose (its own candidate), or null. */
  clientValue: Value | null;
  /** The value of the current round's accept requests (chosen by rule P2c), or null. */
  proposal: Value | null;
  /** Promises of the current round, indexed by acceptor. */
  promises: (PromiseSeen | null)[];
  promiseCount: number;
  /** Consecutive rounds preempted (Nacked): widens the backoff window. */
  preemptions: number;
  /** Rounds started since boot (for the view). */
  rounds: number;
  /** Local time each node was last heard proposing (distinguished proposer). */
  lastHeard: number[];

  // ---- Learner (volatile).
  /** The value learned as chosen, or null; and the ballot it was learned at. */
  learned: Value | null;
  learnedBallot: Ballot;
  /** Accepted messages per ballot ("round.proposer" -> acceptors that sent one). */
  acceptedBy: Map<string, boolean[]>;

  // ---- Clients waiting for the outcome (one op per client at most).
  waiting: Map<number, ClientOp>;
}

export const RETRY_TIMER = 'retry';

/** Disk keys. */
export const PROMISED_KEY = 'promised';
export const ACCEPTED_KEY = 'accepted';

/** Buggy variants (ctx.variant). */
export const VARIANT = {
  volatilePromise: 'volatile-promise',
  ignoreAccepted: 'ignore-accepted',
  volatileAccepted: 'volatile-accepted',
} as const;

/** Typed view of the run's parameters. */
export interface PaxosParams {
  readonly proposers: number;
  readonly retryTimeoutMicrosMin: number;
  readonly retryTimeoutMicrosMax: number;
  readonly backoff: boolean;
  readonly distinguishedProposer: boolean;
}

/** The op clients send: propose a value, get back the chosen one. */
export const PROPOSE = 'propose';

export type { NodeId };
