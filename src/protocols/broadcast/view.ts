import type { ProtocolView } from '../../sim/types';
import type { BroadcastMsg, BroadcastState } from './types';

export const broadcastView: ProtocolView<BroadcastState, BroadcastMsg> = {
  roleColors: { node: '#2563eb' },
  summarize(state) {
    let owed = 0;
    for (const peer of state.neighbours) owed += state.unacked[peer]!.size;
    return { role: 'node', term: -1, badge: `${state.values.length} values, ${owed} owed` };
  },
  label(msg) {
    return msg.type === 'sync_request' ? 'sync_request' : `${msg.type} [${msg.values.length}]`;
  },
  ringTimer: 'gossip',
};
