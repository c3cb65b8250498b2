import { describe, expect, it } from 'vitest';
import {
  electionSafety,
  leaderAppendOnly,
  leaderCompleteness,
  logMatching,
  raftLiveness,
  stateMachineSafety,
} from '../../../src/protocols/raft/invariants';
import type { LogEntry, RaftState, Role } from '../../../src/protocols/raft/types';
import type { ClusterView, HistoryEvent, Invariant } from '../../../src/sim/types';
import { Node, command } from './fake-ctx';

/** The checkers on hand-made cluster states: each must catch what it names, and only that. */

function state(role: Role, term: number, log: LogEntry[], commit = 0, applied = commit): RaftState {
  const s = new Node(0).state;
  s.role = role;
  s.currentTerm = term;
  s.log = log;
  s.commitIndex = commit;
  s.lastApplied = applied;
  return s;
}

const noops = (...terms: number[]): LogEntry[] => terms.map((term) => ({ term, cmd: null }));

class Cluster {
  readonly view: { -readonly [K in keyof ClusterView<RaftState>]: ClusterView<RaftState>[K] };
  constructor(states: (RaftState | null)[], history: HistoryEvent[] = []) {
    this.view = { now: 0, states, lastNode: -1, params: {}, variant: null, history };
  }
  /** Run a checker after an event at `node`. */
  check<M>(invariant: Invariant<RaftState, M>, memory: M, node: number): string | null {
    this.view.lastNode = node;
    return invariant.check(memory, this.view);
  }
}

describe('Election Safety', () => {
  it('flags two leaders of one term, not one leader seen twice or leaders of different terms', () => {
    const a = state('leader', 3, []);
    const b = state('follower', 3, []);
    const c = new Cluster([a, b]);
    const memory = electionSafety.init();
    expect(c.check(electionSafety, memory, 0)).toBeNull();
    expect(c.check(electionSafety, memory, 0)).toBeNull();
    b.role = 'leader';
    b.currentTerm = 4;
    expect(c.check(electionSafety, memory, 1)).toBeNull();
    const d = state('leader', 3, []);
    c.view.states = [a, b, d];
    expect(c.check(electionSafety, memory, 2)).toBe('n0 and n2 were both leader in term 3');
  });
});

describe('Leader Append-Only', () => {
  it('flags a leader that deletes entries, not a follower that does', () => {
    const s = state('leader', 2, noops(1, 2, 2));
    const c = new Cluster([s]);
    const memory = leaderAppendOnly.init();
    expect(c.check(leaderAppendOnly, memory, 0)).toBeNull();
    s.log.push({ term: 2, cmd: null });
    expect(c.check(leaderAppendOnly, memory, 0)).toBeNull();
    s.log.length = 2;
    s.truncations++;
    s.truncatedFrom = 3;
    expect(c.check(leaderAppendOnly, memory, 0)).toContain('deleted its entries from index 3');
    const f = state('follower', 2, noops(1, 2, 2));
    const d = new Cluster([f]);
    const fresh = leaderAppendOnly.init();
    d.check(leaderAppendOnly, fresh, 0);
    f.log.length = 1;
    expect(d.check(leaderAppendOnly, fresh, 0)).toBeNull();
  });

  it('flags a leader that overwrites its last entry', () => {
    const s = state('leader', 3, noops(1, 3));
    const c = new Cluster([s]);
    const memory = leaderAppendOnly.init();
    c.check(leaderAppendOnly, memory, 0);
    s.log[1] = { term: 2, cmd: null };
    expect(c.check(leaderAppendOnly, memory, 0)).toContain('overwrote entry 2');
  });
});

describe('Log Matching', () => {
  it('flags logs that share an (index, term) but differ before it', () => {
    const a = state('follower', 3, noops(1, 2, 3));
    const b = state('follower', 3, noops(1, 1, 3));
    const c = new Cluster([a, b]);
    const memory = logMatching.init();
    expect(c.check(logMatching, memory, 0)).toBeNull();
    expect(c.check(logMatching, memory, 1)).toContain('differ before it');
  });

  it('flags different commands at the same index and term', () => {
    const a = state('follower', 1, [{ term: 1, cmd: command(1, 1, 'put', 'x', 'a') }]);
    const b = state('follower', 1, [{ term: 1, cmd: command(2, 1, 'put', 'x', 'b') }]);
    const c = new Cluster([a, b]);
    const memory = logMatching.init();
    c.check(logMatching, memory, 0);
    expect(c.check(logMatching, memory, 1)).toContain('different entries at index 1 in term 1');
  });

  it('re-checks the entries that replace a truncated suffix', () => {
    const a = state('follower', 2, noops(1, 2));
    const b = state('follower', 2, noops(1, 1, 1));
    const c = new Cluster([a, b]);
    const memory = logMatching.init();
    c.check(logMatching, memory, 0);
    c.check(logMatching, memory, 1);
    // b replaces index 2 by an entry of term 2 that does not follow what a's (2, 2) follows.
    b.log = noops(9, 2);
    b.truncations++;
    b.truncatedFrom = 1;
    expect(c.check(logMatching, memory, 1)).not.toBeNull();
  });
});

