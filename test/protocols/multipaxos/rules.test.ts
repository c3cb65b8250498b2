import { describe, expect, it } from 'vitest';
import { NO_BALLOT } from '../../../src/protocols/paxos/ballot';
import { ofType } from '../recording-ctx';
import { MultiNode, b, op, put } from './node';

/**
 * One test per rule of Multi-Paxos (Paxos Made Simple, section 3; Paxos Made Moderately
 * Complex), driving one node's handlers through a recording context.
 */

/** n0, elected in ballot 1.0 with the promises of n0, n1 and n2, nothing to recover. */
function leader(variant: string | null = null): MultiNode {
  const n = new MultiNode(0, variant);
  n.elect([0, 1, 2]);
  expect(n.state.role).toBe('leader');
  n.ctx.take();
  return n;
}

describe('the acceptor, for every slot at once', () => {
  it('one promise covers every slot: the Promise reports each proposal accepted from fromSlot on', () => {
    const n = new MultiNode(2);
    n.receive(0, { type: 'Accept', ballot: b(1, 0), slot: 1, cmd: put(0, 1, 'x', 'a') });
    n.receive(0, { type: 'Accept', ballot: b(1, 0), slot: 2, cmd: null });
    n.receive(0, { type: 'Accept', ballot: b(1, 0), slot: 3, cmd: put(0, 2, 'y', 'b') });
    const [reply] = n.receive(4, { type: 'Prepare', ballot: b(2, 4), fromSlot: 2 });
    expect(reply!.msg).toEqual({
      type: 'Promise',
      ballot: b(2, 4),
      accepted: [
        { slot: 2, ballot: b(1, 0), cmd: null },
        { slot: 3, ballot: b(1, 0), cmd: put(0, 2, 'y', 'b') },
      ],
    });
  });

  it('an acceptor never accepts a ballot below its promise, in any slot', () => {
    const n = new MultiNode(2);
    n.receive(4, { type: 'Prepare', ballot: b(2, 4), fromSlot: 1 });
    const sent = n.receive(0, { type: 'Accept', ballot: b(1, 0), slot: 9, cmd: null });
    expect(sent.map((s) => s.msg)).toEqual([{ type: 'Nack', ballot: b(1, 0), promised: b(2, 4) }]);
    expect(n.state.accepted.size).toBe(0);
  });

  it('its promise and each accepted proposal are on disk before the reply, and survive a crash', () => {
    const n = new MultiNode(2);
    n.receive(4, { type: 'Prepare', ballot: b(2, 4), fromSlot: 1 });
    expect(n.ctx.steps).toEqual(['persist promised', 'send Promise']);
    n.receive(4, { type: 'Accept', ballot: b(2, 4), slot: 1, cmd: put(0, 1, 'x', 'a') });
    expect(n.ctx.steps).toEqual(['persist accepted/1', 'send Accepted']);
    n.restart();
    expect(n.state.promised).toEqual(b(2, 4));
    expect(n.state.accepted.get(1)).toEqual({ slot: 1, ballot: b(2, 4), cmd: put(0, 1, 'x', 'a') });
    expect(n.state.applied).toBe(0);
  });

  it('BUG volatile-promise: after a restart it accepts the old leader’s proposal', () => {
    const n = new MultiNode(2, 'volatile-promise');
    n.receive(4, { type: 'Prepare', ballot: b(2, 4), fromSlot: 1 });
    n.restart();
    expect(n.state.promised).toEqual(NO_BALLOT);
    const sent = n.receive(0, { type: 'Accept', ballot: b(1, 0), slot: 1, cmd: null });
    expect(ofType(sent, 'Accepted')).toHaveLength(1);
  });
});

