import { describe, expect, it } from 'vitest';
import type { ClientOp } from '../../../src/sim/types';
import { Node, appendEntries, command, entries, only, requestVote } from './fake-ctx';

/**
 * One test per rule of Figure 2 (and the sections it points to), driving one node's handlers
 * directly through a recording context.
 */

/** A node that has just won term 1 with the votes of n1 and n2 (its no-op is at index 1). */
function leader(nodes = 5, params = {}, variant: string | null = null): Node {
  const n = new Node(0, nodes, params, variant);
  n.timer('election');
  n.receive(1, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
  n.receive(2, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
  expect(n.state.role).toBe('leader');
  n.ctx.take();
  return n;
}

function op(client: number, seq: number, f: string, key: string, value?: unknown): ClientOp {
  return value === undefined ? { client, seq, f, key } : { client, seq, f, key, value };
}

describe('RequestVote RPC (receiver implementation)', () => {
  it('RequestVote: reply false if term < currentTerm', () => {
    const n = new Node(1).withTerm(5);
    const [reply] = n.receive(2, requestVote(4, 10, 4));
    expect(reply!.msg).toEqual({ type: 'RequestVoteResponse', term: 5, voteGranted: false });
    expect(n.state.votedFor).toBe(-1);
  });

  it('RequestVote: grant if votedFor is null and the candidate’s log is at least as up-to-date', () => {
    const n = new Node(1).withLog(1, 1);
    const [reply] = n.receive(2, requestVote(2, 2, 1));
    expect(reply!.msg).toEqual({ type: 'RequestVoteResponse', term: 2, voteGranted: true });
    expect(n.state.votedFor).toBe(2);
  });

  it('RequestVote: grant again to the same candidate (votedFor is candidateId), not to another', () => {
    const n = new Node(1);
    n.receive(2, requestVote(1, 0, 0));
    expect(only(n.receive(2, requestVote(1, 0, 0)), 'RequestVoteResponse')[0]!.voteGranted).toBe(
      true,
    );
    expect(only(n.receive(3, requestVote(1, 0, 0)), 'RequestVoteResponse')[0]!.voteGranted).toBe(
      false,
    );
  });

  it('RequestVote: refuse a candidate whose last log term is older (5.4.1)', () => {
    const n = new Node(1).withLog(1, 2);
    expect(only(n.receive(2, requestVote(3, 5, 1)), 'RequestVoteResponse')[0]!.voteGranted).toBe(
      false,
    );
  });

  it('RequestVote: refuse a candidate with the same last term but a shorter log (5.4.1)', () => {
    const n = new Node(1).withLog(1, 2, 2);
    expect(only(n.receive(2, requestVote(3, 2, 2)), 'RequestVoteResponse')[0]!.voteGranted).toBe(
      false,
    );
    expect(only(n.receive(3, requestVote(3, 3, 2)), 'RequestVoteResponse')[0]!.voteGranted).toBe(
      true,
    );
  });

  it('RequestVote: currentTerm and votedFor are on disk before the reply', () => {
    const n = new Node(1);
    n.receive(2, requestVote(7, 0, 0));
    expect(n.ctx.disk.get('term')).toBe(7);
    expect(n.ctx.disk.get('votedFor')).toBe(2);
    n.restart();
    expect(only(n.receive(3, requestVote(7, 0, 0)), 'RequestVoteResponse')[0]!.voteGranted).toBe(
      false,
    );
  });

  it('BUG volatile-vote: after a restart the node votes a second time in the same term', () => {
    const n = new Node(1, 5, {}, 'volatile-vote');
    n.receive(2, requestVote(7, 0, 0));
    n.restart();
    expect(n.state.currentTerm).toBe(7);
    expect(only(n.receive(3, requestVote(7, 0, 0)), 'RequestVoteResponse')[0]!.voteGranted).toBe(
      true,
    );
  });

  it('BUG no-log-check: votes go to candidates with stale logs', () => {
    const n = new Node(1, 5, {}, 'no-log-check').withLog(1, 2);
    expect(only(n.receive(2, requestVote(3, 0, 0)), 'RequestVoteResponse')[0]!.voteGranted).toBe(
      true,
    );
  });
});

describe('All servers', () => {
  it('if RPC request or response contains term T > currentTerm: set currentTerm = T, convert to follower', () => {
    const n = leader();
    n.receive(3, requestVote(4, 0, 0));
    expect(n.state.role).toBe('follower');
    expect(n.state.currentTerm).toBe(4);
    expect(n.ctx.disk.get('term')).toBe(4);
    expect(n.ctx.timers.has('heartbeat')).toBe(false);
  });

  it('if commitIndex > lastApplied: apply log[lastApplied] to the state machine, in order', () => {
    const n = new Node(1);
    const list = [
      { term: 1, cmd: null },
      { term: 1, cmd: command(9, 1, 'put', 'x', 'a') },
      { term: 1, cmd: command(9, 2, 'append', 'x', 'b') },
    ];
    n.receive(0, appendEntries(1, 0, 0, list, 2));
    expect(n.state.lastApplied).toBe(2);
    expect(n.state.kv.get('x')).toBe('a');
    n.receive(0, appendEntries(1, 3, 1, [], 3));
    expect(n.state.kv.get('x')).toBe('ab');
  });
});

describe('Followers', () => {
  it('if election timeout elapses without AppendEntries from the leader or a vote granted: convert to candidate', () => {
    const n = new Node(1);
    const sent = n.timer('election');
    expect(n.state.role).toBe('candidate');
    expect(only(sent, 'RequestVote')).toHaveLength(4);
  });

  it('a follower that heard from the leader since its timer was armed waits a fresh timeout from that contact', () => {
    const n = new Node(1);
    n.ctx.now = 100_000;
    n.receive(0, appendEntries(1, 0, 0, []));
    n.ctx.now = 200_000;
    expect(n.timer('election')).toEqual([]);
    expect(n.state.role).toBe('follower');
    // 150..300 ms after the contact at 100 ms, i.e. 50..200 ms from now.
    expect(n.ctx.timers.get('election')).toEqual({ min: 50_000, max: 200_000 });
  });

  it('followers redirect clients to the leader they know', () => {
    const n = new Node(1);
    n.receive(3, appendEntries(1, 0, 0, []));
    n.client(op(0, 1, 'put', 'x', 'v'));
    expect(n.ctx.replies[0]!.result).toEqual({ kind: 'redirect', leader: 3 });
  });
});

describe('Candidates', () => {
  it('on conversion to candidate: increment currentTerm, vote for self, reset election timer, send RequestVote to all', () => {
    const n = new Node(2).withLog(1, 1);
    n.ctx.timers.clear();
    const sent = n.timer('election');
    expect(n.state.currentTerm).toBe(1);
    expect(n.state.votedFor).toBe(2);
    expect(n.ctx.disk.get('votedFor')).toBe(2);
    expect(n.ctx.timers.has('election')).toBe(true);
    expect(sent.map((s) => s.to)).toEqual([0, 1, 3, 4]);
    expect(sent[0]!.msg).toEqual(requestVote(1, 2, 1));
  });

  it('if votes received from a majority of servers: become leader (duplicated votes count once)', () => {
    const n = new Node(0);
    n.timer('election');
    n.receive(1, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
    n.receive(1, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
    expect(n.state.role).toBe('candidate');
    n.receive(2, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
    expect(n.state.role).toBe('leader');
  });

  it('if AppendEntries RPC received from new leader: convert to follower', () => {
    const n = new Node(0);
    n.timer('election');
    n.receive(3, appendEntries(1, 0, 0, []));
    expect(n.state.role).toBe('follower');
    expect(n.state.leaderId).toBe(3);
  });

  it('a candidate asks again, every heartbeat, the peers that have not answered', () => {
    const n = new Node(0);
    n.timer('election');
    n.receive(1, { type: 'RequestVoteResponse', term: 1, voteGranted: false });
    const again = n.timer('heartbeat');
    expect(again.map((s) => s.to)).toEqual([2, 3, 4]);
  });
});

describe('AppendEntries RPC (receiver implementation)', () => {
  it('AppendEntries: reply false if term < currentTerm', () => {
    const n = new Node(1).withTerm(3);
    const [reply] = n.receive(0, appendEntries(2, 0, 0, entries(2)));
    expect(reply!.msg).toMatchObject({ type: 'AppendEntriesResponse', term: 3, success: false });
    expect(n.state.log).toHaveLength(0);
  });

  it('AppendEntries: reply false if log doesn’t contain an entry at prevLogIndex (hint: last index + 1)', () => {
    const n = new Node(1).withLog(1, 1);
    const [reply] = n.receive(0, appendEntries(2, 5, 2, entries(2)));
    expect(reply!.msg).toMatchObject({
      success: false,
      matchIndex: 5,
      conflictTerm: -1,
      conflictIndex: 3,
    });
  });

  it('AppendEntries: reply false if the entry at prevLogIndex has another term (hint: that term and its first index)', () => {
    const n = new Node(1).withLog(1, 2, 2, 2);
    const [reply] = n.receive(0, appendEntries(3, 4, 3, entries(3)));
    expect(reply!.msg).toMatchObject({ success: false, conflictTerm: 2, conflictIndex: 2 });
    expect(n.terms()).toEqual([1, 2, 2, 2]);
  });

  it('AppendEntries: if an existing entry conflicts with a new one, delete it and all that follow (on disk too)', () => {
    const n = new Node(1).withLog(1, 2, 2, 2);
    const [reply] = n.receive(0, appendEntries(3, 1, 1, entries(3)));
    expect(n.terms()).toEqual([1, 3]);
    expect(n.ctx.diskLog().map((e) => e.term)).toEqual([1, 3]);
    expect(n.ctx.disk.has('log/3')).toBe(false);
    expect(reply!.msg).toMatchObject({ success: true, matchIndex: 2 });
  });

  it('AppendEntries: append any new entries not already in the log; matching entries after them are kept', () => {
    const n = new Node(1).withLog(1, 1, 1);
    // A late, shorter AppendEntries: its entries match, so nothing after them may be deleted.
    const [reply] = n.receive(0, appendEntries(1, 0, 0, entries(1)));
    expect(n.terms()).toEqual([1, 1, 1]);
    expect(reply!.msg).toMatchObject({ success: true, matchIndex: 1 });
    n.receive(0, appendEntries(1, 2, 1, entries(1, 1)));
    expect(n.terms()).toEqual([1, 1, 1, 1]);
  });

  it('BUG truncate-always: a late AppendEntries deletes matching entries after prevLogIndex', () => {
    const n = new Node(1, 5, {}, 'truncate-always').withLog(1, 1, 1);
    n.receive(0, appendEntries(1, 0, 0, entries(1)));
    expect(n.terms()).toEqual([1]);
  });

  it('AppendEntries: if leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)', () => {
    const n = new Node(1).withLog(1, 1, 1, 1);
    n.receive(0, appendEntries(1, 1, 1, entries(1), 10));
    // Index 2 is the last new entry: entries 3 and 4 were not checked against this leader.
    expect(n.state.commitIndex).toBe(2);
    n.receive(0, appendEntries(1, 4, 1, [], 3));
    expect(n.state.commitIndex).toBe(3);
  });

  it('AppendEntries: new entries are on disk, one key per entry, before the reply', () => {
    const n = new Node(1);
    n.receive(
      0,
      appendEntries(1, 0, 0, [{ term: 1, cmd: command(4, 2, 'cas', 'k|ey', 'new', 'o|ld') }]),
    );
    expect(n.ctx.disk.get('log/1')).toEqual(expect.any(String));
    expect(n.ctx.diskLog()).toEqual([
      { term: 1, cmd: command(4, 2, 'cas', 'k|ey', 'new', 'o|ld') },
    ]);
  });
});

describe('Leaders', () => {
  it('upon election: append a no-op of the new term and send AppendEntries to each server', () => {
    const n = new Node(0).withLog(1);
    n.timer('election');
    n.receive(1, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
    const sent = n.receive(2, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
    expect(n.terms()).toEqual([1, 1]);
    expect(n.state.log[1]).toEqual({ term: 1, cmd: null });
    const appends = only(sent, 'AppendEntries');
    expect(appends).toHaveLength(4);
    expect(appends[0]).toMatchObject({
      prevLogIndex: 1,
      prevLogTerm: 1,
      entries: [{ term: 1, cmd: null }],
    });
    expect(n.ctx.timers.has('heartbeat')).toBe(true);
  });

  it('heartbeats: idle followers get empty AppendEntries every heartbeat interval', () => {
    const n = leader();
    for (const peer of [1, 2, 3, 4])
      n.receive(peer, {
        type: 'AppendEntriesResponse',
        term: 1,
        success: true,
        matchIndex: 1,
        conflictTerm: 0,
        conflictIndex: 0,
        round: 0,
      });
    n.ctx.now += 50_000;
    const sent = only(n.timer('heartbeat'), 'AppendEntries');
    expect(sent).toHaveLength(4);
    expect(sent.every((m) => m.entries.length === 0 && m.prevLogIndex === 1)).toBe(true);
    // Peers at the same point share one message object.
    expect(new Set(sent).size).toBe(1);
  });

  it('heartbeats: a follower sent entries within the last half interval is not idle and gets none', () => {
    const n = leader();
    for (const peer of [1, 2, 3, 4])
      n.receive(peer, {
        type: 'AppendEntriesResponse',
        term: 1,
        success: true,
        matchIndex: 1,
        conflictTerm: 0,
        conflictIndex: 0,
        round: 0,
      });
    n.ctx.now += 40_000;
    n.client(op(1, 1, 'put', 'x', 'v'));
    n.ctx.now += 10_000;
    expect(n.timer('heartbeat')).toEqual([]);
    n.ctx.now += 50_000;
    expect(n.timer('heartbeat').map((s) => s.to)).toEqual([1, 2, 3, 4]);
  });

  it('if command received from client: append entry to local log, respond after entry applied to state machine', () => {
    const n = leader();
    for (const peer of [1, 2])
      n.receive(peer, {
        type: 'AppendEntriesResponse',
        term: 1,
        success: true,
        matchIndex: 1,
        conflictTerm: 0,
        conflictIndex: 0,
        round: 0,
      });
    const sent = n.client(op(7, 1, 'put', 'x', 'v1'));
    expect(n.state.log[1]!.cmd).toEqual(command(7, 1, 'put', 'x', 'v1'));
    expect(n.ctx.diskLog()).toHaveLength(2);
    expect(only(sent, 'AppendEntries').map((m) => m.prevLogIndex)).toEqual([1, 1]);
    expect(n.ctx.replies).toHaveLength(0);
    n.receive(1, {
      type: 'AppendEntriesResponse',
      term: 1,
      success: true,
      matchIndex: 2,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    expect(n.ctx.replies).toHaveLength(0);
    n.receive(2, {
      type: 'AppendEntriesResponse',
      term: 1,
      success: true,
      matchIndex: 2,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    expect(n.state.commitIndex).toBe(2);
    expect(n.ctx.replies).toEqual([{ op: op(7, 1, 'put', 'x', 'v1'), result: { kind: 'ok' } }]);
  });

  it('if last log index >= nextIndex for a follower: send AppendEntries with log entries starting at nextIndex', () => {
    const n = leader(5, { maxEntriesPerAppend: 2 });
    n.client(op(1, 1, 'put', 'a', '1'));
    n.client(op(1, 2, 'put', 'a', '2'));
    const sent = n.receive(3, {
      type: 'AppendEntriesResponse',
      term: 1,
      success: true,
      matchIndex: 1,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    const [append] = only(sent, 'AppendEntries');
    expect(append).toMatchObject({ prevLogIndex: 1, entries: [{ term: 1 }, { term: 1 }] });
    expect(n.state.matchIndex[3]).toBe(1);
    expect(n.state.nextIndex[3]).toBe(4);
  });

  it('if AppendEntries fails because of log inconsistency: decrement nextIndex and retry, a whole term at a time', () => {
    const n = new Node(0).withLog(1, 1, 2, 2, 2);
    n.withTerm(3);
    n.timer('election');
    n.receive(1, { type: 'RequestVoteResponse', term: 4, voteGranted: true });
    n.receive(2, { type: 'RequestVoteResponse', term: 4, voteGranted: true });
    const reject = (conflictTerm: number, conflictIndex: number) =>
      ({
        type: 'AppendEntriesResponse',
        term: 4,
        success: false,
        matchIndex: 5,
        conflictTerm,
        conflictIndex,
        round: 0,
      }) as const;
    // n1 holds [1 1 2 3 3]: term 3 is unknown to the leader, so it goes back to index 4 at once.
    expect(only(n.receive(1, reject(3, 4)), 'AppendEntries')[0]).toMatchObject({
      prevLogIndex: 3,
      prevLogTerm: 2,
    });
    // n2 holds [1]: its log is too short, it says where it ends.
    expect(only(n.receive(2, reject(-1, 2)), 'AppendEntries')[0]).toMatchObject({
      prevLogIndex: 1,
      prevLogTerm: 1,
    });
    // n3 holds [1 1 1 1 1]: the leader has term 1 too, up to index 2, so it resumes after that.
    expect(only(n.receive(3, reject(1, 1)), 'AppendEntries')[0]).toMatchObject({
      prevLogIndex: 2,
      prevLogTerm: 1,
    });
    // A duplicate of an answer already acted upon is ignored.
    expect(n.receive(3, reject(1, 1))).toEqual([]);
  });

  it('commit only entries of the current term by counting replicas (5.4.2)', () => {
    // n0 led term 2 before; its log holds an entry of term 2 that n1 and n2 now also hold.
    const n = new Node(0).withLog(1, 2);
    n.withTerm(3);
    n.timer('election');
    n.receive(1, { type: 'RequestVoteResponse', term: 4, voteGranted: true });
    n.receive(2, { type: 'RequestVoteResponse', term: 4, voteGranted: true });
    for (const peer of [1, 2])
      n.receive(peer, {
        type: 'AppendEntriesResponse',
        term: 4,
        success: true,
        matchIndex: 2,
        conflictTerm: 0,
        conflictIndex: 0,
        round: 0,
      });
    expect(n.state.commitIndex).toBe(0);
    n.receive(1, {
      type: 'AppendEntriesResponse',
      term: 4,
      success: true,
      matchIndex: 3,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    n.receive(2, {
      type: 'AppendEntriesResponse',
      term: 4,
      success: true,
      matchIndex: 3,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    expect(n.state.commitIndex).toBe(3);
  });

  it('BUG figure8: a leader commits an entry of an earlier term once a majority holds it', () => {
    const n = new Node(0, 5, {}, 'figure8').withLog(1, 2);
    n.withTerm(3);
    n.timer('election');
    n.receive(1, { type: 'RequestVoteResponse', term: 4, voteGranted: true });
    n.receive(2, { type: 'RequestVoteResponse', term: 4, voteGranted: true });
    for (const peer of [1, 2])
      n.receive(peer, {
        type: 'AppendEntriesResponse',
        term: 4,
        success: true,
        matchIndex: 2,
        conflictTerm: 0,
        conflictIndex: 0,
        round: 0,
      });
    expect(n.state.commitIndex).toBe(2);
  });

  it('a leader that loses its term answers waiting clients with a redirect', () => {
    const n = leader();
    n.client(op(3, 1, 'put', 'x', 'v'));
    n.receive(4, appendEntries(5, 0, 0, []));
    expect(n.state.role).toBe('follower');
    expect(n.ctx.replies).toEqual([
      { op: op(3, 1, 'put', 'x', 'v'), result: { kind: 'redirect', leader: 4 } },
    ]);
  });
});

describe('Client sessions and the state machine (section 8)', () => {
  function committedLeader(): Node {
    const n = leader(1);
    return n;
  }

  it('a retried command is applied once and its first answer returned', () => {
    const n = committedLeader();
    n.client(op(2, 1, 'append', 'x', 'a'));
    n.client(op(2, 1, 'append', 'x', 'a'));
    expect(n.state.kv.get('x')).toBe('a');
    expect(n.ctx.replies.map((r) => r.result)).toEqual([{ kind: 'ok' }, { kind: 'ok' }]);
    // The same command twice in the log (a retry that reached a new leader) is applied once.
    const m = new Node(1);
    const cmd = command(2, 1, 'append', 'x', 'a');
    m.receive(
      0,
      appendEntries(
        1,
        0,
        0,
        [
          { term: 1, cmd },
          { term: 1, cmd },
        ],
        2,
      ),
    );
    expect(m.state.kv.get('x')).toBe('a');
  });

  it('get, put, append and cas behave as a key-value store; a cas that sees another value fails', () => {
    const n = committedLeader();
    n.client(op(1, 1, 'get', 'k'));
    n.client(op(1, 2, 'put', 'k', 'a'));
    n.client(op(1, 3, 'append', 'k', 'b'));
    n.client(op(1, 4, 'cas', 'k', ['zz', 'c']));
    n.client(op(1, 5, 'cas', 'k', ['ab', 'c']));
    n.client(op(1, 6, 'get', 'k'));
    expect(n.ctx.replies.map((r) => r.result)).toEqual([
      { kind: 'ok', value: '' },
      { kind: 'ok' },
      { kind: 'ok' },
      { kind: 'fail', error: 'cas: value differs' },
      { kind: 'ok' },
      { kind: 'ok', value: 'c' },
    ]);
  });

  it('ReadIndex: a read is answered after a heartbeat round confirms leadership, without a log entry', () => {
    const n = leader(3, { readMode: 'readindex' });
    n.receive(1, {
      type: 'AppendEntriesResponse',
      term: 1,
      success: true,
      matchIndex: 1,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    expect(n.state.commitIndex).toBe(1);
    const sent = n.client(op(5, 1, 'get', 'x'));
    const round = only(sent, 'AppendEntries')[0]!.round;
    expect(n.state.log).toHaveLength(1);
    expect(n.ctx.replies).toHaveLength(0);
    n.receive(2, {
      type: 'AppendEntriesResponse',
      term: 1,
      success: true,
      matchIndex: 1,
      conflictTerm: 0,
      conflictIndex: 0,
      round,
    });
    expect(n.ctx.replies).toEqual([
      { op: op(5, 1, 'get', 'x'), result: { kind: 'ok', value: '' } },
    ]);
  });
});

describe('Persistence and recovery', () => {
  it('recover() rebuilds currentTerm, votedFor and the log from the disk; the rest starts over', () => {
    const n = new Node(1);
    n.receive(
      0,
      appendEntries(
        3,
        0,
        0,
        [
          { term: 3, cmd: command(1, 1, 'put', 'x', 'y') },
          { term: 3, cmd: null },
        ],
        2,
      ),
    );
    n.receive(4, requestVote(4, 9, 9));
    n.restart();
    expect(n.state).toMatchObject({
      currentTerm: 4,
      votedFor: 4,
      role: 'follower',
      commitIndex: 0,
      lastApplied: 0,
    });
    expect(n.state.log).toEqual([
      { term: 3, cmd: command(1, 1, 'put', 'x', 'y') },
      { term: 3, cmd: null },
    ]);
    expect(n.state.kv.size).toBe(0);
  });
});

describe('Pre-vote and check-quorum (thesis 9.6)', () => {
  it('PreVote: a pre-candidate does not raise its term, and voters keep theirs', () => {
    const n = new Node(0, 5, { preVote: true });
    const sent = n.timer('election');
    expect(n.state.role).toBe('precandidate');
    expect(n.state.currentTerm).toBe(0);
    expect(only(sent, 'PreVote')[0]).toMatchObject({ term: 1 });
    const voter = new Node(1, 5, { preVote: true });
    const [reply] = voter.receive(0, { type: 'PreVote', term: 1, lastLogIndex: 0, lastLogTerm: 0 });
    expect(reply!.msg).toEqual({ type: 'PreVoteResponse', term: 1, voteGranted: true });
    expect(voter.state.currentTerm).toBe(0);
    n.receive(1, { type: 'PreVoteResponse', term: 1, voteGranted: true });
    n.receive(2, { type: 'PreVoteResponse', term: 1, voteGranted: true });
    expect(n.state.role).toBe('candidate');
    expect(n.state.currentTerm).toBe(1);
  });

  it('PreVote: refused while the voter hears from a leader', () => {
    const voter = new Node(1, 5, { preVote: true });
    voter.ctx.now = 1_000_000;
    voter.receive(0, appendEntries(1, 0, 0, []));
    voter.ctx.now += 100_000;
    const [reply] = voter.receive(3, { type: 'PreVote', term: 2, lastLogIndex: 5, lastLogTerm: 1 });
    expect(reply!.msg).toMatchObject({ voteGranted: false });
  });

  it('CheckQuorum: a leader that heard from no majority for an election timeout steps down', () => {
    const n = leader(5, { checkQuorum: true });
    n.receive(1, {
      type: 'AppendEntriesResponse',
      term: 1,
      success: true,
      matchIndex: 1,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    n.timer('election');
    expect(n.state.role).toBe('follower');
    const m = leader(5, { checkQuorum: true });
    for (const peer of [1, 2])
      m.receive(peer, {
        type: 'AppendEntriesResponse',
        term: 1,
        success: true,
        matchIndex: 1,
        conflictTerm: 0,
        conflictIndex: 0,
        round: 0,
      });
    m.timer('election');
    expect(m.state.role).toBe('leader');
  });

  it('CheckQuorum: a follower that hears from its leader ignores a disruptive RequestVote', () => {
    const n = new Node(1, 5, { checkQuorum: true });
    n.ctx.now = 1_000_000;
    n.receive(0, appendEntries(1, 0, 0, []));
    expect(n.receive(4, requestVote(9, 0, 0))).toEqual([]);
    expect(n.state.currentTerm).toBe(1);
  });
});

describe('Log compaction (section 7)', () => {
  it('a leader compacts applied entries into a snapshot once the threshold is reached', () => {
    const n = leader(1, { snapshotThreshold: 3 });
    for (let seq = 1; seq <= 3; seq++) n.client(op(1, seq, 'append', 'x', String(seq)));
    n.timer('heartbeat');
    expect(n.state.snapshotIndex).toBe(4);
    expect(n.state.log).toHaveLength(0);
    expect(n.ctx.disk.has('log/1')).toBe(false);
    n.restart();
    expect(n.state.kv.get('x')).toBe('123');
    expect(n.state.lastApplied).toBe(4);
  });

  it('InstallSnapshot: discard the entire log when it does not hold the last included entry, and reset the state machine', () => {
    const n = new Node(1).withLog(1, 1, 1);
    const data = {
      index: 5,
      term: 2,
      kv: new Map([['x', 'v']]),
      sessions: new Map(),
      config: [0, 1, 2],
    };
    const [reply] = n.receive(0, {
      type: 'InstallSnapshot',
      term: 2,
      lastIncludedIndex: 5,
      lastIncludedTerm: 2,
      data,
      round: 0,
    });
    expect(n.state).toMatchObject({
      snapshotIndex: 5,
      snapshotTerm: 2,
      commitIndex: 5,
      lastApplied: 5,
      log: [],
    });
    expect(n.state.kv.get('x')).toBe('v');
    expect(n.ctx.disk.has('log/1')).toBe(false);
    expect(reply!.msg).toMatchObject({ type: 'InstallSnapshotResponse', matchIndex: 5 });
  });

  it('InstallSnapshot: keep the entries that follow a matching last included entry', () => {
    const n = new Node(1).withLog(1, 1, 2, 2);
    const data = { index: 2, term: 1, kv: new Map(), sessions: new Map(), config: [0, 1, 2] };
    n.receive(0, {
      type: 'InstallSnapshot',
      term: 2,
      lastIncludedIndex: 2,
      lastIncludedTerm: 1,
      data,
      round: 0,
    });
    expect(n.state.snapshotIndex).toBe(2);
    expect(n.terms()).toEqual([2, 2]);
  });

  it('a leader sends InstallSnapshot to a follower whose next entry was compacted away', () => {
    const n = leader(3, { snapshotThreshold: 2 });
    n.receive(1, {
      type: 'AppendEntriesResponse',
      term: 1,
      success: true,
      matchIndex: 1,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    n.client(op(1, 1, 'put', 'x', 'a'));
    n.receive(1, {
      type: 'AppendEntriesResponse',
      term: 1,
      success: true,
      matchIndex: 2,
      conflictTerm: 0,
      conflictIndex: 0,
      round: 0,
    });
    n.ctx.now += 50_000;
    n.timer('heartbeat');
    expect(n.state.snapshotIndex).toBe(2);
    n.ctx.now += 50_000;
    const sent = n.timer('heartbeat');
    expect(sent.find((s) => s.to === 2)!.msg).toMatchObject({
      type: 'InstallSnapshot',
      lastIncludedIndex: 2,
    });
  });
});
