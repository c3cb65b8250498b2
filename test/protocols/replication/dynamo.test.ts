import { describe, expect, it } from 'vitest';
import { dynamo } from '../../../src/protocols/replication/dynamo';
import {
  initDynamo,
  onDynamoClientOp,
  onDynamoMessage,
  preferenceList,
} from '../../../src/protocols/replication/dynamo/dynamo';
import type { DynamoMsg, DynamoState } from '../../../src/protocols/replication/dynamo/types';
import type { Version } from '../../../src/protocols/replication/common/versions';
import { FakeCtx, clientOp } from './fake';
import { judge, runScenario, scenarioOf } from './sweep';

type Ctx = FakeCtx<DynamoMsg>;
const KEY = 'x';
const LIST = preferenceList(KEY, 5);

function node(
  self: number,
  params: Record<string, number | boolean> = {},
  variant: string | null = null,
) {
  const ctx: Ctx = new FakeCtx(dynamo, self, 5, params, variant);
  const state = initDynamo(ctx, ctx.params);
  return { ctx, state };
}

function version(value: string, clock: number[], writer = '9:1'): Version {
  return { value, clock, writer, writes: [] };
}

describe('dynamo: the ring and quorums', () => {
  it('a key’s preference list is every node in ring order from the key’s hash', () => {
    expect([...LIST].sort()).toEqual([0, 1, 2, 3, 4]);
    for (let i = 1; i < 5; i++) expect(LIST[i]).toBe((LIST[i - 1]! + 1) % 5);
  });

  it('a write reaching another node is forwarded to the first node of the preference list', () => {
    const other = node(LIST[4]!);
    onDynamoClientOp(other.ctx, other.state, clientOp('put', KEY, 'a'));
    expect(other.ctx.take().map((s) => [s.to, s.msg.type])).toEqual([[LIST[0], 'Forward']]);
  });

  it('the coordinator stores the version, sends it to the other N - 1 replicas, and answers after W stored it', () => {
    const coord = node(LIST[0]!);
    onDynamoClientOp(coord.ctx, coord.state, clientOp('put', KEY, 'a'));
    const puts = coord.ctx.take('Put');
    expect(puts.map((s) => s.to)).toEqual([LIST[1], LIST[2]]);
    expect(coord.state.store.get(KEY)!.map((v) => v.value)).toEqual(['a']);
    expect(coord.ctx.replies).toEqual([]);
    onDynamoMessage(coord.ctx, coord.state, LIST[1]!, { type: 'PutAck', req: puts[0]!.msg.req });
    expect(coord.ctx.replies.map((r) => r.result.kind)).toEqual(['ok']);
  });

  it('the double-count bug acknowledges with the coordinator’s own write alone (W = 2)', () => {
    const coord = node(LIST[0]!, {}, 'double-count-coordinator');
    onDynamoClientOp(coord.ctx, coord.state, clientOp('put', KEY, 'a'));
    expect(coord.ctx.replies.map((r) => r.result.kind)).toEqual(['ok']);
  });

  it('a read answers with the merged versions of R replies, siblings as an array', () => {
    const coord = node(LIST[0]!);
    coord.state.store.set(KEY, [version('a', [1, 0, 0, 0, 0])]);
    onDynamoClientOp(coord.ctx, coord.state, clientOp('get', KEY));
    const gets = coord.ctx.take('Get');
    expect(gets.map((s) => s.to)).toEqual([LIST[1], LIST[2]]);
    const req = gets[0]!.msg.req;
    onDynamoMessage(coord.ctx, coord.state, LIST[1]!, {
      type: 'GetReply',
      req,
      versions: [version('b', [0, 1, 0, 0, 0])],
    });
    expect(coord.ctx.replies[0]!.result).toEqual({ kind: 'ok', value: ['a', 'b'] });
  });

  it('read repair sends the merged versions to every replier that was behind', () => {
    const coord = node(LIST[0]!);
    coord.state.store.set(KEY, [version('b', [2, 0, 0, 0, 0])]);
    onDynamoClientOp(coord.ctx, coord.state, clientOp('get', KEY));
    const req = coord.ctx.take('Get')[0]!.msg.req;
    onDynamoMessage(coord.ctx, coord.state, LIST[1]!, {
      type: 'GetReply',
      req,
      versions: [version('a', [1, 0, 0, 0, 0])],
    });
    onDynamoMessage(coord.ctx, coord.state, LIST[2]!, {
      type: 'GetReply',
      req,
      versions: [version('b', [2, 0, 0, 0, 0])],
    });
    const repairs = coord.ctx.take('Repair');
    expect(repairs.map((s) => s.to)).toEqual([LIST[1]]);
    expect(repairs[0]!.msg.versions.map((v) => v.value)).toEqual(['b']);
  });

  it('an append or a cas on siblings fails; a put supersedes them', () => {
    const coord = node(LIST[0]!);
    coord.state.store.set(KEY, [version('a', [1, 0, 0, 0, 0]), version('b', [0, 1, 0, 0, 0])]);
    onDynamoClientOp(coord.ctx, coord.state, clientOp('append', KEY, ' c'));
    expect(coord.ctx.replies[0]!.result.kind).toBe('fail');
    onDynamoClientOp(coord.ctx, coord.state, clientOp('put', KEY, 'c'));
    expect(coord.state.store.get(KEY)!.map((v) => v.value)).toEqual(['c']);
  });

  it('a retried write whose version is here already is replicated again, not applied twice', () => {
    const coord = node(LIST[0]!);
    const op = clientOp('append', KEY, ' a', 3);
    onDynamoClientOp(coord.ctx, coord.state, op);
    onDynamoClientOp(coord.ctx, coord.state, op);
    expect(coord.state.store.get(KEY)!.map((v) => v.value)).toEqual([' a']);
    expect(coord.ctx.take('Put').length).toBe(4);
  });

  it('sloppy quorum: an unhealthy replica is replaced by the next healthy node, with a hint', () => {
    const coord = node(LIST[0]!, { sloppy: true });
    coord.ctx.now = 1_000_000;
    coord.state.lastHeard.fill(1_000_000);
    coord.state.lastHeard[LIST[2]!] = 0;
    onDynamoClientOp(coord.ctx, coord.state, clientOp('put', KEY, 'a'));
    expect(coord.ctx.take('Put').map((s) => [s.to, s.msg.hintFor])).toEqual([
      [LIST[1], -1],
      [LIST[3], LIST[2]],
    ]);
  });

  it('strict quorum: the write goes to the first N nodes only, healthy or not', () => {
    const coord = node(LIST[0]!, { sloppy: false });
    coord.ctx.now = 1_000_000;
    coord.state.lastHeard.fill(1_000_000);
    coord.state.lastHeard[LIST[2]!] = 0;
    onDynamoClientOp(coord.ctx, coord.state, clientOp('put', KEY, 'a'));
    expect(coord.ctx.take('Put').map((s) => s.to)).toEqual([LIST[1], LIST[2]]);
  });
});

