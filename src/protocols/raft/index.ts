import type { ProtocolModule } from '../../sim/types';
import { KV_CLIENTS, KV_WORKLOAD } from '../common/kv';
import { onClientOp } from './client';
import { ADD_SERVER, REMOVE_SERVER } from './membership';
import { drawSwarmParams } from './swarm';
import { raftInvariants, raftLiveness } from './invariants';
import { initRaft, onMembershipCommand, onRaftMessage, onRaftTimer, recoverRaft } from './raft';
import { raftPresets } from './scenarios';
import { VARIANT, type RaftMsg, type RaftState } from './types';
import { raftView } from './view';

/**
 * Raft (Ongaro and Ousterhout): leader election, log replication, commitment of current-term
 * entries only, persistence, a key-value state machine with client sessions, linearizable reads,
 * pre-vote, check-quorum and snapshots.
 */
export const raft: ProtocolModule<RaftState, RaftMsg> = {
  id: 'raft',
  title: 'Raft consensus',
  summary:
    'A replicated log with one leader per term: a key-value store that stays consistent through crashes and partitions.',
  params: {
    electionTimeoutMicrosMin: {
      kind: 'int',
      label: 'Election timeout (min)',
      help: 'A follower that hears from no leader for a random time between min and max starts an election',
      min: 10_000,
      max: 10_000_000,
      default: 150_000,
      unit: 'µs',
    },
    electionTimeoutMicrosMax: {
      kind: 'int',
      label: 'Election timeout (max)',
      help: 'Upper end of the randomized election timeout (at least the minimum)',
      min: 10_000,
      max: 10_000_000,
      default: 300_000,
      unit: 'µs',
    },
    heartbeatIntervalMicros: {
      kind: 'int',
      label: 'Heartbeat interval',
      help: 'How often a leader sends AppendEntries to every follower, entries or not',
      min: 1_000,
      max: 5_000_000,
      default: 50_000,
      unit: 'µs',
    },
    maxEntriesPerAppend: {
      kind: 'int',
      label: 'Entries per AppendEntries',
      help: 'At most this many log entries in one AppendEntries message',
      min: 1,
      max: 10_000,
      default: 64,
    },
    snapshotThreshold: {
      kind: 'int',
      label: 'Snapshot threshold',
      help: 'Compact the log into a snapshot once this many applied entries follow the last one (0: never)',
      min: 0,
      max: 1_000_000,
      default: 0,
    },
    preVote: {
      kind: 'bool',
      label: 'Pre-vote',
      help: 'Ask for pre-votes before raising the term, so a node that was cut off cannot disrupt the cluster when it returns',
      default: false,
    },
    checkQuorum: {
      kind: 'bool',
      label: 'Check quorum',
      help: 'A leader steps down when it has not heard from a majority for an election timeout; followers that hear from a leader ignore candidates',
      default: false,
    },
    spareNodes: {
      kind: 'int',
      label: 'Spare nodes',
      help: 'The highest-numbered nodes start outside the configuration, to be added with add-server (at least one node stays a member)',
      min: 0,
      max: 8,
      default: 0,
    },
    readMode: {
      kind: 'enum',
      label: 'Reads',
      help: 'log: a get is a log entry; readindex: the leader confirms it still leads with one heartbeat round, then reads',
      options: ['log', 'readindex'],
      default: 'log',
    },
  },
  variants: {
    [VARIANT.figure8]: {
      label: 'BUG: commit old-term entries by counting',
      explanation:
        'A leader commits an entry of an earlier term once a majority holds it (Figure 8): a later leader can still overwrite it.',
    },
    [VARIANT.volatileVote]: {
      label: 'BUG: votedFor not persisted',
      explanation:
        'A node forgets its vote when it crashes, so after a restart it can vote twice in one term and elect two leaders.',
    },
    [VARIANT.noLogCheck]: {
      label: 'BUG: votes without the log check',
      explanation:
        'Votes are granted without checking that the candidate’s log is up to date, so a leader can miss committed entries.',
    },
    [VARIANT.truncateAlways]: {
      label: 'BUG: follower always truncates',
      explanation:
        'A follower deletes everything after prevLogIndex on every AppendEntries, even matching entries: a late message erases acknowledged entries.',
    },
  },
  defaults: { nodes: 5, workload: KV_CLIENTS },
  init: initRaft,
  recover: recoverRaft,
  onMessage: onRaftMessage,
  onTimer: onRaftTimer,
  onClientOp,
  commands: {
    [ADD_SERVER]: {
      label: 'Add to the cluster',
      explanation:
        'The leader appends a configuration with this node; it counts toward quorums as soon as the entry is in a log (thesis 4.1).',
    },
    [REMOVE_SERVER]: {
      label: 'Remove from the cluster',
      explanation:
        'The leader appends a configuration without this node; a leader that removes itself steps down once that commits.',
    },
  },
  onCommand: onMembershipCommand,
  nemesisParams: drawSwarmParams,
  workload: KV_WORKLOAD,
  historyModel: 'kv',
  invariants: raftInvariants,
  liveness: raftLiveness,
  view: raftView,
  presets: raftPresets,
};
