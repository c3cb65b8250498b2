import { describe, expect, it } from 'vitest';
import { paxos } from '../../../src/protocols/paxos';
import type { PaxosState } from '../../../src/protocols/paxos/types';
import { exerciseView, nemesisScenario, presetOf, runScenario } from './sim';

describe('the Paxos view', () => {
  // The crash-in-phase-2 preset at 400 ms: n1 has taken over and learned n0's value.
  const sim = runScenario(paxos, presetOf(paxos, 'proposer-crash-phase2'), 1_000_000);
  const states = sim.nodeStates() as (PaxosState | null)[];
  const n1 = states[1]!;

  it('shows the acceptor’s disk, the proposer’s round with one row per acceptor, and the learner', () => {
    const sections = paxos.view.inspect!(n1, 1);
    expect(sections.map((s) => s.title)).toEqual([
      'Acceptor (on disk)',
      'Proposer',
      `Promises for ballot ${n1.ballot.round}.1 (${n1.promiseCount} of 5)`,
      'Learner',
    ]);
    const promises = sections[2]!.rows!;
    expect(promises.map(([label]) => label)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    // n0 is down: no promise; n2 and n3 report the proposal they accepted from n0.
    expect(promises[0]![1]).toBe('no promise yet');
    const reported = promises.filter(([, text]) => String(text).includes('accepted 1.0 = c0#1'));
    expect(reported.length).toBeGreaterThan(0);
    expect(sections[3]!.rows![0]).toEqual(['learned', 'c0#1']);
  });

  it('shows an acceptor that is not a proposer without the proposer sections', () => {
    const titles = paxos.view.inspect!(states[4]!, 4).map((s) => s.title);
    expect(titles).toEqual(['Acceptor (on disk)', 'Learner']);
  });

  it('calls the proposer running a round the leader (for the isolateLeader fault)', () => {
    expect(paxos.view.leaderRoles).toEqual(['preparing', 'accepting']);
    for (const role of paxos.view.leaderRoles!) expect(paxos.view.roleColors[role]).toBeDefined();
  });

  it('summarizes role, promised ballot as term, and what was learned', () => {
    expect(paxos.view.summarize(n1)).toEqual({
      role: 'proposer',
      term: n1.promised.round,
      badge: 'learned c0#1',
    });
    expect(paxos.view.summarize(states[4]!).role).toBe('acceptor');
  });

  it('labels messages with their ballots and counts learners in the metrics', () => {
    expect(paxos.view.label({ type: 'Prepare', ballot: { round: 3, proposer: 1 } })).toBe(
      'Prepare 3.1',
    );
    expect(
      paxos.view.label({
        type: 'Promise',
        ballot: { round: 3, proposer: 1 },
        accepted: { round: 1, proposer: 0 },
        value: 'c0#1',
      }),
    ).toBe('Promise 3.1 (accepted 1.0: c0#1)');
    expect(paxos.view.metrics!(states)).toEqual({
      'nodes learned': 4,
      'highest ballot round': Math.max(...states.map((s) => s?.promised.round ?? 0)),
    });
  });

  it('answers for every node at every moment of a nemesis run and of the livelock, as the app asks', () => {
    expect(exerciseView(paxos, nemesisScenario(paxos, '3'), 50)).toBeGreaterThan(100);
    expect(exerciseView(paxos, presetOf(paxos, 'dueling'), 500)).toBeGreaterThan(100);
  });
});
