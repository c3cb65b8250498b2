import { describe, expect, it } from 'vitest';
import { multimaster } from '../../../src/protocols/replication/multimaster';
import {
  initMm,
  onMmClientOp,
  onMmMessage,
} from '../../../src/protocols/replication/multimaster/multimaster';
import type { MmMsg, MmState } from '../../../src/protocols/replication/multimaster/types';
import { FakeCtx, clientOp } from './fake';
import { judge, runScenario, scenarioOf } from './sweep';

type Ctx = FakeCtx<MmMsg>;

function node(self: number, resolve = 'lww', variant: string | null = null) {
  const ctx: Ctx = new FakeCtx(multimaster, self, 3, { resolve }, variant);
  const state = initMm(ctx, ctx.params);
  return { ctx, state };
}

function write(n: { ctx: Ctx; state: MmState }, f: string, value: unknown, now: number) {
  n.ctx.now = now;
  onMmClientOp(n.ctx, n.state, clientOp(f, 'x', value));
  return n.ctx.take('Update')[0]!.msg;
}

describe('multi-master: every node answers writes at once and sends them to all', () => {
  it('a write is acknowledged locally and broadcast', () => {
    const a = node(0);
    a.ctx.now = 5;
    onMmClientOp(a.ctx, a.state, clientOp('put', 'x', 'v'));
    expect(a.ctx.replies.map((r) => r.result.kind)).toEqual(['ok']);
    expect(a.ctx.take('Update').map((s) => s.to)).toEqual([1, 2]);
  });

  it('last writer wins: the larger stamp wins whatever the order values arrive in', () => {
    const a = node(0);
    const b = node(1);
    const fromA = write(a, 'put', 'a', 10);
    const fromB = write(b, 'put', 'b', 20);
    const c = node(2);
    const d = node(2);
    onMmMessage(c.ctx, c.state, 0, fromA);
    onMmMessage(c.ctx, c.state, 1, fromB);
    onMmMessage(d.ctx, d.state, 1, fromB);
    onMmMessage(d.ctx, d.state, 0, fromA);
    expect(c.state.lww.get('x')!.value).toBe('b');
    expect(d.state.lww.get('x')!.value).toBe('b');
  });

  it('a write stamped older than the value held (a clock behind) loses at once, though acknowledged', () => {
    const a = node(0);
    const b = node(1);
    onMmMessage(a.ctx, a.state, 1, write(b, 'put', 'b', 1_000));
    a.ctx.now = 500;
    onMmClientOp(a.ctx, a.state, clientOp('put', 'x', 'a'));
    expect(a.ctx.replies.at(-1)!.result.kind).toBe('ok');
    expect(a.state.lww.get('x')!.value).toBe('b');
    expect(a.ctx.take('Update')).toEqual([]);
  });

  it('vector clocks keep concurrent writes as siblings; a put supersedes them', () => {
    const a = node(0, 'vclock');
    const b = node(1, 'vclock');
    const fromB = write(b, 'put', 'b', 1);
    write(a, 'put', 'a', 1);
    onMmMessage(a.ctx, a.state, 1, fromB);
    onMmClientOp(a.ctx, a.state, clientOp('get', 'x'));
    expect(a.ctx.replies.at(-1)!.result).toEqual({ kind: 'ok', value: ['a', 'b'] });
    onMmClientOp(a.ctx, a.state, clientOp('append', 'x', ' c'));
    expect(a.ctx.replies.at(-1)!.result.kind).toBe('fail');
    write(a, 'put', 'c', 2);
    expect(a.state.vv.get('x')!.map((v) => v.value)).toEqual(['c']);
  });

  it('the accept-older bug lets an older value replace a newer one', () => {
    const a = node(0, 'lww', 'lww-accept-older');
    const b = node(1);
    write(a, 'put', 'a', 1_000);
    onMmMessage(a.ctx, a.state, 1, write(b, 'put', 'b', 10));
    expect(a.state.lww.get('x')!.value).toBe('b');
  });
});

describe('multi-master presets', () => {
  it('lww-clock-skew: a node with its clock behind loses its clients’ writes', () => {
    const outcome = judge(
      runScenario(multimaster, scenarioOf({ module: multimaster, preset: 'lww-clock-skew' }, 1)),
    );
    expect(outcome.broken).toEqual(expect.arrayContaining(['linearizable', 'read-your-writes']));
    expect(outcome.violations).toEqual([]);
  });

  it('partition-siblings: both sides’ writes survive as siblings, and replicas converge', () => {
    const sim = runScenario(
      multimaster,
      scenarioOf({ module: multimaster, preset: 'partition-siblings' }, 1),
    );
    expect(sim.violations).toEqual([]);
    expect(sim.history.some((e) => e.type === 'ok' && Array.isArray(e.value))).toBe(true);
    expect(multimaster.view.metrics!(sim.nodeStates() as MmState[])['distinct states']).toBe(1);
  });
});
