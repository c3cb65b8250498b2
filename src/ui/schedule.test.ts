import { describe, expect, it } from 'vitest';
import { broadcast } from '../protocols/broadcast';
import { defaultScenario } from '../sim/scenario';
import { Simulation } from '../sim/simulation';
import type { Scenario } from '../sim/types';
import {
  buildAction,
  describeAction,
  friendlyError,
  parseGroups,
  parseTimeMillis,
  scheduleEntries,
  withEntryMoved,
  withEntryRemoved,
  withFaultAdded,
} from './schedule';

const base: Scenario = {
  ...defaultScenario(broadcast, 'sched'),
  faults: [
    { at: 3_000_000, action: { kind: 'heal' } },
    { at: 1_000_000, action: { kind: 'crash', node: 1 } },
  ],
  inputs: [{ event: 40, at: 2_000_000, action: { kind: 'pause', node: 2 } }],
};

function ok<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function hashAt(s: Scenario, micros: number): string {
  const sim = new Simulation(s, broadcast);
  sim.runUntil(micros);
  return sim.traceHash();
}

describe('the schedule lists faults and recorded inputs in time order', () => {
  it('merges both sources by time, naming where each lives', () => {
    const entries = scheduleEntries(base);
    expect(entries.map((e) => [e.source, e.index, e.at, e.label])).toEqual([
      ['fault', 1, 1_000_000, 'crash n1'],
      ['input', 0, 2_000_000, 'pause n2'],
      ['fault', 0, 3_000_000, 'heal all'],
    ]);
    expect(entries[1]!.event).toBe(40);
  });

  it('keeps faults before inputs, each in their own order, at equal times', () => {
    const s: Scenario = {
      ...base,
      faults: [
        { at: 5, action: { kind: 'crash', node: 0 } },
        { at: 5, action: { kind: 'crash', node: 3 } },
      ],
      inputs: [{ event: 0, at: 5, action: { kind: 'heal' } }],
    };
    expect(scheduleEntries(s).map((e) => e.label)).toEqual(['crash n0', 'crash n3', 'heal all']);
  });
});

