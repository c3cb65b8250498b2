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
import { addWins, concurrentWritesAreSiblings, removedStaysRemoved } from './semantics';

/**
 * Every buggy variant breaks a property the faithful type keeps: fast-check finds a
 * counterexample (and the faithful type passes the same property in laws.test.ts or
 * semantics.test.ts).
 */

const PROPERTIES = {
  commutative,
  associative,
  idempotent,
  inflationary,
  deltaLaw,
  convergent,
  meetsSpec,
  addWins,
  removedStaysRemoved,
  concurrentWritesAreSiblings,
} as const;

type PropertyName = keyof typeof PROPERTIES;

/** Variant -> the properties it must break. */
const BROKEN: Record<string, readonly PropertyName[]> = {
  'sum-merge': ['idempotent', 'meetsSpec'],
  'signed-max': ['inflationary', 'meetsSpec'],
  'larger-wins': ['commutative', 'meetsSpec'],
  'no-tombstone': ['inflationary', 'removedStaysRemoved'],
  'remove-wins': ['addWins', 'meetsSpec'],
  'no-tiebreak': ['commutative', 'convergent'],
  'vv-sum': ['commutative', 'concurrentWritesAreSiblings'],
  'delete-removes': ['inflationary', 'meetsSpec'],
  'arrival-order': ['commutative', 'convergent'],
};

const cases = CRDT_TYPES.flatMap((type) =>
  Object.keys(type.variants).map((variant) => [type.id, variant, type] as const),
);

describe.each(cases)('%s, variant %s', (_id, variant, type) => {
  const broken = BROKEN[variant];

  it('is listed here with the properties it breaks', () => {
    expect(broken).toBeDefined();
  });

  it.each((broken ?? []).map((name) => [name]))('breaks %s', (name) => {
    const property = PROPERTIES[name](type as CrdtType<unknown>, variant) as fc.IProperty<
      unknown[]
    >;
    const result = fc.check(property, { numRuns: 2_000, seed: 7 });
    expect(result.failed).toBe(true);
  });
});
