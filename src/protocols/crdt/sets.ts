import type { InspectSection, Rng } from '../../sim/types';
import { intValue, sortedNumbers, type CrdtOp, type CrdtType } from './crdt';
import { isOk, listSome, mayHaveApplied, type OpRecord } from './spec';

/**
 * G-Set and 2P-Set (Shapiro et al. 2011, Specifications 11 and 12). Elements are small integers
 * drawn from a few values, so that replicas often add and remove the same element concurrently.
 */

/** Clients draw elements from 0 .. SET_ELEMENTS - 1; a replica accepts any below ELEMENT_BOUND. */
export const SET_ELEMENTS = 8;
export const ELEMENT_BOUND = 1_000_000;

export interface GSetState {
  elements: Set<number>;
}

export interface TwoPhaseSetState {
  added: Set<number>;
  /** Tombstones: an element removed once stays removed. */
  removed: Set<number>;
}

export const GSET_LARGER_WINS = 'larger-wins';
export const TWOPHASE_NO_TOMBSTONE = 'no-tombstone';

/** target := target ∪ source. */
export function unionInto(target: Set<number>, source: ReadonlySet<number>): boolean {
  const before = target.size;
  for (const e of source) target.add(e);
  return target.size !== before;
}

export function elementOf(op: CrdtOp): number | null {
  return intValue(op.value, ELEMENT_BOUND);
}

export const BAD_ELEMENT = {
  ok: false,
  error: `an element is an integer from 0 to ${ELEMENT_BOUND - 1}`,
} as const;

export const NOT_PRESENT = { ok: false, error: 'not in the set at this replica' } as const;

/** The set workload: add and remove over a few elements, and reads. */
export function setWorkload(rng: Rng, f: string): CrdtOp {
  return f === 'read' ? { f } : { f, value: rng.int(SET_ELEMENTS) };
}

export function elementCells(elements: Iterable<number>, marked = false) {
  return sortedNumbers(elements).map((e) => ({ text: String(e), marked }));
}

/** Elements named by ops f that satisfy `which`. */
export function elementsOf(
  ops: readonly OpRecord[],
  f: string,
  which: (op: OpRecord) => boolean,
): Set<number> {
  const out = new Set<number>();
  for (const op of ops) if (op.f === f && which(op)) out.add(op.value as number);
  return out;
}

/** Grow-only set spec: acknowledged adds ⊆ value ⊆ possibly applied adds. */
function gsetSpec(ops: readonly OpRecord[], state: GSetState): string | null {
  const present = state.elements;
  const acked = elementsOf(ops, 'add', isOk);
  const possible = elementsOf(ops, 'add', mayHaveApplied);
  const lost = [...acked].filter((e) => !present.has(e));
  if (lost.length > 0) return `acknowledged adds missing from the converged set: ${listSome(lost)}`;
  const invented = [...present].filter((e) => !possible.has(e));
  if (invented.length > 0) return `elements no client added: ${listSome(invented)}`;
  return null;
}

export const gsetType: CrdtType<GSetState> = {
  id: 'gset',
  title: 'G-Set (grow-only set)',
  summary:
    'A set that only grows: merging is the union, so every added element reaches every replica.',
  causal: false,
  variants: {
    [GSET_LARGER_WINS]: {
      label: 'BUG: the larger set wins',
      explanation:
        'The merge keeps whichever set has more elements instead of their union: not commutative, and the smaller side’s adds are lost.',
    },
  },
  readOps: ['read'],
  defaultMix: { add: 3, read: 1 },
  nextOp: (rng, _client, _seq, f) => setWorkload(rng, f),
  empty: () => ({ elements: new Set() }),
  update(state, op) {
    const e = elementOf(op);
    if (op.f !== 'add' || e === null) return BAD_ELEMENT;
    state.elements.add(e);
    return { ok: true, delta: { elements: new Set([e]) } };
  },
  read: (state) => sortedNumbers(state.elements),
  join(target, source, variant) {
    if (variant !== GSET_LARGER_WINS) return unionInto(target.elements, source.elements);
    if (source.elements.size <= target.elements.size) return false;
    target.elements = new Set(source.elements);
    return true;
  },
  value: (state) => sortedNumbers(state.elements),
  canonical: (state) => sortedNumbers(state.elements).join(','),
  badge: (state) => `{${sortedNumbers(state.elements).join(',')}}`,
  inspect: (state): InspectSection[] => [
    { title: 'Elements', cells: elementCells(state.elements), note: `${state.elements.size}` },
  ],
  specRule:
    'the converged set holds every acknowledged add and nothing no client added (adds with unknown outcome may or may not be in)',
  spec: gsetSpec,
};

