import { describe, expect, it } from 'vitest';
import * as crdt from '../../../src/protocols/crdt';
import type { RgaState } from '../../../src/protocols/crdt/rga';
import type { CrdtMsg, Replica } from '../../../src/protocols/crdt/types';
import { labelMessage } from '../../../src/protocols/crdt/view';
import { presetScenario } from '../../../src/sim/presets';
import { defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { ProtocolModule } from '../../../src/sim/types';

const { CRDT_PROTOCOLS } = crdt;
const gcounter: ProtocolModule = crdt.gcounter;
const orset: ProtocolModule = crdt.orset;
const rga: ProtocolModule = crdt.rga;

/** The views: badges, message labels, the inspector panel and the convergence metrics. */

function runTo(module: ProtocolModule, micros: number, presetId: string | null = null) {
  const parsed = presetScenario(module, presetId, '1');
  if (!parsed.ok) throw new Error(parsed.error);
  const sim = new Simulation(parsed.value, module, { trace: 'hash', checkpointEvery: 0 });
  sim.runUntil(micros);
  return sim;
}

describe('summaries', () => {
  it('a replica is a "replica" whose term is its version (updates seen) and whose badge is its value', () => {
    const sim = runTo(gcounter, 10_000_000);
    const r = sim.nodeState(0) as Replica<{ counts: number[] }>;
    const summary = gcounter.view.summarize(r);
    const total = r.crdt.counts.reduce((x, y) => x + y, 0);
    expect(summary).toEqual({
      role: 'replica',
      term: r.clock.vv.reduce((x, y) => x + y, 0),
      badge: `count ${total}`,
    });
    expect(summary.term).toBeGreaterThan(0);
  });

  it('every CRDT summarizes its fresh replica', () => {
    for (const module of CRDT_PROTOCOLS) {
      const sim = new Simulation(defaultScenario(module, '1'), module, { trace: 'hash' });
      const summary = module.view.summarize(sim.nodeState(0));
      expect(summary.role, module.id).toBe('replica');
      expect(summary.term, module.id).toBe(0);
      expect(typeof summary.badge, module.id).toBe('string');
    }
  });
});

describe('message labels', () => {
  const clock = { vv: [2, 1, 0], cloud: new Set<number>() };
  const label = (msg: CrdtMsg<null>) => labelMessage(msg);

  it('names what each message carries', () => {
    expect(label({ type: 'state', crdt: null, clock, reply: true })).toBe('state v3 (push-pull)');
    expect(
      label({
        type: 'delta',
        crdt: null,
        dots: clock,
        base: [0, 0, 0],
        full: false,
        epoch: 0,
        seq: 4,
        reply: false,
      }),
    ).toBe('delta +3 updates #4');
    expect(
      label({
        type: 'delta',
        crdt: null,
        dots: clock,
        base: [0, 0, 0],
        full: true,
        epoch: 0,
        seq: 4,
        reply: false,
      }),
    ).toBe('delta: whole state v3 #4');
    expect(label({ type: 'ack', epoch: 0, seq: 4 })).toBe('ack #4');
    expect(label({ type: 'nack', epoch: 0 })).toBe('nack (send the whole state)');
    expect(label({ type: 'pull' })).toBe('pull');
  });
});

describe('the inspector panel', () => {
  it('G-Counter: one cell per replica entry, then the replica’s clock and gossip state', () => {
    const sim = runTo(gcounter, 2_000_000);
    const sections = gcounter.view.inspect!(sim.nodeState(1), 1);
    expect(sections[0]!.cells).toHaveLength(5);
    expect(sections[1]!.title).toMatch(/^Replica/);
    expect(sections[1]!.cells!.filter((c) => c.marked)).toHaveLength(1);
    expect(sections[1]!.rows!.map(([label]) => label)).toContain('deltas buffered');
  });

  it('OR-Set: elements with their dots, and a version vector without a dot cloud', () => {
    const sim = runTo(orset, 3_000_000);
    const [elements, context] = orset.view.inspect!(sim.nodeState(0), 0);
    expect(elements!.rows!.every(([, dots]) => /^(n\d+:\d+ ?)+$/.test(String(dots)))).toBe(true);
    expect(context!.note).toBe('no dots beyond the version vector: no tombstones');
  });

  it('RGA: the text, and each element as a cell, tombstones outlined', () => {
    const sim = runTo(rga, 3_000_000);
    const r = sim.nodeState(2) as Replica<RgaState>;
    const [text, cells] = rga.view.inspect!(r, 2);
    expect(text!.rows![0]![0]).toBe('text');
    expect(cells!.cells!.filter((c) => c.marked).length).toBe(Math.min(r.crdt.removed.length, 120));
    expect(rga.view.summarize(r).badge).toContain(String(text!.rows![0]![1]).slice(0, 5));
  });
});

describe('convergence metrics', () => {
  it('count distinct states and replicas off the join, and drop to zero once converged', () => {
    const sim = runTo(gcounter, 3_000_000, 'partition-heal');
    const during = gcounter.view.metrics!(sim.nodeStates());
    expect(during['distinct states']).toBeGreaterThan(1);
    expect(during.divergence).toBeGreaterThan(0);
    expect(during['updates missing (most behind replica)']).toBeGreaterThan(0);
    sim.runUntil(6_000_000);
    expect(gcounter.view.metrics!(sim.nodeStates())).toEqual({
      'distinct states': 1,
      divergence: 0,
      'updates missing (most behind replica)': 0,
    });
  });

  it('leave crashed replicas out', () => {
    const sim = runTo(gcounter, 6_000_000, 'partition-heal');
    const states = [...sim.nodeStates()];
    states[3] = null;
    expect(gcounter.view.metrics!(states)['distinct states']).toBe(1);
  });
});
