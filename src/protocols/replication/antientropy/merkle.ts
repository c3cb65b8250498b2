import { mix32 } from '../../../sim/history/models';
import { lwwDigest, type LwwValue } from '../common/lww';
import { hashText } from '../common/shared';

/** Merkle trees over key ranges, in heap layout (index 1 is the root). */

/** The key range (leaf) a key falls in, of `ranges` ranges. */
export function rangeOf(key: string, ranges: number): number {
  return (hashText(key) >>> 0) % ranges;
}

function combine(left: number, right: number): number {
  return mix32(Math.imul(left, 0x9e3779b1) ^ right);
}

/** The hash of one range's values (order-independent: a sum). */
function leafHash(store: ReadonlyMap<string, LwwValue>, range: number, ranges: number): number {
  let h = 0;
  for (const [key, value] of store)
    if (rangeOf(key, ranges) === range) h = (h + lwwDigest(key, value)) | 0;
  return mix32(h);
}

/** A whole tree for a store. */
export function buildTree(store: ReadonlyMap<string, LwwValue>, ranges: number): number[] {
  const tree = new Array<number>(2 * ranges).fill(0);
  for (let range = 0; range < ranges; range++)
    tree[ranges + range] = leafHash(store, range, ranges);
  for (let i = ranges - 1; i >= 1; i--) tree[i] = combine(tree[2 * i]!, tree[2 * i + 1]!);
  return tree;
}

/** Recompute the leaf of `key` and its path to the root, after the key's value changed. */
export function updateTree(
  tree: number[],
  store: ReadonlyMap<string, LwwValue>,
  key: string,
): void {
  const ranges = tree.length / 2;
  let i = ranges + rangeOf(key, ranges);
  tree[i] = leafHash(store, i - ranges, ranges);
  for (i >>= 1; i >= 1; i >>= 1) tree[i] = combine(tree[2 * i]!, tree[2 * i + 1]!);
}

/** The entries of a store that fall in the given ranges. */
export function entriesIn(
  store: ReadonlyMap<string, LwwValue>,
  ranges: readonly number[],
  count: number,
): [string, LwwValue][] {
  return [...store].filter(([key]) => ranges.includes(rangeOf(key, count)));
}
