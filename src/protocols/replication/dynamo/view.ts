import type { InspectSection, ProtocolView } from '../../../sim/types';
import { compareStores } from '../../common/compare';
import { shortValue } from '../common/shared';
import { clockText, covers, mergeSiblings, siblingValues, type Version } from '../common/versions';
import { TICK_TIMER, type DynamoMsg, type DynamoState } from './types';

/** Siblings beyond the first, over every key a node holds. */
export function extraSiblings(s: DynamoState): number {
  let extra = 0;
  for (const versions of s.store.values()) extra += Math.max(0, versions.length - 1);
  return extra;
}

function hintCount(s: DynamoState): number {
  let count = 0;
  for (const keys of s.hints.values()) count += keys.length;
  return count;
}

/** Per key, the newest versions any up node holds (merged). */
function latestVersions(states: readonly (DynamoState | null)[]): Map<string, Version[]> {
  const latest = new Map<string, Version[]>();
  for (const s of states) {
    if (s == null) continue;
    for (const [key, versions] of s.store)
      latest.set(key, mergeSiblings(latest.get(key) ?? [], versions) ?? latest.get(key)!);
  }
  return latest;
}

/** Keys of which this replica lacks one of the newest versions (its staleness). */
function staleKeys(s: DynamoState, latest: Map<string, Version[]>): number {
  let stale = 0;
  for (const [key, versions] of latest) {
    const held = s.store.get(key) ?? [];
    if (!versions.every((v) => covers(held, v))) stale++;
  }
  return stale;
}

function versionText(v: Version): string {
  return `${shortValue(v.value, 32)} ${clockText(v.clock)}`;
}

export const dynamoView: ProtocolView<DynamoState, DynamoMsg> = {
  roleColors: { replica: '#2563eb', 'with siblings': '#dc2626', 'holding hints': '#f59e0b' },
  summarize(s) {
    const siblings = extraSiblings(s);
    const hints = hintCount(s);
    const role = siblings > 0 ? 'with siblings' : hints > 0 ? 'holding hints' : 'replica';
    return { role, term: -1, badge: `${s.store.size} keys, ${siblings} siblings, ${hints} hints` };
  },
  label(msg) {
    switch (msg.type) {
      case 'Forward':
        return `Forward ${msg.op.f} ${msg.op.key ?? ''}`;
      case 'Put': {
        const clocks = msg.versions.map((v) => clockText(v.clock)).join(' ');
        return `Put ${msg.key} ${clocks}${msg.hintFor >= 0 ? ` (hint for n${msg.hintFor})` : ''}`;
      }
      case 'Get':
        return `Get ${msg.key}`;
      case 'GetReply':
        return `GetReply (${msg.versions.length} versions)`;
      case 'Repair':
        return `${msg.req > 0 ? 'Handoff' : 'Repair'} ${msg.key} (${msg.versions.length} versions)`;
      case 'RepairAck':
        return `HandoffAck ${msg.key}`;
      case 'PutAck':
      case 'Ping':
        return msg.type;
    }
  },
  ringTimer: TICK_TIMER,
  // Siblings side by side, sorted by value: replicas that hold the same versions read alike.
  compare: (states) =>
    compareStores(
      states,
      (s) => new Map([...s.store].map(([key, versions]) => [key, siblingValues(versions)])),
    ),
  inspect(s) {
    const keys = [...s.store.keys()].sort();
    const sections: InspectSection[] = [
      {
        title: 'Store (versions with vector clocks; several: siblings)',
        rows: keys.map((key) => [key, s.store.get(key)!.map(versionText).join('  |  ')] as const),
        note: `${extraSiblings(s)} siblings beyond one per key; the most a read here returned: ${s.maxSiblingsRead}`,
      },
    ];
    const hints = [...s.hints].map(([node, list]) => [`for n${node}`, list.join(' ')] as const);
    sections.push({
      title: 'Hints (hinted handoff)',
      rows: hints,
      note: hints.length === 0 ? 'none' : undefined,
    });
    return sections;
  },
  metrics(states) {
    const series: Record<string, number> = {};
    const latest = latestVersions(states);
    let total = 0;
    states.forEach((s, node) => {
      if (s == null) return;
      const siblings = extraSiblings(s);
      total += siblings;
      series[`siblings n${node}`] = siblings;
      series[`hints n${node}`] = hintCount(s);
      series[`stale keys n${node}`] = staleKeys(s, latest);
    });
    series['siblings (all)'] = total;
    return series;
  },
};
