import { describe, expect, it } from 'vitest';
import { paxos } from '../../../src/protocols/paxos';
import { NO_BALLOT, type Ballot } from '../../../src/protocols/paxos/ballot';
import {
  atMostOneChosen,
  learnOnlyChosen,
  onlyProposedChosen,
  paxosLiveness,
  promiseKept,
} from '../../../src/protocols/paxos/invariants';
import { initPaxos } from '../../../src/protocols/paxos/paxos';
import type { PaxosState } from '../../../src/protocols/paxos/types';
import type { ClusterView, HistoryEvent, Invariant } from '../../../src/sim/types';
import { RecordingCtx } from '../recording-ctx';

/** The checkers themselves: each must fire on a cluster that breaks its rule, and only then. */

function cluster(): { states: PaxosState[]; history: HistoryEvent[] } {
  const states = [0, 1, 2, 3, 4].map((self) => {
    const ctx = new RecordingCtx(paxos.params, self, 5);
    return initPaxos(ctx, ctx.params);
  });
  return { states, history: [] };
}

/** Drive `invariant` through a sequence of per-node changes; returns the first message. */
function replay<M>(
  invariant: Invariant<PaxosState, M>,
  world: { states: PaxosState[]; history: HistoryEvent[] },
  steps: [node: number, change: (s: PaxosState) => void][],
): string | null {
  const memory = invariant.init();
  for (const [node, change] of steps) {
    change(world.states[node]!);
    const view: ClusterView<PaxosState> = {
      now: 0,
      states: world.states,
      lastNode: node,
      params: {},
      variant: null,
      history: world.history,
    };
    const message = invariant.check(memory, view);
    if (message !== null) return message;
  }
  return null;
}

const accept = (ballot: Ballot, value: string) => (s: PaxosState) => {
  s.accepted = ballot;
  s.acceptedValue = value;
};
const b = (round: number, proposer: number) => ({ round, proposer });

describe('at-most-one-chosen', () => {
  it('fires when a majority accepted a second value in another ballot', () => {
    const world = cluster();
    const message = replay(atMostOneChosen, world, [
      [0, accept(b(1, 0), 'a')],
      [1, accept(b(1, 0), 'a')],
      [2, accept(b(1, 0), 'a')],
      [2, accept(b(2, 1), 'b')],
      [3, accept(b(2, 1), 'b')],
      [4, accept(b(2, 1), 'b')],
    ]);
    expect(message).toBe('two values chosen: a in ballot 1.0 and b in ballot 2.1');
  });

  it('stays quiet when a later ballot re-proposes the chosen value (P2c at work)', () => {
    const world = cluster();
    const steps: [number, (s: PaxosState) => void][] = [];
    for (const node of [0, 1, 2]) steps.push([node, accept(b(1, 0), 'a')]);
    for (const node of [2, 3, 4]) steps.push([node, accept(b(2, 1), 'a')]);
    expect(replay(atMostOneChosen, world, steps)).toBeNull();
  });

  it('counts an acceptance once chosen even after the acceptor moves on', () => {
    const world = cluster();
    const message = replay(atMostOneChosen, world, [
      [0, accept(b(1, 0), 'a')],
      [0, accept(b(3, 0), 'a')],
      [1, accept(b(1, 0), 'a')],
      [2, accept(b(1, 0), 'a')],
      [3, accept(b(4, 3), 'b')],
      [4, accept(b(4, 3), 'b')],
      [1, accept(b(4, 3), 'b')],
    ]);
    expect(message).toContain('two values chosen');
  });
});

