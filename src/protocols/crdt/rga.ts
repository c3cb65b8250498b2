import { assert } from '../../sim/assert';
import type { InspectSection } from '../../sim/types';
import { clip, intValue, type CrdtOp, type CrdtType } from './crdt';
import { MAX_REPLICAS } from './dots';
import { listSome, mayHaveApplied, type OpRecord } from './spec';

/**
 * RGA, the Replicated Growable Array (Roh, Jeon, Kim, Lee, "Replicated abstract data types:
 * Building blocks for collaborative applications", 2011), as a state: every character ever
 * inserted is a node naming the node it was inserted after, with a unique id (a Lamport
 * timestamp and the replica). A delete only marks the node as a tombstone, since later inserts
 * may name it. The text is the tree read depth-first, the children of a node newest id first:
 * an insert lands right after its reference, ahead of the older inserts there, and two
 * concurrent inserts at one place are ordered the same way everywhere (Roh's precedence).
 * The join is the union of nodes and of tombstones.
 */

/** The id every first character is inserted after. */
export const ROOT = 0;
const POSITION_SCALE = 1_000;
const MAX_ELEMENTS = 100_000;

/** An id packs (lamport, replica) like a dot: ordering ids orders by lamport, then replica. */
export type ElementId = number;

/**
 * Every element ever inserted, as parallel arrays in the order this replica received them
 * (arrays of numbers clone and persist far faster than a map of objects).
 */
export interface RgaState {
  ids: ElementId[];
  /** after[k]: the element ids[k] was inserted after (ROOT: the start of the text). */
  after: ElementId[];
  /** chars[k]: the character of ids[k]. */
  chars: string;
  /** Tombstones: deleted elements (kept: later inserts may name them), in the order received. */
  removed: ElementId[];
  /** The greatest Lamport timestamp seen. */
  lamport: number;
}

export const RGA_ARRIVAL_ORDER = 'arrival-order';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export function elementId(lamport: number, replica: number): ElementId {
  return lamport * MAX_REPLICAS + replica;
}

export function formatId(id: ElementId): string {
  return id === ROOT ? 'root' : `${Math.floor(id / MAX_REPLICAS)}@n${id % MAX_REPLICAS}`;
}

/**
 * Every element in text order, tombstones included, as indices into the arrays: the tree read
 * depth-first, children newest id first (or, in the buggy variant, latest arrival first).
 */
export function sequence(state: RgaState, variant: string | null = null): number[] {
  const children = new Map<ElementId, number[]>();
  for (let k = 0; k < state.ids.length; k++) {
    const list = children.get(state.after[k]!);
    if (list === undefined) children.set(state.after[k]!, [k]);
    else list.push(k);
  }
  for (const list of children.values()) {
    if (variant === RGA_ARRIVAL_ORDER) list.reverse();
    else list.sort((x, y) => state.ids[y]! - state.ids[x]!);
  }
  const out: number[] = [];
  const stack: number[] = [...(children.get(ROOT) ?? [])].reverse();
  while (stack.length > 0) {
    const k = stack.pop()!;
    out.push(k);
    const kids = children.get(state.ids[k]!);
    if (kids !== undefined) for (let j = kids.length - 1; j >= 0; j--) stack.push(kids[j]!);
  }
  return out;
}

/** The indices of the characters shown, in text order. */
function visible(state: RgaState, variant: string | null): number[] {
  const removed = new Set(state.removed);
  return sequence(state, variant).filter((k) => !removed.has(state.ids[k]!));
}

function text(state: RgaState, variant: string | null = null): string {
  return visible(state, variant)
    .map((k) => state.chars[k]!)
    .join('');
}

function emptyRga(): RgaState {
  return { ids: [], after: [], chars: '', removed: [], lamport: 0 };
}

/** A client names a place as a fraction (0..1000 per mille) of the text it cannot see. */
function positionOf(op: CrdtOp): number | null {
  const value = op.value as { pos?: unknown } | undefined;
  return intValue(value?.pos, POSITION_SCALE + 1);
}

function charOf(op: CrdtOp): string | null {
  const value = op.value as { char?: unknown } | undefined;
  const char = value?.char;
  return typeof char === 'string' && char.length === 1 ? char : null;
}

const BAD_INSERT = {
  ok: false,
  error: 'an insert names {pos: 0..1000, char: one character}; a delete {pos: 0..1000}',
} as const;

function insert(state: RgaState, op: CrdtOp, replica: number, variant: string | null) {
  const pos = positionOf(op);
  const char = charOf(op);
  if (pos === null || char === null) return BAD_INSERT;
  if (state.ids.length >= MAX_ELEMENTS) return { ok: false, error: 'the text is full' } as const;
  const seen = visible(state, variant);
  const index = Math.floor((pos * (seen.length + 1)) / (POSITION_SCALE + 1));
  const after = index === 0 ? ROOT : state.ids[seen[index - 1]!]!;
  state.lamport++;
  const id = elementId(state.lamport, replica);
  assert(!state.ids.includes(id), 'an element id is used twice', formatId(id));
  state.ids.push(id);
  state.after.push(after);
  state.chars += char;
  const delta: RgaState = { ...emptyRga(), ids: [id], after: [after], chars: char };
  delta.lamport = state.lamport;
  return { ok: true, delta, reply: [index, char] } as const;
}

function remove(state: RgaState, op: CrdtOp, variant: string | null) {
  const pos = positionOf(op);
  if (pos === null) return BAD_INSERT;
  const seen = visible(state, variant);
  if (seen.length === 0) return { ok: false, error: 'the text is empty here' } as const;
  const index = Math.floor((pos * seen.length) / (POSITION_SCALE + 1));
  const k = seen[index]!;
  assert(!state.removed.includes(state.ids[k]!), 'a visible element is a tombstone');
  state.removed.push(state.ids[k]!);
  const delta: RgaState = { ...emptyRga(), removed: [state.ids[k]!] };
  return { ok: true, delta, reply: [index, state.chars[k]!] } as const;
}

