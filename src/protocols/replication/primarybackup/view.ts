import type { InspectSection, NodeId, ProtocolView } from '../../../sim/types';
import { compareStores } from '../../common/compare';
import { storeSection } from '../common/shared';
import { HEARTBEAT_TIMER, primaryOf, type PbMsg, type PbState } from './types';

function roleOf(s: PbState): string {
  if (s.role === 'backup') return 'backup';
  return s.ready ? 'primary' : 'new primary';
}

/** The reference log for lag: the ready primary of the highest view, else the longest log. */
function reference(states: readonly (PbState | null)[]): PbState | null {
  let best: PbState | null = null;
  for (const s of states) {
    if (s == null) continue;
    const primary = s.role === 'primary' && s.ready;
    const bestPrimary = best !== null && best.role === 'primary' && best.ready;
    if (
      best === null ||
      (primary && (!bestPrimary || s.view > best.view)) ||
      (!primary && !bestPrimary && s.log.length > best.log.length)
    )
      best = s;
  }
  return best;
}

export const pbView: ProtocolView<PbState, PbMsg> = {
  roleColors: { primary: '#16a34a', 'new primary': '#f59e0b', backup: '#64748b' },
  summarize(s) {
    const badge =
      s.role === 'primary' ? `log ${s.log.length}, commit ${s.commitIndex}` : `log ${s.log.length}`;
    return { role: roleOf(s), term: s.view, badge };
  },
  label(msg) {
    switch (msg.type) {
      case 'Update':
        return msg.entries.length === 0
          ? `Update v${msg.view} (heartbeat)`
          : `Update v${msg.view} [${msg.from}..${msg.from + msg.entries.length - 1}]`;
      case 'Ack':
        return msg.length < 0
          ? `Ack v${msg.view} (need NewView)`
          : `Ack v${msg.view} ${msg.length}`;
      case 'StartView':
        return `StartView v${msg.view}`;
      case 'NewView':
        return `NewView v${msg.view} (${msg.log.length} entries)`;
    }
  },
  ringTimer: HEARTBEAT_TIMER,
  // The nemesis's leader bursts cut off whoever is primary.
  leaderRoles: ['primary', 'new primary'],
  compare: (states) => compareStores(states, (s) => s.store.kv),
  inspect(s, self) {
    const sections: InspectSection[] = [
      {
        title: 'View',
        rows: [
          ['view', s.view],
          ['role', roleOf(s)],
          ['primary of the view', `n${primaryOf(s.view, s.acked.length)}`],
          ['adopted NewView of view', s.synced < 0 ? null : s.synced],
          ['log length', s.log.length],
          ['commitIndex', s.commitIndex],
          ['applied to the store', s.applied],
        ],
      },
      storeSection('Store (applied)', s.store.kv),
    ];
    if (s.role === 'primary') sections.push(backupsSection(s, self));
    return sections;
  },
  metrics(states) {
    const ref = reference(states);
    const series: Record<string, number> = {};
    states.forEach((s, node) => {
      if (s != null && ref !== null)
        series[`lag n${node}`] = Math.max(0, ref.log.length - s.log.length);
    });
    return series;
  },
};

/** The primary's view of its backups: what each acknowledged, and how far behind it is. */
function backupsSection(s: PbState, self: NodeId): InspectSection {
  const rows: [string, string][] = [];
  s.acked.forEach((acked, peer) => {
    if (peer === self) return;
    rows.push([
      `n${peer}`,
      acked < 0 ? 'has not taken the NewView' : `acked ${acked}, ${s.log.length - acked} behind`,
    ]);
  });
  return { title: 'Backups (writes behind the primary)', rows };
}
