import type { NetworkConfig, NodeId, Preset, WorkloadConfig } from '../../sim/types';
import { HEAL, MS, at, cut, fixedLink, isolate } from './faults';

/** Every link `latencyMs`, except the listed pairs (both ways) at their own latency. */
function network(latencyMs: number, close: [NodeId, NodeId, number][] = []): NetworkConfig {
  const links = close.flatMap(([a, b, ms]) => [
    { from: a, to: b, policy: fixedLink(ms) },
    { from: b, to: a, policy: fixedLink(ms) },
  ]);
  return { default: fixedLink(latencyMs), links, clientLatencyMicros: MS };
}

/**
 * Two clients that start within the first millisecond: client 0 asks n0, client 1 asks n1, so
 * both proposers have a value to propose at once.
 */
const TWO_CLIENTS_AT_ONCE: WorkloadConfig = {
  clients: 2,
  mode: 'closed',
  thinkMicros: MS,
  ratePerSec: 0,
  attemptTimeoutMicros: 500 * MS,
  opTimeoutMicros: 3_000 * MS,
  stopMicros: null,
  mix: {},
};

/**
 * The dueling network: n0 and n1 (the two proposers) are 1 ms apart and 10 ms from everyone
 * else. Each hears from the other's acceptor that a higher ballot exists long before its own
 * round could reach the far acceptors, so without backoff they keep preempting each other.
 * (On the default network, 2 to 8 ms everywhere, the same duel ends within a round or two.)
 */
const DUEL_NETWORK = network(10, [[0, 1, 1]]);

const dueling: Preset = {
  id: 'dueling',
  title: 'Dueling proposers (livelock)',
  description:
    'n0 and n1 both get a client value at once; they sit 1 ms apart, 10 ms from the other acceptors. Without backoff and without a distinguished proposer, each Nack makes a proposer start over at once with a higher ballot, which makes the other one start over: ballots climb by the hundred and no value is ever chosen. The liveness check reports "no value chosen". Paxos stays safe, it just never decides (Paxos Made Simple, 2.4).',
  scenario: {
    params: { proposers: 2, backoff: false, distinguishedProposer: false },
    network: DUEL_NETWORK,
    workload: TWO_CLIENTS_AT_ONCE,
  },
};

const duelingBackoff: Preset = {
  id: 'dueling-backoff',
  title: 'Dueling proposers, cured by randomized backoff',
  description:
    'The same duel with randomized backoff: a preempted proposer waits a random time (in a window that doubles, up to the retry timeout) before its next round, so soon one of them finishes both phases while the other waits. A value is chosen within a few rounds.',
  scenario: { ...dueling.scenario, params: { proposers: 2, backoff: true } },
};

const duelingDistinguished: Preset = {
  id: 'dueling-distinguished',
  title: 'Dueling proposers, cured by a distinguished proposer',
  description:
    'The same duel without backoff, but with a distinguished proposer: n1 stands back (and sends its client to n0) while it hears n0 proposing, so only n0 runs rounds and its first round chooses a value.',
  scenario: {
    ...dueling.scenario,
    params: { proposers: 2, backoff: false, distinguishedProposer: true },
  },
};

const crashInPhase2: Preset = {
  id: 'proposer-crash-phase2',
  title: 'Proposer crash in the middle of phase 2 (rule P2c)',
  description:
    'n0 is the distinguished proposer. Its accept requests reach n2 and n3 only (its links to n1 and n4 are cut at 15 ms), and it crashes at 25 ms: c0#1 is chosen (n0, n2 and n3 accepted it) but neither proposer knows. Once n0 has been silent for three retry timeouts, n1 proposes for its client. Any majority of promises includes n2 or n3, which report c0#1, so by P2c n1 proposes c0#1, not its own value. Switch on ignore-accepted: n1 proposes c1#2 and a second value is chosen.',
  scenario: {
    params: { proposers: 2, backoff: true, distinguishedProposer: true },
    network: network(10),
    workload: TWO_CLIENTS_AT_ONCE,
    faults: [
      at(15, cut(0, 1)),
      at(15, cut(0, 4)),
      at(25, { kind: 'crash', node: 0 }),
      at(100, HEAL),
      at(2_000, { kind: 'restart', node: 0 }),
    ],
  },
};

const partitionedProposer: Preset = {
  id: 'proposer-partition',
  title: 'The distinguished proposer cut off in a minority',
  description:
    'n0, the distinguished proposer, is cut off alone at 15 ms, before any promise reaches it. Alone it cannot gather a majority: it retries with higher and higher ballots that reach nobody. n1 stops hearing it, takes over for its client in the majority, and c1 is chosen there. When the partition heals at 3 s, n0’s next round learns from the promises that c1 was accepted and proposes c1: its own value is never chosen, and every client is told c1.',
  scenario: {
    params: { proposers: 2, backoff: true, distinguishedProposer: true },
    network: network(10),
    workload: TWO_CLIENTS_AT_ONCE,
    faults: [at(15, isolate([0])), at(3_000, HEAL)],
  },
};

/**
 * n0's prepare reaches n2 after 5 ms, n1's after 10 ms; n2 promises both, then crashes and
 * restarts before n0's accept request arrives (at 26 ms). n0 cannot reach n4 and n1 cannot
 * reach n0 or n3, so n0's majority is {n0, n2, n3} and n1's is {n1, n2, n4}: they meet in n2
 * only, and only n2's promise to n1 stops n0's proposal.
 */
const forgottenPromise: Preset = {
  id: 'forgotten-promise',
  title: 'An acceptor restarts between two proposals',
  description:
    'n0 and n1 propose at once with ballots 1.0 and 1.1. n2 is the one acceptor both majorities share: it promises 1.0, then 1.1, then crashes at 13 ms and restarts at 15 ms. n0’s accept request for 1.0 reaches it at 26 ms. Correct Paxos: n2 remembers its promise of 1.1 and sends a Nack, so only n1’s value is chosen. With volatile-promise, n2 forgot the promise and accepts 1.0: c0 is chosen by n0, n2, n3 and c1 by n1, n2, n4.',
  scenario: {
    params: { proposers: 2, backoff: true, distinguishedProposer: false },
    network: network(10, [[0, 2, 5]]),
    workload: TWO_CLIENTS_AT_ONCE,
    faults: [
      at(0, cut(0, 4)),
      at(0, cut(1, 0)),
      at(0, cut(1, 3)),
      at(13, { kind: 'crash', node: 2 }),
      at(15, { kind: 'restart', node: 2 }),
      at(200, HEAL),
    ],
  },
};

export const paxosPresets: readonly Preset[] = [
  {
    id: 'normal',
    title: 'Normal operation',
    description:
      'Five nodes, two proposers (n0, n1), three clients on a healthy network. The first proposer given a value prepares ballot 1, gets a majority of promises, and its accept request is accepted by a majority: that value is chosen, every learner learns it, and every later proposal is answered with it.',
    scenario: {},
  },
  dueling,
  duelingBackoff,
  duelingDistinguished,
  crashInPhase2,
  partitionedProposer,
  forgottenPromise,
];
