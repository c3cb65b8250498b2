import { describe, expect, it } from 'vitest';
import { makeZxid } from '../../../src/protocols/zab/common';
import {
  agreement,
  globalPrimaryOrder,
  integrity,
  localPrimaryOrder,
  primaryIntegrity,
  totalOrder,
} from '../../../src/protocols/zab/invariants';
import type { Entry, ZabState } from '../../../src/protocols/zab/types';
import type { ClusterView, Invariant } from '../../../src/sim/types';
import { Node, entries, put } from './fake-ctx';

/** Each invariant, fed hand-made cluster states: it accepts what ZAB allows, catches the rest. */

const z = makeZxid;

/** A server state with this history, the first `delivered` entries delivered. */
function server(history: readonly Entry[], delivered = history.length): ZabState {
  const s = new Node(0, 3).state;
  s.history = [...history];
  s.delivered = delivered;
  return s;
}

function leading(s: ZabState, epoch: number): ZabState {
  s.role = 'leading';
  s.leaderPhase = 'broadcast';
  s.currentEpoch = epoch;
  return s;
}

/** The cluster as an invariant sees it just after `lastNode` acted. */
function viewOf(lastNode: number, states: (ZabState | null)[]): ClusterView<ZabState> {
  return { now: 0, states, lastNode, params: {}, variant: null, history: [] };
}

/**
 * Run an invariant over a sequence of (node that acted, cluster states), from `memory` (fresh
 * by default); the first message.
 */
function run<M>(
  inv: Invariant<ZabState, M>,
  steps: [number, (ZabState | null)[]][],
  memory: M = inv.init(),
): string | null {
  for (const [lastNode, states] of steps) {
    const message = inv.check(memory, viewOf(lastNode, states));
    if (message !== null) return message;
  }
  return null;
}

/** Run an invariant over two servers n0 and n1 that act in turn, n0 first (from `memory`). */
function inTurn<M>(
  inv: Invariant<ZabState, M>,
  n0: ZabState,
  n1: ZabState,
  memory: M = inv.init(),
): string | null {
  return run(
    inv,
    [
      [0, [n0, n1]],
      [1, [n0, n1]],
    ],
    memory,
  );
}

describe('integrity', () => {
  it('accepts a delivered transaction its primary broadcast', () => {
    const leader = leading(server(entries(1, 1, 2), 0), 1);
    const follower = server(entries(1, 1, 2));
    expect(inTurn(integrity, leader, follower)).toBeNull();
  });

  it('catches a delivered transaction no primary broadcast', () => {
    const follower = server(entries(1, 1, 1));
    expect(run(integrity, [[1, [null, follower]]])).toMatch(
      /n1 delivered 1:1 .* which no primary broadcast/,
    );
  });

  it('catches a delivered transaction that differs from the broadcast one', () => {
    const leader = leading(server(entries(1, 1, 1), 0), 1);
    const follower = server([{ zxid: z(1, 1), txn: put(0, 1, 'x', 'forged') }]);
    expect(inTurn(integrity, leader, follower)).toMatch(/its primary broadcast/);
  });
});

describe('total order', () => {
  it('catches a transaction delivered at different positions (a predecessor missing)', () => {
    const a = server(entries(1, 1, 3));
    const b = server([...entries(1, 1, 1), ...entries(1, 3, 3)]);
    expect(inTurn(totalOrder, a, b)).toMatch(
      /n1 delivered 1:3 after 1 transactions; another process delivered it after 2/,
    );
  });

  it('accepts a server that lags behind', () => {
    const a = server(entries(1, 1, 3));
    const b = server(entries(1, 1, 2));
    expect(inTurn(totalOrder, a, b)).toBeNull();
  });
});

describe('agreement', () => {
  it('catches two servers that delivered different transactions in the same place', () => {
    const a = server([...entries(1, 1, 2)]);
    const b = server([...entries(1, 1, 1), ...entries(2, 1, 1)]);
    expect(inTurn(agreement, a, b)).toMatch(
      /n1 delivered 2:1 .* as transaction #2, where n0 delivered 1:2/,
    );
  });

  it('a restarted server delivering its history again is fine', () => {
    const a = server(entries(1, 1, 3));
    const again = server(entries(1, 1, 3), 1);
    expect(
      run(agreement, [
        [0, [a]],
        [0, [again]],
      ]),
    ).toBeNull();
  });

  it('a server whose delivered transactions are rewritten is checked again from there', () => {
    const a = server(entries(1, 1, 2));
    const b = server(entries(1, 1, 2));
    const memory = agreement.init();
    expect(inTurn(agreement, a, b, memory)).toBeNull();
    b.history[1] = { zxid: z(2, 1), txn: put(0, 1, 'x', 'other') };
    b.rewrites = 1;
    b.rewrittenFrom = 1;
    expect(agreement.check(memory, viewOf(1, [a, b]))).toMatch(/as transaction #2/);
  });
});

describe('primary order', () => {
  it('local: catches ⟨1, 3⟩ delivered without ⟨1, 2⟩ before it', () => {
    const s = server([...entries(1, 1, 1), ...entries(1, 3, 3)]);
    expect(run(localPrimaryOrder, [[0, [s]]])).toMatch(
      /delivered 1:3 .* right after 1:1: its primary broadcast 1:2 before it/,
    );
  });

  it('local: the first transaction of an epoch follows any earlier epoch', () => {
    const s = server([...entries(1, 1, 2), ...entries(3, 1, 2)]);
    expect(run(localPrimaryOrder, [[0, [s]]])).toBeNull();
  });

  it('global: catches a transaction of an earlier epoch delivered after a later one', () => {
    const s = server([...entries(2, 1, 1), { zxid: z(1, 5), txn: put(0, 1, 'x', 'late') }]);
    expect(run(globalPrimaryOrder, [[0, [s]]])).toMatch(
      /delivered 1:5 .* of epoch 1 after 2:1 of epoch 2/,
    );
  });
});

describe('primary integrity', () => {
  /** n0 delivers its history while n1 is down, then n1 comes up as `primary`. */
  const establishedAfter = (follower: ZabState, primary: ZabState) =>
    run(primaryIntegrity, [
      [0, [follower, null]],
      [1, [follower, primary]],
    ]);

  it('catches a primary established without a transaction delivered in an earlier epoch', () => {
    const follower = server(entries(1, 1, 3));
    const primary = leading(server(entries(1, 1, 2)), 2);
    expect(establishedAfter(follower, primary)).toMatch(
      /n1 became primary of epoch 2 without 1:3, delivered by n0/,
    );
  });

  it('catches a later delivery of an earlier epoch that a primary in office lacks', () => {
    const primary = leading(server(entries(1, 1, 2)), 2);
    const follower = server(entries(1, 1, 3));
    expect(
      run(primaryIntegrity, [
        [1, [null, primary]],
        [0, [follower, primary]],
      ]),
    ).toMatch(/n0 delivered 1:3 of epoch 1, which n1, primary of epoch 2, lacks/);
  });

  it('accepts a primary that holds everything delivered before it', () => {
    const follower = server(entries(1, 1, 3));
    const primary = leading(server(entries(1, 1, 3)), 2);
    expect(establishedAfter(follower, primary)).toBeNull();
  });
});
