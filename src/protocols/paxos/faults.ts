import type { FaultAction, LinkPolicy, NodeId, TimedFault } from '../../sim/types';

/**
 * Small builders for scripted presets, shared by Basic Paxos and Multi-Paxos. Times are in
 * milliseconds here and become microseconds in the scenario.
 */

export const MS = 1_000;

/** `action` at `ms` milliseconds. */
export function at(ms: number, action: FaultAction): TimedFault {
  return { at: ms * MS, action };
}

/** Cut the link from -> to (one way). */
export function cut(from: NodeId, to: NodeId): FaultAction {
  return { kind: 'cut', from, to };
}

export const HEAL: FaultAction = Object.freeze({ kind: 'heal' });

/** Split the cluster in two: `side` and everyone else. */
export function isolate(side: readonly NodeId[]): FaultAction {
  return { kind: 'partition', groups: [side] };
}

/** A FIFO link with one fixed latency, nothing lost or duplicated. */
export function fixedLink(latencyMs: number): LinkPolicy {
  return {
    latency: { kind: 'constant', micros: latencyMs * MS },
    lossPpm: 0,
    duplicatePpm: 0,
    reorder: false,
  };
}