/** 2P-Set spec: removed (acknowledged) never present; added and never removed, present. */
function twoPhaseSpec(ops: readonly OpRecord[], state: TwoPhaseSetState): string | null {
  const present = new Set(twoPhaseValue(state));
  const possibleAdds = elementsOf(ops, 'add', mayHaveApplied);
  const ackedRemoves = elementsOf(ops, 'remove', isOk);
  const possibleRemoves = elementsOf(ops, 'remove', mayHaveApplied);
  const back = [...present].filter((e) => ackedRemoves.has(e));
  if (back.length > 0) return `removed elements are back in the converged set: ${listSome(back)}`;
  const invented = [...present].filter((e) => !possibleAdds.has(e));
  if (invented.length > 0) return `elements no client added: ${listSome(invented)}`;
  const lost = [...elementsOf(ops, 'add', isOk)].filter(
    (e) => !present.has(e) && !possibleRemoves.has(e),
  );
  if (lost.length > 0) return `acknowledged adds, never removed, are missing: ${listSome(lost)}`;
  return null;
}

export const twoPhaseSetType: CrdtType<TwoPhaseSetState> = {
  id: 'twophaseset',
  title: '2P-Set (two-phase set)',
  summary:
    'A G-Set of additions and a G-Set of removals (tombstones): an element removed once can never come back, even if added again.',
  causal: false,
  variants: {
    [TWOPHASE_NO_TOMBSTONE]: {
      label: 'BUG: remove without a tombstone',
      explanation:
        'A remove deletes the element from the added set instead of recording a tombstone: the next merge with a replica that still holds it brings it back.',
    },
  },
  readOps: ['read'],
  defaultMix: { add: 3, remove: 2, read: 1 },
  nextOp: (rng, _client, _seq, f) => setWorkload(rng, f),
  empty: () => ({ added: new Set(), removed: new Set() }),
  update(state, op, at) {
    const e = elementOf(op);
    if ((op.f !== 'add' && op.f !== 'remove') || e === null) return BAD_ELEMENT;
    if (op.f === 'add') {
      state.added.add(e);
      return { ok: true, delta: { added: new Set([e]), removed: new Set() } };
    }
    // Shapiro's precondition: only an element the replica holds can be removed.
    if (!state.added.has(e) || state.removed.has(e)) return NOT_PRESENT;
    if (at.variant === TWOPHASE_NO_TOMBSTONE) {
      state.added.delete(e);
      return { ok: true, delta: { added: new Set(), removed: new Set() } };
    }
    state.removed.add(e);
    return { ok: true, delta: { added: new Set(), removed: new Set([e]) } };
  },
  read: (state) => twoPhaseValue(state),
  join(target, source) {
    const added = unionInto(target.added, source.added);
    const removed = unionInto(target.removed, source.removed);
    return added || removed;
  },
  value: (state) => twoPhaseValue(state),
  canonical: (state) =>
    `${sortedNumbers(state.added).join(',')}/${sortedNumbers(state.removed).join(',')}`,
  badge: (state) => `{${twoPhaseValue(state).join(',')}}`,
  inspect: (state) => [
    { title: 'A: added', cells: elementCells(state.added) },
    {
      title: 'R: removed (tombstones, outlined)',
      cells: elementCells(state.removed, true),
      note: `value = A − R = {${twoPhaseValue(state).join(', ')}}`,
    },
  ],
  specRule:
    'an element whose remove was acknowledged is absent for good; one added (acknowledged) and never removed is present; nothing else appears',
  spec: twoPhaseSpec,
};

function twoPhaseValue(state: TwoPhaseSetState): number[] {
  return sortedNumbers([...state.added].filter((e) => !state.removed.has(e)));
}
