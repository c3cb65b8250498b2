import { describe, expect, it } from 'vitest';
import { betterVote } from '../../../src/protocols/zab/election';
import { commonPrefix, summarize } from '../../../src/protocols/zab/history';
import { makeZxid } from '../../../src/protocols/zab/common';
import { VARIANT, type Entry, type Role } from '../../../src/protocols/zab/types';
import {
  CONN,
  Node,
  elect,
  entries,
  followerOf3,
  leaderOf3,
  only,
  owns,
  op,
  put,
} from './fake-ctx';

/**
 * One test per rule of Zab 1.0 (Medeiros, "ZooKeeper's atomic broadcast protocol: theory and
 * practice", section 3; Junqueira et al., Algorithms 1-3), driving one server's handlers
 * through a recording context.
 */

const z = makeZxid;

/** The leader n2 of followerOf3 proposes `entry` to `f` as message `seq`, then commits it. */
function proposeAndCommit(f: Node, seq: number, entry: Entry): void {
  f.receive(2, { type: 'PROPOSAL', conn: CONN, seq, entry });
  f.receive(2, { type: 'COMMIT', conn: CONN, seq: seq + 1, zxid: entry.zxid });
}

/** syncTimeoutMicros 300 ms over tickMicros 50 ms: a syncLimit of 6 ticks. */
const SYNC_LIMIT_TICKS = 6;

/**
 * Tick `n`, which has heard nothing for `silent` ticks already, up to syncLimit ticks of
 * silence: it is still `role` then, and looking one tick later.
 */
function outlastSyncLimit(n: Node, role: Role, silent = 0): void {
  for (let tick = silent + 1; tick <= SYNC_LIMIT_TICKS; tick++) n.timer('tick');
  expect(n.state.role).toBe(role);
  n.timer('tick');
  expect(n.state.role).toBe('looking');
}

