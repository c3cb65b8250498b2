import { describe, expect, it } from 'vitest';
import { chain } from '../../../src/protocols/replication/chain';
import {
  initChain,
  onChainClientOp,
  onChainMessage,
  onChainTimer,
} from '../../../src/protocols/replication/chain/chain';
import {
  TICK_TIMER,
  type ChainMsg,
  type ChainState,
  type Entry,
} from '../../../src/protocols/replication/chain/types';
import { FakeCtx, clientOp } from './fake';
import { judge, runScenario, scenarioOf } from './sweep';

type Ctx = FakeCtx<ChainMsg>;

/** Node `self` of a 4-node cluster: n0 master, chain n1 -> n2 -> n3. */
function node(self: number, variant: string | null = null) {
  const ctx: Ctx = new FakeCtx(chain, self, 4, {}, variant);
  const state = initChain(ctx, ctx.params);
  return { ctx, state };
}

/** A history entry: put x a by client 0, sequence number 1. */
function putEntry(): Entry {
  return {
    cmd: { client: 0, seq: 1, f: 'put', key: 'x', value: 'a', expected: '' },
    op: clientOp('put', 'x', 'a'),
  };
}

function deliver(to: { ctx: Ctx; state: ChainState }, from: number, msg: ChainMsg): void {
  onChainMessage(to.ctx, to.state, from, msg);
}

describe('chain replication: updates at the head, replies at the tail', () => {
  it('the head orders and applies an update and forwards it; it does not answer the client', () => {
    const head = node(1);
    const op = clientOp('put', 'x', 'a');
    onChainClientOp(head.ctx, head.state, op);
    expect(head.state.log.map((e) => e.cmd.value)).toEqual(['a']);
    expect(head.ctx.replies).toEqual([]);
    const [update] = head.ctx.take('Update');
    expect(update!.to).toBe(2);
    expect(update!.msg).toMatchObject({ epoch: 0, from: 1, senderLength: 1, complete: true });
  });

  it('a middle server applies, forwards and acknowledges; only the tail answers the client', () => {
    const head = node(1);
    const op = clientOp('append', 'x', ' b');
    onChainClientOp(head.ctx, head.state, op);
    const update = head.ctx.take('Update')[0]!.msg;
    const middle = node(2);
    deliver(middle, 1, update);
    expect(middle.ctx.replies).toEqual([]);
    expect(middle.ctx.take().map((s) => [s.to, s.msg.type])).toEqual([
      [3, 'Update'],
      [1, 'Ack'],
    ]);
    const tail = node(3);
    deliver(tail, 2, update);
    expect(tail.ctx.replies).toEqual([{ op, result: { kind: 'ok' } }]);
    expect(tail.ctx.disk.get('log/1')).toEqual(update.entries[0]);
  });

  it('writes sent to another server are redirected to the head, reads to the tail', () => {
    const middle = node(2);
    onChainClientOp(middle.ctx, middle.state, clientOp('put', 'x', 'a'));
    onChainClientOp(middle.ctx, middle.state, clientOp('get', 'x'));
    expect(middle.ctx.replies.map((r) => r.result)).toEqual([
      { kind: 'redirect', leader: 1 },
      { kind: 'redirect', leader: 3 },
    ]);
  });

  it('an update from a server that is not the predecessor, or of another epoch, is ignored', () => {
    const tail = node(3);
    const entry = putEntry();
    const update: ChainMsg = {
      type: 'Update',
      epoch: 0,
      from: 1,
      entries: [entry],
      senderLength: 1,
      complete: true,
    };
    deliver(tail, 1, update);
    deliver(tail, 2, { ...update, epoch: 5 });
    expect(tail.state.log).toEqual([]);
  });
});

describe('chain replication: queries', () => {
  it('the tail answers a query only after the master confirmed its epoch', () => {
    const tail = node(3);
    const op = clientOp('get', 'x');
    onChainClientOp(tail.ctx, tail.state, op);
    expect(tail.ctx.replies).toEqual([]);
    const [check] = tail.ctx.take('ReadCheck');
    expect(check).toEqual({ to: 0, msg: { type: 'ReadCheck', epoch: 0, round: 1 } });
    deliver(tail, 0, { type: 'ReadCheckOk', epoch: 0, round: 1 });
    expect(tail.ctx.replies).toEqual([{ op, result: { kind: 'ok', value: '' } }]);
  });

  it('the master confirms only its current epoch; a stale tail gets the new configuration instead', () => {
    const master = node(0);
    master.state.config = { epoch: 1, chain: [1, 2], since: [0, 0] };
    deliver(master, 3, { type: 'ReadCheck', epoch: 0, round: 1 });
    expect(master.ctx.take().map((s) => s.msg.type)).toEqual(['Config']);
  });

  it('the no-read-check bug answers at once from the tail’s history', () => {
    const tail = node(3, 'no-read-check');
    onChainClientOp(tail.ctx, tail.state, clientOp('get', 'x'));
    expect(tail.ctx.replies.length).toBe(1);
  });
});

