import type { ClusterView, HistoryEvent, Invariant } from '../../sim/types';
import { column, forgetBelow, setValueAt, valueAt, type Column } from '../common/column';
import { opsCompleteWithin } from '../common/liveness';
import { entryAt, lastLogIndex, lastLogTerm, termAt } from './log';
import type { LogEntry, RaftState } from './types';

/**
 * The five safety properties of Figure 3, checked after every event. Each checker looks only at
 * the node whose handler just ran (`lastNode`) and at what changed there since its last look:
 * new entries, a truncation the node recorded, a new commit or apply point, a new leadership.
 *
 * Each checker remembers, per node, the state object it last looked at: a restart (recover)
 * makes a new one, so "a different object" means "start over for this node". A checkpoint
 * restore clones the states and this memory together, so the identities survive it; were they
 * ever lost, the checker would only re-verify more, never less.
 */

type Cluster = ClusterView<RaftState>;

const TWO_POW_32 = 4_294_967_296;

/** A number naming an entry's command: -1 for a no-op, -2 for a configuration, else (client, seq). */
function commandKey(entry: LogEntry): number {
  const cmd = entry.cmd;
  if (cmd === null) return entry.config === undefined ? -1 : -2;
  return cmd.client * TWO_POW_32 + cmd.seq;
}

function describe(term: number, key: number): string {
  if (key === -1) return `the no-op of term ${term}`;
  if (key === -2) return `the configuration entry of term ${term}`;
  const client = Math.floor(key / TWO_POW_32);
  return `term ${term} command c${client}#${key - client * TWO_POW_32}`;
}

function nodeState(cluster: Cluster): RaftState | null {
  const node = cluster.lastNode;
  if (node < 0) return null;
  return cluster.states[node] ?? null;
}

/**
 * The compaction floor of the per-index memories: every node has compacted its log up to
 * `floor` into a snapshot (a crashed node counts with the snapshot on its disk, which it took
 * before it dropped those entries), so no log holds an entry at or below it any more, and no
 * check looks there again: the memories forget those indices, and hold a window of the log
 * instead of the whole run (every checkpoint copies them). The floor never goes down: a node
 * that loses its disk (amnesia) comes back empty and gets a snapshot from the leader, whose own
 * snapshot is at or above the floor.
 */
interface Floor {
  /** Per node, the snapshot index it was last seen with. */
  snapshotSeen: number[];
  floor: number;
}

function floorMemory(): Floor {
  return { snapshotSeen: [], floor: 0 };
}

/** After node `node` ran: whether the floor rose (it is recomputed only when a snapshot moved). */
function raiseFloor(memory: Floor, cluster: Cluster, node: number, s: RaftState): boolean {
  if (memory.snapshotSeen[node] === s.snapshotIndex) return false;
  memory.snapshotSeen[node] = s.snapshotIndex;
  let lowest = Infinity;
  for (let n = 0; n < cluster.states.length; n++)
    lowest = Math.min(lowest, memory.snapshotSeen[n] ?? 0);
  if (lowest <= memory.floor) return false;
  memory.floor = lowest;
  return true;
}

// ---- Election Safety ----------------------------------------------------------------------------

interface ElectionMemory {
  /** term -> the node seen leading it. */
  leaders: Map<number, number>;
  /** Per node, the last term it was seen leading (saves the map lookup). */
  seenTerm: number[];
}

export const electionSafety: Invariant<RaftState, ElectionMemory> = {
  id: 'election-safety',
  description: 'At most one leader can be elected in a given term.',
  init: () => ({ leaders: new Map(), seenTerm: [] }),
  check(memory, cluster) {
    const s = nodeState(cluster);
    if (s === null || s.role !== 'leader') return null;
    const node = cluster.lastNode;
    const term = s.currentTerm;
    if (memory.seenTerm[node] === term) return null;
    memory.seenTerm[node] = term;
    const other = memory.leaders.get(term);
    if (other === undefined) {
      memory.leaders.set(term, node);
      return null;
    }
    return other === node ? null : `n${other} and n${node} were both leader in term ${term}`;
  },
};

// ---- Leader Append-Only -------------------------------------------------------------------------

interface AppendOnlyMemory {
  state: (RaftState | null)[];
  /** Per node: the term it was leader in at the last look (-1: not leader)... */
  term: number[];
  /** ...its last index and last term then, and its truncation count. */
  last: number[];
  lastTerm: number[];
  truncations: number[];
}

