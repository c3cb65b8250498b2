import type { InspectSection, ProtocolView } from '../../../sim/types';
import { compareStores } from '../../common/compare';
import { compareStamps, lwwText, type LwwValue } from '../common/lww';
import { shortValue } from '../common/shared';
import { clockText, covers, mergeSiblings, siblingValues, type Version } from '../common/versions';
import { mmDigest } from './invariants';
import { TICK_TIMER, type MmMsg, type MmState } from './types';

function extraSiblings(s: MmState): number {
  let extra = 0;
  for (const siblings of s.vv.values()) extra += siblings.length - 1;
  return extra;
}

/** Per key, the newest value (LWW) or versions (vector clocks) any up replica holds. */
function newest(states: readonly (MmState | null)[]) {
  const lww = new Map<string, LwwValue>();
  const vv = new Map<string, Version[]>();
  for (const s of states) {
    if (s == null) continue;
    for (const [key, v] of s.lww) {
      const best = lww.get(key);
      if (best === undefined || compareStamps(v, best) > 0) lww.set(key, v);
    }
    for (const [key, versions] of s.vv)
      vv.set(key, mergeSiblings(vv.get(key) ?? [], versions) ?? vv.get(key)!);
  }
  return { lww, vv };
}

/** Keys on which a replica lacks the newest value: its lag. */
function lag(s: MmState, latest: ReturnType<typeof newest>): number {
  let behind = 0;
  for (const [key, v] of latest.lww) if (s.lww.get(key)?.writer !== v.writer) behind++;
  for (const [key, versions] of latest.vv) {
    const held = s.vv.get(key) ?? [];
    if (!versions.every((v) => covers(held, v))) behind++;
  }
  return behind;
}

export const mmView: ProtocolView<MmState, MmMsg> = {
  roleColors: { replica: '#2563eb', 'with siblings': '#dc2626' },
  summarize(s) {
    const siblings = extraSiblings(s);
    const keys = s.lww.size + s.vv.size;
    return {
      role: siblings > 0 ? 'with siblings' : 'replica',
      term: -1,
      badge: `${keys} keys${siblings > 0 ? `, ${siblings} siblings` : ''}`,
    };
  },
  label(msg) {
    if (msg.type === 'Sync') return `Sync (${msg.lww.length + msg.versions.length} keys)`;
    return msg.lww !== null
      ? `Update ${msg.key} ${lwwText(msg.lww)}`
      : `Update ${msg.key} ${msg.versions.map((v) => clockText(v.clock)).join(' ')}`;
  },
  ringTimer: TICK_TIMER,
  compare: (states) =>
    compareStores(states, (s) => {
      const values = new Map<string, string>();
      for (const [key, v] of s.lww) values.set(key, v.value);
      for (const [key, versions] of s.vv) values.set(key, siblingValues(versions));
      return values;
    }),
  inspect(s) {
    const rows: [string, string][] = [];
    for (const key of [...s.lww.keys()].sort()) {
      const v = s.lww.get(key)!;
      rows.push([key, `${shortValue(v.value, 40)} ${lwwText(v)}`]);
    }
    for (const key of [...s.vv.keys()].sort())
      rows.push([
        key,
        s.vv
          .get(key)!
          .map((v) => `${shortValue(v.value, 32)} ${clockText(v.clock)}`)
          .join('  |  '),
      ]);
    const section: InspectSection = {
      title: 'Store (last-writer-wins stamps @time/node, or vector clocks; several: siblings)',
      rows,
      note: `digest ${(mmDigest(s) >>> 0).toString(16)}; most siblings on one key: ${s.maxSiblings}`,
    };
    return [section];
  },
  metrics(states) {
    const latest = newest(states);
    const series: Record<string, number> = {};
    const digests = new Set<number>();
    states.forEach((s, node) => {
      if (s == null) return;
      digests.add(mmDigest(s));
      series[`lag n${node}`] = lag(s, latest);
      series[`siblings n${node}`] = extraSiblings(s);
    });
    series['distinct states'] = digests.size;
    return series;
  },
};