describe('the per-index memories keep a window, not the whole run', () => {
  /** Both nodes compact their first `upTo` entries of term 1 into a snapshot. */
  function compact(states: RaftState[], upTo: number) {
    for (const s of states) {
      s.log = s.log.slice(upTo - s.snapshotIndex);
      s.snapshotIndex = upTo;
      s.snapshotTerm = 1;
    }
  }

  it('Log Matching forgets what every node compacted, and still catches a conflict above it', () => {
    const a = state('follower', 1, noops(...Array(3000).fill(1)));
    const b = state('follower', 1, noops(...Array(3000).fill(1)));
    const c = new Cluster([a, b]);
    const memory = logMatching.init();
    expect([c.check(logMatching, memory, 0), c.check(logMatching, memory, 1)]).toEqual([
      null,
      null,
    ]);
    compact([a], 2500);
    c.check(logMatching, memory, 0);
    expect(memory.term.base).toBe(0); // b still holds those entries: nothing forgotten
    compact([b], 2500);
    c.check(logMatching, memory, 1);
    expect(memory.term.base).toBe(2501);
    expect(memory.term.values.length).toBeLessThanOrEqual(1024);
    a.log.push({ term: 1, cmd: command(1, 1, 'put', 'x', 'a') });
    b.log.push({ term: 1, cmd: command(2, 1, 'put', 'x', 'b') });
    c.check(logMatching, memory, 0);
    expect(c.check(logMatching, memory, 1)).toContain('different entries at index 3001 in term 1');
  });

  it('State Machine Safety forgets what every node compacted, and still catches a divergence above it', () => {
    const a = state('follower', 1, noops(...Array(3000).fill(1)), 3000);
    const b = state('follower', 1, noops(...Array(3000).fill(1)), 3000);
    const c = new Cluster([a, b]);
    const memory = stateMachineSafety.init();
    c.check(stateMachineSafety, memory, 0);
    c.check(stateMachineSafety, memory, 1);
    compact([a, b], 2900);
    c.check(stateMachineSafety, memory, 0);
    c.check(stateMachineSafety, memory, 1);
    expect(memory.term.base).toBe(2901);
    a.log.push(...noops(1));
    b.log.push(...noops(2));
    a.commitIndex = a.lastApplied = b.commitIndex = b.lastApplied = 3001;
    expect(c.check(stateMachineSafety, memory, 0)).toBeNull();
    expect(c.check(stateMachineSafety, memory, 1)).toContain('at index 3001');
  });
});

describe('Leader Completeness', () => {
  it('flags a new leader that lacks an entry committed in an earlier term', () => {
    const a = state('follower', 1, noops(1, 1), 2);
    const b = state('follower', 1, noops(1));
    const c = new Cluster([a, b]);
    const memory = leaderCompleteness.init();
    c.check(leaderCompleteness, memory, 1);
    expect(c.check(leaderCompleteness, memory, 0)).toBeNull();
    b.role = 'leader';
    b.currentTerm = 2;
    expect(c.check(leaderCompleteness, memory, 1)).toContain(
      'n1 became leader of term 2 without committed entry 2',
    );
  });

  it('flags a commit, in an earlier term, of an entry a later leader in office lacks', () => {
    const a = state('leader', 5, noops(1, 2));
    const b = state('leader', 4, noops(1, 1));
    const c = new Cluster([a, b]);
    const memory = leaderCompleteness.init();
    c.check(leaderCompleteness, memory, 0);
    c.check(leaderCompleteness, memory, 1);
    b.commitIndex = 2;
    expect(c.check(leaderCompleteness, memory, 1)).toContain('leader n0 of term 5 lacks it');
  });
});

describe('State Machine Safety', () => {
  it('flags two servers applying different entries at one index', () => {
    const a = state('follower', 2, noops(1), 0);
    const b = state('follower', 2, noops(2), 0);
    const c = new Cluster([a, b]);
    const memory = stateMachineSafety.init();
    c.check(stateMachineSafety, memory, 0);
    c.check(stateMachineSafety, memory, 1);
    a.commitIndex = a.lastApplied = 1;
    expect(c.check(stateMachineSafety, memory, 0)).toBeNull();
    b.commitIndex = b.lastApplied = 1;
    expect(c.check(stateMachineSafety, memory, 1)).toBe(
      'n1 applied the no-op of term 2 at index 1, where another server applied the no-op of term 1',
    );
  });
});

describe('liveness', () => {
  it('needs a leader at the end, and the ops of the last seconds answered within a second', () => {
    const leaderState = state('leader', 1, []);
    const c = new Cluster([leaderState, state('follower', 1, [])]);
    c.view.now = 10_000_000;
    const invoke = (at: number): HistoryEvent => ({ process: 0, type: 'invoke', f: 'get', at });
    const ok = (at: number): HistoryEvent => ({ process: 0, type: 'ok', f: 'get', at });
    expect(raftLiveness(c.view, [invoke(8_000_000), ok(8_010_000)])).toBeNull();
    expect(raftLiveness(c.view, [invoke(8_000_000), ok(9_500_000)])).toContain('took 1500000');
    expect(raftLiveness(c.view, [invoke(8_000_000)])).toContain('never completed');
    leaderState.role = 'follower';
    expect(raftLiveness(c.view, [])).toBe('no leader at the end of the run');
  });
});
