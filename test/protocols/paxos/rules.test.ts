import { describe, expect, it } from 'vitest';
import {
  NO_BALLOT,
  ballotAbove,
  compareBallots,
  formatBallot,
  majority,
} from '../../../src/protocols/paxos/ballot';
import { RETRY_TIMER } from '../../../src/protocols/paxos/types';
import { PaxosNode, acceptReq, b, prepare, promiseMsg } from './node';
import { ofType } from '../recording-ctx';

/**
 * One test per rule of "Paxos Made Simple" (sections 2.2 to 2.4), driving one node's handlers
 * through a recording context.
 */

describe('proposal numbers (ballots)', () => {
  it('different proposers choose their numbers from disjoint sets, and each new one exceeds what it saw', () => {
    const seen = b(7, 3);
    const mine = ballotAbove(seen, 1);
    expect(compareBallots(mine, seen)).toBeGreaterThan(0);
    expect(mine).toEqual({ round: 8, proposer: 1 });
    expect(compareBallots(ballotAbove(seen, 1), ballotAbove(seen, 2))).not.toBe(0);
    expect(compareBallots(NO_BALLOT, b(1, 0))).toBeLessThan(0);
    expect(formatBallot(mine)).toBe('8.1');
  });

  it('any two majorities intersect', () => {
    for (let n = 1; n <= 9; n++) expect(2 * majority(n)).toBeGreaterThan(n);
  });
});

