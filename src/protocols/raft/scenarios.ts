import type { FaultAction, NodeId, Preset, TimedFault } from '../../sim/types';

const MS = 1_000;

/** A fault at `ms` milliseconds. */
function at(ms: number, action: FaultAction): TimedFault {
  return { at: ms * MS, action };
}
const crash = (node: NodeId): FaultAction => ({ kind: 'crash', node });
const restart = (node: NodeId): FaultAction => ({ kind: 'restart', node });
const cut = (from: NodeId, to: NodeId): FaultAction => ({ kind: 'cut', from, to });

/** A network with one constant latency, so a scripted sequence happens at known times. */
function constantNetwork(latencyMs: number) {
  return {
    default: {
      latency: { kind: 'constant', micros: latencyMs * MS },
      lossPpm: 0,
      duplicatePpm: 0,
      reorder: false,
    },
    links: [],
    clientLatencyMicros: MS,
  } as const;
}

/**
 * Figure 8 of the Raft paper, scripted. Election timeouts are fixed (min = max) and latency is
 * constant, so the run does not depend on the seed; there is no client, so every entry is a
 * leader's no-op, and at most one entry travels per AppendEntries.
 *
 * (a) n0 leads term 1; its entry (1,1) reaches n1 only (n0 -> n4 is cut after n4's vote); both crash.
 * (b) n4 leads term 2 with votes from n2 and n3; its entry (1,2) reaches nobody; it crashes.
 * (c) n0 restarts and leads term 5 with n2 and n3. It copies (1,1) to them: now on a majority.
 *     With the figure8 bug it commits index 1 right there, by counting replicas; correct Raft
 *     waits for its term-5 entry, which n0 crashes before sending (1.365 s).
 * (d) n4 restarts; its last term (2) beats n2's and n3's (1), so it wins term 7 and overwrites
 *     index 1 with (1,2). With the bug that erases a committed entry: Leader Completeness and
 *     State Machine Safety fail. Without it nothing was committed and nothing fails.
 */
const figure8: Preset = {
  id: 'figure8',
  title: 'Figure 8: why old-term entries are not committed by counting',
  description:
    'The Raft paper’s Figure 8, scripted with crashes and cuts. A leader copies an entry of an earlier term to a majority, then crashes; a node holding a different entry of a later term wins the next election and overwrites it. Correct Raft never committed that entry. Switch on the figure8 variant: the leader commits it by counting replicas, and the overwrite breaks Leader Completeness and State Machine Safety.',
  scenario: {
    params: {
      electionTimeoutMicrosMin: 300 * MS,
      electionTimeoutMicrosMax: 300 * MS,
      heartbeatIntervalMicros: 50 * MS,
      maxEntriesPerAppend: 1,
    },
    network: constantNetwork(10),
    workload: null,
    durationMicros: 4_000 * MS,
    faults: [
      // (a) n0 times out first (300 ms); n1 and n4 restart at 50 ms, n2 and n3 stay down.
      at(0, crash(1)),
      at(0, crash(2)),
      at(0, crash(3)),
      at(0, crash(4)),
      at(50, restart(1)),
      at(50, restart(4)),
      at(315, cut(0, 4)),
      at(345, crash(0)),
      at(345, crash(1)),
      // (b) n4 times out at 610 ms and wins term 2 with n2 and n3; its entry never leaves it.
      at(400, restart(2)),
      at(400, restart(3)),
      at(635, cut(4, 2)),
      at(635, cut(4, 3)),
      at(650, crash(4)),
      // (c) n0 wins term 5 at 1.32 s, copies (1,1) to n2 and n3 by 1.36 s, then dies.
      at(1_000, restart(0)),
      at(1_365, cut(0, 2)),
      at(1_365, cut(0, 3)),
      at(1_365, crash(0)),
      // (d) n4 comes back and wins term 7; n0 and n1 return to be repaired.
      at(1_400, { kind: 'heal' }),
      at(1_500, restart(4)),
      at(2_500, restart(0)),
      at(2_500, restart(1)),
    ],
  },
};

