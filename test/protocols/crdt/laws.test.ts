import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CRDT_TYPES } from '../../../src/protocols/crdt';
import type { CrdtType } from '../../../src/protocols/crdt/crdt';
import {
  associative,
  commutative,
  convergent,
  deltaLaw,
  idempotent,
  inflationary,
  meetsSpec,
} from './properties';
import { REPLICAS, runScript, scriptArb } from './scripts';

/**
 * The laws of a state-based CRDT (Shapiro et al. 2011, section 2.2.2; Almeida et al. 2018,
 * section 4), checked with fast-check on random reachable states and deltas of every type: the
 * join is commutative, associative and idempotent; every update is an inflation; and an update's
 * delta joined into the old state gives the new state.
 */

const RUNS = { numRuns: 150 };

describe.each(CRDT_TYPES.map((type) => [type.id, type] as const))('%s', (_id, type) => {
  const t = type as CrdtType<unknown>;

  it('merge is commutative: a ⊔ b = b ⊔ a', () => {
    fc.assert(commutative(t), RUNS);
  });

  it('merge is associative: (a ⊔ b) ⊔ c = a ⊔ (b ⊔ c)', () => {
    fc.assert(associative(t), RUNS);
  });

  it('merge is idempotent: a ⊔ a = a', () => {
    fc.assert(idempotent(t), RUNS);
  });

  it('every update is an inflation: X ⊑ update(X)', () => {
    fc.assert(inflationary(t), RUNS);
  });

  it('an update’s delta joined into the old state gives the new state: update(X) = X ⊔ δ', () => {
    fc.assert(deltaLaw(t), RUNS);
  });

  it('replicas that merged the same states agree, in any merge order', () => {
    fc.assert(convergent(t), RUNS);
  });

  it('the merged value meets the sequential spec of the updates applied', () => {
    fc.assert(meetsSpec(t), RUNS);
  });

  it('the scripts reach states beyond the empty one (the generator is not vacuous)', () => {
    const sizes = fc
      .sample(scriptArb, { numRuns: 50, seed: 1 })
      .map((script) => runScript(t, script).applied.length);
    expect(Math.max(...sizes)).toBeGreaterThan(5);
    expect(REPLICAS).toBe(3);
  });
});
