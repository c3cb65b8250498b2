import type { ProtocolView } from '../../sim/types';
import { ELECTION_TIMER, type RaftMsg, type RaftState } from './types';

export const raftView: ProtocolView<RaftState, RaftMsg> = {
  roleColors: {
    follower: '#64748b',
    precandidate: '#a78bfa',
    candidate: '#f59e0b',
    leader: '#16a34a',
  },
  summarize(state) {
    return { role: state.role, term: state.currentTerm, badge: `commit ${state.commitIndex}` };
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
};