/**
 * n1..n4 boot 200 ms after n0 (a crash and restart of a node that has done nothing yet), so n0
 * times out first and is elected in term 1 whatever the seed: its RequestVote is retried until
 * they are up, and their own timers cannot fire before 350 ms.
 */
function n0LeadsFirst(): TimedFault[] {
  const faults: TimedFault[] = [];
  for (const node of [1, 2, 3, 4]) faults.push(at(0, crash(node)));
  for (const node of [1, 2, 3, 4]) faults.push(at(200, restart(node)));
  return faults;
}

/** n4 is cut off from everyone for a second, three times. */
function flapping(): TimedFault[] {
  const faults = n0LeadsFirst();
  for (const start of [1_000, 3_000, 5_000]) {
    faults.push(at(start, { kind: 'partition', groups: [[4], [0, 1, 2, 3]] }));
    faults.push(at(start + 1_000, { kind: 'heal' }));
  }
  return faults;
}

/** Remove a server and add it back, each in turn, every 400 ms for 6 s. */
function churn(): TimedFault[] {
  const faults: TimedFault[] = [];
  for (let k = 0; k < 15; k++) {
    const node = k % 5;
    faults.push(at(400 * k, { kind: 'command', command: 'remove-server', node }));
    faults.push(at(400 * k + 200, { kind: 'command', command: 'add-server', node }));
  }
  return faults;
}

