import type { Preset } from '../../../sim/types';
import { at, heal, partition } from '../common/faults';

export const mmPresets: readonly Preset[] = [
  {
    id: 'normal',
    title: 'Update anywhere, last writer wins',
    description:
      'Every node takes writes and answers at once, then sends the value to the others. Concurrent writes to one key are settled by their stamps (writer’s clock, then node id): all replicas keep the same winner, the other writes are lost. Writes stop at 8 s and the replicas converge.',
    scenario: { params: { resolve: 'lww' } },
  },
  {
    id: 'lww-clock-skew',
    title: 'Last-writer-wins with a clock behind: lost updates',
    description:
      'At 1 s the clock of n1 jumps 2 s back. Every value n1 writes is stamped older than what the others wrote in the last 2 s, so it loses everywhere, on n1 itself first: n1 acknowledges writes that never show, and a client of n1 does not read what it just wrote (read-your-writes broken, the history not linearizable). Switch resolve to vclock: concurrent writes are kept as siblings instead of being dropped by a clock.',
    scenario: {
      params: { resolve: 'lww' },
      faults: [at(1_000, { kind: 'clockJump', node: 1, deltaMicros: -2_000_000 })],
    },
  },
  {
    id: 'partition-siblings',
    title: 'Vector clocks keep both sides of a partition',
    description:
      'From 2 s to 5 s {n0, n1} and {n2, n3, n4} are apart and both take writes. With vector clocks each side’s versions are concurrent with the other’s: after the heal every replica holds them as siblings (a read returns them all), until a put resolves them. With last-writer-wins one side’s writes would silently vanish.',
    scenario: {
      params: { resolve: 'vclock' },
      faults: [at(2_000, partition([0, 1], [2, 3, 4])), at(5_000, heal)],
    },
  },
];