describe('chain replication: the master repairs the chain', () => {
  it('a server silent past the failure timeout is removed, in a new epoch', () => {
    const master = node(0);
    master.ctx.now = 400_000;
    master.state.master!.lastPong.fill(400_000);
    master.state.master!.lastPong[2] = 0;
    onChainTimer(master.ctx, master.state, TICK_TIMER);
    expect(master.state.config).toEqual({ epoch: 1, chain: [1, 3], since: [0, 0] });
    expect(master.ctx.disk.get('config')).toEqual(master.state.config);
  });

  it('a server that answers again is added back at the tail, to start empty', () => {
    const master = node(0);
    master.state.config = { epoch: 1, chain: [1, 3], since: [0, 0] };
    onChainTimer(master.ctx, master.state, TICK_TIMER);
    expect(master.state.config).toEqual({ epoch: 2, chain: [1, 3, 2], since: [0, 0, 2] });
  });

  it('the last server known to hold the data is never removed, even if silent', () => {
    const master = node(0);
    master.state.config = { epoch: 3, chain: [1, 2], since: [0, 3] };
    master.ctx.now = 400_000;
    master.state.master!.lastPong.fill(0);
    master.state.master!.lastPong[2] = 400_000;
    onChainTimer(master.ctx, master.state, TICK_TIMER);
    // n2 joined in epoch 3 and has not said it caught up: removing n1 would lose the data.
    expect(master.state.config.chain).toEqual([1, 2]);
    master.state.master!.syncedSince[2] = 3;
    onChainTimer(master.ctx, master.state, TICK_TIMER);
    expect(master.state.config.chain).toEqual([2]);
  });

  it('a joining server empties its history and acts as the tail only after a complete predecessor caught it up', () => {
    const joiner = node(2);
    const entry = putEntry();
    deliver(joiner, 1, {
      type: 'Update',
      epoch: 0,
      from: 1,
      entries: [entry],
      senderLength: 1,
      complete: true,
    });
    deliver(joiner, 0, {
      type: 'Config',
      config: { epoch: 1, chain: [1, 3, 2], since: [0, 0, 1] },
    });
    expect(joiner.state.log).toEqual([]);
    expect(joiner.state.synced).toBe(false);
    expect(joiner.ctx.take('Sync').map((s) => s.to)).toEqual([3]);
    deliver(joiner, 3, {
      type: 'Update',
      epoch: 1,
      from: 1,
      entries: [entry],
      senderLength: 1,
      complete: false,
    });
    expect(joiner.state.synced).toBe(false);
    deliver(joiner, 3, {
      type: 'Update',
      epoch: 1,
      from: 2,
      entries: [],
      senderLength: 1,
      complete: true,
    });
    expect(joiner.state.synced).toBe(true);
  });
});

describe('chain replication presets', () => {
  for (const preset of ['normal', 'middle-crash', 'tail-crash', 'stale-tail']) {
    it(`${preset}: linearizable, every invariant holds`, () => {
      const sim = runScenario(chain, scenarioOf({ module: chain, preset }, 1));
      expect(judge(sim)).toEqual({ violations: [], broken: [], stopped: null });
      if (preset !== 'normal')
        expect((sim.nodeStates()[0] as ChainState).config.epoch).toBeGreaterThan(1);
    });
  }

  it('middle-crash: n2 is removed, then added back at the tail with the whole history', () => {
    const sim = runScenario(chain, scenarioOf({ module: chain, preset: 'middle-crash' }, 1));
    const states = sim.nodeStates() as ChainState[];
    expect(states[0]!.config.chain).toEqual([1, 3, 4, 2]);
    // The new tail holds a prefix of the head's history, all but the updates in flight.
    const length = states[2]!.log.length;
    expect(length).toBeGreaterThan(states[1]!.log.length - 5);
    expect(states[2]!.hashes[length - 1]).toBe(states[1]!.hashes[length - 1]);
  });

  it('stale-tail with the no-read-check bug serves stale reads', () => {
    const outcome = judge(
      runScenario(
        chain,
        scenarioOf({ module: chain, preset: 'stale-tail', variant: 'no-read-check' }, 1),
      ),
    );
    expect(outcome.broken).toContain('linearizable');
  });
});
