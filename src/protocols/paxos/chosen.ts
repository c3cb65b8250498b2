import { assert } from '../../sim/assert';
import { formatBallot, majority, type Ballot } from './ballot';

/**
 * What "chosen" means, for the invariant checkers: a value is chosen (in a slot) when a majority
 * of acceptors have accepted the same proposal, that is the same ballot with its value. The
 * registry is fed every acceptance as it happens and remembers it even after the acceptor moves
 * on to a higher ballot (or forgets, in a buggy variant): once chosen, always chosen.
 * Plain data, so it lives in a checker's memory. Multi-Paxos uses one slot per log position;
 * Basic Paxos uses slot 0.
 */
export interface ChosenRegistry {
  /** "slot/ballot" -> the value accepted there and which acceptors accepted it. */
  readonly proposals: Map<string, { value: string; by: boolean[]; count: number }>;
  /** slot -> the value first chosen there, and the ballot it was chosen in. */
  readonly chosen: Map<number, { value: string; ballot: Ballot }>;
}

export function emptyRegistry(): ChosenRegistry {
  return { proposals: new Map(), chosen: new Map() };
}

/**
 * Acceptor `acceptor` (of `nodes`) accepted `value` in `ballot` at `slot`. Returns what is
 * broken (two values in one proposal, or two values chosen in one slot), or null.
 */
export function recordAcceptance(
  registry: ChosenRegistry,
  slot: number,
  ballot: Ballot,
  value: string,
  acceptor: number,
  nodes: number,
): string | null {
  assert(acceptor >= 0 && acceptor < nodes, 'an acceptor of the cluster', acceptor);
  const key = `${slot}/${formatBallot(ballot)}`;
  let proposal = registry.proposals.get(key);
  if (proposal === undefined) {
    proposal = { value, by: new Array<boolean>(nodes).fill(false), count: 0 };
    registry.proposals.set(key, proposal);
  }
  if (proposal.value !== value)
    return `ballot ${formatBallot(ballot)} carries two values${slotText(slot)}: ${proposal.value} and ${value}`;
  if (proposal.by[acceptor]) return null;
  proposal.by[acceptor] = true;
  proposal.count++;
  if (proposal.count !== majority(nodes)) return null;
  const earlier = registry.chosen.get(slot);
  if (earlier === undefined) {
    registry.chosen.set(slot, { value, ballot });
    return null;
  }
  assert(earlier.ballot !== ballot, 'a proposal reaches a majority once');
  if (earlier.value === value) return null;
  return `two values chosen${slotText(slot)}: ${earlier.value} in ballot ${formatBallot(earlier.ballot)} and ${value} in ballot ${formatBallot(ballot)}`;
}

/** The value chosen at `slot`, or undefined. */
export function chosenAt(registry: ChosenRegistry, slot: number): string | undefined {
  return registry.chosen.get(slot)?.value;
}

function slotText(slot: number): string {
  return slot === 0 ? '' : ` in slot ${slot}`;
}