export const leaderAppendOnly: Invariant<RaftState, AppendOnlyMemory> = {
  id: 'leader-append-only',
  description:
    'A leader never overwrites or deletes entries in its log; it only appends new entries.',
  init: () => ({ state: [], term: [], last: [], lastTerm: [], truncations: [] }),
  check(memory, cluster) {
    const s = nodeState(cluster);
    if (s === null) return null;
    const node = cluster.lastNode;
    if (s.role !== 'leader') {
      memory.term[node] = -1;
      return null;
    }
    const last = lastLogIndex(s);
    let message: string | null = null;
    if (memory.state[node] === s && memory.term[node] === s.currentTerm) {
      const before = memory.last[node]!;
      if (s.truncations !== memory.truncations[node] && s.truncatedFrom <= before) {
        message = `leader n${node} of term ${s.currentTerm} deleted its entries from index ${s.truncatedFrom}`;
      } else if (last < before) {
        message = `leader n${node} of term ${s.currentTerm} shortened its log from ${before} to ${last} entries`;
      } else {
        const term = termAt(s, before);
        if (term !== -1 && term !== memory.lastTerm[node])
          message = `leader n${node} of term ${s.currentTerm} overwrote entry ${before} (term ${memory.lastTerm[node]} became ${term})`;
      }
    }
    memory.state[node] = s;
    memory.term[node] = s.currentTerm;
    memory.last[node] = last;
    memory.lastTerm[node] = lastLogTerm(s);
    memory.truncations[node] = s.truncations;
    return message;
  },
};

// ---- Log Matching -------------------------------------------------------------------------------

interface LogMatchingMemory {
  /**
   * A registry of every (index, term) seen in any log, with the term of the entry before it and
   * its command. If all logs agree with it, logs that share an (index, term) agree on everything
   * up to that index (by induction on the index). The first term seen at an index is kept in
   * arrays, any other term at the same index in a map.
   */
  term: Column;
  prevTerm: Column;
  command: Column;
  others: Map<string, [number, number]>;
  /** Per node: the state last looked at, the index verified up to, the truncation count. */
  state: (RaftState | null)[];
  verified: number[];
  truncations: number[];
  compacted: Floor;
}

function registerEntry(
  memory: LogMatchingMemory,
  index: number,
  term: number,
  prevTerm: number,
  command: number,
): string | null {
  let knownPrev: number;
  let knownCommand: number;
  const first = valueAt(memory.term, index);
  if (first === undefined) {
    setValueAt(memory.term, index, term);
    setValueAt(memory.prevTerm, index, prevTerm);
    setValueAt(memory.command, index, command);
    return null;
  }
  if (first === term) {
    knownPrev = valueAt(memory.prevTerm, index)!;
    knownCommand = valueAt(memory.command, index)!;
  } else {
    const key = `${index}/${term}`;
    const known = memory.others.get(key);
    if (known === undefined) {
      memory.others.set(key, [prevTerm, command]);
      return null;
    }
    [knownPrev, knownCommand] = known;
  }
  if (knownCommand !== command)
    return `two logs hold different entries at index ${index} in term ${term}: ${describe(term, knownCommand)} and ${describe(term, command)}`;
  if (knownPrev !== prevTerm)
    return `two logs hold entry ${index} of term ${term} but differ before it (term ${knownPrev} vs ${prevTerm} at index ${index - 1})`;
  return null;
}

/** Forget the registry's entries at or below the floor. */
function forgetRegistry(memory: LogMatchingMemory): void {
  const below = memory.compacted.floor + 1;
  if (!forgetBelow(memory.term, below)) return;
  forgetBelow(memory.prevTerm, below);
  forgetBelow(memory.command, below);
  for (const key of [...memory.others.keys()])
    if (Number(key.slice(0, key.indexOf('/'))) < below) memory.others.delete(key);
}

