import { describe, expect, it } from 'vitest';
import { primaryBackup } from '../../../src/protocols/replication/primarybackup';
import {
  initPb,
  onPbClientOp,
  onPbMessage,
  onPbTimer,
  recoverPb,
} from '../../../src/protocols/replication/primarybackup/primarybackup';
import {
  FAILOVER_TIMER,
  type PbMsg,
  type PbState,
} from '../../../src/protocols/replication/primarybackup/types';
import { FakeCtx, clientOp } from './fake';
import { judge, runScenario, scenarioOf } from './sweep';

type Ctx = FakeCtx<PbMsg>;

function node(self: number, mode = 'sync', variant: string | null = null) {
  const ctx: Ctx = new FakeCtx(primaryBackup, self, 3, { mode }, variant);
  const state = initPb(ctx, ctx.params);
  return { ctx, state };
}

/** n0, primary of view 0, after both backups took its NewView. */
function readyPrimary(mode: string) {
  const p = node(0, mode);
  for (const backup of [1, 2])
    onPbMessage(p.ctx, p.state, backup, { type: 'Ack', view: 0, length: 0 });
  p.ctx.take();
  expect(p.state.ready).toBe(true);
  return p;
}

/** Client 0's append of " seq" to x, as a log entry. */
const cmd = (seq: number) => ({
  client: 0,
  seq,
  f: 'append' as const,
  key: 'x',
  value: ` ${seq}`,
  expected: '',
});

function put(p: { ctx: Ctx; state: PbState }, value = 'v') {
  onPbClientOp(p.ctx, p.state, clientOp('put', 'x', value));
}

describe('primary-backup: when the primary answers a write', () => {
  it('sync: only after every backup acknowledged it', () => {
    const p = readyPrimary('sync');
    put(p);
    expect(p.ctx.take('Update').map((s) => s.to)).toEqual([1, 2]);
    expect(p.ctx.replies).toEqual([]);
    onPbMessage(p.ctx, p.state, 1, { type: 'Ack', view: 0, length: 1 });
    expect(p.ctx.replies).toEqual([]);
    onPbMessage(p.ctx, p.state, 2, { type: 'Ack', view: 0, length: 1 });
    expect(p.ctx.replies.map((r) => r.result.kind)).toEqual(['ok']);
    expect(p.state.commitIndex).toBe(1);
  });

  it('semisync: once one backup acknowledged it', () => {
    const p = readyPrimary('semisync');
    put(p);
    expect(p.ctx.replies).toEqual([]);
    onPbMessage(p.ctx, p.state, 2, { type: 'Ack', view: 0, length: 1 });
    expect(p.ctx.replies.map((r) => r.result.kind)).toEqual(['ok']);
  });

  it('async: at once, before any backup has it', () => {
    const p = node(0, 'async');
    expect(p.state.ready).toBe(true);
    put(p);
    expect(p.ctx.replies.map((r) => r.result.kind)).toEqual(['ok']);
  });

  it('the ack-before-apply bug answers a sync write at once', () => {
    const p = node(0, 'sync', 'ack-before-apply');
    for (const backup of [1, 2])
      onPbMessage(p.ctx, p.state, backup, { type: 'Ack', view: 0, length: 0 });
    put(p);
    expect(p.ctx.replies.map((r) => r.result.kind)).toEqual(['ok']);
  });

  it('a new primary serves nobody before enough backups took its log (sync: all)', () => {
    const p = node(0, 'sync');
    put(p);
    onPbMessage(p.ctx, p.state, 1, { type: 'Ack', view: 0, length: 0 });
    expect(p.state.ready).toBe(false);
    expect(p.state.log).toEqual([]);
    onPbMessage(p.ctx, p.state, 2, { type: 'Ack', view: 0, length: 0 });
    expect(p.state.ready).toBe(true);
    expect(p.state.log.length).toBe(1);
  });

  it('a backup redirects clients to the primary of its view', () => {
    const b = node(1);
    onPbClientOp(b.ctx, b.state, clientOp('get', 'x'));
    expect(b.ctx.replies[0]!.result).toEqual({ kind: 'redirect', leader: 0 });
  });
});