describe('leader election by ballots (phase 1 once per ballot)', () => {
  it('a node that hears no leader prepares a ballot above any it has seen, for every slot it has not applied', () => {
    const n = new MultiNode(3);
    n.receive(1, { type: 'Heartbeat', ballot: b(4, 1), applied: 0 });
    const prepares = ofType(n.fire('election'), 'Prepare');
    expect(prepares.map((p) => p.to)).toEqual([3, 0, 1, 2, 4]);
    expect(prepares[0]!.msg).toEqual({ type: 'Prepare', ballot: b(5, 3), fromSlot: 1 });
    expect(n.state.role).toBe('candidate');
  });

  it('it leads once a majority promised, and then proposes each command with phase 2 only', () => {
    const n = new MultiNode(0);
    n.elect([0, 1]);
    expect(n.state.role).toBe('candidate');
    n.receive(2, { type: 'Promise', ballot: b(1, 0), accepted: [] });
    expect(n.state.role).toBe('leader');
    const sent = n.client(op(7, 1, 'put', 'x', 'v'));
    expect(sent.map((s) => s.msg.type)).toEqual(Array(5).fill('Accept'));
    expect(sent[0]!.msg).toEqual({
      type: 'Accept',
      ballot: b(1, 0),
      slot: 1,
      cmd: put(7, 1, 'x', 'v'),
    });
    expect(ofType(n.client(op(8, 1, 'put', 'y', 'w')), 'Prepare')).toEqual([]);
  });

  it('P2c per slot: a new leader re-proposes, in its own ballot, the highest-numbered proposal reported for each slot', () => {
    const n = new MultiNode(0);
    n.receive(4, { type: 'Heartbeat', ballot: b(2, 4), applied: 0 });
    const sent = n.elect([0, 1, 2], {
      1: [{ slot: 1, ballot: b(1, 3), cmd: put(1, 1, 'x', 'old') }],
      2: [{ slot: 1, ballot: b(2, 4), cmd: put(2, 1, 'x', 'new') }],
    });
    const accepts = ofType(sent, 'Accept').filter((s) => s.to === 0);
    expect(accepts.map((a) => a.msg)).toEqual([
      { type: 'Accept', ballot: b(3, 0), slot: 1, cmd: put(2, 1, 'x', 'new') },
    ]);
  });

  it('a new leader fills the gaps with no-ops, and new commands go after the last reported slot', () => {
    const n = new MultiNode(0);
    const sent = n.elect([0, 1, 2], {
      2: [{ slot: 3, ballot: b(1, 4), cmd: put(2, 1, 'x', 'v') }],
    });
    const accepts = ofType(sent, 'Accept')
      .filter((s) => s.to === 0)
      .map((a) => a.msg);
    expect(accepts.map((a) => [a.slot, a.cmd])).toEqual([
      [1, null],
      [2, null],
      [3, put(2, 1, 'x', 'v')],
    ]);
    expect(n.state.nextSlot).toBe(4);
  });

  it('BUG skip-recovery: the new leader ignores the promises and writes over the reported slot', () => {
    const n = new MultiNode(0, 'skip-recovery');
    const sent = n.elect([0, 1, 2], {
      2: [{ slot: 1, ballot: b(1, 4), cmd: put(2, 1, 'x', 'v') }],
    });
    expect(ofType(sent, 'Accept')).toEqual([]);
    const [accept] = ofType(n.client(op(7, 1, 'put', 'y', 'w')), 'Accept');
    expect(accept!.msg.slot).toBe(1);
  });

  it('a Nack naming a higher ballot makes the leader step down and send its waiting clients away', () => {
    const n = leader();
    n.client(op(7, 1, 'put', 'x', 'v'));
    n.receive(3, { type: 'Nack', ballot: b(1, 0), promised: b(2, 3) });
    expect(n.state.role).toBe('follower');
    expect(n.ctx.replies.map((r) => r.result)).toEqual([{ kind: 'redirect' }]);
    expect(n.state.highestSeen).toEqual(b(2, 3));
  });

  it('a leader that promises a higher ballot steps down', () => {
    const n = leader();
    n.receive(2, { type: 'Prepare', ballot: b(2, 2), fromSlot: 1 });
    expect(n.state.role).toBe('follower');
  });
});