export const logMatching: Invariant<RaftState, LogMatchingMemory> = {
  id: 'log-matching',
  description:
    'If two logs contain an entry with the same index and term, the logs are identical in all entries up through that index.',
  init: () => ({
    term: column(),
    prevTerm: column(),
    command: column(),
    others: new Map(),
    state: [],
    verified: [],
    truncations: [],
    compacted: floorMemory(),
  }),
  check(memory, cluster) {
    const s = nodeState(cluster);
    if (s === null) return null;
    const node = cluster.lastNode;
    if (raiseFloor(memory.compacted, cluster, node, s)) forgetRegistry(memory);
    const last = lastLogIndex(s);
    let from: number;
    if (memory.state[node] !== s) {
      memory.state[node] = s;
      from = 1;
    } else {
      from = memory.verified[node]! + 1;
      const truncations = memory.truncations[node]!;
      if (s.truncations === truncations + 1) {
        if (s.truncatedFrom < from) from = s.truncatedFrom;
      } else if (s.truncations !== truncations) {
        from = 1;
      }
      if (from > last) {
        memory.verified[node] = last;
        memory.truncations[node] = s.truncations;
        return null;
      }
    }
    if (from <= s.snapshotIndex) from = s.snapshotIndex + 1;
    if (from <= memory.compacted.floor) from = memory.compacted.floor + 1;
    memory.verified[node] = last;
    memory.truncations[node] = s.truncations;
    for (let index = from; index <= last; index++) {
      const entry = entryAt(s, index);
      const message = registerEntry(
        memory,
        index,
        entry.term,
        termAt(s, index - 1),
        commandKey(entry),
      );
      if (message !== null) return `n${node}: ${message}`;
    }
    return null;
  },
};

// ---- Leader Completeness ------------------------------------------------------------------------

interface CompletenessMemory {
  /** index -> term of the entry some node marked committed there (first report)... */
  committedTerm: Column;
  /** ...and the term that node was in when it did (the entry was committed in that term or before). */
  committedIn: Column;
  maxCommitted: number;
  /** Per node: the state last looked at, its commit index then, the term it was last checked as a new leader. */
  state: (RaftState | null)[];
  commitSeen: number[];
  leaderTerm: number[];
  compacted: Floor;
}

/** Whether `s` holds the committed entry at `index` (an index inside its snapshot counts as held). */
function holdsEntry(s: RaftState, index: number, term: number): boolean {
  if (index > lastLogIndex(s)) return false;
  const held = termAt(s, index);
  return held === -1 || held === term;
}

export const leaderCompleteness: Invariant<RaftState, CompletenessMemory> = {
  id: 'leader-completeness',
  description:
    'If a log entry is committed in a given term, that entry will be present in the logs of the leaders for all higher-numbered terms.',
  init: () => ({
    committedTerm: column(),
    committedIn: column(),
    maxCommitted: 0,
    state: [],
    commitSeen: [],
    leaderTerm: [],
    compacted: floorMemory(),
  }),
  check(memory, cluster) {
    const s = nodeState(cluster);
    if (s === null) return null;
    const node = cluster.lastNode;
    if (raiseFloor(memory.compacted, cluster, node, s)) {
      const below = memory.compacted.floor + 1;
      if (forgetBelow(memory.committedTerm, below)) forgetBelow(memory.committedIn, below);
    }
    const floor = memory.compacted.floor;
    if (memory.state[node] !== s) {
      memory.state[node] = s;
      memory.commitSeen[node] = s.snapshotIndex;
      memory.leaderTerm[node] = -1;
    }
    // New commit points: record them, and check the leaders of later terms already in office.
    const seen = memory.commitSeen[node]!;
    if (s.commitIndex > seen) {
      memory.commitSeen[node] = s.commitIndex;
      const upTo = Math.min(s.commitIndex, lastLogIndex(s));
      let newest = -1;
      for (let index = Math.max(seen + 1, s.snapshotIndex, floor + 1); index <= upTo; index++) {
        if (valueAt(memory.committedTerm, index) !== undefined) continue;
        const term = termAt(s, index);
        if (term < 0) continue;
        setValueAt(memory.committedTerm, index, term);
        setValueAt(memory.committedIn, index, s.currentTerm);
        if (index > memory.maxCommitted) memory.maxCommitted = index;
        newest = index;
      }
      if (newest > 0) {
        const term = valueAt(memory.committedTerm, newest)!;
        for (let other = 0; other < cluster.states.length; other++) {
          const o = cluster.states[other];
          if (o == null || o.role !== 'leader' || o.currentTerm <= s.currentTerm) continue;
          if (!holdsEntry(o, newest, term))
            return `entry ${newest} (term ${term}) was committed in term ${s.currentTerm} (seen at n${node}) but leader n${other} of term ${o.currentTerm} lacks it`;
        }
      }
    }
    // A new leader: it must hold every entry committed in an earlier term. Log Matching is
    // checked on its own, so holding the latest such entry means holding all before it.
    if (s.role === 'leader' && memory.leaderTerm[node] !== s.currentTerm) {
      memory.leaderTerm[node] = s.currentTerm;
      let index = memory.maxCommitted;
      // At or below the floor, every node holds the entry (in its snapshot): nothing to check.
      while (index > floor && !(valueAt(memory.committedIn, index)! < s.currentTerm)) index--;
      if (index > floor) {
        const term = valueAt(memory.committedTerm, index)!;
        if (!holdsEntry(s, index, term)) {
          const held = termAt(s, index);
          const what = held < 0 ? 'nothing' : `an entry of term ${held}`;
          return `n${node} became leader of term ${s.currentTerm} without committed entry ${index} (term ${term}, committed by term ${valueAt(memory.committedIn, index)}); it holds ${what} there`;
        }
      }
    }
    return null;
  },
};

