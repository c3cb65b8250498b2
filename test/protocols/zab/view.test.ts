import { describe, expect, it } from 'vitest';
import { zabView } from '../../../src/protocols/zab/view';
import { CONN, entries, followerOf3, leaderOf3 } from './fake-ctx';

describe('the ZAB view', () => {
  it('summarizes a server by role, its currentEpoch as the term and its last zxid as a badge', () => {
    const n = leaderOf3({}, null, entries(0, 1, 3));
    expect(zabView.summarize(n.state)).toEqual({ role: 'leading', term: 1, badge: 'zxid 0:3' });
  });

  it('labels messages with their type from the papers and their zxid', () => {
    const [entry] = entries(1, 1, 1);
    expect(zabView.label({ type: 'COMMIT', conn: CONN, seq: 4, zxid: entry!.zxid })).toBe(
      'COMMIT 1:1',
    );
    expect(
      zabView.label({
        type: 'TRUNC',
        conn: CONN,
        seq: 1,
        truncZxid: entry!.zxid,
        entries: [],
        committed: 0,
      }),
    ).toBe('TRUNC to 1:1 + 0 txns');
  });

  it('inspects the epochs, the history toned by epoch with delivered cells marked, and the votes', () => {
    const f = followerOf3();
    f.receive(2, { type: 'PROPOSAL', conn: CONN, seq: 4, entry: entries(1, 1, 1)[0]! });
    f.receive(2, { type: 'PROPOSAL', conn: CONN, seq: 5, entry: entries(1, 2, 2)[0]! });
    f.receive(2, { type: 'COMMIT', conn: CONN, seq: 6, zxid: entries(1, 1, 1)[0]!.zxid });
    const sections = zabView.inspect!(f.state, 0);
    const epochs = sections.find((s) => s.title === 'Epochs and zxids')!;
    expect(epochs.rows).toContainEqual(['acceptedEpoch', 1]);
    expect(epochs.rows).toContainEqual(['last zxid', '1:2']);
    const history = sections.find((s) => s.title.startsWith('History'))!;
    expect(history.cells!.map((c) => [c.text, c.tone, c.marked])).toEqual([
      ['1', 1, true],
      ['2', 1, false],
    ]);
    expect(sections.find((s) => s.title === 'Fast Leader Election')!.rows).toContainEqual([
      'vote',
      'n2 (epoch 1, zxid 0:0)',
    ]);
  });

  it('charts how many transactions each server delivered', () => {
    const n = leaderOf3({}, null, entries(0, 1, 2));
    expect(zabView.metrics!([n.state, null])).toEqual({ 'delivered n0': 2 });
  });
});