describe('promise-kept (P1a)', () => {
  const promise = (ballot: Ballot) => (s: PaxosState) => {
    s.promised = ballot;
  };
  /** A restart: the acceptor comes back with `promised` (what its disk held). */
  const restartWith = (promised: Ballot) => (s: PaxosState) => {
    s.promised = promised;
  };

  it('fires when an acceptor accepts below a ballot it promised before a restart', () => {
    const world = cluster();
    const message = replay(promiseKept, world, [
      [2, promise(b(2, 1))],
      [2, restartWith(NO_BALLOT)],
      [2, (s) => accept(b(1, 0), 'a')(Object.assign(s, { promised: b(1, 0) }))],
    ]);
    expect(message).toBe(
      'n2 accepted a proposal numbered 1.0 after it had promised 2.1: it no longer honours that promise',
    );
  });

  it('stays quiet for acceptances at or above every promise, and for a promise that rises', () => {
    const world = cluster();
    const message = replay(promiseKept, world, [
      [2, promise(b(1, 0))],
      [2, (s) => accept(b(1, 0), 'a')(s)],
      [2, promise(b(3, 1))],
      [2, (s) => accept(b(3, 1), 'a')(s)],
      [1, (s) => accept(b(2, 0), 'b')(Object.assign(s, { promised: b(2, 0) }))],
    ]);
    expect(message).toBeNull();
  });
});

describe('only-proposed-chosen', () => {
  it('fires when the chosen value is not one a client proposed', () => {
    const world = cluster();
    world.history.push({ process: 0, type: 'invoke', f: 'propose', value: 'c0#1', at: 0 });
    const steps: [number, (s: PaxosState) => void][] = [0, 1, 2].map((n) => [
      n,
      accept(b(1, 0), 'made up'),
    ]);
    expect(replay(onlyProposedChosen, world, steps)).toBe(
      'made up was chosen but no client proposed it',
    );
    const honest = cluster();
    honest.history.push(world.history[0]!);
    const good: [number, (s: PaxosState) => void][] = [0, 1, 2].map((n) => [
      n,
      accept(b(1, 0), 'c0#1'),
    ]);
    expect(replay(onlyProposedChosen, honest, good)).toBeNull();
  });
});

describe('learn-only-chosen', () => {
  const learn = (value: string) => (s: PaxosState) => {
    s.learned = value;
    s.learnedBallot = b(1, 0);
  };

  it('fires when a learner learns a value that is not chosen', () => {
    const world = cluster();
    const message = replay(learnOnlyChosen, world, [
      [0, accept(b(1, 0), 'a')],
      [1, accept(b(1, 0), 'a')],
      [3, learn('a')],
    ]);
    expect(message).toBe('n3 learned a (ballot 1.0), but nothing is chosen');
  });

  it('fires when a client is told a value other than the chosen one', () => {
    const world = cluster();
    world.history.push({ process: 2, type: 'ok', f: 'propose', value: 'b', at: 5 });
    const steps: [number, (s: PaxosState) => void][] = [0, 1, 2].map((n) => [
      n,
      accept(b(1, 0), 'a'),
    ]);
    expect(replay(learnOnlyChosen, world, steps)).toBe(
      'client process 2 was told b was chosen, but nothing is',
    );
  });

  it('accepts a learner that learned the chosen value', () => {
    const world = cluster();
    const steps: [number, (s: PaxosState) => void][] = [0, 1, 2].map((n) => [
      n,
      accept(b(1, 0), 'a'),
    ]);
    steps.push([4, learn('a')]);
    expect(replay(learnOnlyChosen, world, steps)).toBeNull();
  });
});

describe('liveness: the "no value chosen within T" detector', () => {
  const view = (states: (PaxosState | null)[]): ClusterView<PaxosState> => ({
    now: 10_000_000,
    states,
    lastNode: -1,
    params: {},
    variant: null,
    history: [],
  });

  it('reports a run in which no node learned a value', () => {
    const world = cluster();
    world.states[0]!.promised = b(40, 1);
    expect(paxosLiveness(view(world.states), [])).toMatch(
      /^no value chosen within 10000000 µs .* ballots up to round 40$/,
    );
  });

  it('is satisfied once a value is learned and the clients were answered', () => {
    const world = cluster();
    world.states[2]!.learned = 'a';
    world.states[2]!.learnedBallot = NO_BALLOT;
    expect(paxosLiveness(view([null, ...world.states.slice(1)]), [])).toBeNull();
  });
});
