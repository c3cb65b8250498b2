import { NO_BALLOT, compareBallots, formatBallot, maxBallot, type Ballot } from './ballot';

/**
 * P1a of Paxos Made Simple: an acceptor can accept a proposal numbered n only if it has not
 * responded to a prepare request numbered greater than n. The promise is on the acceptor's disk,
 * so it must hold across crashes and restarts; the checker remembers, per acceptor, the highest
 * ballot it ever promised, whatever happened to the acceptor since (an amnesia restart, which
 * loses the disk, breaks it too: that is what stable storage is for).
 */
export interface PromiseMemory {
  /** Per acceptor, the highest ballot it ever promised. */
  readonly promised: Ballot[];
}

export function promiseMemory(): PromiseMemory {
  return { promised: [] };
}

export const PROMISE_KEPT = {
  id: 'promise-kept',
  description:
    'P1a: an acceptor accepts a proposal numbered n only if it never promised a ballot above n, across restarts.',
} as const;

/**
 * The acceptor `node` ran: `accepted` is the ballot of a proposal it accepted in this event (null
 * if none), `promisedNow` its promise after it. What is broken, or null.
 */
export function checkPromise(
  memory: PromiseMemory,
  node: number,
  accepted: Ballot | null,
  promisedNow: Ballot,
): string | null {
  const before = memory.promised[node] ?? NO_BALLOT;
  memory.promised[node] = maxBallot(before, promisedNow);
  if (accepted === null || compareBallots(accepted, before) >= 0) return null;
  return `n${node} accepted a proposal numbered ${formatBallot(accepted)} after it had promised ${formatBallot(before)}: it no longer honours that promise`;
}
