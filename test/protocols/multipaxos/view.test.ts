import { describe, expect, it } from 'vitest';
import { multipaxos } from '../../../src/protocols/multipaxos';
import type { MultiPaxosState } from '../../../src/protocols/multipaxos/types';
import { defaultScenario } from '../../../src/sim/scenario';
import { exerciseView, nemesisScenario, runScenario } from '../paxos/sim';

describe('the Multi-Paxos view', () => {
  const sim = runScenario(multipaxos, defaultScenario(multipaxos, '1'), 2_000_000);
  const states = sim.nodeStates() as MultiPaxosState[];
  const leader = states.findIndex((s) => s.role === 'leader');

  it('shows a strip of slots, chosen ones outlined, toned by the ballot they were accepted in', () => {
    const s = states[leader]!;
    const sections = multipaxos.view.inspect!(s, leader);
    expect(sections.map((x) => x.title)).toEqual([
      'Acceptor (on disk)',
      'Leadership',
      'Slots (text: command; outlined: chosen; tone: ballot accepted in)',
      'Leader (phase 2)',
    ]);
    const strip = sections[2]!;
    expect(strip.cells!.length).toBe(60);
    const marked = strip.cells!.filter((c) => c.marked).length;
    expect(marked).toBeGreaterThan(50);
    expect(strip.cells!.every((c) => c.tone === s.promised.round)).toBe(true);
    expect(strip.cells![0]!.title).toMatch(
      /^#\d+: chosen (get|put|append|cas) [xyz] c\d#\d+; accepted in 1\.\d$/,
    );
    expect(strip.note).toContain(`applied up to ${s.applied}; promised 1.`);
    expect(sections[0]!.rows![0]).toEqual(['promised', `1.${leader}`]);
  });

  it('summarizes role, promised ballot as term and applied slots; charts chosen slots per node', () => {
    const follower = states.findIndex((s) => s.role === 'follower');
    expect(multipaxos.view.summarize(states[follower]!)).toEqual({
      role: 'follower',
      term: 1,
      badge: `applied ${states[follower]!.applied}`,
    });
    const metrics = multipaxos.view.metrics!(states);
    expect(Object.keys(metrics)).toEqual([0, 1, 2, 3, 4].map((n) => `chosen slots n${n}`));
    expect(metrics[`chosen slots n${leader}`]).toBe(states[leader]!.chosen.size);
  });

  it('labels messages with ballot, slot and command', () => {
    const cmd = { client: 1, seq: 4, f: 'put', key: 'x', value: 'v', expected: '' } as const;
    expect(
      multipaxos.view.label({ type: 'Accept', ballot: { round: 2, proposer: 3 }, slot: 7, cmd }),
    ).toBe('Accept 2.3 #7 put x c1#4');
    expect(
      multipaxos.view.label({ type: 'Prepare', ballot: { round: 2, proposer: 3 }, fromSlot: 5 }),
    ).toBe('Prepare 2.3 from slot 5');
  });

  it('answers for every node at every moment of a nemesis run, as the app asks', () => {
    expect(
      exerciseView(multipaxos, nemesisScenario(multipaxos, '3'), 100, 3_000_000),
    ).toBeGreaterThan(100);
  });
});
