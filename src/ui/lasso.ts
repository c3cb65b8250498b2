/**
 * Picking nodes to partition them: a lasso (a closed shape drawn on the cluster's background)
 * or shift-clicks put nodes into groups; the groups become one `partition` action. Pure: no
 * DOM, no React; unit-tested.
 */
import type { FaultAction } from '../sim/types';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Whether `p` lies inside the closed polygon `shape` (even-odd rule, by ray casting). */
export function insidePolygon(p: Point, shape: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = shape.length - 1; i < shape.length; j = i++) {
    const a = shape[i]!;
    const b = shape[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x)
      inside = !inside;
  }
  return inside;
}

/** The nodes (indices of `points`) a lasso encloses. */
export function enclosed(points: readonly Point[], shape: readonly Point[]): number[] {
  if (shape.length < 3) return [];
  return points.flatMap((p, node) => (insidePolygon(p, shape) ? [node] : []));
}

/** Groups being picked; the last one is the group nodes are added to. */
export type Picks = readonly (readonly number[])[];

/** Shift-click: move `node` into the current group, or take it out if it is there already. */
export function togglePick(picks: Picks, node: number): Picks {
  const current = picks.at(-1) ?? [];
  const without = picks.map((g) => g.filter((n) => n !== node));
  const last = without.length === 0 ? [] : without[without.length - 1]!;
  const next = current.includes(node) ? last : [...last, node].sort((a, b) => a - b);
  return [...without.slice(0, -1), next];
}

/** Add lassoed nodes to the current group (taking them out of earlier groups). */
export function addPicks(picks: Picks, nodes: readonly number[]): Picks {
  const taken = new Set(nodes);
  const without = picks.map((g) => g.filter((n) => !taken.has(n)));
  const last = without.at(-1) ?? [];
  const merged = [...new Set([...last, ...nodes])].sort((a, b) => a - b);
  return [...without.slice(0, -1), merged];
}

/** Start a new group (unless the current one is still empty). */
export function newGroup(picks: Picks): Picks {
  return picks.length === 0 || picks.at(-1)!.length > 0 ? [...picks, []] : picks;
}

/**
 * The partition the picks describe: each non-empty group, and the nodes in none form one more
 * group together (the action's own rule). Null when it would not split anything.
 */
export function partitionOf(picks: Picks, nodes: number): FaultAction | null {
  const groups = picks.filter((g) => g.length > 0).map((g) => [...g]);
  const picked = groups.reduce((n, g) => n + g.length, 0);
  const sides = groups.length + (picked < nodes ? 1 : 0);
  if (sides < 2) return null;
  return { kind: 'partition', groups };
}