describe('dynamo presets', () => {
  it('R + W <= N: stale reads make the history non-linearizable', () => {
    expect(
      judge(runScenario(dynamo, scenarioOf({ module: dynamo, preset: 'no-overlap' }, 1))).broken,
    ).toContain('linearizable');
  });

  it('R + W > N, strict quorums: a process reads its writes here; no configuration claims it (retries can apply twice)', () => {
    expect(
      dynamo.claims!({ replicas: 3, readQuorum: 2, writeQuorum: 2, sloppy: false }, null),
    ).toEqual([]);
    for (const seed of [1, 2, 3]) {
      const outcome = judge(
        runScenario(dynamo, scenarioOf({ module: dynamo, preset: 'quorum-overlap' }, seed)),
      );
      expect(outcome.broken).not.toContain('read-your-writes');
      expect(outcome.violations).toEqual([]);
    }
  });

  it('hinted handoff: hints pile up while n1 is down and are handed off once it is back', () => {
    const scenario = scenarioOf({ module: dynamo, preset: 'hinted-handoff' }, 1);
    const sim = runScenario(dynamo, { ...scenario, durationMicros: 4_500_000 });
    const hints = (states: readonly unknown[]) =>
      (states as (DynamoState | null)[]).reduce((n, s) => n + (s === null ? 0 : s.hints.size), 0);
    expect(hints(sim.nodeStates())).toBeGreaterThan(0);
    sim.runUntil(scenario.durationMicros);
    expect(hints(sim.nodeStates())).toBe(0);
  });

  it('a partition makes siblings: reads return several values, and the metrics count them', () => {
    const scenario = scenarioOf({ module: dynamo, preset: 'sibling-explosion' }, 1);
    const sim = runScenario(dynamo, { ...scenario, durationMicros: 5_300_000 });
    const metrics = dynamo.view.metrics!(sim.nodeStates() as DynamoState[]);
    expect(metrics['siblings (all)']).toBeGreaterThan(0);
    sim.runUntil(scenario.durationMicros);
    const siblingReads = sim.history.filter((e) => e.type === 'ok' && Array.isArray(e.value));
    expect(siblingReads.length).toBeGreaterThan(0);
  });
});

describe('dynamo: the read-one bug', () => {
  it('answers a read after the first reply, breaking the read-quorum invariant', () => {
    const coord = node(LIST[0]!, {}, 'read-one');
    onDynamoClientOp(coord.ctx, coord.state, clientOp('get', KEY));
    expect(coord.ctx.replies.length).toBe(1);
    expect(coord.state.lastRead!.repliers).toEqual([LIST[0]]);
  });
});
