import type { NodeId, Preset, TimedFault } from '../../sim/types';
import { HEAL, MS, at, cut, fixedLink, isolate } from '../paxos/faults';

/**
 * n0 boots alone and the others 200 ms later (a crash and restart before they did anything), so
 * n0's election timer fires first and it leads ballot 1.0 whatever the seed.
 */
function n0Leads(nodes: readonly NodeId[] = [1, 2, 3, 4]): TimedFault[] {
  return [
    ...nodes.map((node) => at(0, { kind: 'crash', node })),
    ...nodes.map((node) => at(200, { kind: 'restart', node })),
  ];
}

const leaderCrashInPhase2: Preset = {
  id: 'leader-crash-phase2',
  title: 'Leader crash in the middle of phase 2',
  description:
    'n0 leads. At 2 s its links to n3 and n4 are cut: its accept requests still reach n1 and n2, so slots are still chosen (n0, n1, n2 are a majority), but n3 and n4 no longer learn them. At 2.1 s n0 crashes with accept requests in flight. Whoever wins the next election learns, from the promises of a majority, every proposal n1 or n2 accepted, re-proposes each in its own ballot, fills the gaps with no-ops, and only then serves clients: nothing chosen is lost. With skip-recovery the new leader ignores the promises and writes new commands over chosen slots.',
  scenario: {
    faults: [
      ...n0Leads(),
      at(2_000, cut(0, 3)),
      at(2_000, cut(0, 4)),
      at(2_100, { kind: 'crash', node: 0 }),
      at(2_200, HEAL),
      at(4_000, { kind: 'restart', node: 0 }),
    ],
  },
};

const leaderPartition: Preset = {
  id: 'leader-partition',
  title: 'The leader partitioned into a minority',
  description:
    'n0 leads; at 2 s n0 and n1 are cut off from n2, n3 and n4. n0 still believes it leads, but its accept requests reach only a minority: no slot is chosen and its clients wait. The majority side times out, runs phase 1 with a higher ballot and carries on. When the partition heals at 5 s, n0’s next heartbeat or accept request is answered with a Nack naming the higher ballot: n0 steps down and its waiting clients go to the new leader.',
  scenario: {
    faults: [...n0Leads(), at(2_000, isolate([0, 1])), at(5_000, HEAL)],
  },
};

const minorityCommit: Preset = {
  id: 'minority-commit',
  title: 'A leader that commits on a minority',
  description:
    'n0 leads, and at 2 s it is cut off with n1 alone until 4 s. Correct Multi-Paxos: n0 chooses nothing more, the majority elects a new leader, and nothing diverges. Switch on minority-commit: n0 counts its own acceptance and one more as enough. Slot agreement fails at the first slot it learns before a majority accepted it; during the partition it tells clients their commands are done, the majority fills those very slots with other commands, and state machine safety and the linearizability of the client history break.',
  scenario: {
    faults: [...n0Leads(), at(2_000, isolate([0, 1])), at(4_000, HEAL)],
  },
};

/**
 * n0 leads ballot 1.0. At 2 s n3 and n4 stop hearing it and n0 and n1 stop hearing them; n2 hears
 * everyone, but n0's messages take 50 to 250 ms to reach it (out of order) and n4's 80 ms. With fixed election
 * timeouts n3 and n4 both run phase 1 between 2.26 and 2.31 s; n4 wins with the promises of n3
 * and n2. n2 crashes at 2.39 s, after promising, and is back 2 ms later, before n4's first
 * accept request reaches it; n0's accept requests are still on their way to it.
 */
const forgottenPromise: Preset = {
  id: 'forgotten-promise',
  title: 'An acceptor restarts between two leaders',
  description:
    'n0 leads; at 2 s n3 and n4 lose it and elect n4 in a higher ballot with the promises of n3 and n2, the only acceptor both sides share (n0’s messages reach n2 50 to 250 ms late, out of order). n2 crashes right after promising and restarts at once, while n0’s accept requests are still in flight to it. Correct Multi-Paxos: n2 remembers its promise and Nacks them. With volatile-promise, n2 has forgotten and accepts them: n0, n1 and n2 choose n0’s commands in slots that n4, which never heard of them, fills with other commands. Two commands are chosen in one slot.',
  scenario: {
    params: { electionTimeoutMicrosMin: 300 * MS, electionTimeoutMicrosMax: 300 * MS },
    network: {
      default: fixedLink(5),
      links: [
        {
          from: 0,
          to: 2,
          policy: {
            latency: { kind: 'uniform', minMicros: 50 * MS, maxMicros: 250 * MS },
            lossPpm: 0,
            duplicatePpm: 0,
            reorder: true,
          },
        },
        { from: 4, to: 2, policy: fixedLink(80) },
      ],
      clientLatencyMicros: MS,
    },
    faults: [
      ...n0Leads(),
      ...[cut(0, 3), cut(0, 4), cut(3, 0), cut(4, 0), cut(3, 1), cut(4, 1)].map((c) =>
        at(2_000, c),
      ),
      at(2_390, { kind: 'crash', node: 2 }),
      at(2_392, { kind: 'restart', node: 2 }),
      at(3_500, HEAL),
    ],
  },
};

export const multiPaxosPresets: readonly Preset[] = [
  {
    id: 'normal',
    title: 'Normal operation',
    description:
      'Five nodes on a healthy network. The first node to time out runs phase 1 once, for every slot, and leads; then each client command (get, put, append, cas) takes one round of phase 2 in the next free slot and is applied by every replica in slot order. Followers send clients to the leader.',
    scenario: {},
  },
  leaderCrashInPhase2,
  leaderPartition,
  minorityCommit,
  forgottenPromise,
];