/** Bounds on the converged text from the history (concurrent deletes may hit one element). */
function rgaSpec(ops: readonly OpRecord[], state: RgaState): string | null {
  const length = text(state).length;
  const insertedChars = new Set<string>();
  let okInserts = 0;
  let possibleDeletes = 0;
  for (const op of ops) {
    if (op.f === 'insert' && mayHaveApplied(op)) insertedChars.add(charOf(op) ?? '');
    if (op.f === 'insert' && op.result === 'ok') okInserts++;
    if (op.f === 'delete' && mayHaveApplied(op)) possibleDeletes++;
  }
  const strange = [...text(state)].filter((c) => !insertedChars.has(c));
  if (strange.length > 0) return `characters no client inserted: ${listSome(strange)}`;
  if (length < okInserts - possibleDeletes)
    return `the text has ${length} characters, fewer than ${okInserts} acknowledged inserts minus ${possibleDeletes} deletes`;
  if (state.ids.length < okInserts)
    return `the text holds ${state.ids.length} elements, fewer than the ${okInserts} acknowledged inserts`;
  return null;
}

export const rgaType: CrdtType<RgaState> = {
  id: 'rga',
  title: 'RGA (collaborative text)',
  summary:
    'A replicated growable array for collaborative text: inserts name the character they follow, deletes leave tombstones, and every replica ends with the same text.',
  causal: true,
  variants: {
    [RGA_ARRIVAL_ORDER]: {
      label: 'BUG: concurrent inserts by arrival',
      explanation:
        'Characters inserted at the same place are ordered by when each replica received them, not by id: replicas hold the same elements but show different texts.',
    },
  },
  readOps: ['read'],
  defaultMix: { insert: 5, delete: 2, read: 1 },
  nextOp(rng, client, _seq, f) {
    const pos = rng.int(POSITION_SCALE + 1);
    if (f === 'insert') return { f, value: { pos, char: LETTERS[client % LETTERS.length]! } };
    return f === 'delete' ? { f, value: { pos } } : { f };
  },
  empty: emptyRga,
  update(state, op, at) {
    if (op.f === 'insert') return insert(state, op, at.replica, at.variant);
    if (op.f === 'delete') return remove(state, op, at.variant);
    return BAD_INSERT;
  },
  read: (state, _op, variant) => text(state, variant),
  join: joinRga,
  value: (state, variant) => text(state, variant),
  canonical(state) {
    const order = state.ids.map((_, k) => k).sort((x, y) => state.ids[x]! - state.ids[y]!);
    const nodes = order.map((k) => `${state.ids[k]}>${state.after[k]}:${state.chars[k]}`);
    const removed = [...state.removed].sort((x, y) => x - y);
    return `${nodes.join(',')}/${removed.join(',')}/${state.lamport}`;
  },
  badge: (state, variant) => `“${clip(text(state, variant), 20)}”`,
  inspect: inspectRga,
  specRule:
    'the converged text holds only inserted characters, at least (acknowledged inserts − possible deletes) of them, and every acknowledged insert is an element',
  spec: rgaSpec,
  wellFormed: {
    rule: 'no orphans: every element’s reference is in the text (causal delivery)',
    check(state) {
      const held = new Set(state.ids);
      const k = state.after.findIndex((after) => after !== ROOT && !held.has(after));
      return k < 0
        ? null
        : `element ${formatId(state.ids[k]!)} follows ${formatId(state.after[k]!)}, which this replica does not hold`;
    },
  },
};

/** Union of elements and of tombstones, in the order they arrive; the larger Lamport clock. */
function joinRga(target: RgaState, source: RgaState): boolean {
  assert(source.ids.length === source.after.length, 'an RGA state has one reference per element');
  assert(source.ids.length === source.chars.length, 'an RGA state has one character per element');
  const held = new Set(target.ids);
  let changed = false;
  for (let k = 0; k < source.ids.length; k++) {
    if (held.has(source.ids[k]!)) continue;
    target.ids.push(source.ids[k]!);
    target.after.push(source.after[k]!);
    target.chars += source.chars[k]!;
    changed = true;
  }
  const removed = new Set(target.removed);
  for (const id of source.removed) {
    if (removed.has(id)) continue;
    target.removed.push(id);
    changed = true;
  }
  if (source.lamport > target.lamport) {
    target.lamport = source.lamport;
    changed = true;
  }
  return changed;
}

/** The most cells the inspector shows. */
const MAX_CELLS = 120;

function inspectRga(state: RgaState, variant: string | null): InspectSection[] {
  const order = sequence(state, variant);
  const removed = new Set(state.removed);
  const cells = order.slice(0, MAX_CELLS).map((k) => {
    const id = state.ids[k]!;
    const dead = removed.has(id);
    return {
      text: dead ? `·${state.chars[k]!}` : state.chars[k]!,
      tone: id % MAX_REPLICAS,
      marked: dead,
      title: `${formatId(id)} after ${formatId(state.after[k]!)}${dead ? ' (deleted: tombstone)' : ''}`,
    };
  });
  const hidden = order.length - cells.length;
  return [
    {
      title: 'Text',
      rows: [
        ['text', text(state, variant)],
        ['elements', state.ids.length],
        ['tombstones', state.removed.length],
        ['Lamport clock', state.lamport],
      ],
    },
    {
      title: 'Elements in order (tone: inserting replica; outlined: tombstone)',
      cells,
      note: hidden > 0 ? `${hidden} more not shown` : undefined,
    },
  ];
}
