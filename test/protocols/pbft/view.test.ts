import { describe, expect, it } from 'vitest';
import { pbftView } from '../../../src/protocols/pbft/view';
import { VIEW_CHANGE_TIMER } from '../../../src/protocols/pbft/types';
import { Replica, certify, commit, opOf, prePrepare, prepare, put } from './fake-ctx';

/** What the app shows of a replica: role, view, badge, message labels, the inspector, metrics. */

describe('summary', () => {
  it('names the honest primary and backups, and the view as the term', () => {
    const primary = new Replica(0);
    expect(pbftView.summarize(primary.state)).toEqual({
      role: 'primary',
      term: 0,
      badge: 'exec 0',
    });
    expect(pbftView.summarize(new Replica(2).state).role).toBe('backup');
  });

  it('marks a Byzantine replica unmistakably, with its behaviour in the badge', () => {
    const traitor = new Replica(0, { params: { byzantine: '0:equivocate' } });
    expect(pbftView.summarize(traitor.state)).toEqual({
      role: 'byzantine-primary',
      term: 0,
      badge: 'BYZANTINE: equivocate',
    });
    const silent = new Replica(3, { params: { byzantine: '3:silent' } });
    expect(pbftView.summarize(silent.state).role).toBe('byzantine');
    expect(pbftView.roleColors['byzantine-primary']).toBeDefined();
    expect(pbftView.roleColors['byzantine']).not.toBe(pbftView.roleColors['backup']);
  });

  it('shows a replica between views, with the view it moves to', () => {
    const backup = new Replica(2);
    backup.client(opOf(put(6, 1)));
    backup.timer(VIEW_CHANGE_TIMER);
    expect(pbftView.summarize(backup.state)).toMatchObject({ role: 'view-change', term: 1 });
  });
});

describe('labels', () => {
  it('labels messages with their paper names, view, sequence number and request', () => {
    expect(pbftView.label(prePrepare(0, 3, put(5, 1)))).toMatch(/^PRE-PREPARE v0 n3 c5#1 put x d=/);
    expect(pbftView.label(prepare(1, 2, null))).toBe('PREPARE v1 n2 d=null');
    expect(pbftView.label(commit(1, 2, null))).toBe('COMMIT v1 n2 d=null');
  });
});

describe('inspector', () => {
  it('shows the phase matrix: a row per recent sequence number, cells filling toward 2f and 2f + 1', () => {
    const backup = new Replica(1);
    certify(backup, 0, 1, put(5, 1), [2], [2, 3]);
    backup.receive(0, prePrepare(0, 2, put(6, 1)));
    const sections = pbftView.inspect!(backup.state, 1);
    const rows = sections.filter((section) => /^n\d+:/.test(section.title));
    expect(rows.map((row) => row.title)).toEqual(['n2: c6#1 put x', 'n1: c5#1 put x']);
    expect(rows[0]!.cells!.map((cell) => cell.text)).toEqual([
      'pre-prepared',
      'prepare 1/2',
      'commit 0/3',
      'executed',
    ]);
    expect(rows[0]!.cells!.map((cell) => cell.marked)).toEqual([true, false, false, false]);
    expect(rows[1]!.cells!.map((cell) => cell.marked)).toEqual([true, true, true, true]);
  });

  it('shows replicas by phases for the oldest open request: a cell per vote held, filling as votes arrive', () => {
    const backup = new Replica(1);
    certify(backup, 0, 1, put(5, 1), [2], [2, 3]);
    backup.receive(0, prePrepare(0, 2, put(6, 1)));
    const grid = () => {
      const section = pbftView.inspect!(backup.state, 1).find((s) => s.grid !== undefined)!;
      return {
        title: section.title,
        rows: section.grid!.rows.map((r) => [r.label, ...r.cells.map((c) => c.text)]),
      };
    };
    expect(grid().title).toBe('Certificates for n2 in view 0 (votes held here)');
    expect(grid().rows).toEqual([
      ['n0 (primary)', '✓', '', '·'],
      ['n1 (self)', '', '✓', '·'],
      ['n2', '', '·', '·'],
      ['n3', '', '·', '·'],
    ]);
    backup.receive(3, prepare(0, 2, put(6, 1)));
    expect(grid().rows.map((row) => row[2])).toEqual(['', '✓', '·', '✓']);
    expect(grid().rows.map((row) => row[3])).toEqual(['·', '✓', '·', '·']);
  });

  it('shows the view, the checkpoint and the watermark window', () => {
    const sections = pbftView.inspect!(new Replica(1).state, 1);
    const facts = new Map(sections.flatMap((section) => section.rows ?? []));
    expect(facts.get('view')).toBe(0);
    expect(facts.get('stable checkpoint h')).toBe(0);
    expect(facts.get('window (h, H]')).toBe('(0, 32]');
  });

  it('shows what a Byzantine replica sent to whom', () => {
    const traitor = new Replica(0, { params: { byzantine: '0:equivocate' } });
    traitor.client(opOf(put(5, 1)));
    const sends = pbftView.inspect!(traitor.state, 0).find((s) => s.title.startsWith('What this'));
    expect(sends!.rows!.map(([label]) => label)).toEqual([
      '0.0 ms → n3',
      '0.0 ms → n2',
      '0.0 ms → n1',
    ]);
    expect(sends!.rows![1]![1]).toMatch(/null request .*\(tampered\)/);
  });
});

describe('metrics', () => {
  it('charts each replica’s executed sequence number and view', () => {
    const a = new Replica(0).state;
    const b = new Replica(1).state;
    b.view = 2;
    expect(pbftView.metrics!([a, null, b])).toEqual({
      'executed n0': 0,
      'view n0': 0,
      'executed n2': 0,
      'view n2': 2,
    });
  });
});
