import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';

/**
 * Proposal numbers ("ballots"), shared by Basic Paxos and Multi-Paxos. Paxos Made Simple asks
 * that "different proposers choose their numbers from disjoint sets of numbers": a ballot is a
 * pair (round, proposer), ordered by round and then by proposer, so two proposers never issue the
 * same ballot and each can always pick one above any it has seen.
 */
export interface Ballot {
  readonly round: number;
  readonly proposer: NodeId;
}

/** Below every real ballot: what an acceptor has promised before any Prepare. */
export const NO_BALLOT: Ballot = Object.freeze({ round: 0, proposer: -1 });

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareBallots(a: Ballot, b: Ballot): number {
  return a.round !== b.round ? a.round - b.round : a.proposer - b.proposer;
}

export function sameBallot(a: Ballot, b: Ballot): boolean {
  return a.round === b.round && a.proposer === b.proposer;
}

export function isNoBallot(b: Ballot): boolean {
  return b.proposer < 0;
}

/** The larger of two ballots. */
export function maxBallot(a: Ballot, b: Ballot): Ballot {
  return compareBallots(a, b) >= 0 ? a : b;
}

/** This proposer's smallest ballot above `seen` (which it may have issued itself). */
export function ballotAbove(seen: Ballot, self: NodeId): Ballot {
  assert(self >= 0, 'a ballot needs a proposer', self);
  const next = { round: seen.round + 1, proposer: self };
  assert(compareBallots(next, seen) > 0, 'a new ballot must exceed the one seen');
  return next;
}

/** "round.proposer", e.g. "3.1"; "-" for no ballot. */
export function formatBallot(b: Ballot): string {
  return isNoBallot(b) ? '-' : `${b.round}.${b.proposer}`;
}

/** Votes (or acceptors) needed in a cluster of `nodes`: any two majorities intersect. */
export function majority(nodes: number): number {
  return (nodes >> 1) + 1;
}

/** A ballot read back from disk (untrusted shape): NO_BALLOT if it is not one. */
export function ballotFromDisk(value: unknown): Ballot {
  if (typeof value !== 'object' || value === null) return NO_BALLOT;
  const { round, proposer } = value as { round?: unknown; proposer?: unknown };
  if (!Number.isInteger(round) || !Number.isInteger(proposer)) return NO_BALLOT;
  return { round: round as number, proposer: proposer as number };
}