describe('Fast Leader Election', () => {
  it('a vote is better by epoch first, then zxid, then server id (totalOrderPredicate)', () => {
    const v = (leader: number, epoch: number, zxid: number) => ({ leader, epoch, zxid });
    expect(betterVote(v(0, 2, z(1, 1)), v(4, 1, z(1, 9)))).toBe(true);
    expect(betterVote(v(0, 1, z(1, 9)), v(4, 1, z(1, 8)))).toBe(true);
    expect(betterVote(v(4, 1, z(1, 9)), v(0, 1, z(1, 9)))).toBe(true);
    expect(betterVote(v(0, 1, z(1, 9)), v(4, 1, z(1, 9)))).toBe(false);
  });

  it('a looking server votes for itself with (currentEpoch, last zxid) and tells everyone', () => {
    const n = new Node(1, 3).withEpochs(2, 2).withHistory(entries(2, 1, 3));
    const sent = n.restart();
    const votes = only(sent, 'NOTIFICATION');
    expect(votes.map((m) => m.to)).toEqual([0, 2]);
    expect(votes[0]!.vote).toEqual({ leader: 1, epoch: 2, zxid: z(2, 3) });
    expect(n.state.role).toBe('looking');
  });

  it('adopts a better vote of its round and tells everyone again', () => {
    const n = new Node(0, 3);
    const better = { leader: 2, zxid: 0, epoch: 0 };
    const sent = n.receive(2, { type: 'NOTIFICATION', round: 1, state: 'looking', vote: better });
    expect(n.state.vote).toEqual(better);
    expect(only(sent, 'NOTIFICATION').every((m) => m.vote.leader === 2)).toBe(true);
  });

  it('a notification of a later round starts that round over, its own vote compared again', () => {
    const n = new Node(2, 3);
    const worse = { leader: 0, zxid: 0, epoch: 0 };
    n.receive(0, { type: 'NOTIFICATION', round: 5, state: 'looking', vote: worse });
    expect(n.state.round).toBe(5);
    expect(n.state.vote.leader).toBe(2);
    expect([...n.state.votes.keys()].sort()).toEqual([0, 2]);
  });

  it('answers a notification of an older round with its own, so the sender catches up', () => {
    const n = new Node(0, 3);
    n.state.round = 4;
    const sent = n.receive(1, {
      type: 'NOTIFICATION',
      round: 2,
      state: 'looking',
      vote: { leader: 1, zxid: 0, epoch: 0 },
    });
    expect(only(sent, 'NOTIFICATION')).toEqual([expect.objectContaining({ to: 1, round: 4 })]);
  });

  it('decides only after finalizeWait with a quorum agreeing, and a better vote cancels it', () => {
    const n = new Node(0, 3);
    const vote = { leader: 1, zxid: 0, epoch: 0 };
    n.receive(1, { type: 'NOTIFICATION', round: 1, state: 'looking', vote });
    expect(n.state.finalizing).toBe(true);
    expect(n.state.role).toBe('looking');
    n.receive(2, {
      type: 'NOTIFICATION',
      round: 1,
      state: 'looking',
      vote: { leader: 2, zxid: 0, epoch: 0 },
    });
    expect(n.state.vote.leader).toBe(2);
    const sent = n.timer('finalize');
    expect(n.state.role).toBe('following');
    expect(only(sent, 'FOLLOWERINFO')).toEqual([
      expect.objectContaining({ to: 2, acceptedEpoch: 0 }),
    ]);
  });

  it('joins an established leader when a quorum follows it and the leader says it leads (checkLeader)', () => {
    const n = new Node(0, 5);
    n.state.round = 9;
    const vote = { leader: 3, zxid: z(1, 4), epoch: 1 };
    n.receive(4, { type: 'NOTIFICATION', round: 2, state: 'following', vote });
    n.receive(2, { type: 'NOTIFICATION', round: 2, state: 'following', vote });
    expect(n.state.role).toBe('looking');
    n.receive(3, { type: 'NOTIFICATION', round: 2, state: 'leading', vote });
    expect(n.state.role).toBe('following');
    expect(n.state.leader).toBe(3);
  });

  it('joins an established ensemble whose followers decided in other rounds with other zxids (ZOOKEEPER-1732)', () => {
    const n = new Node(0, 5);
    n.state.round = 9;
    // The leader and one follower updated their votes to epoch 2 (updateElectionVote); the
    // followers' zxids differ with the moment each decided.
    const votesFor3 = (from: number, state: Role, round: number, zxid: number) =>
      n.receive(from, { type: 'NOTIFICATION', round, state, vote: { leader: 3, zxid, epoch: 2 } });
    votesFor3(4, 'following', 3, z(1, 4));
    votesFor3(1, 'following', 4, z(1, 7));
    expect(n.state.role).toBe('looking');
    votesFor3(3, 'leading', 4, z(1, 7));
    expect(n.state.role).toBe('following');
    expect(n.state.leader).toBe(3);
  });

  it('a follower that takes the new epoch says so in its vote (updateElectionVote)', () => {
    const f = followerOf3();
    expect(f.state.vote).toEqual({ leader: 2, zxid: 0, epoch: 1 });
  });

  it('a server that already follows answers a looking one with the vote it decided on', () => {
    const n = followerOf3();
    const sent = n.receive(1, {
      type: 'NOTIFICATION',
      round: 1,
      state: 'looking',
      vote: { leader: 1, zxid: 0, epoch: 0 },
    });
    expect(only(sent, 'NOTIFICATION')).toEqual([
      expect.objectContaining({
        to: 1,
        state: 'following',
        vote: expect.objectContaining({ leader: 2 }),
      }),
    ]);
  });
});

