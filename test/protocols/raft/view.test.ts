import { describe, expect, it } from 'vitest';
import { raft } from '../../../src/protocols/raft';
import type { RaftState } from '../../../src/protocols/raft/types';
import { defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';

describe('the Raft inspector panel', () => {
  const sim = new Simulation(defaultScenario(raft, '1'), raft);
  sim.runUntil(2_000_000);
  const states = sim.nodeStates() as RaftState[];
  const leader = states.findIndex((s) => s.role === 'leader');

  it("shows the leader's log toned by term, committed entries marked, and each peer's nextIndex and matchIndex", () => {
    expect(leader).toBeGreaterThanOrEqual(0);
    const state = states[leader]!;
    const sections = raft.view.inspect!(state, leader);
    expect(sections.map((s) => s.title)).toEqual([
      'Persistent state',
      'Log (cells: entry terms; outlined: committed)',
      'Replication (leader)',
      'Configuration (thesis chapter 4)',
    ]);
    expect(sections[3]!.rows![0]).toEqual(['members', 'n0 n1 n2 n3 n4']);
    const log = sections[1]!;
    expect(log.cells!.length).toBe(Math.min(60, state.log.length));
    expect(log.cells!.every((cell) => cell.tone === Number(cell.text))).toBe(true);
    expect(log.cells!.filter((cell) => cell.marked).length).toBe(Math.min(60, state.commitIndex));
    expect(log.note).toContain(`commitIndex ${state.commitIndex}`);
    const peers = sections[2]!.rows!.map(([label]) => label);
    expect(peers).toEqual([0, 1, 2, 3, 4].filter((n) => n !== leader).map((n) => `n${n}`));
    expect(sections[2]!.rows![0]![1]).toMatch(/^nextIndex \d+, matchIndex \d+$/);
  });

  it('shows a follower its term and vote, without a replication section', () => {
    const follower = states.findIndex((s) => s.role === 'follower');
    const sections = raft.view.inspect!(states[follower]!, follower);
    expect(sections.map((s) => s.title)).not.toContain('Replication (leader)');
    expect(sections[0]!.rows![0]).toEqual(['currentTerm', states[follower]!.currentTerm]);
  });
});
