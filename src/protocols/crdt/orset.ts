import { assert } from '../../sim/assert';
import type { InspectSection } from '../../sim/types';
import { sortedNumbers, type CrdtType } from './crdt';
import {
  addDot,
  contextHas,
  contextKey,
  contextOf,
  emptyContext,
  formatDot,
  joinContext,
  nextDot,
  type CausalContext,
  type Dot,
} from './dots';
import {
  BAD_ELEMENT,
  NOT_PRESENT,
  elementCells,
  elementOf,
  elementsOf,
  setWorkload,
  unionInto,
} from './sets';
import { isOk, listSome, mayHaveApplied, type OpRecord } from './spec';

/**
 * The add-wins Observed-Remove Set, optimized as in Almeida et al. (2018, "AWORSet", a dot map
 * from elements to dot sets with a causal context): an add tags the element with a fresh dot and
 * replaces its earlier dots; a remove drops the dots it observed, which stay only in the causal
 * context. A dot in one state and not the other survives the join unless the other state's
 * context has seen it (then it was removed there). So a remove cancels exactly the adds it saw,
 * a concurrent add wins, and nothing is kept for removed elements: no tombstones, the causal
 * context is a version vector.
 */

export interface ORSetState {
  /** Each present element with the dots of the adds that put it there (never empty). */
  entries: Map<number, Set<Dot>>;
  /** Every dot this state has seen, present or removed. */
  cc: CausalContext;
  /** Used only by the remove-wins variant: elements removed, by value, forever. Else empty. */
  removedValues: Set<number>;
}

export const ORSET_REMOVE_WINS = 'remove-wins';

function dotsIn(state: ORSetState, e: number): ReadonlySet<Dot> {
  return state.entries.get(e) ?? EMPTY_DOTS;
}
const EMPTY_DOTS: ReadonlySet<Dot> = new Set();

/** The dots of element e that survive a join of the two states. */
function survivingDots(target: ORSetState, source: ORSetState, e: number): Set<Dot> {
  const mine = dotsIn(target, e);
  const theirs = dotsIn(source, e);
  const keep = new Set<Dot>();
  for (const dot of mine) if (theirs.has(dot) || !contextHas(source.cc, dot)) keep.add(dot);
  for (const dot of theirs) if (!contextHas(target.cc, dot)) keep.add(dot);
  return keep;
}

function sameDots(a: ReadonlySet<Dot>, b: ReadonlySet<Dot>): boolean {
  if (a.size !== b.size) return false;
  for (const dot of a) if (!b.has(dot)) return false;
  return true;
}

function joinORSet(target: ORSetState, source: ORSetState, variant: string | null): boolean {
  assert(target.cc.vv.length === source.cc.vv.length, 'OR-Sets of different cluster sizes');
  let changed = unionInto(target.removedValues, source.removedValues);
  const elements = new Set([...target.entries.keys(), ...source.entries.keys()]);
  for (const e of elements) {
    let keep = survivingDots(target, source, e);
    if (variant === ORSET_REMOVE_WINS && target.removedValues.has(e)) keep = new Set();
    if (sameDots(keep, dotsIn(target, e))) continue;
    changed = true;
    if (keep.size === 0) target.entries.delete(e);
    else target.entries.set(e, keep);
  }
  // The context joins last: survivingDots reads both contexts as they were.
  return joinContext(target.cc, source.cc) || changed;
}

function orsetValue(state: ORSetState): number[] {
  const present = [...state.entries.keys()].filter((e) => !state.removedValues.has(e));
  return sortedNumbers(present);
}

/**
 * Add-wins spec, from the history: every element present was added by some client; and an
 * element is absent only if each acknowledged add of it may have been observed by a remove,
 * i.e. some remove of it (acknowledged or unknown) finished after that add began.
 */
function orsetSpec(ops: readonly OpRecord[], state: ORSetState): string | null {
  const present = new Set(orsetValue(state));
  const possibleAdds = elementsOf(ops, 'add', mayHaveApplied);
  const invented = [...present].filter((e) => !possibleAdds.has(e));
  if (invented.length > 0) return `elements no client added: ${listSome(invented)}`;
  const lastRemoveEnd = new Map<number, number>();
  for (const op of ops) {
    if (op.f !== 'remove' || !mayHaveApplied(op)) continue;
    const e = op.value as number;
    lastRemoveEnd.set(e, Math.max(lastRemoveEnd.get(e) ?? -1, op.completedAt));
  }
  const lost: string[] = [];
  for (const op of ops) {
    const e = op.value as number;
    if (op.f !== 'add' || !isOk(op) || present.has(e)) continue;
    if ((lastRemoveEnd.get(e) ?? -1) < op.invokedAt)
      lost.push(`${e} (added at ${op.invokedAt} µs)`);
  }
  if (lost.length > 0)
    return `acknowledged adds that no remove could have observed are missing (add-wins): ${listSome(lost)}`;
  return null;
}

