import type { ClusterView, HistoryEvent, Invariant } from '../../sim/types';
import { formatBallot, isNoBallot, sameBallot, type Ballot } from './ballot';
import { opsCompleteWithin } from '../common/liveness';
import { chosenAt, emptyRegistry, recordAcceptance, type ChosenRegistry } from './chosen';
import { PROMISE_KEPT, checkPromise, promiseMemory, type PromiseMemory } from './promise-kept';
import { PROPOSE, type PaxosState } from './types';

/**
 * The safety requirements of consensus (Paxos Made Simple, section 2.1), checked after every
 * event: only a value that has been proposed may be chosen; only a single value is chosen; a
 * process never learns that a value has been chosen unless it actually has been. "Chosen" is
 * read off the acceptors: a majority accepted the same proposal (chosen.ts). Each checker looks
 * only at the node whose handler just ran, and at new client history events.
 */

type Cluster = ClusterView<PaxosState>;

interface AcceptorWatch {
  registry: ChosenRegistry;
  /** Per node, the accepted ballot last seen ("-" for none). */
  seen: string[];
}

function watch(): AcceptorWatch {
  return { registry: emptyRegistry(), seen: [] };
}

/** Feed the registry with what the last node accepted, if that changed. */
function observe(memory: AcceptorWatch, cluster: Cluster): string | null {
  const node = cluster.lastNode;
  const s = node < 0 ? null : cluster.states[node];
  if (s == null) return null;
  const key = formatBallot(s.accepted);
  if (memory.seen[node] === key) return null;
  memory.seen[node] = key;
  if (isNoBallot(s.accepted) || s.acceptedValue === null) return null;
  return recordAcceptance(
    memory.registry,
    0,
    s.accepted,
    s.acceptedValue,
    node,
    cluster.states.length,
  );
}

export const atMostOneChosen: Invariant<PaxosState, AcceptorWatch> = {
  id: 'at-most-one-chosen',
  description: 'Only a single value is chosen (a majority of acceptors accepted it in one ballot).',
  init: watch,
  check: observe,
};

interface ValidityMemory extends AcceptorWatch {
  /** Values clients proposed (read from the history). */
  proposed: Set<string>;
  historySeen: number;
  checked: boolean;
}

function ingestProposals(memory: ValidityMemory, history: readonly HistoryEvent[]): void {
  for (let i = memory.historySeen; i < history.length; i++) {
    const event = history[i]!;
    if (event.type === 'invoke' && event.f === PROPOSE && typeof event.value === 'string')
      memory.proposed.add(event.value);
  }
  memory.historySeen = history.length;
}

export const onlyProposedChosen: Invariant<PaxosState, ValidityMemory> = {
  id: 'only-proposed-chosen',
  description: 'Only a value that has been proposed (by a client) may be chosen.',
  init: () => ({ ...watch(), proposed: new Set(), historySeen: 0, checked: false }),
  check(memory, cluster) {
    ingestProposals(memory, cluster.history);
    observe(memory, cluster);
    if (memory.checked) return null;
    const chosen = chosenAt(memory.registry, 0);
    if (chosen === undefined) return null;
    memory.checked = true;
    return memory.proposed.has(chosen) ? null : `${chosen} was chosen but no client proposed it`;
  },
};

interface LearnMemory extends AcceptorWatch {
  /** Per node, whether its learned value was already checked. */
  learnedChecked: boolean[];
  historySeen: number;
}

export const learnOnlyChosen: Invariant<PaxosState, LearnMemory> = {
  id: 'learn-only-chosen',
  description:
    'A learner (and through it a client) never learns that a value has been chosen unless it actually has been.',
  init: () => ({ ...watch(), learnedChecked: [], historySeen: 0 }),
  check(memory, cluster) {
    observe(memory, cluster);
    const chosen = chosenAt(memory.registry, 0);
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s != null) {
      if (s.learned === null) memory.learnedChecked[node] = false;
      else if (!memory.learnedChecked[node]) {
        memory.learnedChecked[node] = true;
        if (s.learned !== chosen)
          return `n${node} learned ${s.learned} (ballot ${formatBallot(s.learnedBallot)}), but ${chosen === undefined ? 'nothing is chosen' : `${chosen} is chosen`}`;
      }
    }
    const history = cluster.history;
    for (let i = memory.historySeen; i < history.length; i++) {
      const event = history[i]!;
      if (event.type === 'ok' && event.f === PROPOSE && event.value !== chosen) {
        memory.historySeen = i + 1;
        return `client process ${event.process} was told ${String(event.value)} was chosen, but ${chosen ?? 'nothing'} is`;
      }
    }
    memory.historySeen = history.length;
    return null;
  },
};

interface PromiseWatch extends PromiseMemory {
  /** Per node, the accepted ballot last seen. */
  accepted: Ballot[];
}

export const promiseKept: Invariant<PaxosState, PromiseWatch> = {
  ...PROMISE_KEPT,
  init: () => ({ ...promiseMemory(), accepted: [] }),
  check(memory, cluster) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null) return null;
    const before = memory.accepted[node];
    const fresh =
      !isNoBallot(s.accepted) && (before === undefined || !sameBallot(before, s.accepted));
    memory.accepted[node] = s.accepted;
    return checkPromise(memory, node, fresh ? s.accepted : null, s.promised);
  },
};

export const paxosInvariants = [
  atMostOneChosen,
  onlyProposedChosen,
  learnOnlyChosen,
  promiseKept,
] as const;

// ---- Liveness -----------------------------------------------------------------------------------

/** Client ops invoked in [end - 3 s, end - 1 s] must have completed within 1 s. */
const OP_BOUND_MICROS = 1_000_000;
const OP_WINDOW_MICROS = 3_000_000;

/**
 * The "no value chosen within T" detector, T being the whole run: judged once at the end, after
 * the quiet phase, it reports when no node that is up has learned a value (dueling proposers
 * that keep preempting each other, for instance); otherwise client proposals must complete.
 */
export function paxosLiveness(cluster: Cluster, history: readonly HistoryEvent[]): string | null {
  let learners = 0;
  let highest = 0;
  let rounds = 0;
  for (const s of cluster.states) {
    if (s == null) continue;
    if (s.learned !== null) learners++;
    if (s.promised.round > highest) highest = s.promised.round;
    rounds += s.rounds;
  }
  if (learners === 0)
    return `no value chosen within ${cluster.now} µs (the whole run): ${rounds} rounds started, ballots up to round ${highest}`;
  return opsCompleteWithin(history, cluster.now, OP_WINDOW_MICROS, OP_BOUND_MICROS);
}
