import type { ClusterView, HistoryEvent, Invariant } from '../../sim/types';
import { opsCompleteWithin } from '../common/liveness';
import { formatBallot } from '../paxos/ballot';
import { chosenAt, emptyRegistry, recordAcceptance, type ChosenRegistry } from '../paxos/chosen';
import {
  PROMISE_KEPT,
  checkPromise,
  promiseMemory,
  type PromiseMemory,
} from '../paxos/promise-kept';
import { describeCommand } from './common';
import type { MultiPaxosState } from './types';

/**
 * Multi-Paxos safety, checked after every event by looking at the node whose handler just ran:
 * in every slot at most one command is chosen by the acceptors (Paxos, slot by slot); replicas
 * only learn a slot's chosen command, so no two learn different ones (per-slot agreement); and
 * replicas apply the same command at every slot (state machine safety).
 *
 * Each checker remembers the state object it last saw per node: a restart makes a new one, and
 * the checker starts over for that node.
 */

type Cluster = ClusterView<MultiPaxosState>;

function lastState(cluster: Cluster): MultiPaxosState | null {
  const node = cluster.lastNode;
  return node < 0 ? null : (cluster.states[node] ?? null);
}

interface AcceptMemory {
  registry: ChosenRegistry;
  state: (MultiPaxosState | null)[];
  acceptCount: number[];
}

function acceptMemory(): AcceptMemory {
  return { registry: emptyRegistry(), state: [], acceptCount: [] };
}

/** Feed the registry with the last node's new acceptance, if it made one. */
function observeAcceptance(memory: AcceptMemory, cluster: Cluster): string | null {
  const s = lastState(cluster);
  if (s === null) return null;
  const node = cluster.lastNode;
  const fresh = memory.state[node] !== s;
  // A node seen for the first time, or restarted, counts its acceptances from 0.
  const seen = fresh ? 0 : memory.acceptCount[node]!;
  memory.state[node] = s;
  memory.acceptCount[node] = s.acceptCount;
  if (s.acceptCount === seen) return null;
  const proposal = s.accepted.get(s.lastAcceptedSlot)!;
  return recordAcceptance(
    memory.registry,
    proposal.slot,
    proposal.ballot,
    describeCommand(proposal.cmd),
    node,
    cluster.states.length,
  );
}

export const chosenOnce: Invariant<MultiPaxosState, AcceptMemory> = {
  id: 'chosen-once',
  description:
    'In every slot at most one command is chosen (accepted by a majority of acceptors in one ballot).',
  init: acceptMemory,
  check: observeAcceptance,
};

interface AgreementMemory extends AcceptMemory {
  /** Per node, how many of its learned slots were checked. */
  learned: number[];
  learnState: (MultiPaxosState | null)[];
  /** slot -> the command first learned there by any replica. */
  decided: Map<number, string>;
}

export const slotAgreement: Invariant<MultiPaxosState, AgreementMemory> = {
  id: 'slot-agreement',
  description:
    'No two replicas learn different commands for a slot, and a replica learns only the command chosen there.',
  init: () => ({ ...acceptMemory(), learned: [], learnState: [], decided: new Map() }),
  check(memory, cluster) {
    observeAcceptance(memory, cluster);
    const s = lastState(cluster);
    if (s === null) return null;
    const node = cluster.lastNode;
    if (memory.learnState[node] !== s) {
      memory.learnState[node] = s;
      memory.learned[node] = 0;
    }
    for (let i = memory.learned[node]!; i < s.learnOrder.length; i++) {
      memory.learned[node] = i + 1;
      const slot = s.learnOrder[i]!;
      const what = describeCommand(s.chosen.get(slot)!);
      const chosen = chosenAt(memory.registry, slot);
      if (chosen !== what)
        return `n${node} learned ${what} in slot ${slot}, but ${chosen === undefined ? `nothing is chosen there (${acceptors(memory, slot)})` : `${chosen} is chosen there`}`;
      const other = memory.decided.get(slot);
      if (other === undefined) memory.decided.set(slot, what);
      else if (other !== what)
        return `slot ${slot}: n${node} learned ${what}, another replica ${other}`;
    }
    return null;
  },
};