describe('primary-backup: views and failover', () => {
  it('a backup that hears nothing for the failover timeout moves to the next view, led by the next node', () => {
    const b = node(1);
    expect(b.ctx.timers.has(FAILOVER_TIMER)).toBe(true);
    b.ctx.now = 400_000;
    onPbTimer(b.ctx, b.state, FAILOVER_TIMER);
    expect(b.state.view).toBe(1);
    expect(b.state.role).toBe('primary');
    expect(b.ctx.disk.get('view')).toBe(1);
    expect(b.ctx.take('NewView').map((s) => s.to)).toEqual([0, 2]);
  });

  it('a backup refuses an update of an older view and names the newer one', () => {
    const b = node(2);
    onPbMessage(b.ctx, b.state, 1, { type: 'StartView', view: 1 });
    b.ctx.take();
    onPbMessage(b.ctx, b.state, 0, {
      type: 'Update',
      view: 0,
      from: 1,
      entries: [{ client: 0, seq: 1, f: 'put', key: 'x', value: 'a', expected: '' }],
      commit: 0,
    });
    expect(b.state.log).toEqual([]);
    expect(b.ctx.take().map((s) => s.msg)).toEqual([{ type: 'StartView', view: 1 }]);
  });

  it('a backup adopts the new primary’s whole log, persists it, and acknowledges its length', () => {
    const b = node(2);
    onPbMessage(b.ctx, b.state, 0, {
      type: 'NewView',
      view: 0,
      log: [cmd(1), cmd(2), cmd(3)],
      commit: 0,
    });
    onPbMessage(b.ctx, b.state, 1, { type: 'NewView', view: 1, log: [cmd(1), cmd(4)], commit: 1 });
    expect(b.state.log.map((c) => c.seq)).toEqual([1, 4]);
    expect(b.state.store.kv.get('x')).toBe(' 1 4');
    expect(b.ctx.disk.has('log/3')).toBe(false);
    expect(b.ctx.take('Ack').at(-1)!.msg).toEqual({ type: 'Ack', view: 1, length: 2 });
  });

  it('a late NewView of a view already taken never drops entries; a longer one (the primary restarted) is taken', () => {
    const b = node(2);
    onPbMessage(b.ctx, b.state, 0, { type: 'NewView', view: 0, log: [cmd(1)], commit: 0 });
    onPbMessage(b.ctx, b.state, 0, {
      type: 'Update',
      view: 0,
      from: 2,
      entries: [cmd(2)],
      commit: 1,
    });
    b.ctx.take();
    // The first NewView again (duplicated or overtaken on the network): entry 2 stays.
    onPbMessage(b.ctx, b.state, 0, { type: 'NewView', view: 0, log: [cmd(1)], commit: 0 });
    expect(b.state.log.map((c) => c.seq)).toEqual([1, 2]);
    expect(b.ctx.take('Ack').map((s) => s.msg)).toEqual([{ type: 'Ack', view: 0, length: 2 }]);
    // The primary restarted in view 0 with entries this backup never got: it takes them.
    onPbMessage(b.ctx, b.state, 0, {
      type: 'NewView',
      view: 0,
      log: [cmd(1), cmd(2), cmd(3)],
      commit: 2,
    });
    expect(b.state.log.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(b.ctx.take('Ack').map((s) => s.msg)).toEqual([{ type: 'Ack', view: 0, length: 3 }]);
  });

  it('a restarted node comes back with its view and log from disk', () => {
    const b = node(2);
    const entry = { client: 0, seq: 1, f: 'put' as const, key: 'x', value: 'a', expected: '' };
    onPbMessage(b.ctx, b.state, 0, { type: 'NewView', view: 0, log: [entry], commit: 0 });
    const back = recoverPb(b.ctx, new Map(b.ctx.disk), b.ctx.params);
    expect(back.log).toEqual([entry]);
    expect(back.synced).toBe(0);
    expect(back.store.kv.get('x')).toBe('a');
  });
});

describe('primary-backup presets', () => {
  it('an asynchronous failover loses acknowledged writes; the same faults in sync mode lose none', () => {
    const async = judge(
      runScenario(
        primaryBackup,
        scenarioOf({ module: primaryBackup, preset: 'async-failover-loses-writes' }, 1),
      ),
    );
    expect(async.broken).toContain('linearizable');
    expect(async.broken).toContain('read-your-writes');
    const sync = judge(
      runScenario(
        primaryBackup,
        scenarioOf(
          {
            module: primaryBackup,
            preset: 'async-failover-loses-writes',
            params: { mode: 'sync' },
          },
          1,
        ),
      ),
    );
    expect(sync).toEqual({ violations: [], broken: [], stopped: null });
  });

  it('semi-synchronous failover to a successor that lacks writes only the other backup had loses them', () => {
    const outcome = judge(
      runScenario(
        primaryBackup,
        scenarioOf({ module: primaryBackup, preset: 'semisync-failover' }, 1),
      ),
    );
    expect(outcome.broken).toContain('linearizable');
    expect(outcome.violations).toEqual([]);
  });

  it('a synchronous primary blocks while a backup is down, and loses nothing', () => {
    const sim = runScenario(
      primaryBackup,
      scenarioOf({ module: primaryBackup, preset: 'sync-backup-down' }, 1),
    );
    expect(judge(sim)).toEqual({ violations: [], broken: [], stopped: null });
    // A write invoked while n2 is down completes only after it restarts at 4 s.
    const invoked = new Map<number, number>();
    let blocked = 0;
    for (const e of sim.history) {
      if (e.type === 'invoke' && e.f !== 'get') invoked.set(e.process, e.at);
      else if (e.type === 'ok' && e.f !== 'get') {
        const at = invoked.get(e.process)!;
        if (at > 2_000_000 && at < 3_900_000 && e.at > 4_000_000) blocked++;
      }
    }
    expect(blocked).toBeGreaterThan(0);
  });
});
