import { assert } from '../../sim/assert';
import type { InspectSection, Rng } from '../../sim/types';
import { clip, textValue, type CrdtOp, type CrdtType, type UpdateContext } from './crdt';
import { listSome, mayHaveApplied, type OpRecord } from './spec';

/**
 * LWW-Register and MV-Register (Shapiro et al. 2011, Specifications 8 and 10).
 *
 * LWW: a write is stamped (timestamp, node) with the replica's own clock in milliseconds; the
 * join keeps the greater stamp, the node id breaking ties. Clocks are not synchronized: a replica
 * whose clock runs ahead wins over writes made later in real time. That is the lesson the
 * nemesis's clock faults teach.
 *
 * MV: a write carries a version vector one past everything the replica has seen; the join keeps
 * every value whose vector no other vector dominates, so concurrent writes all survive as
 * siblings until a later write, having seen them, replaces them.
 */

export const MAX_VALUE_LENGTH = 64;

/** One stamped value. `value` null: nothing written yet, or (in a map) a deletion. */
export interface LwwEntry {
  ts: number;
  node: number;
  value: string | null;
}

export type LwwRegisterState = LwwEntry;

export interface MvEntry {
  value: string;
  vv: number[];
}

export interface MvRegisterState {
  /** The siblings: values whose version vectors are pairwise concurrent. */
  entries: MvEntry[];
}

export const LWW_NO_TIEBREAK = 'no-tiebreak';
export const MV_VV_SUM = 'vv-sum';

export const BAD_VALUE = {
  ok: false,
  error: `a value is a string of 1 to ${MAX_VALUE_LENGTH} characters`,
} as const;

/** -1, 0, 1: stamps ordered by timestamp, then node, then value (so equal stamps still agree). */
export function compareLww(a: LwwEntry, b: LwwEntry, variant: string | null): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (variant === LWW_NO_TIEBREAK) return 0;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  if (a.value === b.value) return 0;
  if (a.value === null || (b.value !== null && a.value < b.value)) return -1;
  return 1;
}

/** The stamp of a new local write: the clock in ms, past this replica's own current stamp. */
export function stampFor(current: LwwEntry, at: UpdateContext): number {
  const clockMillis = Math.floor(at.nowMicros / 1_000);
  return current.node === at.replica ? Math.max(clockMillis, current.ts + 1) : clockMillis;
}

export const NO_WRITE: LwwEntry = Object.freeze({ ts: -1, node: -1, value: null });

export function formatStamp(entry: LwwEntry): string {
  return entry.node < 0 ? 'never written' : `${entry.ts} ms @ n${entry.node}`;
}

/** Unique values: the client and its op number. */
export function writeValue(client: number, seq: number): string {
  return `c${client}.${seq}`;
}

/**
 * LWW spec: the converged entry was written by a client, and no acknowledged write (each
 * answered with its stamp) carries a greater stamp.
 */
export function lwwSpec(
  ops: readonly OpRecord[],
  entry: LwwEntry,
  isWrite: (op: OpRecord) => boolean,
  where: string,
): string | null {
  const written = new Set<string | null>();
  for (const op of ops) if (isWrite(op) && mayHaveApplied(op)) written.add(writtenValue(op));
  if (entry.node >= 0 && !written.has(entry.value))
    return `${where} holds ${String(entry.value)}, which no client wrote`;
  for (const op of ops) {
    if (!isWrite(op) || op.result !== 'ok') continue;
    const [value, ts, node] = op.reply as [string | null, number, number];
    if (compareLww({ ts, node, value }, entry, null) > 0)
      return `${where} holds ${String(entry.value)} (${formatStamp(entry)}) while the acknowledged write of ${String(value)} carries a greater stamp (${ts} ms @ n${node})`;
  }
  return null;
}

function writtenValue(op: OpRecord): string | null {
  return op.f === 'delete' ? null : (op.value as string);
}

function registerWorkload(client: number, seq: number, f: string): CrdtOp {
  return f === 'read' ? { f } : { f, value: writeValue(client, seq) };
}

export const lwwRegisterType: CrdtType<LwwRegisterState> = {
  id: 'lwwregister',
  title: 'LWW-Register (last writer wins)',
  summary:
    'A register whose writes carry (local timestamp, node): the greatest stamp wins everywhere, whatever real time says. Skewed clocks decide who wins.',
  causal: false,
  variants: {
    [LWW_NO_TIEBREAK]: {
      label: 'BUG: no node tie-break',
      explanation:
        'Two writes stamped with the same millisecond are not ordered by node id: each replica keeps the one it had, and they never agree.',
    },
  },
  readOps: ['read'],
  defaultMix: { write: 1, read: 1 },
  nextOp: (_rng: Rng, client, seq, f) => registerWorkload(client, seq, f),
  empty: () => ({ ...NO_WRITE }),
  update(state, op, at) {
    const value = textValue(op.value, MAX_VALUE_LENGTH);
    if (op.f !== 'write' || value === null) return BAD_VALUE;
    const entry: LwwEntry = { ts: stampFor(state, at), node: at.replica, value };
    if (compareLww(entry, state, at.variant) > 0) Object.assign(state, entry);
    return { ok: true, delta: { ...entry }, reply: [value, entry.ts, entry.node] };
  },
  read: (state) => state.value,
  join(target, source, variant) {
    if (compareLww(source, target, variant) <= 0) return false;
    Object.assign(target, source);
    return true;
  },
  value: (state) => state.value,
  canonical: (state) => `${state.ts}/${state.node}/${String(state.value)}`,
  badge: (state) => (state.value === null ? 'empty' : `“${clip(state.value, 16)}”`),
  inspect: (state): InspectSection[] => [
    {
      title: 'Register',
      rows: [
        ['value', state.value],
        ['timestamp (ms, local clock)', state.ts < 0 ? null : state.ts],
        ['written at', state.node < 0 ? null : `n${state.node}`],
      ],
    },
  ],
  specRule:
    'the converged value was written by a client and no acknowledged write carries a greater (timestamp, node) stamp',
  spec: (ops, state) => lwwSpec(ops, state, (op) => op.f === 'write', 'the register'),
};

