import { describe, expect, it } from 'vitest';
import { multipaxos } from '../../../src/protocols/multipaxos';
import {
  chosenOnce,
  multiPaxosLiveness,
  promiseKept,
  slotAgreement,
  stateMachineSafety,
} from '../../../src/protocols/multipaxos/invariants';
import { initMultiPaxos } from '../../../src/protocols/multipaxos/multipaxos';
import type { MultiPaxosState } from '../../../src/protocols/multipaxos/types';
import type { ClusterView, Invariant } from '../../../src/sim/types';
import { RecordingCtx } from '../recording-ctx';
import { b, put } from './node';

/** The checkers themselves: each fires on a cluster that breaks its rule, and only then. */

type Step = [node: number, change: (s: MultiPaxosState) => void];

/** Command "a" is client 9's op 1, "b" its op 2, and so on (a command is named by its op). */
const cmd = (value: string) => put(9, value.charCodeAt(0) - 96, 'x', value);

function replay<M>(invariant: Invariant<MultiPaxosState, M>, steps: Step[]): string | null {
  const states = [0, 1, 2, 3, 4].map((self) => {
    const ctx = new RecordingCtx(multipaxos.params, self, 5);
    return initMultiPaxos(ctx, ctx.params);
  });
  const memory = invariant.init();
  for (const [node, change] of steps) {
    change(states[node]!);
    const view: ClusterView<MultiPaxosState> = {
      now: 0,
      states,
      lastNode: node,
      params: {},
      variant: null,
      history: [],
    };
    const message = invariant.check(memory, view);
    if (message !== null) return message;
  }
  return null;
}

const accept =
  (slot: number, round: number, proposer: number, value: string): Step[1] =>
  (s) => {
    s.accepted.set(slot, { slot, ballot: b(round, proposer), cmd: cmd(value) });
    s.acceptCount++;
    s.lastAcceptedSlot = slot;
  };
const learn =
  (slot: number, value: string | null): Step[1] =>
  (s) => {
    s.chosen.set(slot, value === null ? null : cmd(value));
    s.learnOrder.push(slot);
  };
const apply =
  (upTo: number): Step[1] =>
  (s) => {
    s.applied = upTo;
  };

describe('promise-kept (P1a, one promise for every slot)', () => {
  const promise =
    (round: number, proposer: number): Step[1] =>
    (s) => {
      s.promised = b(round, proposer);
    };

  it('fires when an acceptor accepts in any slot below a ballot it promised before', () => {
    const message = replay(promiseKept, [
      [1, promise(3, 2)],
      [1, promise(1, 0)], // the promise forgotten (volatile-promise, after a restart)
      [1, accept(7, 1, 0, 'a')],
    ]);
    expect(message).toBe(
      'n1 accepted a proposal numbered 1.0 after it had promised 3.2: it no longer honours that promise',
    );
  });

  it('stays quiet while acceptances honour the highest promise', () => {
    const message = replay(promiseKept, [
      [1, promise(1, 0)],
      [1, accept(1, 1, 0, 'a')],
      [1, promise(2, 3)],
      [1, accept(2, 2, 3, 'b')],
      [1, accept(1, 2, 3, 'a')],
    ]);
    expect(message).toBeNull();
  });
});

describe('chosen-once', () => {
  it('fires when a slot gets a second command accepted by a majority in another ballot', () => {
    const message = replay(chosenOnce, [
      [0, accept(4, 1, 0, 'a')],
      [1, accept(4, 1, 0, 'a')],
      [2, accept(4, 1, 0, 'a')],
      [2, accept(4, 2, 3, 'b')],
      [3, accept(4, 2, 3, 'b')],
      [4, accept(4, 2, 3, 'b')],
    ]);
    expect(message).toBe(
      'two values chosen in slot 4: put x c9#1 in ballot 1.0 and put x c9#2 in ballot 2.3',
    );
  });

  it('stays quiet when each slot keeps one command, whatever the ballots', () => {
    const steps: Step[] = [];
    for (const n of [0, 1, 2]) steps.push([n, accept(1, 1, 0, 'a')], [n, accept(2, 1, 0, 'b')]);
    for (const n of [2, 3, 4]) steps.push([n, accept(1, 2, 3, 'a')]);
    expect(replay(chosenOnce, steps)).toBeNull();
  });
});

describe('slot-agreement', () => {
  it('fires when a replica learns a command no majority accepted', () => {
    const message = replay(slotAgreement, [
      [0, accept(1, 1, 0, 'a')],
      [1, accept(1, 1, 0, 'a')],
      [0, learn(1, 'a')],
    ]);
    expect(message).toContain(
      'n0 learned put x c9#1 in slot 1, but nothing is chosen there (2 accepted',
    );
  });

  it('fires when a replica learns a no-op where a command was chosen', () => {
    const steps: Step[] = [0, 1, 2].map((n) => [n, accept(1, 1, 0, 'a')]);
    steps.push([3, learn(1, null)]);
    expect(replay(slotAgreement, steps)).toBe(
      'n3 learned no-op in slot 1, but put x c9#1 is chosen there',
    );
  });
});

describe('state-machine-safety', () => {
  it('fires when two replicas apply different commands at one slot', () => {
    const message = replay(stateMachineSafety, [
      [0, (s) => (learn(1, 'a')(s), apply(1)(s))],
      [1, (s) => (learn(1, null)(s), apply(1)(s))],
    ]);
    expect(message).toBe('n1 applied no-op at slot 1, where another replica applied put x c9#1');
  });
});

describe('liveness', () => {
  it('reports a cluster with no leader at the end', () => {
    const ctx = new RecordingCtx(multipaxos.params, 0, 5);
    const s = initMultiPaxos(ctx, ctx.params);
    const view: ClusterView<MultiPaxosState> = {
      now: 10_000_000,
      states: [s, null, null, null, null],
      lastNode: -1,
      params: {},
      variant: null,
      history: [],
    };
    expect(multiPaxosLiveness(view, [])).toMatch(/^no leader at the end of the run/);
    s.role = 'leader';
    expect(multiPaxosLiveness(view, [])).toBeNull();
  });
});
