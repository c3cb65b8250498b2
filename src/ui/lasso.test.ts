import { describe, expect, it } from 'vitest';
import { addPicks, enclosed, insidePolygon, newGroup, partitionOf, togglePick } from './lasso';

const square = [
  { x: 0, y: 0 },
  { x: 10, y: 0 },
  { x: 10, y: 10 },
  { x: 0, y: 10 },
];

describe('lasso and picks', () => {
  it('a point is inside a closed shape only when it is enclosed', () => {
    expect(insidePolygon({ x: 5, y: 5 }, square)).toBe(true);
    expect(insidePolygon({ x: 15, y: 5 }, square)).toBe(false);
    expect(insidePolygon({ x: 5, y: -1 }, square)).toBe(false);
    // A concave shape: the notch is outside.
    const notched = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 10, y: 10 },
      { x: 5, y: 2 },
      { x: 0, y: 10 },
    ];
    expect(insidePolygon({ x: 5, y: 8 }, notched)).toBe(false);
    expect(insidePolygon({ x: 2, y: 3 }, notched)).toBe(true);
  });

  it('a lasso encloses the nodes inside it, and a stroke too short to close encloses none', () => {
    const nodes = [
      { x: 5, y: 5 },
      { x: 20, y: 5 },
      { x: 1, y: 9 },
    ];
    expect(enclosed(nodes, square)).toEqual([0, 2]);
    expect(enclosed(nodes, square.slice(0, 2))).toEqual([]);
  });

  it('shift-click toggles a node in the current group and moves it out of earlier groups', () => {
    let picks = togglePick([], 2);
    expect(picks).toEqual([[2]]);
    picks = togglePick(picks, 0);
    expect(picks).toEqual([[0, 2]]);
    picks = togglePick(newGroup(picks), 2);
    expect(picks).toEqual([[0], [2]]);
    picks = togglePick(picks, 2);
    expect(picks).toEqual([[0], []]);
  });

  it('a lasso adds to the current group', () => {
    expect(addPicks([[0], [1]], [1, 3, 0])).toEqual([[], [0, 1, 3]]);
  });

  it('the picks become a partition in which the unpicked nodes form one more group', () => {
    expect(partitionOf([[0, 1]], 5)).toEqual({ kind: 'partition', groups: [[0, 1]] });
    expect(partitionOf([[0, 1], [2], []], 5)).toEqual({
      kind: 'partition',
      groups: [[0, 1], [2]],
    });
    // Everything in one group, or nothing picked: no split.
    expect(partitionOf([[0, 1, 2]], 3)).toBeNull();
    expect(partitionOf([[]], 3)).toBeNull();
    expect(partitionOf([[0], [1, 2]], 3)).toEqual({ kind: 'partition', groups: [[0], [1, 2]] });
  });
});
