import type { InspectSection, NodeId, ProtocolView } from '../../sim/types';
import { membersList } from './membership';
import { ELECTION_TIMER, type RaftMsg, type RaftState } from './types';

export const raftView: ProtocolView<RaftState, RaftMsg> = {
  roleColors: {
    follower: '#64748b',
    precandidate: '#a78bfa',
    candidate: '#f59e0b',
    leader: '#16a34a',
    'not a member': '#cbd5e1',
  },
  summarize(state) {
    // A follower outside its latest configuration is shown as such (a spare or removed server).
    const role = state.role === 'follower' && !state.isMember ? 'not a member' : state.role;
    return { role, term: state.currentTerm, badge: `commit ${state.commitIndex}` };
  },
  label(msg) {
    switch (msg.type) {
      case 'AppendEntries':
        return msg.entries.length === 0
          ? `AppendEntries t${msg.term} (heartbeat)`
          : `AppendEntries t${msg.term} [${msg.prevLogIndex + 1}..${msg.prevLogIndex + msg.entries.length}]`;
      case 'AppendEntriesResponse':
        return msg.success
          ? `AppendEntriesResponse t${msg.term} ok ${msg.matchIndex}`
          : `AppendEntriesResponse t${msg.term} reject ${msg.matchIndex}`;
      case 'RequestVote':
      case 'PreVote':
        return `${msg.type} t${msg.term}`;
      case 'RequestVoteResponse':
      case 'PreVoteResponse':
        return `${msg.type} t${msg.term} ${msg.voteGranted ? 'yes' : 'no'}`;
      case 'InstallSnapshot':
        return `InstallSnapshot t${msg.term} ..${msg.lastIncludedIndex}`;
      case 'InstallSnapshotResponse':
        return `InstallSnapshotResponse t${msg.term} ${msg.matchIndex}`;
    }
  },
  ringTimer: ELECTION_TIMER,
  inspect: inspectRaft,
  metrics: commitIndexPerNode,
};

/** The charts' protocol series: each running node's commitIndex ("commit n0", ...). */
function commitIndexPerNode(states: readonly (RaftState | null)[]): Record<string, number> {
  const series: Record<string, number> = {};
  states.forEach((state, node) => {
    if (state !== null) series[`commit n${node}`] = state.commitIndex;
  });
  return series;
}

/** The log cells shown at most: the newest ones, after the snapshot. */
const MAX_LOG_CELLS = 60;

/** The inspector panel: Figure 2's state, the log as cells toned by term, replication per peer. */
function inspectRaft(state: RaftState, self: NodeId): InspectSection[] {
  const sections: InspectSection[] = [
    {
      title: 'Persistent state',
      rows: [
        ['currentTerm', state.currentTerm],
        ['votedFor', state.votedFor < 0 ? null : `n${state.votedFor}`],
        ['log length', state.snapshotIndex + state.log.length],
        [
          'snapshot up to',
          state.snapshotIndex === 0 ? null : `${state.snapshotIndex} (term ${state.snapshotTerm})`,
        ],
      ],
    },
    logSection(state),
  ];
  if (state.role === 'leader') sections.push(replicationSection(state, self));
  sections.push(configSection(state));
  return sections;
}

function logSection(state: RaftState): InspectSection {
  const first = Math.max(0, state.log.length - MAX_LOG_CELLS);
  const cells = state.log.slice(first).map((entry, k) => {
    const index = state.snapshotIndex + 1 + first + k;
    const what =
      entry.config !== undefined
        ? `configuration ${entry.config.map((id) => `n${id}`).join(' ')}`
        : entry.cmd === null
          ? 'no-op'
          : `${entry.cmd.f} ${entry.cmd.key} (client ${entry.cmd.client})`;
    return {
      text: String(entry.term),
      tone: entry.term,
      marked: index <= state.commitIndex,
      title: `#${index}, term ${entry.term}: ${what}${index <= state.commitIndex ? ', committed' : ''}`,
    };
  });
  const hidden = state.snapshotIndex + first;
  return {
    title: 'Log (cells: entry terms; outlined: committed)',
    cells,
    note: `commitIndex ${state.commitIndex}, lastApplied ${state.lastApplied}${hidden > 0 ? `; entries 1..${hidden} not shown` : ''}`,
  };
}

function replicationSection(state: RaftState, self: NodeId): InspectSection {
  const rows: [string, string][] = [];
  state.nextIndex.forEach((next, peer) => {
    if (peer !== self)
      rows.push([`n${peer}`, `nextIndex ${next}, matchIndex ${state.matchIndex[peer]}`]);
  });
  return { title: 'Replication (leader)', rows };
}

function configSection(state: RaftState): InspectSection {
  return {
    title: 'Configuration (thesis chapter 4)',
    rows: [
      [
        'members',
        membersList(state)
          .map((id) => `n${id}`)
          .join(' '),
      ],
      [
        'from',
        state.configIndex === 0 ? 'the start (or the snapshot)' : `entry ${state.configIndex}`,
      ],
      ['committed', state.configIndex <= state.commitIndex],
    ],
  };
}
