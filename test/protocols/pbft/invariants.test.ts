import { describe, expect, it } from 'vitest';
import { agreement, agreementBeyondF } from '../../../src/protocols/pbft/invariants';
import type { PbftState } from '../../../src/protocols/pbft/types';
import type { ClusterView, Invariant } from '../../../src/sim/types';
import { Replica, certify, put } from './fake-ctx';

/** The agreement checkers, fed by hand-made clusters. */

function cluster(states: PbftState[], lastNode: number, byzantine: string): ClusterView<PbftState> {
  return { now: 0, states, lastNode, params: { byzantine }, variant: null, history: [] };
}

/** Replicas 1..3 of four; the given ones commit `request` at sequence number 1. */
function committing(variants: Record<number, ReturnType<typeof put> | null>): PbftState[] {
  const states: PbftState[] = [new Replica(0).state];
  for (const self of [1, 2, 3]) {
    const replica = new Replica(self);
    const request = variants[self];
    if (request !== undefined) {
      const others = [1, 2, 3].filter((id) => id !== self);
      certify(replica, 0, 1, request, others.slice(0, 1), others);
    }
    states.push(replica.state);
  }
  return states;
}

function run(invariant: Invariant<PbftState, unknown>, states: PbftState[], byzantine: string) {
  const memory = invariant.init();
  const found: string[] = [];
  for (let node = 0; node < states.length; node++) {
    const message = invariant.check(memory, cluster(states, node, byzantine));
    if (message !== null) found.push(message);
  }
  return found;
}

describe('agreement', () => {
  it('honest replicas that commit the same request at a sequence number agree', () => {
    const states = committing({ 1: put(5, 1), 2: put(5, 1), 3: put(5, 1) });
    expect(run(agreement, states, '')).toEqual([]);
  });

  it('two honest replicas that commit different requests at one sequence number are a violation', () => {
    const states = committing({ 1: put(5, 1), 3: null });
    const found = run(agreement, states, '');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /honest replicas n1 and n3 committed different requests at sequence number 1/,
    );
  });

  it('a Byzantine replica’s log is not held against it', () => {
    const states = committing({ 1: put(5, 1), 3: null });
    expect(run(agreement, states, '3:yes-man')).toEqual([]);
  });

  it('checks only within the fault assumption; beyond it, agreement-beyond-f shows the break', () => {
    const states = committing({ 1: put(5, 1), 3: null });
    expect(run(agreement, states, '0:equivocate,2:yes-man')).toEqual([]);
    expect(run(agreementBeyondF, states, '')).toEqual([]);
    const [message] = run(agreementBeyondF, states, '0:equivocate,2:yes-man');
    expect(message).toMatch(
      /^beyond the fault assumption \(2 Byzantine replicas, f = 1\), as expected: /,
    );
  });

  it('looks only at new commits: a replica checked once is not checked again', () => {
    const states = committing({ 1: put(5, 1), 3: null });
    const memory = agreement.init();
    expect(agreement.check(memory, cluster(states, 3, ''))).toBeNull();
    expect(agreement.check(memory, cluster(states, 3, ''))).toBeNull();
    expect(agreement.check(memory, cluster(states, 1, ''))).toMatch(/different requests/);
  });
});