describe('Phase 1: discovery', () => {
  it('a follower connects again each tick until its leader answers (it may have decided first)', () => {
    const n = new Node(0, 3);
    elect(n, 2);
    n.ctx.take();
    expect(only(n.timer('tick'), 'FOLLOWERINFO')).toEqual([
      expect.objectContaining({ to: 2, conn: n.state.conn, acceptedEpoch: 0 }),
    ]);
    n.receive(2, { type: 'NEWEPOCH', conn: n.state.conn, seq: 0, epoch: 1 });
    expect(only(n.timer('tick'), 'FOLLOWERINFO')).toEqual([]);
  });

  it('an established leader steps down when a server promised a later epoch than its own', () => {
    const n = leaderOf3();
    expect(n.state.leaderPhase).toBe('broadcast');
    n.receive(0, { type: 'FOLLOWERINFO', conn: CONN + 1, acceptedEpoch: 1 });
    expect(n.state.role).toBe('leading');
    const sent = n.receive(0, { type: 'FOLLOWERINFO', conn: CONN + 2, acceptedEpoch: 2 });
    expect(n.state.role).toBe('looking');
    expect(only(sent, 'NEWEPOCH')).toEqual([]);
  });

  it('the leader proposes an epoch above every acceptedEpoch of a quorum, on disk first', () => {
    const n = new Node(2, 3).withEpochs(3, 3);
    n.restart();
    elect(n, 2, 3, 0);
    expect(n.state.leaderPhase).toBe('discovery');
    const sent = n.receive(1, { type: 'FOLLOWERINFO', conn: CONN, acceptedEpoch: 7 });
    expect(only(sent, 'NEWEPOCH')).toEqual([
      expect.objectContaining({ epoch: 8, conn: CONN, seq: 0 }),
    ]);
    expect(n.ctx.disk.get('acceptedEpoch')).toBe(8);
  });

  it('a follower promises the new epoch (acceptedEpoch on disk) before ACKEPOCH, with its history summary', () => {
    const n = new Node(0, 3).withEpochs(1, 1).withHistory(entries(1, 1, 3));
    n.restart();
    n.receive(2, {
      type: 'NOTIFICATION',
      round: 1,
      state: 'looking',
      vote: { leader: 2, zxid: z(1, 3), epoch: 1 },
    });
    n.timer('finalize');
    n.ctx.writes = [];
    const sent = n.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 2 });
    expect(n.ctx.writes).toEqual(['acceptedEpoch']);
    expect(n.ctx.disk.get('acceptedEpoch')).toBe(2);
    expect(only(sent, 'ACKEPOCH')).toEqual([
      expect.objectContaining({ currentEpoch: 1, lastZxid: z(1, 3), epochs: [[1, 3]] }),
    ]);
  });

  it('a follower that already promised this epoch answers with currentEpoch -1, which the leader does not count', () => {
    const f = new Node(0, 3).withEpochs(4, 3);
    f.restart();
    elect(f, 2, 3);
    const sent = f.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 4 });
    expect(only(sent, 'ACKEPOCH')).toEqual([expect.objectContaining({ currentEpoch: -1 })]);
    const n = new Node(2, 5);
    elect(n, 2);
    n.receive(1, { type: 'FOLLOWERINFO', conn: CONN, acceptedEpoch: 0 });
    n.receive(3, { type: 'FOLLOWERINFO', conn: CONN, acceptedEpoch: 0 });
    n.receive(1, { type: 'ACKEPOCH', conn: CONN, currentEpoch: -1, lastZxid: 0, epochs: [] });
    n.receive(3, { type: 'ACKEPOCH', conn: CONN, currentEpoch: 0, lastZxid: 0, epochs: [] });
    expect(n.state.leaderPhase).toBe('epoch');
  });

  it('a follower refuses a NEWEPOCH below the epoch it promised and looks again', () => {
    const n = new Node(0, 3).withEpochs(5, 4);
    n.restart();
    elect(n, 2, 9, 0);
    const sent = n.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 3 });
    expect(only(sent, 'ACKEPOCH')).toEqual([]);
    expect(n.state.role).toBe('looking');
    expect(n.state.acceptedEpoch).toBe(5);
  });

  it('the leader gives up when a follower is more up to date than itself (Zab 1.0)', () => {
    const n = new Node(2, 3);
    elect(n, 2, 0, 0);
    n.receive(1, { type: 'FOLLOWERINFO', conn: CONN, acceptedEpoch: 0 });
    n.receive(1, {
      type: 'ACKEPOCH',
      conn: CONN,
      currentEpoch: 0,
      lastZxid: z(0, 4),
      epochs: [[0, 4]],
    });
    expect(n.state.role).toBe('looking');
  });
});

