import { assert } from '../../sim/assert';
import type { ReplicaComparison } from '../../sim/types';

/** Longest cell text shown (appends make long values); the comparison uses the whole value. */
const CELL_CHARS = 24;

function clip(text: string): string {
  return text.length <= CELL_CHARS ? text : `…${text.slice(text.length - CELL_CHARS + 1)}`;
}

/**
 * Key-value replicas side by side: a column per key (sorted), a cell per replica, marked where
 * it differs from the value most replicas hold (ties: the one the lowest node holds). `readout`
 * gives a replica's key -> value text, or null for a node that holds no replica.
 */
export function compareStores<S>(
  states: readonly (S | null)[],
  readout: (state: S, node: number) => ReadonlyMap<string, string> | null,
): ReplicaComparison {
  const stores = states.map((s, node) => (s == null ? null : readout(s, node)));
  const keys = new Set<string>();
  for (const store of stores) if (store !== null) for (const key of store.keys()) keys.add(key);
  const columns = [...keys].sort();
  const common = columns.map((key) =>
    mostCommon(stores.map((store) => (store === null ? null : store.get(key)))),
  );
  const rows = stores.map((store, node) => ({
    node,
    cells:
      store === null
        ? null
        : columns.map((key, i) => {
            const value = store.get(key);
            return { text: value === undefined ? '–' : clip(value), differs: value !== common[i] };
          }),
  }));
  assert(rows.length === states.length, 'a row per node', rows.length);
  return { columns, rows, note: 'marked: differs from the value most replicas hold' };
}

/** The value most replicas hold (a replica without the key counts as undefined); of values as
 * common, the one whose replicas come first. */
function mostCommon(values: readonly (string | undefined | null)[]): string | undefined {
  const counts = new Map<string | undefined, number>();
  let best: string | undefined;
  let bestCount = 0;
  for (const value of values) {
    if (value === null) continue; // no replica there
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
