import type { InspectSection, ProtocolView } from '../../../sim/types';
import { compareStores } from '../../common/compare';
import { compareStamps, lwwText, type LwwValue } from '../common/lww';
import { shortValue } from '../common/shared';
import { aeDigest } from './invariants';
import { GOSSIP_TIMER, type AeMsg, type AeState } from './types';

function hex(hash: number): string {
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Per key, the value with the largest stamp on any up node. */
function newest(states: readonly (AeState | null)[]): Map<string, LwwValue> {
  const latest = new Map<string, LwwValue>();
  for (const s of states) {
    if (s == null) continue;
    for (const [key, v] of s.store) {
      const best = latest.get(key);
      if (best === undefined || compareStamps(v, best) > 0) latest.set(key, v);
    }
  }
  return latest;
}

export const aeView: ProtocolView<AeState, AeMsg> = {
  roleColors: { replica: '#0d9488' },
  summarize(s) {
    return {
      role: 'replica',
      term: -1,
      badge: `root ${hex(s.tree[1]!).slice(0, 4)}, ${s.store.size} keys`,
    };
  },
  label(msg) {
    if (msg.type === 'TreeCompare') {
      const positions = msg.nodes.map(([i]) => i);
      return positions.length === 1 && positions[0] === 1
        ? 'TreeCompare root'
        : `TreeCompare [${positions.join(' ')}]`;
    }
    return `Entries ranges [${msg.ranges.join(' ')}] (${msg.entries.length} values${msg.reply ? ', send yours' : ''})`;
  },
  ringTimer: GOSSIP_TIMER,
  compare: (states) =>
    compareStores(states, (s) => new Map([...s.store].map(([key, v]) => [key, v.value]))),
  inspect(s) {
    const ranges = s.tree.length / 2;
    const keys = [...s.store.keys()].sort();
    const store: InspectSection = {
      title: 'Store (last-writer-wins, Lamport stamps @time/node)',
      rows: keys.map(
        (key) =>
          [
            key,
            `${shortValue(s.store.get(key)!.value, 40)} ${lwwText(s.store.get(key)!)}`,
          ] as const,
      ),
      note: `Lamport clock ${s.lamport}`,
    };
    const tree: InspectSection = {
      title: `Merkle tree (${ranges} key ranges)`,
      rows: [
        ['root', hex(s.tree[1]!)],
        ['exchanges started', s.rounds],
        ['values taken from others', s.received],
      ],
      cells: s.tree.slice(ranges).map((hash, range) => ({
        text: hex(hash).slice(0, 4),
        tone: hash & 7,
        title: `range ${range}: ${hex(hash)}`,
      })),
      note: 'cells: leaf hashes, one per key range',
    };
    return [store, tree];
  },
  metrics(states) {
    const latest = newest(states);
    const series: Record<string, number> = {};
    const roots = new Set<number>();
    states.forEach((s, node) => {
      if (s == null) return;
      roots.add(aeDigest(s));
      let behind = 0;
      for (const [key, v] of latest) if (s.store.get(key)?.writer !== v.writer) behind++;
      series[`lag n${node}`] = behind;
    });
    series['distinct states'] = roots.size;
    return series;
  },
};
