import { describe, expect, it } from 'vitest';
import { gcounterType } from '../../../src/protocols/crdt/counters';
import { orsetType } from '../../../src/protocols/crdt/orset';
import { EPOCH_KEY, REPLICA_KEY, type CrdtMsg } from '../../../src/protocols/crdt/types';
import { Node, deliverAll } from './fake-ctx';

/**
 * The gossip protocol, rule by rule: local updates, delta-interval anti-entropy with
 * acknowledgements (Almeida et al. 2018, Algorithm 2), causal delivery, full-state gossip,
 * push / pull / push-pull, persistence and recovery.
 */

type Sent<S> = { to: number; msg: CrdtMsg<S> }[];

function ofType<S, T extends CrdtMsg<S>['type']>(sent: Sent<S>, type: T) {
  return sent.filter((s) => s.msg.type === type) as {
    to: number;
    msg: Extract<CrdtMsg<S>, { type: T }>;
  }[];
}

describe('local updates', () => {
  it('a client update is applied at once, persisted before the ok, and noted in the trace', () => {
    const n = new Node(gcounterType, 0);
    expect(n.client('increment', 3)).toEqual({ kind: 'ok' });
    expect(n.value()).toBe(3);
    const disk = n.ctx.disk.get(REPLICA_KEY) as { crdt: { counts: number[] } };
    expect(disk.crdt.counts).toEqual([3, 0, 0]);
    expect(n.ctx.notes).toEqual([['update', 1]]);
  });

  it('a read answers from the local state without changing it', () => {
    const n = new Node(gcounterType, 1);
    n.client('increment', 2);
    expect(n.client('read')).toEqual({ kind: 'ok', value: 2 });
    expect(n.state.localUpdates).toBe(1);
  });

  it('an update whose precondition fails is answered fail and changes nothing', () => {
    const n = new Node(orsetType, 0);
    expect(n.client('remove', 5).kind).toBe('fail');
    expect(n.state.clock.vv).toEqual([0, 0, 0]);
    expect(n.ctx.disk.has(REPLICA_KEY)).toBe(false);
  });

  it('each update gets the next dot of its replica in the replica’s clock', () => {
    const n = new Node(gcounterType, 2);
    n.client('increment', 1);
    n.client('increment', 1);
    expect(n.state.clock.vv).toEqual([0, 0, 2]);
  });
});

describe('delta anti-entropy (push)', () => {
  it('a replica with nothing unacknowledged sends nothing', () => {
    const n = new Node(gcounterType, 0);
    expect(n.gossip()).toEqual([]);
  });

  it('after an update, each chosen peer gets the delta-interval it has not acknowledged', () => {
    const n = new Node(gcounterType, 0);
    n.client('increment', 4);
    const deltas = ofType(n.gossip(), 'delta');
    expect(deltas.map((d) => d.to)).toEqual([1, 2]);
    const msg = deltas[0]!.msg;
    expect(msg.full).toBe(false);
    expect(msg.seq).toBe(1);
    expect(msg.base).toEqual([0, 0, 0]);
    expect((msg.crdt as { counts: number[] }).counts).toEqual([4, 0, 0]);
  });

  it('the receiver joins the interval, acknowledges it, and buffers it for its own peers', () => {
    const a = new Node(gcounterType, 0);
    const b = new Node(gcounterType, 1);
    a.client('increment', 4);
    const [first] = a.gossip();
    const answer = b.receive(0, first!.msg);
    expect(answer).toEqual([{ to: 0, msg: { type: 'ack', epoch: 0, seq: 1 } }]);
    expect(b.value()).toBe(4);
    expect(b.state.buffer).toHaveLength(1);
    expect(b.ctx.notes).toEqual([['merge', 1]]);
  });

  it('an acknowledged interval is not sent again, and the buffer is freed once every peer acknowledged', () => {
    const nodes = [0, 1, 2].map((i) => new Node(gcounterType, i));
    nodes[0]!.client('increment', 1);
    deliverAll(nodes, 0, nodes[0]!.gossip());
    expect(nodes[0]!.state.acked).toEqual([0, 1, 1]);
    expect(nodes[0]!.state.buffer).toEqual([]);
    expect(nodes[0]!.gossip()).toEqual([]);
  });

  it('an interval is the join of every delta the peer has not acknowledged', () => {
    const a = new Node(gcounterType, 0);
    a.client('increment', 1);
    a.client('increment', 2);
    const msg = ofType(a.gossip(), 'delta')[0]!.msg;
    expect((msg.crdt as { counts: number[] }).counts).toEqual([3, 0, 0]);
    expect(msg.seq).toBe(2);
  });
});

