import { describe, expect, it } from 'vitest';
import { raft } from '../../../src/protocols/raft';
import { membersList } from '../../../src/protocols/raft/membership';
import type { LogEntry, RaftState } from '../../../src/protocols/raft/types';
import { checkLinearizable, operationsFromHistory } from '../../../src/sim/history/linearizability';
import { kvStoreModel } from '../../../src/sim/history/models';
import { presetScenario } from '../../../src/sim/presets';
import { validateForProtocol } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { Scenario } from '../../../src/sim/types';
import { Node, appendEntries, entries, only } from './fake-ctx';

/**
 * Single-server membership changes, per Ongaro's thesis, chapter 4: one test per rule, on one
 * node's handlers, then whole clusters through the kernel.
 */

const config = (term: number, ...members: number[]): LogEntry => ({
  term,
  cmd: null,
  config: members,
});

/** A leader of term 1 over members n0..n2 (n3, n4 spare), elected by n1. */
function spareLeader(): Node {
  const n = new Node(0, 5, { spareNodes: 2 });
  n.timer('election');
  n.receive(1, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
  expect(n.state.role).toBe('leader');
  n.ctx.take();
  return n;
}

/** A follower's successful AppendEntriesResponse of term 1. */
function ack(n: Node, from: number, matchIndex: number) {
  const response = { conflictTerm: 0, conflictIndex: 0, round: 0 };
  return n.receive(from, {
    type: 'AppendEntriesResponse',
    term: 1,
    success: true,
    matchIndex,
    ...response,
  });
}

function command(n: Node, name: string, node: number) {
  n.ctx.sent = [];
  raft.onCommand!(n.ctx, n.state, name, node);
  return n.ctx.take();
}

describe('configurations (thesis 4.1)', () => {
  it('a server uses the latest configuration in its log, committed or not', () => {
    const n = new Node(4, 5);
    n.receive(0, appendEntries(1, 0, 0, [...entries(1), config(1, 0, 1, 2)]));
    expect(n.state.commitIndex).toBe(0);
    expect(membersList(n.state)).toEqual([0, 1, 2]);
    expect(n.state.isMember).toBe(false);
    expect(n.state.configIndex).toBe(2);
  });

  it('truncating a configuration entry away reverts to the configuration before it', () => {
    const n = new Node(1, 5);
    n.receive(0, appendEntries(1, 0, 0, [...entries(1), config(1, 0, 1, 2)]));
    n.receive(3, appendEntries(2, 1, 1, entries(2)));
    expect(n.terms()).toEqual([1, 2]);
    expect(membersList(n.state)).toEqual([0, 1, 2, 3, 4]);
    expect(n.state.configIndex).toBe(0);
  });

  it('a configuration entry is on disk: it survives a restart', () => {
    const n = new Node(1, 5);
    n.receive(0, appendEntries(1, 0, 0, [...entries(1), config(1, 0, 1, 3)]));
    n.restart();
    expect(membersList(n.state)).toEqual([0, 1, 3]);
    expect(n.state.configIndex).toBe(2);
  });

  it('a server outside its configuration does not campaign', () => {
    const n = new Node(4, 5, { spareNodes: 2 });
    const sent = n.timer('election');
    expect(only(sent, 'RequestVote')).toEqual([]);
    expect(n.state.role).toBe('follower');
    expect(n.state.currentTerm).toBe(0);
  });

  it('a server removed by a configuration not yet committed still campaigns, without voting for itself (4.2.2)', () => {
    const n = new Node(3, 5);
    n.receive(0, appendEntries(1, 0, 0, [...entries(1), config(1, 2)]));
    const requests = n.timer('election');
    expect(only(requests, 'RequestVote')).toHaveLength(1);
    expect(n.state.voteCount).toBe(0);
    n.receive(2, { type: 'RequestVoteResponse', term: 2, voteGranted: true });
    expect(n.state.role).toBe('leader');
  });

  it('a server that knows the configuration without it is committed stays quiet', () => {
    const n = new Node(3, 5);
    n.receive(0, appendEntries(1, 0, 0, [...entries(1), config(1, 0, 1, 2)], 2));
    expect(n.state.commitIndex).toBe(2);
    expect(only(n.timer('election'), 'RequestVote')).toEqual([]);
  });

  it('a candidate counts votes only from members of its configuration', () => {
    const n = new Node(0, 5, { spareNodes: 2 });
    const requests = n.timer('election');
    expect(only(requests, 'RequestVote')).toHaveLength(2);
    n.receive(3, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
    n.receive(4, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
    expect(n.state.role).toBe('candidate');
    n.receive(2, { type: 'RequestVoteResponse', term: 1, voteGranted: true });
    expect(n.state.role).toBe('leader');
  });
});

describe('AddServer and RemoveServer (thesis 4.1, 4.2.2)', () => {
  it('only the leader takes a request; a follower ignores it', () => {
    const follower = new Node(1, 5, { spareNodes: 2 });
    command(follower, 'add-server', 3);
    expect(follower.state.log).toEqual([]);
  });

  it('the leader waits for an entry of its own term to commit before it changes the configuration', () => {
    const n = spareLeader();
    command(n, 'add-server', 3);
    expect(n.state.configIndex).toBe(0);
    ack(n, 1, 1);
    expect(n.state.commitIndex).toBe(1);
    expect(n.state.configIndex).toBe(2);
    expect(membersList(n.state)).toEqual([0, 1, 2, 3]);
  });

  it('one change at a time: the next configuration waits until the previous one commits', () => {
    const n = spareLeader();
    command(n, 'add-server', 3);
    command(n, 'add-server', 4);
    ack(n, 1, 1);
    expect(n.state.log.filter((e) => e.config !== undefined)).toHaveLength(1);
    // Members are now n0..n3: committing index 2 needs three of them.
    ack(n, 1, 2);
    expect(n.state.commitIndex).toBe(1);
    ack(n, 3, 2);
    expect(n.state.commitIndex).toBe(2);
    expect(n.state.configIndex).toBe(3);
    expect(membersList(n.state)).toEqual([0, 1, 2, 3, 4]);
  });

  it('the new server is replicated to as soon as its configuration is appended', () => {
    const n = spareLeader();
    ack(n, 1, 1);
    const sent = command(n, 'add-server', 3);
    expect(sent.some((s) => s.to === 3 && s.msg.type === 'AppendEntries')).toBe(true);
  });

  it('a request already in effect, or removing the last member, changes nothing', () => {
    const n = spareLeader();
    ack(n, 1, 1);
    command(n, 'add-server', 1);
    command(n, 'remove-server', 4);
    expect(n.state.configIndex).toBe(0);
    expect(n.state.log).toHaveLength(1);
  });
});

// ---- Whole clusters -----------------------------------------------------------------------------

function preset(id: string, seed = '1'): Scenario {
  const parsed = presetScenario(raft, id, seed);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function run(scenario: Scenario, until = scenario.durationMicros) {
  const sim = new Simulation(scenario, raft, { trace: 'hash', checkpointEvery: 0 });
  sim.runUntil(until);
  if (sim.now >= scenario.durationMicros) sim.checkLiveness();
  return sim;
}

const states = (sim: Simulation) => sim.nodeStates() as (RaftState | null)[];

describe('membership changes in a running cluster', () => {
  it('added servers catch up and count: after two original members crash the cluster still commits', () => {
    const scenario = preset('add-servers');
    const sim = run(scenario, 3_900_000);
    const before = states(sim)[0]!.commitIndex;
    for (const s of states(sim)) expect(membersList(s!)).toEqual([0, 1, 2, 3, 4]);
    sim.runUntil(scenario.durationMicros);
    sim.checkLiveness();
    const [n0, n1, n2, n3, n4] = states(sim);
    expect([n1, n2]).toEqual([null, null]);
    expect(n0!.role).toBe('leader');
    expect(n0!.commitIndex).toBeGreaterThan(before + 100);
    expect(n3!.lastApplied).toBeGreaterThan(before);
    expect(n4!.lastApplied).toBeGreaterThan(before);
    expect(sim.violations).toEqual([]);
  });

  it('a leader that removes itself leads until the configuration commits, then steps down for good', () => {
    const sim = run(preset('remove-leader'));
    const [n0, ...rest] = states(sim);
    expect(n0!.role).toBe('follower');
    expect(n0!.isMember).toBe(false);
    expect(rest.filter((s) => s!.role === 'leader')).toHaveLength(1);
    for (const s of rest) expect(membersList(s!)).toEqual([1, 2, 3, 4]);
    expect(sim.violations).toEqual([]);
  });

  it('membership churn under the nemesis: every safety property holds and the history is linearizable (30 seeds)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const sim = run(preset('membership-churn', String(seed)));
      expect(sim.violations, `seed ${seed}`).toEqual([]);
      expect(
        checkLinearizable(operationsFromHistory(sim.history), kvStoreModel).linearizable,
        `seed ${seed}`,
      ).toBe(true);
    }
  });

  it('a command the protocol does not accept is a clear validation error', () => {
    const scenario = {
      ...preset('remove-leader'),
      faults: [{ at: 0, action: { kind: 'command' as const, command: 'split-brain', node: 0 } }],
    };
    const result = validateForProtocol(scenario, raft);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toContain(
        'unknown command of raft (commands: add-server, remove-server)',
      );
  });
});