export const orsetType: CrdtType<ORSetState> = {
  id: 'orset',
  title: 'OR-Set (add-wins observed-remove set)',
  summary:
    'A set where a remove cancels only the adds it has seen: a concurrent add wins. Dots and a version vector, no tombstones.',
  causal: true,
  variants: {
    [ORSET_REMOVE_WINS]: {
      label: 'BUG: remove wins, by value',
      explanation:
        'A remove records the element itself as removed and the merge drops every dot of it: a concurrent add loses, and so does every later add.',
    },
  },
  readOps: ['read'],
  defaultMix: { add: 3, remove: 2, read: 1 },
  nextOp: (rng, _client, _seq, f) => setWorkload(rng, f),
  empty: (nodes) => ({ entries: new Map(), cc: emptyContext(nodes), removedValues: new Set() }),
  update(state, op, at) {
    const e = elementOf(op);
    if ((op.f !== 'add' && op.f !== 'remove') || e === null) return BAD_ELEMENT;
    const observed = [...dotsIn(state, e)];
    if (op.f === 'add') {
      const dot = nextDot(state.cc, at.replica);
      state.entries.set(e, new Set([dot]));
      addDot(state.cc, dot);
      const delta = {
        entries: new Map([[e, new Set([dot])]]),
        cc: contextOf(at.nodes, [...observed, dot]),
        removedValues: new Set<number>(),
      };
      return { ok: true, delta };
    }
    if (observed.length === 0 || state.removedValues.has(e)) return NOT_PRESENT;
    state.entries.delete(e);
    const removedValues = new Set<number>();
    if (at.variant === ORSET_REMOVE_WINS) {
      state.removedValues.add(e);
      removedValues.add(e);
    }
    return {
      ok: true,
      delta: { entries: new Map(), cc: contextOf(at.nodes, observed), removedValues },
    };
  },
  read: (state) => orsetValue(state),
  join: joinORSet,
  value: (state) => orsetValue(state),
  canonical(state) {
    const entries = sortedNumbers(state.entries.keys()).map(
      (e) => `${e}:${sortedNumbers(state.entries.get(e)!).join('.')}`,
    );
    const removed = sortedNumbers(state.removedValues).join(',');
    return `${entries.join(',')}/${contextKey(state.cc)}/${removed}`;
  },
  badge: (state) => `{${orsetValue(state).join(',')}}`,
  inspect(state) {
    const rows = sortedNumbers(state.entries.keys()).map(
      (e) =>
        [String(e), sortedNumbers(state.entries.get(e)!).map(formatDot).join(' ')] as [
          string,
          string,
        ],
    );
    const sections: InspectSection[] = [
      { title: 'Elements and their dots (replica:counter)', rows },
      {
        title: 'Causal context (version vector: cells n0, n1, ...)',
        cells: state.cc.vv.map((n, i) => ({ text: String(n), tone: i, title: `n${i}: 1..${n}` })),
        note:
          state.cc.cloud.size === 0
            ? 'no dots beyond the version vector: no tombstones'
            : `dot cloud: ${[...state.cc.cloud].map(formatDot).join(' ')}`,
      },
    ];
    if (state.removedValues.size > 0)
      sections.push({
        title: 'Removed by value (the remove-wins bug): tombstones',
        cells: elementCells(state.removedValues, true),
      });
    return sections;
  },
  specRule:
    'every element present was added by a client, and an acknowledged add is missing only if a remove of that element finished after the add began (add wins over what a remove did not see)',
  spec: orsetSpec,
  wellFormed: {
    rule: 'no tombstones: the causal context is a version vector with no dot cloud, every element has dots, and the context has seen each of them',
    check(state) {
      if (state.cc.cloud.size > 0)
        return `the causal context holds ${state.cc.cloud.size} dots beyond its version vector`;
      for (const [e, dots] of state.entries) {
        if (dots.size === 0) return `element ${e} is kept with no dot`;
        for (const dot of dots)
          if (!contextHas(state.cc, dot))
            return `element ${e} has dot ${formatDot(dot)} outside the causal context`;
      }
      return null;
    },
  },
};
