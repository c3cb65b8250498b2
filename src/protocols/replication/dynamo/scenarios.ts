import type { NetworkConfig, Preset } from '../../../sim/types';
import { DEFAULT_LINK } from '../../../sim/scenario';
import { at, crash, heal, partition, restart } from '../common/faults';

/** A slower, wider network (5 to 60 ms): replicas lag long enough for stale reads to show. */
const WIDE_AREA: NetworkConfig = {
  default: { ...DEFAULT_LINK, latency: { kind: 'uniform', minMicros: 5_000, maxMicros: 60_000 } },
  links: [],
  clientLatencyMicros: 1_000,
};

export const dynamoPresets: readonly Preset[] = [
  {
    id: 'quorum-overlap',
    title: 'R + W > N: quorums overlap',
    description:
      'N = 3, R = 2, W = 2, strict quorums, on a slow network. Every read quorum meets every write quorum, so a read after an acknowledged write sees it (or a later version): the client that wrote reads its write (unless a retried write is applied twice, see the protocol notes). Still not linearizable: a read during a write in progress may see the new value and the next read the old one, and concurrent writes become siblings. Compare with R + W <= N.',
    scenario: {
      network: WIDE_AREA,
      params: { replicas: 3, readQuorum: 2, writeQuorum: 2, sloppy: false },
    },
  },
  {
    id: 'no-overlap',
    title: 'R + W <= N: stale reads',
    description:
      'N = 3, R = 1, W = 1 on the same slow network. A write is acknowledged once one replica has it and a read asks one replica: a read often reaches a replica the write has not reached yet and returns an older value, even after the write was acknowledged. The history is not linearizable; the checker points at the stale read.',
    scenario: {
      network: WIDE_AREA,
      params: { replicas: 3, readQuorum: 1, writeQuorum: 1, sloppy: false },
    },
  },
  {
    id: 'hinted-handoff',
    title: 'Sloppy quorum and hinted handoff',
    description:
      'n1 crashes at 2 s and restarts at 5 s. With a sloppy quorum, writes for keys whose replicas include n1 go to the next healthy node instead, which keeps a hint for n1 (the inspector lists hints). When n1 is back the hints are handed off to it and dropped.',
    scenario: { params: { sloppy: true }, faults: [at(2_000, crash(1)), at(5_000, restart(1))] },
  },
  {
    id: 'sibling-explosion',
    title: 'A partition makes siblings',
    description:
      'From 2 s to 5 s the cluster is split into {n0, n1} and {n2, n3, n4}. With sloppy quorums both sides keep accepting writes for every key, each side building versions the other does not know: their vector clocks are concurrent. After the heal, reads return siblings (arrays of values in the history), appends and cas fail until a put resolves them. The metrics chart the sibling count.',
    scenario: {
      params: { sloppy: true },
      faults: [at(2_000, partition([0, 1], [2, 3, 4])), at(5_000, heal)],
    },
  },
];
