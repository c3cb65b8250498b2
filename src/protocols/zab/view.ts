import type { InspectSection, NodeId, ProtocolView } from '../../sim/types';
import { epochOf, counterOf, formatZxid, lastZxid } from './common';
import { txnKey } from './invariants';
import { ELECTION_TIMER, type Vote, type ZabMsg, type ZabState } from './types';

function describeVote(vote: Vote): string {
  return vote.leader < 0
    ? 'none'
    : `n${vote.leader} (epoch ${vote.epoch}, zxid ${formatZxid(vote.zxid)})`;
}

function phaseOf(state: ZabState): string {
  if (state.role === 'leading') return state.leaderPhase;
  if (state.role === 'following') return state.followerPhase;
  return `round ${state.round}`;
}

export const zabView: ProtocolView<ZabState, ZabMsg> = {
  roleColors: {
    looking: '#f59e0b',
    following: '#64748b',
    leading: '#16a34a',
  },
  summarize(state) {
    return {
      role: state.role,
      term: state.currentEpoch,
      badge: `zxid ${formatZxid(lastZxid(state))}`,
    };
  },
  label: labelMessage,
  ringTimer: ELECTION_TIMER,
  inspect: inspectZab,
  metrics(states) {
    const out: Record<string, number> = {};
    states.forEach((state, node) => {
      if (state !== null) out[`delivered n${node}`] = state.delivered;
    });
    return out;
  },
};

function labelMessage(msg: ZabMsg): string {
  switch (msg.type) {
    case 'NOTIFICATION':
      return `NOTIFICATION r${msg.round} ${msg.state} votes n${msg.vote.leader} (${msg.vote.epoch}, ${formatZxid(msg.vote.zxid)})`;
    case 'FOLLOWERINFO':
      return `FOLLOWERINFO accepted ${msg.acceptedEpoch}`;
    case 'NEWEPOCH':
      return `NEWEPOCH ${msg.epoch}`;
    case 'ACKEPOCH':
      return `ACKEPOCH current ${msg.currentEpoch} last ${formatZxid(msg.lastZxid)}`;
    case 'DIFF':
    case 'SNAP':
      return `${msg.type} ${msg.entries.length} txns`;
    case 'TRUNC':
      return `TRUNC to ${formatZxid(msg.truncZxid)} + ${msg.entries.length} txns`;
    case 'NEWLEADER':
      return `NEWLEADER ${msg.epoch} at ${formatZxid(msg.zxid)}`;
    case 'ACK-LD':
      return `ACK-LD ${msg.epoch}`;
    case 'UPTODATE':
      return `UPTODATE committed ${formatZxid(msg.committed)}`;
    case 'PROPOSAL':
      return `PROPOSAL ${formatZxid(msg.entry.zxid)} ${txnKey(msg.entry.txn)}`;
    case 'ACK':
    case 'COMMIT':
      return `${msg.type} ${formatZxid(msg.zxid)}`;
    case 'PING':
      return `PING ${msg.round}`;
    case 'REQUEST':
      return `REQUEST ${txnKey(msg.txn)}`;
    case 'SYNC':
      return `SYNC #${msg.reqId}`;
  }
}

/** The history cells shown at most: the newest ones. */
const MAX_HISTORY_CELLS = 60;

function inspectZab(state: ZabState, self: NodeId): InspectSection[] {
  const sections: InspectSection[] = [
    {
      title: 'Epochs and zxids',
      rows: [
        ['role', `${state.role} (${phaseOf(state)})`],
        ['acceptedEpoch', state.acceptedEpoch],
        ['currentEpoch', state.currentEpoch],
        ['last zxid', formatZxid(lastZxid(state))],
        ['committed zxid', formatZxid(state.committedZxid)],
        ['delivered', state.delivered],
      ],
    },
    historySection(state),
    electionSection(state, self),
  ];
  if (state.role === 'leading') sections.push(followersSection(state, self));
  if (state.owners.size > 0) sections.push(sessionsSection(state));
  return sections;
}

function historySection(state: ZabState): InspectSection {
  const first = Math.max(0, state.history.length - MAX_HISTORY_CELLS);
  const cells = state.history.slice(first).map((entry, k) => {
    const delivered = first + k < state.delivered;
    return {
      text: String(counterOf(entry.zxid)),
      tone: epochOf(entry.zxid),
      marked: delivered,
      title: `${formatZxid(entry.zxid)}: ${txnKey(entry.txn)}${delivered ? ', delivered' : ''}`,
    };
  });
  return {
    title: 'History (cells: zxid counters toned by epoch; outlined: committed and delivered)',
    cells,
    note: `${state.history.length} transactions${first > 0 ? `; the first ${first} not shown` : ''}`,
  };
}

function electionSection(state: ZabState, self: NodeId): InspectSection {
  const rows: [string, string][] = [
    ['round', String(state.round)],
    ['vote', describeVote(state.vote)],
  ];
  for (const [node, vote] of state.votes)
    if (node !== self) rows.push([`vote of n${node}`, describeVote(vote)]);
  for (const [node, d] of state.decided)
    rows.push([`n${node} (${d.leading ? 'leading' : 'following'})`, describeVote(d.vote)]);
  return { title: 'Fast Leader Election', rows };
}

function followersSection(state: ZabState, self: NodeId): InspectSection {
  const rows: [string, string][] = [];
  state.links.forEach((link, node) => {
    if (node === self) return;
    rows.push([
      `n${node}`,
      link === null
        ? 'not connected'
        : `${link.phase}, acked ${link.acked < 0 ? '-' : formatZxid(link.acked)}`,
    ]);
  });
  return { title: `Followers (epoch ${state.newEpoch}, ${state.leaderPhase})`, rows };
}

function sessionsSection(state: ZabState): InspectSection {
  const rows: [string, string][] = [];
  for (const [client, record] of [...state.owners].sort((a, b) => a[0] - b[0]))
    rows.push([
      `client ${client}`,
      `n${record.owner}${record.confirmed ? '' : ` (waiting for n${record.servingOwner} to let go)`}`,
    ]);
  return { title: 'Client sessions (replicated)', rows };
}
