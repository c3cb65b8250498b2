import type { InspectSection, NodeId, ProtocolView } from '../../../sim/types';
import { compareStores } from '../../common/compare';
import { storeSection } from '../common/shared';
import { MASTER, TICK_TIMER, roleIn, type ChainMsg, type ChainState } from './types';

function chainText(chain: readonly NodeId[]): string {
  return chain.length === 0 ? '(empty)' : chain.map((n) => `n${n}`).join(' → ');
}

/** The head's history length among the states, for lag. */
function headLength(states: readonly (ChainState | null)[]): number {
  let best = -1;
  let length = 0;
  states.forEach((s, node) => {
    if (s == null || node === MASTER) return;
    if (s.config.chain[0] === node && s.config.epoch > best) {
      best = s.config.epoch;
      length = s.log.length;
    }
  });
  return length;
}

export const chainView: ProtocolView<ChainState, ChainMsg> = {
  roleColors: {
    master: '#7c3aed',
    head: '#2563eb',
    middle: '#64748b',
    tail: '#16a34a',
    single: '#0d9488',
    out: '#d1d5db',
  },
  summarize(s) {
    const role = roleIn(s.config, s.self);
    if (role === 'master') return { role, term: s.config.epoch, badge: chainText(s.config.chain) };
    return {
      role,
      term: s.config.epoch,
      badge: `history ${s.log.length}${s.synced ? '' : ', syncing'}`,
    };
  },
  label(msg) {
    switch (msg.type) {
      case 'Update':
        return msg.entries.length === 0
          ? `Update e${msg.epoch} (empty, up to ${msg.senderLength})`
          : `Update e${msg.epoch} [${msg.from}..${msg.from + msg.entries.length - 1}]`;
      case 'Ack':
        return `Ack e${msg.epoch} ${msg.length}`;
      case 'Sync':
        return `Sync e${msg.epoch} have ${msg.have}`;
      case 'Ping':
      case 'Pong':
        return `${msg.type} e${msg.epoch}`;
      case 'Config':
        return `Config e${msg.config.epoch} ${chainText(msg.config.chain)}`;
      case 'ReadCheck':
      case 'ReadCheckOk':
        return `${msg.type} e${msg.epoch} round ${msg.round}`;
    }
  },
  ringTimer: TICK_TIMER,
  // The nemesis's leader bursts cut off whoever is the tail (the server that answers).
  leaderRoles: ['tail', 'single'],
  // The master holds no replica of the data.
  compare: (states) => compareStores(states, (s, node) => (node === MASTER ? null : s.store.kv)),
  inspect(s, self) {
    const config: InspectSection = {
      title: 'Configuration',
      rows: [
        ['epoch', s.config.epoch],
        ['chain (head → tail)', chainText(s.config.chain)],
        ['role', roleIn(s.config, self)],
      ],
    };
    if (self === MASTER) return [config, pongSection(s)];
    return [
      config,
      {
        title: 'History',
        rows: [
          ['length', s.log.length],
          ['caught up with its predecessor', s.synced],
          ['successor acknowledged', s.succAcked < 0 ? null : s.succAcked],
          ['queries waiting for the master', s.reads.length],
          ['joined in epoch', s.since],
        ],
      },
      storeSection('Store', s.store.kv),
    ];
  },
  metrics(states) {
    const head = headLength(states);
    const series: Record<string, number> = {};
    states.forEach((s, node) => {
      if (s != null && node !== MASTER) series[`lag n${node}`] = Math.max(0, head - s.log.length);
    });
    return series;
  },
};

function pongSection(s: ChainState): InspectSection {
  const rows: [string, string][] = [];
  s.master!.lastPong.forEach((at, node) => {
    if (node !== MASTER) rows.push([`n${node}`, `last answered at ${at} µs (local clock)`]);
  });
  return { title: 'Servers (pings)', rows };
}
