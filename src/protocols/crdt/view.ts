import type { InspectSection, NodeId, ProtocolView } from '../../sim/types';
import { convergence } from './checks';
import type { CrdtType } from './crdt';
import { contextSize, formatDot } from './dots';
import { GOSSIP_TIMER, type CrdtMsg, type Replica } from './types';

/**
 * The view of every CRDT: a replica's badge is its value and its "term" its version (how many
 * client updates it has seen), so replicas that agree show the same pair; messages are labelled
 * with what they carry; the inspector lays out the type's state and the replica's gossip
 * bookkeeping; the metrics chart convergence over time.
 */
export function crdtView<S>(type: CrdtType<S>): ProtocolView<Replica<S>, CrdtMsg<S>> {
  return {
    roleColors: { replica: '#0d9488', 'catching up': '#f59e0b' },
    summarize: (r) => ({
      role: r.catchingUp ? 'catching up' : 'replica',
      term: contextSize(r.clock),
      badge: type.badge(r.crdt, r.variant),
    }),
    label: labelMessage,
    ringTimer: GOSSIP_TIMER,
    inspect: (r, self) => [...type.inspect(r.crdt, r.variant), replicaSection(r, self)],
    compare(states) {
      const { diverged } = convergence(type, states);
      return {
        columns: ['value', 'updates seen'],
        rows: states.map((r, node) => ({
          node,
          cells:
            r == null
              ? null
              : [
                  { text: type.badge(r.crdt, r.variant), differs: diverged.includes(node) },
                  { text: String(contextSize(r.clock)), differs: diverged.includes(node) },
                ],
        })),
        note: 'marked: differs from the join of all replicas (what they converge to)',
      };
    },
    metrics(states) {
      const c = convergence(type, states);
      return {
        'distinct states': c.distinct,
        divergence: c.diverged.length,
        'updates missing (most behind replica)': c.missingUpdates,
      };
    },
  };
}

export function labelMessage<S>(msg: CrdtMsg<S>): string {
  switch (msg.type) {
    case 'state':
      return `state v${contextSize(msg.clock)}${msg.reply ? ' (push-pull)' : ''}`;
    case 'delta':
      return msg.full
        ? `delta: whole state v${contextSize(msg.dots)} #${msg.seq}`
        : `delta +${contextSize(msg.dots)} updates #${msg.seq}`;
    case 'ack':
      return `ack #${msg.seq}`;
    case 'nack':
      return 'nack (send the whole state)';
    case 'pull':
      return 'pull';
  }
}

function replicaSection<S>(r: Replica<S>, self: NodeId): InspectSection {
  const cloud = [...r.clock.cloud].map(formatDot).join(' ');
  const acked = r.acked
    .map((seq, peer) => (peer === self ? null : `n${peer}:${seq < 0 ? '?' : seq}`))
    .filter((x) => x !== null)
    .join(' ');
  return {
    title: 'Replica: updates seen per origin (cells n0, n1, ...) and gossip',
    cells: r.clock.vv.map((n, i) => ({
      text: String(n),
      tone: i,
      marked: i === self,
      title: `updates made at n${i} seen here: ${n}`,
    })),
    rows: [
      ['version (updates seen)', contextSize(r.clock)],
      ['local updates (this life)', r.localUpdates],
      ['merges that changed the state', r.merges],
      ['last change (local clock, µs)', r.lastChangeMicros],
      ['epoch (restarts)', r.epoch],
      ['catching up after disk loss', r.catchingUp],
      ['deltas buffered', r.buffer.length],
      ['next delta #', r.seq],
      ['acknowledged by peers', acked],
      ['updates seen out of order', cloud === '' ? null : cloud],
    ],
  };
}