describe('Phase 2: synchronization', () => {
  it('commonPrefix: histories agree epoch by epoch up to the first epoch where they differ', () => {
    const leader = [...entries(1, 1, 5), ...entries(3, 1, 2)];
    expect(commonPrefix(leader, summarize(entries(1, 1, 3)))).toBe(3);
    expect(commonPrefix(leader, summarize([...entries(1, 1, 5), ...entries(2, 1, 4)]))).toBe(5);
    expect(commonPrefix(leader, summarize([...entries(1, 1, 4), ...entries(2, 1, 1)]))).toBe(4);
    expect(commonPrefix(leader, summarize(leader))).toBe(7);
  });

  it('DIFF: a follower whose history is a prefix gets the rest, then NEWLEADER', () => {
    const n = new Node(2, 3).withHistory(entries(1, 1, 4)).withEpochs(1, 1);
    n.restart();
    n.receive(1, {
      type: 'NOTIFICATION',
      round: 1,
      state: 'looking',
      vote: { leader: 2, zxid: z(1, 4), epoch: 1 },
    });
    n.timer('finalize');
    n.receive(1, { type: 'FOLLOWERINFO', conn: CONN, acceptedEpoch: 1 });
    const sent = n.receive(1, {
      type: 'ACKEPOCH',
      conn: CONN,
      currentEpoch: 1,
      lastZxid: z(1, 2),
      epochs: [[1, 2]],
    });
    expect(sent.map((s) => s.msg.type)).toEqual(['DIFF', 'NEWLEADER']);
    expect(only(sent, 'DIFF')[0]!.entries.map((e) => e.zxid)).toEqual([z(1, 3), z(1, 4)]);
    expect(only(sent, 'NEWLEADER')[0]).toMatchObject({ epoch: 2, zxid: z(1, 4), seq: 2 });
  });

  it('TRUNC: a follower holding transactions the leader lacks drops them, then takes the rest', () => {
    const f = followerOf3();
    f.state.role = 'looking';
    const leaderHistory = [...entries(1, 1, 2), ...entries(3, 1, 1)];
    f.withHistory([...entries(1, 1, 2), ...entries(2, 1, 2)]);
    f.receive(2, {
      type: 'NOTIFICATION',
      round: 1,
      state: 'looking',
      vote: { leader: 2, zxid: z(3, 1), epoch: 3 },
    });
    f.timer('finalize');
    f.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 4 });
    f.receive(2, {
      type: 'TRUNC',
      conn: CONN,
      seq: 1,
      truncZxid: z(1, 2),
      entries: leaderHistory.slice(2),
      committed: z(1, 2),
    });
    expect(f.zxids()).toEqual(['1:1', '1:2', '3:1']);
    expect(f.ctx.disk.has('h/4')).toBe(false);
    expect((f.ctx.disk.get('h/3') as { zxid: number }).zxid).toBe(z(3, 1));
  });

  it('SNAP: a follower missing more than snapThreshold transactions gets the whole history', () => {
    const n = leaderOf3({ snapThreshold: 2 }, null, entries(1, 1, 5));
    const sent = n.receive(0, { type: 'FOLLOWERINFO', conn: 21, acceptedEpoch: 0 });
    expect(only(sent, 'NEWEPOCH')).toEqual([expect.objectContaining({ to: 0, epoch: 1 })]);
    const sync = n.receive(0, {
      type: 'ACKEPOCH',
      conn: 21,
      currentEpoch: 0,
      lastZxid: 0,
      epochs: [],
    });
    expect(only(sync, 'SNAP')[0]!.entries).toHaveLength(5);
  });

  it('a follower has its history and currentEpoch on disk before it acknowledges NEWLEADER', () => {
    const n = new Node(0, 3);
    elect(n, 2, 0, 0);
    n.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 1 });
    n.ctx.writes = [];
    n.receive(2, { type: 'DIFF', conn: CONN, seq: 1, entries: entries(0, 1, 2), committed: 0 });
    const sent = n.receive(2, { type: 'NEWLEADER', conn: CONN, seq: 2, epoch: 1, zxid: z(0, 2) });
    expect(n.ctx.writes).toEqual(['h/1', 'h/2', 'currentEpoch']);
    expect(only(sent, 'ACK-LD')).toEqual([expect.objectContaining({ epoch: 1, zxid: z(0, 2) })]);
  });

  it('ack-before-persist variant: NEWLEADER acknowledged with the synchronized history only in memory', () => {
    const n = new Node(0, 3, {}, VARIANT.ackBeforePersist);
    elect(n, 2, 0, 0);
    n.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 1 });
    n.receive(2, { type: 'DIFF', conn: CONN, seq: 1, entries: entries(0, 1, 2), committed: 0 });
    n.receive(2, { type: 'NEWLEADER', conn: CONN, seq: 2, epoch: 1, zxid: z(0, 2) });
    n.restart();
    expect(n.state.history).toEqual([]);
    expect(n.state.currentEpoch).toBe(1);
  });

  it('the leader is established once a quorum acknowledged NEWLEADER: its whole history commits', () => {
    const n = leaderOf3({}, null, entries(0, 1, 3));
    expect(n.state.leaderPhase).toBe('broadcast');
    expect(n.state.committedZxid).toBe(z(0, 3));
    expect(n.state.delivered).toBe(3);
    expect(n.state.kv.get('k')).toBe('0.3');
  });

  it('a follower serves clients only after UPTODATE, and delivers what it says is committed', () => {
    const n = new Node(0, 3);
    elect(n, 2, 0, 0);
    n.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 1 });
    n.receive(2, { type: 'DIFF', conn: CONN, seq: 1, entries: entries(0, 1, 2), committed: 0 });
    n.receive(2, { type: 'NEWLEADER', conn: CONN, seq: 2, epoch: 1, zxid: z(0, 2) });
    n.client(op(3, 1, 'get', 'k'));
    expect(n.ctx.replies).toEqual([]);
    n.receive(2, { type: 'UPTODATE', conn: CONN, seq: 3, committed: z(0, 2) });
    expect(n.state.delivered).toBe(2);
  });
});