describe('phase 2 per slot, and the replicas', () => {
  it('a slot is chosen once a majority accepted it, not before, and the leader tells the replicas', () => {
    const n = leader();
    n.client(op(7, 1, 'put', 'x', 'v'));
    n.receive(0, { type: 'Accepted', ballot: b(1, 0), slot: 1 });
    n.receive(1, { type: 'Accepted', ballot: b(1, 0), slot: 1 });
    expect(n.state.chosen.size).toBe(0);
    const sent = n.receive(3, { type: 'Accepted', ballot: b(1, 0), slot: 1 });
    expect(ofType(sent, 'Chosen')[0]!.msg.entries).toEqual([{ slot: 1, cmd: put(7, 1, 'x', 'v') }]);
    expect(n.state.applied).toBe(1);
    expect(n.ctx.replies.map((r) => r.result)).toEqual([{ kind: 'ok' }]);
  });

  it('BUG minority-commit: the leader counts two acceptances of five as chosen', () => {
    const n = leader('minority-commit');
    n.client(op(7, 1, 'put', 'x', 'v'));
    n.receive(0, { type: 'Accepted', ballot: b(1, 0), slot: 1 });
    n.receive(1, { type: 'Accepted', ballot: b(1, 0), slot: 1 });
    expect(n.state.chosen.size).toBe(1);
  });

  it('replicas apply chosen commands in slot order, never past a gap', () => {
    const n = new MultiNode(3);
    n.receive(0, {
      type: 'Chosen',
      ballot: b(1, 0),
      entries: [{ slot: 2, cmd: put(1, 1, 'x', 'two') }],
    });
    expect(n.state.applied).toBe(0);
    expect(n.state.kv.size).toBe(0);
    n.receive(0, {
      type: 'Chosen',
      ballot: b(1, 0),
      entries: [{ slot: 1, cmd: put(2, 1, 'x', 'one') }],
    });
    expect(n.state.applied).toBe(2);
    expect(n.state.kv.get('x')).toBe('two');
  });

  it('reads go through the log: a get is answered only once its slot is applied', () => {
    const n = leader();
    n.client(op(7, 1, 'get', 'x'));
    expect(n.ctx.replies).toEqual([]);
    for (const from of [0, 1, 2]) n.receive(from, { type: 'Accepted', ballot: b(1, 0), slot: 1 });
    expect(n.ctx.replies.map((r) => r.result)).toEqual([{ kind: 'ok', value: '' }]);
  });

  it('a retried command applies once: the session table answers the second copy', () => {
    const n = leader();
    n.client(op(7, 1, 'append', 'x', 'a'));
    n.client(op(7, 1, 'append', 'x', 'a'));
    for (const slot of [1, 2])
      for (const from of [0, 1, 2]) n.receive(from, { type: 'Accepted', ballot: b(1, 0), slot });
    expect(n.state.kv.get('x')).toBe('a');
    expect(n.ctx.replies.map((r) => r.result)).toEqual([{ kind: 'ok' }, { kind: 'ok' }]);
  });

  it('followers redirect clients to the leader they follow', () => {
    const n = new MultiNode(3);
    n.client(op(7, 1, 'put', 'x', 'v'));
    n.receive(1, { type: 'Heartbeat', ballot: b(1, 1), applied: 0 });
    n.client(op(7, 1, 'put', 'x', 'v'));
    expect(n.ctx.replies.map((r) => r.result)).toEqual([
      { kind: 'redirect' },
      { kind: 'redirect', leader: 1 },
    ]);
  });

  it('a follower answers a heartbeat with how far it applied; the leader sends the chosen slots it lacks', () => {
    const n = leader();
    for (let seq = 1; seq <= 3; seq++) {
      n.client(op(7, seq, 'put', 'x', `v${seq}`));
      for (const from of [0, 1, 2])
        n.receive(from, { type: 'Accepted', ballot: b(1, 0), slot: seq });
    }
    const follower = new MultiNode(4);
    const [reply] = follower.receive(0, { type: 'Heartbeat', ballot: b(1, 0), applied: 3 });
    expect(reply!.msg).toEqual({ type: 'HeartbeatReply', ballot: b(1, 0), applied: 0 });
    const [chosen] = n.receive(4, reply!.msg);
    expect(chosen!.to).toBe(4);
    follower.receive(0, chosen!.msg);
    expect(follower.state.applied).toBe(3);
    expect(follower.state.kv.get('x')).toBe('v3');
  });

  it('a heartbeat from a ballot below the promise is answered with a Nack', () => {
    const n = new MultiNode(3);
    n.receive(4, { type: 'Prepare', ballot: b(2, 4), fromSlot: 1 });
    const [reply] = n.receive(0, { type: 'Heartbeat', ballot: b(1, 0), applied: 0 });
    expect(reply!.msg.type).toBe('Nack');
  });

  it('the leader resends accept requests a majority has not answered at each heartbeat', () => {
    const n = leader();
    n.client(op(7, 1, 'put', 'x', 'v'));
    n.receive(1, { type: 'Accepted', ballot: b(1, 0), slot: 1 });
    const resent = ofType(n.fire('heartbeat'), 'Accept').map((s) => s.to);
    expect(resent).toEqual([2, 3, 4]);
  });

  it('a client op that is not a key-value operation fails with a clear error', () => {
    const n = leader();
    n.client(op(7, 1, 'frobnicate', 'x'));
    expect(n.ctx.replies[0]!.result).toEqual({ kind: 'fail', error: 'not a key-value operation' });
  });
});