function dominates(a: readonly number[], b: readonly number[]): boolean {
  assert(a.length === b.length, 'version vectors of different cluster sizes');
  let greater = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return false;
    if (a[i]! > b[i]!) greater = true;
  }
  return greater;
}

function vvKey(entry: MvEntry): string {
  return `${entry.vv.join('.')}=${entry.value}`;
}

function vvSum(vv: readonly number[]): number {
  let total = 0;
  for (const n of vv) total += n;
  return total;
}

function sortEntries(entries: MvEntry[]): MvEntry[] {
  return entries.sort((x, y) => (vvKey(x) < vvKey(y) ? -1 : vvKey(x) > vvKey(y) ? 1 : 0));
}

/** The siblings of a ∪ b: every entry no other entry dominates. */
function maximalEntries(a: readonly MvEntry[], b: readonly MvEntry[]): MvEntry[] {
  const all = new Map<string, MvEntry>();
  for (const entry of [...a, ...b]) all.set(vvKey(entry), entry);
  const candidates = [...all.values()];
  const kept = candidates.filter((x) => !candidates.some((y) => dominates(y.vv, x.vv)));
  return sortEntries(kept);
}

/** The buggy join: one value survives, the one with the larger vector sum (ties: our own). */
function largestSum(a: readonly MvEntry[], b: readonly MvEntry[]): MvEntry[] {
  let best: MvEntry | null = null;
  for (const entry of [...a, ...b])
    if (best === null || vvSum(entry.vv) > vvSum(best.vv)) best = entry;
  return best === null ? [] : [best];
}

function mvValue(state: MvRegisterState): string[] {
  return state.entries.map((e) => e.value).sort();
}

/**
 * MV spec: every sibling was written by a client, and an acknowledged write is gone only if
 * another write began after it did (and so could have seen and replaced it).
 */
function mvSpec(ops: readonly OpRecord[], state: MvRegisterState): string | null {
  const siblings = new Set(mvValue(state));
  const writes = ops.filter((op) => op.f === 'write' && mayHaveApplied(op));
  const written = new Set(writes.map((op) => op.value as string));
  const invented = [...siblings].filter((v) => !written.has(v));
  if (invented.length > 0) return `siblings no client wrote: ${listSome(invented)}`;
  const lost = writes.filter(
    (w) =>
      w.result === 'ok' &&
      !siblings.has(w.value as string) &&
      !writes.some((later) => later !== w && later.completedAt > w.invokedAt),
  );
  if (lost.length > 0)
    return `acknowledged writes that no later write could have replaced are lost: ${listSome(lost.map((w) => w.value))}`;
  return null;
}

export const mvRegisterType: CrdtType<MvRegisterState> = {
  id: 'mvregister',
  title: 'MV-Register (multi-value register)',
  summary:
    'A register that keeps every concurrent write as a sibling, tagged with version vectors; a write that has seen the siblings replaces them all.',
  causal: false,
  variants: {
    [MV_VV_SUM]: {
      label: 'BUG: keep one value by vector sum',
      explanation:
        'The merge keeps only the value whose version vector has the larger sum instead of every concurrent one: concurrent writes are lost, and on equal sums each replica keeps its own.',
    },
  },
  readOps: ['read'],
  defaultMix: { write: 1, read: 1 },
  nextOp: (_rng, client, seq, f) => registerWorkload(client, seq, f),
  empty: () => ({ entries: [] }),
  update(state, op, at) {
    const value = textValue(op.value, MAX_VALUE_LENGTH);
    if (op.f !== 'write' || value === null) return BAD_VALUE;
    const vv = new Array<number>(at.nodes).fill(0);
    for (const entry of state.entries)
      for (let i = 0; i < vv.length; i++) vv[i] = Math.max(vv[i]!, entry.vv[i]!);
    vv[at.replica]!++;
    state.entries = [{ value, vv }];
    return { ok: true, delta: { entries: [{ value, vv: vv.slice() }] } };
  },
  read: (state) => mvValue(state),
  join(target, source, variant) {
    const next =
      variant === MV_VV_SUM
        ? largestSum(target.entries, source.entries)
        : maximalEntries(target.entries, source.entries);
    const before = new Set(target.entries.map(vvKey));
    const changed = next.length !== before.size || next.some((e) => !before.has(vvKey(e)));
    target.entries = next.map((e) => ({ value: e.value, vv: e.vv.slice() }));
    return changed;
  },
  value: (state) => mvValue(state),
  canonical: (state) =>
    sortEntries([...state.entries])
      .map(vvKey)
      .join('|'),
  badge: (state) =>
    state.entries.length === 0
      ? 'empty'
      : state.entries.length === 1
        ? `“${clip(state.entries[0]!.value, 16)}”`
        : `${state.entries.length} siblings`,
  inspect: (state) => [
    {
      title: 'Siblings (value: version vector n0, n1, ...)',
      rows: state.entries.map((e) => [e.value, `[${e.vv.join(', ')}]`] as [string, string]),
      note:
        state.entries.length > 1
          ? 'concurrent writes: no vector dominates another'
          : 'one value: no concurrent write',
    },
  ],
  specRule:
    'every sibling was written by a client, and an acknowledged write is gone only if a later write could have seen it',
  spec: mvSpec,
};
