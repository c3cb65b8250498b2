import fc from 'fast-check';
import { joined, lessOrEqual, type CrdtType } from '../../../src/protocols/crdt/crdt';
import {
  mergeAll,
  opFor,
  pick,
  pickArb,
  runScript,
  same,
  scriptArb,
  stepArb,
  update,
} from './scripts';

/**
 * The laws of a state-based CRDT as fast-check properties of a type and a variant (the faithful
 * types must keep them all; each buggy variant must break at least one).
 */

export function commutative<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, pickArb, (script, [i, j]) => {
    const { pool } = runScript(type, script, variant);
    const a = pick(pool, i);
    const b = pick(pool, j);
    return same(type, joined(type, a, b, variant), joined(type, b, a, variant), variant);
  });
}

export function associative<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, pickArb, (script, [i, j, k]) => {
    const { pool } = runScript(type, script, variant);
    const [a, b, c] = [pick(pool, i), pick(pool, j), pick(pool, k)];
    const left = joined(type, joined(type, a, b, variant), c, variant);
    const right = joined(type, a, joined(type, b, c, variant), variant);
    return same(type, left, right, variant);
  });
}

export function idempotent<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, fc.nat(), (script, i) => {
    const { pool } = runScript(type, script, variant);
    const a = pick(pool, i);
    return same(type, joined(type, a, a, variant), a, variant);
  });
}

/** Every update is an inflation: the old state is below the new one. */
export function inflationary<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, stepArb, (script, step) => {
    if (step.kind !== 'update') return true;
    const before = runScript(type, script, variant).replicas[step.replica]!;
    const after = structuredClone(before);
    const result = update(type, after, opFor(type, step, 0), step, variant);
    return !result.ok || lessOrEqual(type, before, after);
  });
}

/** The delta-mutator law: update(X) = X ⊔ delta. */
export function deltaLaw<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, stepArb, (script, step) => {
    if (step.kind !== 'update') return true;
    const before = runScript(type, script, variant).replicas[step.replica]!;
    const after = structuredClone(before);
    const result = update(type, after, opFor(type, step, 0), step, variant);
    return !result.ok || same(type, joined(type, before, result.delta, variant), after, variant);
  });
}

/** Replicas that received the same updates agree, whatever order they merged in. */
export function convergent<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, (script) => {
    const { replicas } = runScript(type, script, variant);
    const forward = mergeAll(type, replicas, variant);
    const backward = mergeAll(type, [...replicas].reverse(), variant);
    return same(type, forward, backward, variant);
  });
}

/** After every replica has merged every other, the value meets the type's sequential spec. */
export function meetsSpec<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, (script) => {
    const { replicas, applied } = runScript(type, script, variant);
    return type.spec(applied, mergeAll(type, replicas, variant)) === null;
  });
}
