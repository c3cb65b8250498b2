/**
 * A node's state as a readable tree: plain data (objects, arrays, Maps, Sets) turned into rows
 * of text. Pure and bounded (long collections are cut), unit-tested; rendered as text only.
 */

export interface TreeNode {
  readonly label: string;
  /** The value as text, for a leaf; a summary ("Array(3)") for a branch. */
  readonly text: string;
  readonly children?: readonly TreeNode[];
}

const MAX_CHILDREN = 60;
const MAX_DEPTH = 8;

function leafText(value: unknown): string | null {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'function':
      return 'ƒ';
  }
  return null;
}

/** Short inline text for a small collection of leaves: "[1, 2, 3]". */
function inline(values: readonly unknown[], open: string, close: string): string | null {
  if (values.length > 12) return null;
  const parts: string[] = [];
  for (const v of values) {
    const text = leafText(v);
    if (text === null) return null;
    parts.push(text);
  }
  const joined = `${open}${parts.join(', ')}${close}`;
  return joined.length <= 60 ? joined : null;
}

export function toTree(label: string, value: unknown, depth = 0): TreeNode {
  const leaf = leafText(value);
  if (leaf !== null) return { label, text: leaf };
  if (depth >= MAX_DEPTH) return { label, text: '…' };
  let entries: [string, unknown][];
  let summary: string;
  if (Array.isArray(value)) {
    const short = inline(value, '[', ']');
    if (short !== null) return { label, text: short };
    entries = value.slice(0, MAX_CHILDREN).map((v, i) => [String(i), v]);
    summary = `Array(${value.length})`;
    return branch(label, summary, entries, value.length, depth);
  }
  if (value instanceof Set) {
    const items = [...value];
    const short = inline(items, '{', '}');
    if (short !== null) return { label, text: `Set ${short}` };
    entries = items.slice(0, MAX_CHILDREN).map((v, i) => [String(i), v]);
    return branch(label, `Set(${value.size})`, entries, value.size, depth);
  }
  if (value instanceof Map) {
    entries = [...value.entries()].slice(0, MAX_CHILDREN).map(([k, v]) => [keyText(k), v]);
    return branch(label, `Map(${value.size})`, entries, value.size, depth);
  }
  if (ArrayBuffer.isView(value)) {
    const items = Array.from(value as unknown as ArrayLike<number>);
    entries = items.slice(0, MAX_CHILDREN).map((v, i) => [String(i), v]);
    return branch(
      label,
      `${value.constructor.name}(${items.length})`,
      entries,
      items.length,
      depth,
    );
  }
  const keys = Object.keys(value as object);
  entries = keys.slice(0, MAX_CHILDREN).map((k) => [k, (value as Record<string, unknown>)[k]]);
  return branch(label, keys.length === 0 ? '{}' : `{${keys.length}}`, entries, keys.length, depth);
}

function keyText(key: unknown): string {
  return leafText(key) ?? String(key);
}

function branch(
  label: string,
  summary: string,
  entries: [string, unknown][],
  total: number,
  depth: number,
): TreeNode {
  const children = entries.map(([k, v]) => toTree(k, v, depth + 1));
  if (total > entries.length) children.push({ label: '…', text: `${total - entries.length} more` });
  return { label, text: summary, children };
}