describe('Phase 3: broadcast', () => {
  it('the leader proposes ⟨e, counter⟩ in order, logged on its disk first', () => {
    const n = leaderOf3();
    n.ctx.writes = [];
    n.receive(1, { type: 'REQUEST', conn: CONN, txn: put(1, 1, 'x', 'a') });
    const sent = n.receive(1, { type: 'REQUEST', conn: CONN, txn: put(1, 2, 'x', 'b') });
    expect(n.zxids()).toEqual(['1:1', '1:2']);
    expect(n.ctx.writes).toEqual(['h/1', 'h/2']);
    expect(only(sent, 'PROPOSAL')[0]).toMatchObject({ to: 1, entry: { zxid: z(1, 2) } });
  });

  it('a retried request is proposed once', () => {
    const n = leaderOf3();
    n.receive(1, { type: 'REQUEST', conn: CONN, txn: put(1, 1, 'x', 'a') });
    const again = n.receive(1, { type: 'REQUEST', conn: CONN, txn: put(1, 1, 'x', 'a') });
    expect(only(again, 'PROPOSAL')).toEqual([]);
    expect(n.state.history).toHaveLength(1);
  });

  it('commits once a quorum (the leader included) has logged it, and tells the followers', () => {
    const n = leaderOf3();
    n.receive(1, { type: 'REQUEST', conn: CONN, txn: put(1, 1, 'x', 'a') });
    expect(n.state.committedZxid).toBe(0);
    const sent = n.receive(1, { type: 'ACK', conn: CONN, zxid: z(1, 1) });
    expect(n.state.committedZxid).toBe(z(1, 1));
    expect(only(sent, 'COMMIT')).toEqual([expect.objectContaining({ to: 1, zxid: z(1, 1) })]);
    expect(n.state.kv.get('x')).toBe('a');
  });

  it('an acknowledgement from a follower that has not acknowledged NEWLEADER does not count', () => {
    const n = leaderOf3();
    n.receive(0, { type: 'FOLLOWERINFO', conn: 31, acceptedEpoch: 0 });
    n.receive(0, { type: 'ACKEPOCH', conn: 31, currentEpoch: 0, lastZxid: 0, epochs: [] });
    n.state.links[1] = null; // n1 is gone: only n0, still synchronizing, could ack
    n.client(op(2, 1, 'put', 'x', 'v'));
    n.receive(0, { type: 'ACK', conn: 31, zxid: n.state.history.at(-1)!.zxid });
    expect(n.state.history).toHaveLength(1);
    expect(n.state.committedZxid).toBe(0);
  });

  it('a follower logs a proposal (on disk) before it acknowledges it', () => {
    const f = followerOf3();
    f.ctx.writes = [];
    const entry = { zxid: z(1, 1), txn: put(1, 1, 'x', 'a') };
    const sent = f.receive(2, { type: 'PROPOSAL', conn: CONN, seq: 4, entry });
    expect(f.ctx.writes).toEqual(['h/1']);
    expect(only(sent, 'ACK')).toEqual([expect.objectContaining({ zxid: z(1, 1) })]);
    expect(f.state.delivered).toBe(0);
  });

  it('a follower delivers on COMMIT, in zxid order', () => {
    const f = followerOf3();
    for (const [seq, entry] of entries(1, 1, 3).entries())
      f.receive(2, { type: 'PROPOSAL', conn: CONN, seq: 4 + seq, entry });
    f.receive(2, { type: 'COMMIT', conn: CONN, seq: 7, zxid: z(1, 2) });
    expect(f.state.delivered).toBe(2);
    expect(f.state.kv.get('k')).toBe('1.2');
  });

  it('commit-without-quorum variant: a follower delivers a proposal as soon as it logs it', () => {
    const f = followerOf3({}, VARIANT.commitWithoutQuorum);
    f.receive(2, { type: 'PROPOSAL', conn: CONN, seq: 4, entry: entries(1, 1, 1)[0]! });
    expect(f.state.delivered).toBe(1);
  });

  it('FIFO channel: a gap in the connection (a lost message) makes the follower look again', () => {
    const f = followerOf3();
    f.receive(2, { type: 'PROPOSAL', conn: CONN, seq: 5, entry: entries(1, 2, 2)[0]! });
    expect(f.state.role).toBe('looking');
    expect(f.state.history).toEqual([]);
  });

  it('a duplicated message is ignored', () => {
    const f = followerOf3();
    const entry = entries(1, 1, 1)[0]!;
    f.receive(2, { type: 'PROPOSAL', conn: CONN, seq: 4, entry });
    const sent = f.receive(2, { type: 'PROPOSAL', conn: CONN, seq: 4, entry });
    expect(sent).toEqual([]);
    expect(f.state.role).toBe('following');
  });

  it('a follower that stops hearing its leader for more than syncLimit ticks looks for a leader again', () => {
    outlastSyncLimit(followerOf3(), 'following');
  });

  it('a leader that stops hearing a quorum for more than syncLimit ticks gives up', () => {
    outlastSyncLimit(leaderOf3(), 'leading');
  });

  it('timeouts count ticks, not clock readings: a clock jumped back does not stretch them', () => {
    const n = leaderOf3();
    n.ctx.now = 5_000_000;
    n.timer('tick');
    n.ctx.now = 1_000_000; // the clock jumps back by 4 s
    outlastSyncLimit(n, 'leading', 1);
  });
});

