import { describe, expect, it } from 'vitest';
import { REPLICATION_PROTOCOLS } from '../../../src/protocols/replication';
import type { ChainState } from '../../../src/protocols/replication/chain/types';
import type { PbState } from '../../../src/protocols/replication/primarybackup/types';
import { defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { Message, ProtocolModule } from '../../../src/sim/types';

function after(module: ProtocolModule, micros: number, delivered: Message[] = []) {
  // The same module, noting every message it is handed (to label them afterwards).
  const watched: ProtocolModule = {
    ...module,
    onMessage(ctx, state, from, msg) {
      if (delivered.length < 5_000) delivered.push(msg);
      module.onMessage(ctx, state, from, msg);
    },
  };
  const sim = new Simulation(defaultScenario(module, '1'), watched, { trace: 'full' });
  sim.runUntil(micros);
  return sim;
}

const byId = (id: string) => REPLICATION_PROTOCOLS.find((m) => m.id === id)!;

describe('the replication views', () => {
  for (const module of REPLICATION_PROTOCOLS) {
    it(`${module.id}: every node has a coloured role, every message a label, every node a panel`, () => {
      const delivered: Message[] = [];
      const sim = after(module, 2_000_000, delivered);
      const states = sim.nodeStates();
      states.forEach((state, node) => {
        const summary = module.view.summarize(state);
        expect(
          module.view.roleColors[summary.role],
          `${module.id} role ${summary.role}`,
        ).toBeDefined();
        const sections = module.view.inspect!(state, node);
        expect(sections.length).toBeGreaterThan(0);
        expect(JSON.parse(JSON.stringify(sections))).toEqual(sections);
      });
      const labels = new Set<string>();
      for (const record of sim.trace.slice(0, sim.trace.length))
        if (record.kind === 'send') labels.add(record.name);
      expect(labels.size).toBeGreaterThan(0);
      const metrics = module.view.metrics!(states);
      expect(Object.keys(metrics).length).toBeGreaterThan(0);
      for (const value of Object.values(metrics)) expect(Number.isFinite(value)).toBe(true);
    });
  }

  it('primary-backup: the primary shows the view as its term, and how far each backup is behind', () => {
    const pb = byId('primary-backup');
    const states = after(pb, 2_000_000).nodeStates() as PbState[];
    expect(pb.view.summarize(states[0]!)).toMatchObject({ role: 'primary', term: 0 });
    const sections = pb.view.inspect!(states[0]!, 0);
    expect(sections.map((s) => s.title)).toContain('Backups (writes behind the primary)');
    expect(Object.keys(pb.view.metrics!(states))).toEqual(['lag n0', 'lag n1', 'lag n2']);
    expect(
      pb.view.label({ type: 'Update', view: 2, from: 3, entries: [], commit: 1 } as Message),
    ).toBe('Update v2 (heartbeat)');
  });

  it('chain: master, head, middle and tail by role, the epoch as term', () => {
    const ch = byId('chain');
    const states = after(ch, 1_000_000).nodeStates() as ChainState[];
    expect(states.map((s) => ch.view.summarize(s).role)).toEqual([
      'master',
      'head',
      'middle',
      'tail',
    ]);
    expect(ch.view.summarize(states[0]!).badge).toBe('n1 → n2 → n3');
  });

  it('dynamo: siblings and hints are counted per node in the metrics', () => {
    const metrics = byId('dynamo').view.metrics!(after(byId('dynamo'), 1_000_000).nodeStates());
    expect(metrics).toHaveProperty('siblings (all)');
    expect(metrics).toHaveProperty('hints n0');
    expect(metrics).toHaveProperty('stale keys n4');
  });

  it('anti-entropy: the panel shows the Merkle root and one cell per key range', () => {
    const ae = byId('antientropy');
    const states = after(ae, 1_000_000).nodeStates();
    const tree = ae.view.inspect!(states[0], 0).find((s) => s.title.startsWith('Merkle tree'))!;
    expect(tree.rows![0]![0]).toBe('root');
    expect(tree.cells!.length).toBe(8);
  });
});