// ---- State Machine Safety -----------------------------------------------------------------------

interface MachineMemory {
  /** index -> term and command of the first entry any node applied there. */
  term: Column;
  command: Column;
  /** Per node: the state last looked at and its lastApplied then. */
  state: (RaftState | null)[];
  applied: number[];
  compacted: Floor;
}

export const stateMachineSafety: Invariant<RaftState, MachineMemory> = {
  id: 'state-machine-safety',
  description:
    'If a server has applied a log entry at a given index to its state machine, no other server will ever apply a different log entry for the same index.',
  init: () => ({
    term: column(),
    command: column(),
    state: [],
    applied: [],
    compacted: floorMemory(),
  }),
  check(memory, cluster) {
    const s = nodeState(cluster);
    if (s === null) return null;
    const node = cluster.lastNode;
    if (raiseFloor(memory.compacted, cluster, node, s)) {
      const below = memory.compacted.floor + 1;
      if (forgetBelow(memory.term, below)) forgetBelow(memory.command, below);
    }
    if (memory.state[node] !== s) {
      memory.state[node] = s;
      memory.applied[node] = s.snapshotIndex;
    }
    const seen = memory.applied[node]!;
    if (s.lastApplied <= seen) {
      memory.applied[node] = s.lastApplied;
      return null;
    }
    memory.applied[node] = s.lastApplied;
    const last = lastLogIndex(s);
    const start = Math.max(seen + 1, s.snapshotIndex, memory.compacted.floor + 1);
    for (let index = start; index <= s.lastApplied; index++) {
      if (index > last) break;
      const knownTerm = valueAt(memory.term, index);
      if (index === s.snapshotIndex) {
        // Applied by installing a snapshot: only the term of its last entry is known.
        if (knownTerm !== undefined && knownTerm !== s.snapshotTerm)
          return `n${node} installed a snapshot ending with an entry of term ${s.snapshotTerm} at index ${index}, where another server applied ${describe(knownTerm, valueAt(memory.command, index)!)}`;
        continue;
      }
      const entry = entryAt(s, index);
      const command = commandKey(entry);
      if (knownTerm === undefined) {
        setValueAt(memory.term, index, entry.term);
        setValueAt(memory.command, index, command);
      } else if (knownTerm !== entry.term || valueAt(memory.command, index) !== command) {
        return `n${node} applied ${describe(entry.term, command)} at index ${index}, where another server applied ${describe(knownTerm, valueAt(memory.command, index)!)}`;
      }
    }
    return null;
  },
};

export const raftInvariants = [
  electionSafety,
  leaderAppendOnly,
  logMatching,
  leaderCompleteness,
  stateMachineSafety,
] as const;

// ---- Liveness -----------------------------------------------------------------------------------

/** Client ops invoked in [end - 3 s, end - 1 s] must have completed within this bound. */
export const OP_BOUND_MICROS = 1_000_000;
const OP_WINDOW_START_MICROS = 3_000_000;

/**
 * Liveness, judged once at the end of the run (after the quiet phase): some node leads, and every
 * client op invoked between 3 s and 1 s before the end completed (ok or fail) within 1 s.
 */
export function raftLiveness(cluster: Cluster, history: readonly HistoryEvent[]): string | null {
  let leader = -1;
  for (let node = 0; node < cluster.states.length; node++) {
    const s = cluster.states[node];
    if (s != null && s.role === 'leader') leader = node;
  }
  if (leader < 0) return 'no leader at the end of the run';
  return opsCompleteWithin(history, cluster.now, OP_WINDOW_START_MICROS, OP_BOUND_MICROS);
}
