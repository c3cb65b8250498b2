import type { Preset } from '../../sim/types';

export const broadcastPresets: readonly Preset[] = [
  {
    id: 'steady',
    title: 'Steady gossip',
    description:
      'Five nodes on a healthy network: every broadcast value reaches every node within a few gossip rounds.',
    scenario: {},
  },
  {
    id: 'partition-heal',
    title: 'Partition, then heal',
    description:
      'Nodes n0 and n1 are cut off from the rest for three seconds. Values broadcast on either side stay there until the partition heals; retries then carry them across.',
    scenario: {
      faults: [
        {
          at: 1_000_000,
          action: {
            kind: 'partition',
            groups: [
              [0, 1],
              [2, 3, 4],
            ],
          },
        },
        { at: 4_000_000, action: { kind: 'heal' } },
      ],
    },
  },
  {
    id: 'lossy',
    title: 'A lossy network',
    description:
      'Every link loses 30% of messages. Gossip retries until each value is acknowledged, so nothing is lost for good.',
    scenario: {
      faults: [
        { at: 0, action: { kind: 'loss', ppm: 300_000 } },
        { at: 7_000_000, action: { kind: 'loss', ppm: 0 } },
      ],
    },
  },
  {
    id: 'amnesia',
    title: 'A node loses its disk',
    description:
      'Node n2 restarts with an empty disk at 3 s; it asks its neighbours for everything and catches up.',
    scenario: { faults: [{ at: 3_000_000, action: { kind: 'amnesia', node: 2 } }] },
  },
];