describe('the acceptor (phase 1b and 2b)', () => {
  it('P1a: it promises a prepare numbered above any it has responded to, reporting what it accepted', () => {
    const n = new PaxosNode(2);
    n.receive(0, acceptReq(b(1, 0), 'c0#1'));
    const [reply] = n.receive(1, prepare(b(2, 1)));
    expect(reply).toEqual({ to: 1, msg: promiseMsg(b(2, 1), b(1, 0), 'c0#1') });
    expect(n.state.promised).toEqual(b(2, 1));
  });

  it('it answers a prepare numbered below its promise with a Nack, and promises nothing', () => {
    const n = new PaxosNode(2);
    n.receive(1, prepare(b(3, 1)));
    const [reply] = n.receive(0, prepare(b(2, 0)));
    expect(reply!.msg).toEqual({ type: 'Nack', ballot: b(2, 0), promised: b(3, 1) });
    expect(n.state.promised).toEqual(b(3, 1));
  });

  it('an acceptor never accepts a ballot below its promise', () => {
    const n = new PaxosNode(2);
    n.receive(1, prepare(b(3, 1)));
    const sent = n.receive(0, acceptReq(b(2, 0), 'c0#1'));
    expect(ofType(sent, 'Accepted')).toEqual([]);
    expect(ofType(sent, 'Nack')[0]!.msg.promised).toEqual(b(3, 1));
    expect(n.state.accepted).toEqual(NO_BALLOT);
    expect(n.state.acceptedValue).toBeNull();
  });

  it('P1a: it accepts a proposal numbered n unless it responded to a prepare above n, and tells every learner', () => {
    const n = new PaxosNode(2);
    n.receive(1, prepare(b(3, 1)));
    const sent = n.receive(1, acceptReq(b(3, 1), 'c1#1'));
    const accepted = ofType(sent, 'Accepted');
    expect(accepted.map((s) => s.to).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(accepted[0]!.msg).toEqual({ type: 'Accepted', ballot: b(3, 1), value: 'c1#1' });
    // A higher accept request without a prepare is accepted too, and raises the promise.
    n.receive(0, acceptReq(b(4, 0), 'c1#1'));
    expect(n.state.accepted).toEqual(b(4, 0));
    expect(n.state.promised).toEqual(b(4, 0));
  });

  it('its promise and accepted proposal are on disk before the reply leaves', () => {
    const n = new PaxosNode(2);
    n.receive(1, prepare(b(3, 1)));
    expect(n.ctx.steps).toEqual(['persist promised', 'send Promise']);
    n.receive(1, acceptReq(b(3, 1), 'c1#1'));
    expect(n.ctx.steps[0]).toBe('persist accepted');
    expect(n.ctx.disk.get('accepted')).toEqual({ ballot: b(3, 1), value: 'c1#1' });
  });

  it('it remembers its promise and accepted proposal through a crash', () => {
    const n = new PaxosNode(2);
    n.receive(0, acceptReq(b(1, 0), 'c0#1'));
    n.receive(1, prepare(b(3, 1)));
    n.restart();
    expect(n.state.promised).toEqual(b(3, 1));
    expect(n.state.accepted).toEqual(b(1, 0));
    expect(ofType(n.receive(0, acceptReq(b(2, 0), 'c0#1')), 'Nack')).toHaveLength(1);
  });

  it('BUG volatile-promise: after a restart it accepts a proposal below the prepare it promised', () => {
    const n = new PaxosNode(2, {}, 'volatile-promise');
    n.receive(1, prepare(b(3, 1)));
    n.restart();
    expect(n.state.promised).toEqual(NO_BALLOT);
    expect(ofType(n.receive(0, acceptReq(b(2, 0), 'c0#1')), 'Accepted')).toHaveLength(5);
  });

  it('BUG volatile-accepted: after a restart it reports nothing accepted', () => {
    const n = new PaxosNode(2, {}, 'volatile-accepted');
    n.receive(0, acceptReq(b(1, 0), 'c0#1'));
    n.restart();
    const [reply] = n.receive(1, prepare(b(3, 1)));
    expect(reply!.msg).toEqual(promiseMsg(b(3, 1), NO_BALLOT, null));
  });
});

describe('the proposer (phase 1a and 2a)', () => {
  /** n0 with a client value, its prepare request for ballot 1.0 sent. */
  function preparing(params = {}, variant: string | null = null): PaxosNode {
    const n = new PaxosNode(0, params, variant);
    const sent = n.propose(7, 'c7#1');
    expect(ofType(sent, 'Prepare').map((s) => s.to)).toEqual([0, 1, 2, 3, 4]);
    expect(n.state.ballot).toEqual(b(1, 0));
    return n;
  }

  it('phase 1a: it sends a prepare request numbered above every ballot it has seen', () => {
    const n = new PaxosNode(0);
    n.receive(3, prepare(b(6, 3)));
    const [first] = ofType(n.propose(7, 'c7#1'), 'Prepare');
    expect(first!.msg.ballot).toEqual(b(7, 0));
  });

  it('it sends accept requests only once a majority has promised', () => {
    const n = preparing();
    n.receive(0, promiseMsg(b(1, 0), NO_BALLOT, null));
    expect(ofType(n.receive(1, promiseMsg(b(1, 0), NO_BALLOT, null)), 'Accept')).toEqual([]);
    // A duplicate promise does not count twice.
    expect(ofType(n.receive(1, promiseMsg(b(1, 0), NO_BALLOT, null)), 'Accept')).toEqual([]);
    const accepts = ofType(n.receive(2, promiseMsg(b(1, 0), NO_BALLOT, null)), 'Accept');
    expect(accepts).toHaveLength(5);
  });

  it('P2c: with no accepted proposal among a majority of promises, it proposes its own value', () => {
    const n = preparing();
    for (const from of [0, 1]) n.receive(from, promiseMsg(b(1, 0), NO_BALLOT, null));
    const [accept] = ofType(n.receive(2, promiseMsg(b(1, 0), NO_BALLOT, null)), 'Accept');
    expect(accept!.msg).toEqual({ type: 'Accept', ballot: b(1, 0), value: 'c7#1' });
  });

  it('P2c: a proposer proposes the value of the highest-numbered accepted proposal among a majority', () => {
    const n = preparing();
    n.state.highestSeen = b(5, 4);
    n.fire(RETRY_TIMER);
    expect(n.state.ballot).toEqual(b(6, 0));
    n.receive(1, promiseMsg(b(6, 0), b(2, 1), 'older'));
    n.receive(3, promiseMsg(b(6, 0), b(4, 3), 'newest'));
    const [accept] = ofType(n.receive(2, promiseMsg(b(6, 0), NO_BALLOT, null)), 'Accept');
    expect(accept!.msg).toEqual({ type: 'Accept', ballot: b(6, 0), value: 'newest' });
  });

  it('it ignores promises for an older round', () => {
    const n = preparing();
    n.fire(RETRY_TIMER);
    for (const from of [1, 2, 3]) {
      const sent = n.receive(from, promiseMsg(b(1, 0), b(1, 4), 'stale'));
      expect(ofType(sent, 'Accept')).toEqual([]);
    }
    expect(n.state.promiseCount).toBe(0);
  });

  it('BUG ignore-accepted: it proposes its own value although a promise reports an accepted one', () => {
    const n = preparing({}, 'ignore-accepted');
    n.receive(1, promiseMsg(b(1, 0), NO_BALLOT, null));
    n.receive(2, promiseMsg(b(1, 0), b(0, 4), 'chosen before'));
    const [accept] = ofType(n.receive(3, promiseMsg(b(1, 0), NO_BALLOT, null)), 'Accept');
    expect(accept!.msg.value).toBe('c7#1');
  });

  it('a Nack abandons the round: without backoff it starts a higher one at once', () => {
    const n = preparing({ backoff: false });
    const sent = n.receive(3, { type: 'Nack', ballot: b(1, 0), promised: b(4, 3) });
    expect(ofType(sent, 'Prepare')[0]!.msg.ballot).toEqual(b(5, 0));
  });

  it('a Nack abandons the round: with randomized backoff it waits, in a window that doubles', () => {
    const n = preparing({
      backoff: true,
      retryTimeoutMicrosMin: 10_000,
      retryTimeoutMicrosMax: 80_000,
    });
    n.ctx.draw = 'max';
    expect(n.receive(3, { type: 'Nack', ballot: b(1, 0), promised: b(4, 3) })).toEqual([]);
    expect(n.state.phase).toBe('backoff');
    expect(n.ctx.timers.get(RETRY_TIMER)).toBe(10_000);
    n.fire(RETRY_TIMER);
    n.receive(3, { type: 'Nack', ballot: b(5, 0), promised: b(6, 3) });
    expect(n.ctx.timers.get(RETRY_TIMER)).toBe(20_000);
    expect(ofType(n.fire(RETRY_TIMER), 'Prepare')[0]!.msg.ballot).toEqual(b(7, 0));
  });

  it('a Nack for an older round changes nothing but the highest ballot seen', () => {
    const n = preparing({ backoff: false });
    expect(n.receive(3, { type: 'Nack', ballot: b(0, 0), promised: b(4, 3) })).toEqual([]);
    expect(n.state.phase).toBe('preparing');
    expect(n.state.highestSeen).toEqual(b(4, 3));
  });

  it('a round with no outcome by the retry timeout starts over with a higher ballot', () => {
    const n = preparing();
    expect(n.ctx.timers.has(RETRY_TIMER)).toBe(true);
    const [again] = ofType(n.fire(RETRY_TIMER), 'Prepare');
    expect(again!.msg.ballot).toEqual(b(2, 0));
  });

  it('distinguished proposer: a higher-numbered proposer stands back while it hears a lower one', () => {
    const n1 = new PaxosNode(1, { distinguishedProposer: true });
    expect(n1.propose(3, 'c3#1')).toEqual([]);
    expect(n1.state.phase).toBe('idle');
    n1.ctx.now = 400_000;
    n1.receive(0, prepare(b(1, 0)));
    n1.ctx.now = 500_000;
    expect(ofType(n1.fire(RETRY_TIMER), 'Prepare')).toEqual([]);
    // n0 silent for three retry timeouts: n1 proposes its client's value itself.
    n1.ctx.now = 400_000 + 3 * 100_000;
    expect(ofType(n1.fire(RETRY_TIMER), 'Prepare')[0]!.msg.ballot).toEqual(b(2, 1));
  });

  it('without a distinguished proposer every proposer proposes at once', () => {
    const n1 = new PaxosNode(1);
    expect(ofType(n1.propose(3, 'c3#1'), 'Prepare')).toHaveLength(5);
  });
});

describe('the learner', () => {
  const accepted = (round: number, proposer: number, value: string) =>
    ({ type: 'Accepted', ballot: b(round, proposer), value }) as const;

  it('a learner learns a value once a majority of acceptors accepted the same proposal, and answers its clients', () => {
    const n = new PaxosNode(0);
    n.propose(7, 'c7#1');
    n.receive(1, accepted(1, 0, 'c7#1'));
    n.receive(2, accepted(1, 0, 'c7#1'));
    expect(n.state.learned).toBeNull();
    n.receive(3, accepted(1, 0, 'c7#1'));
    expect(n.state.learned).toBe('c7#1');
    expect(n.ctx.replies).toEqual([
      {
        op: { client: 7, seq: 1, f: 'propose', value: 'c7#1' },
        result: { kind: 'ok', value: 'c7#1' },
      },
    ]);
    expect(n.ctx.timers.has(RETRY_TIMER)).toBe(false);
  });

  it('Accepted messages of different ballots do not add up to a majority', () => {
    const n = new PaxosNode(4);
    n.receive(1, accepted(1, 0, 'v'));
    n.receive(2, accepted(2, 1, 'v'));
    n.receive(3, accepted(1, 0, 'v'));
    n.receive(3, accepted(1, 0, 'v'));
    expect(n.state.learned).toBeNull();
  });
});

describe('clients', () => {
  it('a node that learned answers every proposal with the chosen value', () => {
    const n = new PaxosNode(3);
    for (const from of [0, 1, 2])
      n.receive(from, { type: 'Accepted', ballot: b(1, 0), value: 'c0#1' });
    n.propose(5, 'c5#9');
    expect(n.ctx.replies.at(-1)!.result).toEqual({ kind: 'ok', value: 'c0#1' });
  });

  it('an acceptor that is not a proposer sends the client to a proposer', () => {
    const n = new PaxosNode(3);
    n.propose(5, 'c5#1');
    expect(n.ctx.replies[0]!.result).toEqual({ kind: 'redirect', leader: 1 });
    const d = new PaxosNode(3, { distinguishedProposer: true });
    d.propose(5, 'c5#1');
    expect(d.ctx.replies[0]!.result).toEqual({ kind: 'redirect', leader: 0 });
  });

  it('an op that is not a propose with a short string value fails with a clear error', () => {
    const n = new PaxosNode(0);
    n.client({ client: 1, seq: 1, f: 'put', key: 'x', value: 'y' });
    n.client({ client: 1, seq: 2, f: 'propose', value: 'x'.repeat(65) });
    expect(n.ctx.replies.map((r) => r.result.kind)).toEqual(['fail', 'fail']);
    expect(n.state.clientValue).toBeNull();
  });
});
