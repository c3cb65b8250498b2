import { describe, expect, it } from 'vitest';
import { toTree } from './tree';

describe('toTree', () => {
  it('shows leaves and short collections inline', () => {
    expect(toTree('a', 3)).toEqual({ label: 'a', text: '3' });
    expect(toTree('s', '<b>x</b>')).toEqual({ label: 's', text: '"<b>x</b>"' });
    expect(toTree('v', [1, 2, 3])).toEqual({ label: 'v', text: '[1, 2, 3]' });
    expect(toTree('k', new Set([4, 5]))).toEqual({ label: 'k', text: 'Set {4, 5}' });
  });

  it('branches objects, maps and long arrays, and cuts long ones', () => {
    const tree = toTree('state', {
      role: 'leader',
      log: [{ term: 1 }],
      peers: new Map([[1, 'x']]),
    });
    expect(tree.text).toBe('{3}');
    expect(tree.children?.map((c) => c.label)).toEqual(['role', 'log', 'peers']);
    expect(tree.children?.[2]).toEqual({
      label: 'peers',
      text: 'Map(1)',
      children: [{ label: '1', text: '"x"' }],
    });
    const long = toTree(
      'xs',
      Array.from({ length: 100 }, (_, i) => ({ i })),
    );
    expect(long.text).toBe('Array(100)');
    expect(long.children).toHaveLength(61);
    expect(long.children?.at(-1)).toEqual({ label: '…', text: '40 more' });
  });
});