export const raftPresets: readonly Preset[] = [
  {
    id: 'normal',
    title: 'Normal replication',
    description:
      'Five nodes on a healthy network: one election, then a steady stream of client commands (get, put, append, cas) replicated to every node, committed by a majority and applied in log order.',
    scenario: {},
  },
  {
    id: 'leader-crash',
    title: 'Leader crash and re-election',
    description:
      'n0 is elected first (the others boot 0.2 s later). It crashes at 2 s: the followers stop hearing heartbeats, one times out, wins a new term and carries on with the log. n0 restarts at 4 s as a follower and catches up.',
    scenario: {
      faults: [...n0LeadsFirst(), at(2_000, crash(0)), at(4_000, restart(0))],
    },
  },
  {
    id: 'split-vote',
    title: 'Split vote',
    description:
      'All election timeouts fall between 150 and 155 ms, so every node times out at nearly the same moment and votes for itself: no one gets a majority. The randomized timeouts of the next rounds break the tie within a few terms (term 5 on seed 1).',
    scenario: {
      params: { electionTimeoutMicrosMin: 150 * MS, electionTimeoutMicrosMax: 155 * MS },
    },
  },
  figure8,
  {
    id: 'stranded-leader',
    title: 'A leader stranded in a minority',
    description:
      'At 2 s n0 (the leader) and n1 are cut off from the other three. Clients still talking to n0 get no answer: n0 cannot commit. The majority elects a new leader in a higher term and goes on. With check-quorum n0 notices within an election timeout that it no longer hears from a majority and steps down. Its clients then find the new leader. The partition heals at 5 s: n0 and n1, whose terms rose while they campaigned alone, force one more election (pre-vote would spare it). Switch check-quorum off to see n0 believe it leads, and its clients wait, until the heal.',
    scenario: {
      params: { checkQuorum: true },
      faults: [
        ...n0LeadsFirst(),
        at(2_000, {
          kind: 'partition',
          groups: [
            [0, 1],
            [2, 3, 4],
          ],
        }),
        at(5_000, { kind: 'heal' }),
      ],
    },
  },
  {
    id: 'partition-heal',
    title: 'Partition heal with log repair',
    description:
      'n0 leads; at 1.5 s it is cut off alone. It still appends the commands of clients that reach it, which it can never commit, while n1..n4 elect a new leader and commit other commands at the same indices. When the partition heals at 4.5 s, n0 takes the higher term, and its conflicting entries are found with the conflict-term hints of AppendEntriesResponse and overwritten.',
    scenario: {
      params: { maxEntriesPerAppend: 16 },
      faults: [
        ...n0LeadsFirst(),
        at(1_500, { kind: 'partition', groups: [[0], [1, 2, 3, 4]] }),
        at(4_500, { kind: 'heal' }),
      ],
    },
  },
  {
    id: 'flapping',
    title: 'A flapping node, without pre-vote',
    description:
      'n4 loses its links for a second, three times. Alone, it times out again and again and raises its term; each time it comes back its higher term forces the leader to step down and the cluster holds a needless election.',
    scenario: { params: { preVote: false }, faults: flapping() },
  },
  {
    id: 'flapping-prevote',
    title: 'A flapping node, with pre-vote',
    description:
      'The same flapping n4, with pre-vote on: alone, it asks for pre-votes, gets none, and never raises its term, so when it comes back it simply follows the leader. No election, no disruption.',
    scenario: { params: { preVote: true }, faults: flapping() },
  },
  {
    id: 'add-servers',
    title: 'Adding servers (membership change)',
    description:
      'n0, n1 and n2 form the cluster; n3 and n4 start outside it and do not campaign. At 1.5 s the operator asks to add both: the leader appends a configuration with n3, waits until it commits, then appends the one with n4 (one change at a time, thesis 4.1). The new servers catch up through ordinary AppendEntries. At 4 s n1 and n2 crash: with five members, n0, n3 and n4 are still a majority, so the cluster keeps committing.',
    scenario: {
      params: { spareNodes: 2 },
      faults: [
        ...n0LeadsFirst(),
        at(1_500, { kind: 'command', command: 'add-server', node: 3 }),
        at(1_500, { kind: 'command', command: 'add-server', node: 4 }),
        at(4_000, crash(1)),
        at(4_000, crash(2)),
      ],
    },
  },
  {
    id: 'remove-leader',
    title: 'The leader removes itself',
    description:
      'n0 leads a cluster of five. At 2 s the operator removes n0: it appends the configuration without itself and keeps leading while it commits, counting only n1..n4 (thesis 4.2.2). Once that entry is committed n0 steps down and stays out; n1..n4 elect a new leader among themselves.',
    scenario: {
      faults: [
        ...n0LeadsFirst(),
        at(2_000, { kind: 'command', command: 'remove-server', node: 0 }),
      ],
    },
  },
  {
    id: 'membership-churn',
    title: 'Membership churn under faults',
    description:
      'For 6 s the operator removes a server and adds it back every 400 ms, in turn, while the nemesis partitions, crashes and delays at random. Requests that reach no leader are lost, as they would be. Every safety property must hold throughout, and the cluster must serve clients once the faults stop.',
    scenario: {
      nemesis: {
        safetyMicros: 6_000 * MS,
        intervalMicros: 200 * MS,
        kinds: ['partition', 'crash', 'loss'],
      },
      faults: churn(),
    },
  },
  {
    id: 'crash-storm',
    title: 'Crash storm',
    description:
      'For 6 s a node crashes every few milliseconds and restarts soon after (never more than two down at once), while election timeouts are nearly equal. Correct Raft stays safe. With the volatile-vote variant, a node that voted, crashed and came back votes again in the same term: on some seeds (try 44 or 76) two leaders win one term.',
    scenario: {
      params: { electionTimeoutMicrosMin: 150 * MS, electionTimeoutMicrosMax: 160 * MS },
      nemesis: { safetyMicros: 6_000 * MS, intervalMicros: 10 * MS, kinds: ['crash'] },
    },
  },
  {
    id: 'partition-storm',
    title: 'Partition storm',
    description:
      'For 6 s the network splits into new random halves every few milliseconds; leaders are elected and stranded over and over, and logs diverge. At most one entry travels per AppendEntries. Correct Raft stays safe. With the figure8 variant, a leader that copies an old-term entry to a majority commits it, and a later leader overwrites it: Leader Completeness fails on some seeds (try 15).',
    scenario: {
      params: {
        electionTimeoutMicrosMin: 150 * MS,
        electionTimeoutMicrosMax: 160 * MS,
        maxEntriesPerAppend: 1,
      },
      nemesis: { safetyMicros: 6_000 * MS, intervalMicros: 15 * MS, kinds: ['partition'] },
    },
  },
];