describe('clients', () => {
  it('a server takes over a client session (move) before it serves the client', () => {
    const n = leaderOf3();
    n.client(op(4, 1, 'get', 'x'));
    expect(n.ctx.replies).toEqual([]);
    expect(n.state.history.at(-1)!.txn).toEqual({ kind: 'move', client: 4, owner: 2 });
    n.receive(1, { type: 'ACK', conn: CONN, zxid: n.state.history.at(-1)!.zxid });
    expect(n.ctx.replies).toEqual([
      { op: op(4, 1, 'get', 'x'), result: { kind: 'ok', value: '' } },
    ]);
  });

  it('a follower forwards writes to the leader and answers once it has applied them', () => {
    const f = followerOf3();
    owns(f, 4);
    const sent = f.client(op(4, 1, 'put', 'x', 'v'));
    expect(only(sent, 'REQUEST')[0]!.txn).toMatchObject({
      kind: 'cmd',
      cmd: { key: 'x', value: 'v' },
    });
    expect(f.ctx.replies).toEqual([]);
    proposeAndCommit(f, 4, { zxid: z(1, 2), txn: put(4, 1, 'x', 'v') });
    expect(f.ctx.replies).toEqual([{ op: op(4, 1, 'put', 'x', 'v'), result: { kind: 'ok' } }]);
  });

  it('reads are served from the server’s own state, however stale', () => {
    const f = followerOf3();
    owns(f, 4);
    f.state.kv.set('x', 'old');
    f.client(op(4, 2, 'get', 'x'));
    expect(f.ctx.replies[0]!.result).toEqual({ kind: 'ok', value: 'old' });
  });

  it('syncReads: a read waits for the leader’s SYNC, which follows the commits before it', () => {
    const f = followerOf3({ syncReads: true });
    owns(f, 4);
    const sent = f.client(op(4, 2, 'get', 'x'));
    const sync = only(sent, 'SYNC')[0]!;
    expect(f.ctx.replies).toEqual([]);
    proposeAndCommit(f, 4, { zxid: z(1, 1), txn: put(1, 1, 'x', 'new') });
    f.receive(2, { type: 'SYNC', conn: CONN, seq: 6, reqId: sync.reqId });
    expect(f.ctx.replies[0]!.result).toEqual({ kind: 'ok', value: 'new' });
  });

  it('the leader answers a sync only after a quorum answered a heartbeat sent after it arrived', () => {
    const n = leaderOf3({ syncReads: true });
    const sent = n.receive(1, { type: 'SYNC', conn: CONN, seq: -1, reqId: 5 });
    const ping = only(sent, 'PING')[0]!;
    expect(only(sent, 'SYNC')).toEqual([]);
    const answer = n.receive(1, { type: 'PING', conn: CONN, seq: -1, round: ping.round });
    expect(only(answer, 'SYNC')).toEqual([expect.objectContaining({ to: 1, reqId: 5 })]);
  });

  it('a new owner waits until the server that served the client has logged the move away', () => {
    const n = leaderOf3();
    // n1 owns client 4's session (a new session is confirmed at once).
    n.receive(1, { type: 'REQUEST', conn: CONN, txn: { kind: 'move', client: 4, owner: 1 } });
    n.receive(1, { type: 'ACK', conn: CONN, zxid: z(1, 1) });
    expect(n.state.owners.get(4)).toMatchObject({ owner: 1, confirmed: true });
    // n0 joins: with it the leader has a quorum without n1.
    n.receive(0, { type: 'FOLLOWERINFO', conn: 31, acceptedEpoch: 0 });
    n.receive(0, { type: 'ACKEPOCH', conn: 31, currentEpoch: 0, lastZxid: 0, epochs: [] });
    n.receive(0, { type: 'ACK-LD', conn: 31, epoch: 1, zxid: z(1, 1) });
    // The client comes to the leader: the session moves (1:2), committed by n0 and the leader.
    n.client(op(4, 1, 'get', 'x'));
    n.receive(0, { type: 'ACK', conn: 31, zxid: z(1, 2) });
    expect(n.state.owners.get(4)).toMatchObject({ owner: 2, confirmed: false, servingOwner: 1 });
    expect(n.state.history).toHaveLength(2);
    expect(n.ctx.replies).toEqual([]);
    // n1 logs the move away: the leader proposes the confirm (1:3); once committed, it serves.
    n.receive(1, { type: 'ACK', conn: CONN, zxid: z(1, 2) });
    expect(n.state.history.at(-1)!.txn).toEqual({ kind: 'confirm', client: 4, move: z(1, 2) });
    expect(n.ctx.replies).toEqual([]);
    n.receive(0, { type: 'ACK', conn: 31, zxid: z(1, 3) });
    expect(n.ctx.replies).toEqual([
      { op: op(4, 1, 'get', 'x'), result: { kind: 'ok', value: '' } },
    ]);
  });

  it('a server stops serving a client as soon as it logs a move of its session away', () => {
    const f = followerOf3();
    owns(f, 4);
    f.receive(2, {
      type: 'PROPOSAL',
      conn: CONN,
      seq: 4,
      entry: { zxid: z(1, 2), txn: { kind: 'move', client: 4, owner: 1 } },
    });
    f.client(op(4, 3, 'get', 'x'));
    expect(f.ctx.replies).toEqual([]);
  });

  it('no-session-handoff variant: a server serves any client at once', () => {
    const f = followerOf3({}, VARIANT.noSessionHandoff);
    f.client(op(4, 3, 'get', 'x'));
    expect(f.ctx.replies).toHaveLength(1);
  });

  it('a server that is not serving takes no client op', () => {
    const n = new Node(0, 3);
    n.client(op(4, 1, 'get', 'x'));
    expect(n.ctx.replies).toEqual([]);
  });

  it('going back to election sends every waiting client elsewhere', () => {
    const f = followerOf3();
    f.client(op(4, 1, 'get', 'x'));
    for (let tick = 1; tick <= SYNC_LIMIT_TICKS + 1; tick++) f.timer('tick');
    expect(f.state.role).toBe('looking');
    expect(f.ctx.replies).toEqual([{ op: op(4, 1, 'get', 'x'), result: { kind: 'redirect' } }]);
  });
});

describe('persistence', () => {
  it('acceptedEpoch, currentEpoch and the history survive a restart; commit does not', () => {
    const f = followerOf3();
    proposeAndCommit(f, 4, entries(1, 1, 1)[0]!);
    f.restart();
    expect(f.state).toMatchObject({
      acceptedEpoch: 1,
      currentEpoch: 1,
      delivered: 0,
      role: 'looking',
    });
    expect(f.zxids()).toEqual(['1:1']);
  });

  it('volatile-epoch variant: acceptedEpoch comes back as currentEpoch after a restart', () => {
    const n = new Node(0, 3, {}, VARIANT.volatileEpoch).withEpochs(0, 0);
    elect(n, 2, 0, 0);
    n.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 6 });
    expect(n.state.acceptedEpoch).toBe(6);
    n.restart();
    expect(n.state.acceptedEpoch).toBe(0);
  });

  it('volatile-current-epoch variant: currentEpoch comes back as 0 after a restart', () => {
    const f = followerOf3({}, VARIANT.volatileCurrentEpoch);
    expect(f.state.currentEpoch).toBe(1);
    f.restart();
    expect(f.state).toMatchObject({ currentEpoch: 0, acceptedEpoch: 1 });
  });
});