describe('causal delivery', () => {
  /** b has seen a's first add only through an interval c never got. */
  function outOfOrder() {
    const a = new Node(orsetType, 0);
    const b = new Node(orsetType, 1);
    const c = new Node(orsetType, 2);
    a.client('add', 1);
    b.receive(0, ofType(a.gossip(), 'delta')[0]!.msg);
    b.client('remove', 1);
    b.state.acked[2] = 1; // b wrongly believes c has its first delta
    const interval = ofType(b.gossip(), 'delta').find((d) => d.to === 2)!.msg;
    return { a, b, c, interval };
  }

  it('a delta that builds on updates the receiver lacks is refused with nack (OR-Set)', () => {
    const { c, interval } = outOfOrder();
    expect(interval.base).toEqual([1, 0, 0]);
    expect(c.receive(1, interval)).toEqual([{ to: 1, msg: { type: 'nack', epoch: 0 } }]);
    expect(c.state.clock.vv).toEqual([0, 0, 0]);
    expect(c.state.crdt.cc.cloud.size).toBe(0);
  });

  it('after a nack the sender falls back to its whole state, which the receiver can join', () => {
    const { b, c, interval } = outOfOrder();
    b.receive(2, { type: 'nack', epoch: 0 });
    expect(b.state.acked[2]).toBe(-1);
    const full = ofType(b.gossip(), 'delta').find((d) => d.to === 2)!.msg;
    expect(full.full).toBe(true);
    expect(c.receive(1, full)).toEqual([{ to: 1, msg: { type: 'ack', epoch: 0, seq: full.seq } }]);
    expect(c.value()).toEqual([]);
    expect(c.state.clock.vv).toEqual([1, 1, 0]);
    void interval;
  });

  it('a type that needs no causal order joins the delta anyway, and still asks for the whole state', () => {
    const a = new Node(gcounterType, 0);
    const b = new Node(gcounterType, 1);
    a.client('increment', 1);
    a.gossip();
    a.client('increment', 1);
    a.state.acked[1] = 1;
    const late = ofType(a.gossip(), 'delta').find((d) => d.to === 1)!.msg;
    expect(b.receive(0, late)).toEqual([{ to: 0, msg: { type: 'nack', epoch: 0 } }]);
    expect(b.value()).toBe(2);
  });
});

describe('full-state gossip, pull and push-pull', () => {
  it('state mode sends the whole state to each chosen peer every round', () => {
    const n = new Node(gcounterType, 0, 3, { dissemination: 'state' });
    expect(ofType(n.gossip(), 'state')).toHaveLength(2);
    n.client('increment', 5);
    const sent = ofType(n.gossip(), 'state');
    expect((sent[0]!.msg.crdt as { counts: number[] }).counts).toEqual([5, 0, 0]);
  });

  it('pull: a replica asks its peers, and a peer answers with what the asker has not acknowledged', () => {
    const a = new Node(gcounterType, 0, 3, { antiEntropy: 'pull' });
    const b = new Node(gcounterType, 1, 3, { antiEntropy: 'pull' });
    b.client('increment', 7);
    const asks = a.gossip();
    expect(asks.map((s) => s.msg.type)).toEqual(['pull', 'pull']);
    const answer = b.receive(0, asks[0]!.msg);
    expect(answer[0]!.msg.type).toBe('delta');
    a.receive(1, answer[0]!.msg);
    expect(a.value()).toBe(7);
  });

  it('push-pull: the receiver of a push answers with what the sender lacks', () => {
    const nodes = [0, 1, 2].map((i) => new Node(gcounterType, i, 3, { antiEntropy: 'push-pull' }));
    nodes[0]!.client('increment', 1);
    nodes[1]!.client('increment', 10);
    const pushes = nodes[0]!.gossip();
    expect(ofType(pushes, 'delta').every((d) => d.msg.reply)).toBe(true);
    deliverAll(
      nodes,
      0,
      pushes.filter((s) => s.to === 1),
    );
    expect(nodes[0]!.value()).toBe(11);
    expect(nodes[1]!.value()).toBe(11);
  });

  it('push-pull with nothing new to push still pulls', () => {
    const n = new Node(gcounterType, 0, 3, { antiEntropy: 'push-pull' });
    expect(n.gossip().map((s) => s.msg.type)).toEqual(['pull', 'pull']);
  });

  it('a peer further behind than the delta buffer gets the whole state', () => {
    const n = new Node(gcounterType, 0, 3, { maxBufferedDeltas: 2 });
    for (let i = 0; i < 3; i++) n.client('increment', 1);
    expect(n.state.buffer).toHaveLength(2);
    const msg = ofType(n.gossip(), 'delta')[0]!.msg;
    expect(msg.full).toBe(true);
    expect((msg.crdt as { counts: number[] }).counts).toEqual([3, 0, 0]);
  });
});

describe('crash and recovery', () => {
  it('a crash keeps every acknowledged update; acknowledgements are forgotten, so whole states go out', () => {
    const n = new Node(gcounterType, 0);
    n.client('increment', 2);
    n.client('increment', 3);
    n.restart();
    expect(n.value()).toBe(5);
    expect(n.state.epoch).toBe(1);
    expect(n.ctx.disk.get(EPOCH_KEY)).toBe(1);
    expect(n.state.acked).toEqual([-1, -1, -1]);
    expect(ofType(n.gossip(), 'delta').every((d) => d.msg.full)).toBe(true);
  });

  it('what was learned by gossip after the last local update is lost in a crash', () => {
    const a = new Node(gcounterType, 0);
    const b = new Node(gcounterType, 1);
    b.client('increment', 1);
    a.receive(1, ofType(b.gossip(), 'delta')[0]!.msg);
    expect(a.value()).toBe(1);
    a.restart();
    expect(a.value()).toBe(0);
  });

  it('an acknowledgement meant for an earlier life is ignored', () => {
    const n = new Node(gcounterType, 0);
    n.client('increment', 1);
    n.restart();
    n.receive(1, { type: 'ack', epoch: 0, seq: 1 });
    expect(n.state.acked[1]).toBe(-1);
  });

  it('after losing its disk a replica refuses updates until it has joined a peer’s whole state', () => {
    const a = new Node(gcounterType, 0);
    const b = new Node(gcounterType, 1);
    a.client('increment', 4);
    b.receive(0, ofType(a.gossip(), 'delta')[0]!.msg);
    a.restart(true);
    expect(a.state.catchingUp).toBe(true);
    expect(a.client('increment', 1).kind).toBe('fail');
    b.receive(0, { type: 'nack', epoch: 0 });
    const full = ofType(b.gossip(), 'delta').find((d) => d.to === 0)!.msg;
    a.receive(1, full);
    expect(a.state.catchingUp).toBe(false);
    expect(a.client('increment', 1).kind).toBe('ok');
    expect(a.value()).toBe(5);
  });
});