describe('editing the schedule makes a valid scenario or says what is wrong', () => {
  it('adding a fault sorts the faults by time, after others at the same time', () => {
    const s = ok(withFaultAdded(base, { at: 1_000_000, action: { kind: 'crash', node: 4 } }));
    expect(s.faults).toEqual([
      { at: 1_000_000, action: { kind: 'crash', node: 1 } },
      { at: 1_000_000, action: { kind: 'crash', node: 4 } },
      { at: 3_000_000, action: { kind: 'heal' } },
    ]);
    expect(s.inputs).toEqual(base.inputs);
  });

  it('a fault naming a node outside the cluster is refused with the field named', () => {
    const r = withFaultAdded(base, { at: 0, action: { kind: 'crash', node: 9 } });
    expect(r).toEqual({
      ok: false,
      error: 'node: must name a node from 0 to 4, as the cluster has 5 nodes (got 9)',
    });
  });

  it('a fault after the end of the run is refused', () => {
    const r = withFaultAdded(base, { at: 10_000_001, action: { kind: 'heal' } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^time: must be at most durationMicros/);
  });

  it('removing an entry removes exactly that one', () => {
    expect(ok(withEntryRemoved(base, { source: 'fault', index: 0 })).faults).toEqual([
      base.faults[1],
    ]);
    const s = ok(withEntryRemoved(base, { source: 'input', index: 0 }));
    expect(s.inputs).toEqual([]);
    expect(s.faults).toEqual(base.faults);
  });

  it('moving a fault changes its time and keeps the list in time order', () => {
    const s = ok(withEntryMoved(base, { source: 'fault', index: 0 }, 500_000));
    expect(s.faults).toEqual([
      { at: 500_000, action: { kind: 'heal' } },
      { at: 1_000_000, action: { kind: 'crash', node: 1 } },
    ]);
  });

  it('moving a recorded input makes it a timed fault at the new time', () => {
    const s = ok(withEntryMoved(base, { source: 'input', index: 0 }, 2_500_000));
    expect(s.inputs).toEqual([]);
    expect(s.faults).toContainEqual({ at: 2_500_000, action: { kind: 'pause', node: 2 } });
  });

  it('an edited schedule changes the run, and undoing the edit restores its hash', () => {
    const plain = { ...base, faults: [], inputs: [] };
    const crashed = ok(
      withFaultAdded(plain, { at: 1_000_000, action: { kind: 'crash', node: 1 } }),
    );
    const moved = ok(withEntryMoved(crashed, { source: 'fault', index: 0 }, 1_500_000));
    const removed = ok(withEntryRemoved(moved, { source: 'fault', index: 0 }));
    const hashes = [plain, crashed, moved, removed].map((s) => hashAt(s, 2_000_000));
    expect(new Set(hashes.slice(0, 3)).size).toBe(3);
    expect(hashes[3]).toBe(hashes[0]);
  });
});

describe('the add form reads its fields strictly', () => {
  it('builds each kind from its fields', () => {
    expect(ok(buildAction('crash', { node: '2' }))).toEqual({ kind: 'crash', node: 2 });
    expect(ok(buildAction('cut', { from: '0', to: '3' }))).toEqual({ kind: 'cut', from: 0, to: 3 });
    expect(ok(buildAction('loss', { lossPercent: '12.5' }))).toEqual({
      kind: 'loss',
      ppm: 125_000,
    });
    expect(ok(buildAction('latency', { minMillis: '2', maxMillis: '8.5' }))).toEqual({
      kind: 'latency',
      latency: { kind: 'uniform', minMicros: 2_000, maxMicros: 8_500 },
    });
    expect(ok(buildAction('clockJump', { node: '1', deltaMillis: '-20' }))).toEqual({
      kind: 'clockJump',
      node: 1,
      deltaMicros: -20_000,
    });
    expect(ok(buildAction('reorder', { on: 'false' }))).toEqual({ kind: 'reorder', on: false });
    expect(ok(buildAction('heal', {}))).toEqual({ kind: 'heal' });
  });

  it('says which field is wrong', () => {
    expect(buildAction('crash', { node: 'two' })).toEqual({
      ok: false,
      error: 'Node: enter a number (got "two").',
    });
    expect(buildAction('loss', { lossPercent: '150' })).toEqual({
      ok: false,
      error: 'Loss: must be from 0 to 100 % (got 150).',
    });
    expect(buildAction('clockDrift', { node: '0', driftPpm: '1.5' })).toEqual({
      ok: false,
      error: 'Drift: must be a whole number (got 1.5).',
    });
    expect(buildAction('latency', { minMillis: '9', maxMillis: '3' }).ok).toBe(false);
    expect(buildAction('explode', {}).ok).toBe(false);
  });

  it('reads partition groups split by |, and refuses anything else', () => {
    expect(ok(parseGroups('0 1 | 2,3 4'))).toEqual([
      [0, 1],
      [2, 3, 4],
    ]);
    expect(parseGroups('0 1 2').ok).toBe(false);
    expect(parseGroups('<script>').ok).toBe(false);
  });

  it('reads times in milliseconds down to the microsecond, within the run', () => {
    expect(parseTimeMillis('1500', 10_000_000)).toEqual({ ok: true, value: 1_500_000 });
    expect(parseTimeMillis(' 0.25 ', 10_000_000)).toEqual({ ok: true, value: 250 });
    expect(parseTimeMillis('-1', 10_000_000).ok).toBe(false);
    expect(parseTimeMillis('10001', 10_000_000).ok).toBe(false);
    expect(parseTimeMillis('soon', 10_000_000).ok).toBe(false);
    expect(parseTimeMillis('', 10_000_000).ok).toBe(false);
  });
});

describe('labels', () => {
  it('describes every kind in a few words', () => {
    expect(describeAction({ kind: 'partition', groups: [[0, 1], [2]] })).toBe(
      'partition {n0 n1} | {n2}',
    );
    expect(describeAction({ kind: 'uncut', from: 2, to: 0 })).toBe('uncut n2→n0');
    expect(describeAction({ kind: 'loss', ppm: 50_000 })).toBe('loss 5%');
    expect(describeAction({ kind: 'clockDrift', node: 3, ppm: -200 })).toBe('drift n3 −200 ppm');
    expect(describeAction({ kind: 'amnesia', node: 0 })).toBe('amnesia restart n0');
  });

  it('rewrites schema paths into the editor’s words', () => {
    expect(friendlyError('scenario.faults[3].action.node: must be x')).toBe('node: must be x');
    expect(friendlyError('scenario.faults[0].at: must be y')).toBe('time: must be y');
    expect(friendlyError('scenario.faults: too many')).toBe('faults: too many');
  });
});