/** How many acceptors accepted what, in a slot, for a message. */
function acceptors(memory: AcceptMemory, slot: number): string {
  const parts: string[] = [];
  for (const [key, proposal] of memory.registry.proposals) {
    if (key.startsWith(`${slot}/`))
      parts.push(
        `${proposal.count} accepted ${proposal.value} in ${key.slice(key.indexOf('/') + 1)}`,
      );
  }
  return parts.length === 0 ? 'no acceptor accepted anything' : parts.join('; ');
}

interface MachineMemory {
  /** slot -> the command first applied there. */
  applied: Map<number, string>;
  state: (MultiPaxosState | null)[];
  upTo: number[];
}

export const stateMachineSafety: Invariant<MultiPaxosState, MachineMemory> = {
  id: 'state-machine-safety',
  description: 'Replicas apply the same command at every slot: their applied prefixes agree.',
  init: () => ({ applied: new Map(), state: [], upTo: [] }),
  check(memory, cluster) {
    const s = lastState(cluster);
    if (s === null) return null;
    const node = cluster.lastNode;
    if (memory.state[node] !== s) {
      memory.state[node] = s;
      memory.upTo[node] = 0;
    }
    for (let slot = memory.upTo[node]! + 1; slot <= s.applied; slot++) {
      memory.upTo[node] = slot;
      const what = describeCommand(s.chosen.get(slot)!);
      const first = memory.applied.get(slot);
      if (first === undefined) memory.applied.set(slot, what);
      else if (first !== what)
        return `n${node} applied ${what} at slot ${slot}, where another replica applied ${first}`;
    }
    return null;
  },
};

interface PromiseWatch extends PromiseMemory {
  state: (MultiPaxosState | null)[];
  acceptCount: number[];
}

/** P1a for Multi-Paxos: one promise covers every slot, and every acceptance must honour it. */
export const promiseKept: Invariant<MultiPaxosState, PromiseWatch> = {
  ...PROMISE_KEPT,
  init: () => ({ ...promiseMemory(), state: [], acceptCount: [] }),
  check(memory, cluster) {
    const s = lastState(cluster);
    if (s === null) return null;
    const node = cluster.lastNode;
    // A node seen for the first time, or restarted, counts its acceptances from 0.
    const seen = memory.state[node] !== s ? 0 : memory.acceptCount[node]!;
    memory.state[node] = s;
    memory.acceptCount[node] = s.acceptCount;
    const accepted = s.acceptCount === seen ? null : s.accepted.get(s.lastAcceptedSlot)!.ballot;
    return checkPromise(memory, node, accepted, s.promised);
  },
};

export const multiPaxosInvariants = [
  chosenOnce,
  slotAgreement,
  stateMachineSafety,
  promiseKept,
] as const;

/** Client ops invoked in [end - 3 s, end - 1 s] must have completed within 1 s. */
const OP_BOUND_MICROS = 1_000_000;
const OP_WINDOW_MICROS = 3_000_000;

/** Liveness after the quiet phase: some node leads, and client ops complete. */
export function multiPaxosLiveness(
  cluster: Cluster,
  history: readonly HistoryEvent[],
): string | null {
  const leaders = cluster.states.filter((s) => s != null && s.role === 'leader');
  if (leaders.length === 0) {
    let highest = '-';
    for (const s of cluster.states) if (s != null) highest = formatBallot(s.highestSeen);
    return `no leader at the end of the run (a ballot seen: ${highest})`;
  }
  return opsCompleteWithin(history, cluster.now, OP_WINDOW_MICROS, OP_BOUND_MICROS);
}
