import type { FaultAction, Preset, TimedFault, WorkloadConfig } from '../../sim/types';

const MS = 1_000;

/**
 * Client ops are local updates a replica applies and acknowledges at once. A client never
 * retries an op at another replica (the attempt timeout is the op timeout), as in Jepsen: an op
 * takes effect at most once, so the history bounds the converged value exactly. Ops stop 2 s
 * before the default 10 s run ends, so that the quiet phase ends with replicas that had time to
 * converge.
 */
export const CRDT_WORKLOAD: WorkloadConfig = Object.freeze({
  clients: 5,
  mode: 'closed',
  thinkMicros: 100 * MS,
  ratePerSec: 0,
  attemptTimeoutMicros: 1_000 * MS,
  opTimeoutMicros: 1_000 * MS,
  stopMicros: 8_000 * MS,
  mix: Object.freeze({}),
});

function at(ms: number, action: FaultAction): TimedFault {
  return { at: ms * MS, action };
}

function workload(changes: Partial<WorkloadConfig>): WorkloadConfig {
  return { ...CRDT_WORKLOAD, ...changes };
}

/** n0 and n1 apart from n2, n3 and n4 between `fromMs` and `toMs`. */
function split(fromMs: number, toMs: number): TimedFault[] {
  return [
    at(fromMs, {
      kind: 'partition',
      groups: [
        [0, 1],
        [2, 3, 4],
      ],
    }),
    at(toMs, { kind: 'heal' }),
  ];
}

/**
 * A 6 s run split from 1 s to 4 s (n0 and n1 apart, or the groups given) whose clients stop at
 * the heal, so that what follows is pure convergence.
 */
function splitThenQuiet(
  changes: Partial<WorkloadConfig> = {},
  faults: TimedFault[] = split(1_000, 4_000),
): Preset['scenario'] {
  return {
    durationMicros: 6_000 * MS,
    workload: workload({ stopMicros: 4_000 * MS, ...changes }),
    faults,
  };
}

const steady: Preset = {
  id: 'steady',
  title: 'Steady gossip',
  description:
    'Five replicas on a healthy network. Clients update any replica, which applies the update at once; gossip carries it to the others within a few rounds. The divergence chart stays near zero.',
  scenario: {},
};

/**
 * Partition then heal, with updates on both sides. Clients stop at the heal, so what follows is
 * pure convergence: the replicas differ while the partition lasts and agree a few gossip rounds
 * after it heals.
 */
function partitionHeal(what: string): Preset {
  return {
    id: 'partition-heal',
    title: 'Partition, then heal',
    description: `From 1 s to 4 s, n0 and n1 are cut off from n2, n3 and n4, while clients keep ${what} on both sides: the two sides diverge. Clients stop at the heal (4 s); gossip then brings every replica to the same state within a few rounds, with no coordination and nothing lost.`,
    scenario: splitThenQuiet(),
  };
}

/** 50 replicas gossiping with a fanout of 3: epidemic spread in a handful of rounds. */
const gossip50: Preset = {
  id: 'gossip-50',
  title: '50-node gossip',
  description:
    'Fifty replicas, 25 clients, each replica gossiping deltas to 3 random peers every 100 ms. An update reaches everyone in a few rounds (epidemic spread grows like the logarithm of the cluster size); watch the divergence chart fall to zero after the clients stop at 8 s.',
  scenario: {
    nodes: 50,
    params: { fanout: 3 },
    workload: workload({ clients: 25, thinkMicros: 200 * MS }),
  },
};

/** The same scenario for the OR-Set and the 2P-Set, to compare them. */
const addRemove: Preset = {
  id: 'add-remove',
  title: 'Concurrent add and remove (OR-Set versus 2P-Set)',
  description:
    'Clients add and remove elements 0..7 on both sides of a partition (1 s to 4 s), so the same element is often removed on one side and added again on the other. After the heal, the OR-Set keeps such an element (a remove cancels only the adds it saw: add wins); the 2P-Set never shows an element again once any replica removed it. Run this preset on both to compare their final sets.',
  scenario: splitThenQuiet({ mix: { add: 3, remove: 3, read: 1 } }),
};

/** n0's clock jumps ahead, then n0 is alone for two seconds. */
const clockSkew: Preset = {
  id: 'clock-skew',
  title: 'Clock skew decides who wins',
  description:
    'At 0.5 s n0’s clock jumps 2 s ahead; from 1 s to 3 s n0 is cut off from the others. Writes are stamped with each replica’s own clock, so n0’s writes beat every write the others make until their clocks pass n0’s stamps: after the heal the replicas agree on n0’s value, even where a later write (in real time) was acknowledged elsewhere. Consistent, and yet a lost update.',
  scenario: {
    durationMicros: 6_000 * MS,
    workload: workload({ stopMicros: 3_000 * MS }),
    faults: [
      at(500, { kind: 'clockJump', node: 0, deltaMicros: 2_000 * MS }),
      at(1_000, { kind: 'partition', groups: [[0], [1, 2, 3, 4]] }),
      at(3_000, { kind: 'heal' }),
    ],
  },
};

const siblings: Preset = {
  id: 'siblings',
  title: 'Concurrent writes become siblings',
  description:
    'From 1 s to 4 s the cluster is split in two and both sides write. Clients stop at the heal, so the last writes of each side are concurrent: after the heal every replica holds both values as siblings, with version vectors neither of which dominates. A later write, having seen both, would replace them.',
  scenario: splitThenQuiet(),
};

const textPartition: Preset = {
  id: 'text-partition',
  title: 'Collaborative text under a partition',
  description:
    'Three writers (a, b and c, at n0, n1 and n2) type and delete in one text. From 1 s to 4 s n0 is cut off: its text and the others’ drift apart. After the heal each replica merges the other side’s characters, each at its place after the character it was typed after, and all five show the same text; deleted characters stay as tombstones (see the inspector).',
  scenario: splitThenQuiet({ clients: 3, thinkMicros: 150 * MS }, [
    at(1_000, { kind: 'partition', groups: [[0], [1, 2, 3, 4]] }),
    at(4_000, { kind: 'heal' }),
  ]),
};

export const CRDT_PRESETS = {
  gcounter: [steady, partitionHeal('incrementing'), gossip50],
  pncounter: [steady, partitionHeal('incrementing and decrementing'), gossip50],
  gset: [steady, partitionHeal('adding elements'), gossip50],
  twophaseset: [steady, addRemove, partitionHeal('adding and removing'), gossip50],
  orset: [steady, addRemove, partitionHeal('adding and removing'), gossip50],
  lwwregister: [steady, clockSkew, partitionHeal('writing'), gossip50],
  mvregister: [steady, siblings, gossip50],
  lwwmap: [steady, clockSkew, partitionHeal('putting and deleting keys'), gossip50],
  rga: [steady, textPartition, partitionHeal('typing'), gossip50],
} as const satisfies Record<string, readonly Preset[]>;
