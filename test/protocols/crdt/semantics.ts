import fc from 'fast-check';
import type { CrdtType } from '../../../src/protocols/crdt/crdt';
import { joined } from '../../../src/protocols/crdt/crdt';
import type { MvRegisterState } from '../../../src/protocols/crdt/registers';
import { REPLICAS, mergeAll, runScript, scriptArb } from './scripts';

/**
 * The properties that tell the set and register types apart (their semantics, beyond the
 * lattice laws), as fast-check properties of a type and a variant.
 */

function at(replica: number, variant: string | null) {
  return { replica, nodes: REPLICAS, nowMicros: 0, variant };
}

/** An element present in `state`, chosen by `index`, or null. */
function presentElement<S>(type: CrdtType<S>, state: S, index: number): number | null {
  const present = type.value(state, null) as number[];
  return present.length === 0 ? null : present[index % present.length]!;
}

/**
 * OR-Set, add wins: from any reachable state holding e, one replica removes e while another
 * adds it concurrently; after they merge, e is present.
 */
export function addWins<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, fc.nat(), fc.nat({ max: REPLICAS - 1 }), (script, i, r) => {
    const base = runScript(type, script, variant).replicas[r]!;
    const e = presentElement(type, base, i);
    if (e === null) return true;
    const remover = structuredClone(base);
    const adder = structuredClone(base);
    type.update(remover, { f: 'remove', value: e }, at(r, variant));
    type.update(adder, { f: 'add', value: e }, at((r + 1) % REPLICAS, variant));
    const both = type.value(joined(type, remover, adder, variant), variant) as number[];
    return both.includes(e);
  });
}

/** A remove cancels the adds it observed: merging the older state back does not undo it. */
export function removeCancelsObservedAdds<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, fc.nat(), fc.nat({ max: REPLICAS - 1 }), (script, i, r) => {
    const { replicas } = runScript(type, script, variant);
    const base = replicas[r]!;
    const e = presentElement(type, base, i);
    if (e === null) return true;
    const after = structuredClone(base);
    type.update(after, { f: 'remove', value: e }, at(r, variant));
    const merged = joined(type, after, base, variant);
    return !(type.value(merged, variant) as number[]).includes(e);
  });
}

/** 2P-Set: an element some replica removed is absent once every replica has merged. */
export function removedStaysRemoved<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, (script) => {
    const { replicas, applied } = runScript(type, script, variant);
    const present = type.value(mergeAll(type, replicas, variant), variant) as number[];
    return applied.every((op) => op.f !== 'remove' || !present.includes(op.value as number));
  });
}

/** MV-Register: two writes from the same state at different replicas both survive the merge. */
export function concurrentWritesAreSiblings<S>(type: CrdtType<S>, variant: string | null = null) {
  return fc.property(scriptArb, fc.nat({ max: REPLICAS - 1 }), (script, r) => {
    const base = runScript(type, script, variant).replicas[r]!;
    const left = structuredClone(base);
    const right = structuredClone(base);
    type.update(left, { f: 'write', value: 'left' }, at(r, variant));
    type.update(right, { f: 'write', value: 'right' }, at((r + 1) % REPLICAS, variant));
    const merged = joined(type, left, right, variant) as unknown as MvRegisterState;
    const values = merged.entries.map((e) => e.value).sort();
    return values.join(',') === 'left,right';
  });
}
