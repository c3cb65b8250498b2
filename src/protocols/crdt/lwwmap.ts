import type { InspectSection } from '../../sim/types';
import { clip, textValue, type CrdtOp, type CrdtType } from './crdt';
import {
  BAD_VALUE,
  MAX_VALUE_LENGTH,
  NO_WRITE,
  compareLww,
  formatStamp,
  lwwSpec,
  stampFor,
  writeValue,
  type LwwEntry,
} from './registers';

/**
 * LWW-Map: a map from keys to LWW-Registers, where a deletion is a write of "nothing" with its
 * own stamp (a tombstone), so that an older put arriving later cannot bring the key back.
 */

/** Clients use these keys; a replica accepts any short key. */
export const MAP_KEYS = ['x', 'y', 'z'] as const;
const MAX_KEY_LENGTH = 16;

export interface LwwMapState {
  entries: Map<string, LwwEntry>;
}

export const LWWMAP_DELETE_REMOVES = 'delete-removes';

const BAD_KEY = {
  ok: false,
  error: `a key is a string of 1 to ${MAX_KEY_LENGTH} characters`,
} as const;

function sortedKeys(state: LwwMapState): string[] {
  return [...state.entries.keys()].sort();
}

function mapValue(state: LwwMapState): [string, string][] {
  const out: [string, string][] = [];
  for (const key of sortedKeys(state)) {
    const value = state.entries.get(key)!.value;
    if (value !== null) out.push([key, value]);
  }
  return out;
}

function writeOf(op: CrdtOp): { key: string; value: string | null } | null {
  const key = textValue(op.key, MAX_KEY_LENGTH);
  if (key === null) return null;
  if (op.f === 'delete') return { key, value: null };
  const value = textValue(op.value, MAX_VALUE_LENGTH);
  return value === null ? null : { key, value };
}

export const lwwMapType: CrdtType<LwwMapState> = {
  id: 'lwwmap',
  title: 'LWW-Map (last-writer-wins map)',
  summary:
    'A map of last-writer-wins registers; a delete is a stamped tombstone, so a later delete beats an earlier put wherever it arrives first.',
  causal: false,
  variants: {
    [LWWMAP_DELETE_REMOVES]: {
      label: 'BUG: delete without a tombstone',
      explanation:
        'A delete removes the key’s entry instead of writing a stamped tombstone: an older put merged later brings the key back.',
    },
  },
  readOps: ['get'],
  defaultMix: { put: 3, delete: 1, get: 2 },
  nextOp(rng, client, seq, f) {
    const key = MAP_KEYS[rng.int(MAP_KEYS.length)]!;
    return f === 'put' ? { f, key, value: writeValue(client, seq) } : { f, key };
  },
  empty: () => ({ entries: new Map() }),
  update(state, op, at) {
    if (op.f !== 'put' && op.f !== 'delete') return BAD_VALUE;
    const write = writeOf(op);
    if (write === null) return op.key === undefined ? BAD_KEY : BAD_VALUE;
    const current = state.entries.get(write.key) ?? NO_WRITE;
    const entry: LwwEntry = { ts: stampFor(current, at), node: at.replica, value: write.value };
    const reply = [write.value, entry.ts, entry.node];
    if (write.value === null && at.variant === LWWMAP_DELETE_REMOVES) {
      state.entries.delete(write.key);
      return { ok: true, delta: { entries: new Map() }, reply };
    }
    if (compareLww(entry, current, at.variant) > 0) state.entries.set(write.key, entry);
    return { ok: true, delta: { entries: new Map([[write.key, { ...entry }]]) }, reply };
  },
  read: (state, op) => state.entries.get(op.key ?? '')?.value ?? null,
  join(target, source, variant) {
    let changed = false;
    for (const [key, entry] of source.entries) {
      const current = target.entries.get(key) ?? NO_WRITE;
      if (compareLww(entry, current, variant) <= 0) continue;
      target.entries.set(key, { ...entry });
      changed = true;
    }
    return changed;
  },
  value: (state) => mapValue(state),
  canonical: (state) =>
    sortedKeys(state)
      .map((key) => {
        const e = state.entries.get(key)!;
        return `${key}=${e.ts}/${e.node}/${String(e.value)}`;
      })
      .join(','),
  badge(state) {
    const pairs = mapValue(state).map(([k, v]) => `${k}:${v}`);
    return pairs.length === 0 ? 'empty' : clip(pairs.join(' '), 28);
  },
  inspect: (state): InspectSection[] => [
    {
      title: 'Entries (key: value, stamp; deleted keys keep a tombstone)',
      rows: sortedKeys(state).map((key) => {
        const e = state.entries.get(key)!;
        return [key, `${e.value ?? '(deleted)'} — ${formatStamp(e)}`] as [string, string];
      }),
    },
  ],
  specRule:
    'for each key, the converged entry was written by a client and no acknowledged put or delete of it carries a greater stamp',
  spec(ops, state) {
    const keys = new Set<string>(MAP_KEYS);
    for (const op of ops) if (op.key !== undefined) keys.add(op.key);
    for (const key of keys) {
      const entry = state.entries.get(key) ?? NO_WRITE;
      const isWrite = (op: { f: string; key?: string }) =>
        op.key === key && (op.f === 'put' || op.f === 'delete');
      const problem = lwwSpec(ops, entry, isWrite, `key ${key}`);
      if (problem !== null) return problem;
    }
    return null;
  },
};
