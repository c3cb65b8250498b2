import { assert } from './assert';
import type { Stream } from './rng';
import type { LatencyDist, LinkPolicy, Micros, NetworkConfig, NodeId } from './types';

/** Why a message did not arrive: the `extra` field of a drop record. */
export const DROP_REASON = {
  loss: 1,
  partitioned: 2,
  cutInFlight: 3,
  crashed: 4,
} as const;
export const DROP_REASON_NAMES: readonly string[] = [
  '',
  'loss',
  'partitioned',
  'cut-in-flight',
  'crashed',
];

export interface NetworkSnapshot {
  readonly group: Int32Array;
  readonly cut: Uint8Array;
  readonly policies: readonly LinkPolicy[];
  readonly lastArrival: Float64Array;
}

/** Draw one latency, with + - * / on integers only. */
export function sampleLatency(dist: LatencyDist, rng: Stream): Micros {
  switch (dist.kind) {
    case 'constant':
      return dist.micros;
    case 'uniform':
      return rng.range(dist.minMicros, dist.maxMicros);
    case 'normal': {
      // Irwin-Hall: the sum of four uniforms on [0, 2*spread] is bell-shaped around 4*spread.
      let sum = 0;
      for (let i = 0; i < 4; i++) sum += rng.range(0, 2 * dist.spreadMicros);
      return Math.max(0, dist.meanMicros + sum / 2 - 2 * dist.spreadMicros) | 0;
    }
    case 'longtail': {
      // Pareto with shape 1: min / u for u uniform in (0, 1], in 1/65536 steps, capped.
      const u = rng.range(1, 65_536);
      return Math.min(dist.maxMicros, Math.floor((dist.minMicros * 65_536) / u));
    }
  }
}

/**
 * Links between nodes: a policy per directed link, partitions as groups, one-way cuts, and the
 * latest arrival time per link for FIFO delivery. Links are indexed from * nodes + to.
 */
export class Network {
  /** Partition group of each node; nodes in different groups cannot talk. */
  group: Int32Array;
  /** 1 where the directed link from -> to is cut. */
  cut: Uint8Array;
  policies: LinkPolicy[];
  lastArrival: Float64Array;

  constructor(
    readonly nodes: number,
    private readonly config: NetworkConfig,
  ) {
    this.group = new Int32Array(nodes);
    this.cut = new Uint8Array(nodes * nodes);
    this.policies = new Array<LinkPolicy>(nodes * nodes).fill(config.default);
    for (const link of config.links) this.policies[link.from * nodes + link.to] = link.policy;
    this.lastArrival = new Float64Array(nodes * nodes);
  }

  blocked(from: NodeId, to: NodeId): boolean {
    return this.group[from] !== this.group[to] || this.cut[from * this.nodes + to] === 1;
  }

  /** When a message sent now on from -> to arrives, honouring FIFO links. */
  arrival(from: NodeId, to: NodeId, now: Micros, rng: Stream): Micros {
    const link = from * this.nodes + to;
    const policy = this.policies[link]!;
    const at = now + sampleLatency(policy.latency, rng);
    if (policy.reorder) return at;
    const fifoAt = Math.max(at, this.lastArrival[link]!);
    this.lastArrival[link] = fifoAt;
    return fifoAt;
  }

  policy(from: NodeId, to: NodeId): LinkPolicy {
    return this.policies[from * this.nodes + to]!;
  }

  partition(groups: readonly (readonly NodeId[])[]): void {
    // Nodes named in no group stay together in group 0.
    this.group.fill(0);
    groups.forEach((members, index) => {
      for (const node of members) {
        assert(node >= 0 && node < this.nodes, 'partition names an unknown node', node);
        this.group[node] = index + 1;
      }
    });
  }

  heal(): void {
    this.group.fill(0);
    this.cut.fill(0);
  }

  setCut(from: NodeId, to: NodeId, isCut: boolean): void {
    assert(from !== to, 'a node cannot cut its link to itself');
    this.cut[from * this.nodes + to] = isCut ? 1 : 0;
  }

  /** Apply a change to every link (a loss burst, a latency change). */
  setAllPolicies(change: (policy: LinkPolicy) => LinkPolicy): void {
    this.policies = this.policies.map(change);
  }

  /** Back to the scenario's own link policies (after the nemesis). */
  resetPolicies(): void {
    const fresh = new Network(this.nodes, this.config);
    this.policies = fresh.policies;
  }

  /** The partition as groups of node ids (for views), largest group id last. */
  groups(): NodeId[][] {
    const byGroup = new Map<number, NodeId[]>();
    for (let node = 0; node < this.nodes; node++) {
      const g = this.group[node]!;
      const members = byGroup.get(g) ?? [];
      members.push(node);
      byGroup.set(g, members);
    }
    return [...byGroup.entries()].sort((x, y) => x[0] - y[0]).map((entry) => entry[1]);
  }

  snapshot(): NetworkSnapshot {
    return {
      group: this.group.slice(),
      cut: this.cut.slice(),
      policies: this.policies.slice(),
      lastArrival: this.lastArrival.slice(),
    };
  }

  restore(s: NetworkSnapshot): void {
    this.group = s.group.slice();
    this.cut = s.cut.slice();
    this.policies = s.policies.slice();
    this.lastArrival = s.lastArrival.slice();
  }
}
