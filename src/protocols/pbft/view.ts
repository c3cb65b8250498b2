import type { InspectSection, NodeId, NodeSummary, ProtocolView } from '../../sim/types';
import { shortDigest } from './digest';
import { describeRequest, labelMessage } from './label';
import { matchingVotes, preparedIn } from './log';
import { faultsTolerated, preparesNeeded, primaryOf, quorum } from './quorum';
import { VIEW_CHANGE_TIMER, type PbftMsg, type PbftState, type Slot } from './types';

/** Roles: honest primary and backups, a replica between views, and the traitors, in red. */
export const ROLE_COLORS = {
  primary: '#16a34a',
  backup: '#64748b',
  'view-change': '#f59e0b',
  'byzantine-primary': '#b91c1c',
  byzantine: '#ef4444',
} as const;

/** Role (Byzantine replicas unmistakably), the view as the term, and a badge. */
function summarize(s: PbftState): NodeSummary {
  const primary = s.status === 'normal' && primaryOf(s.view, s.nodes) === s.self;
  const b = s.byzantine;
  if (b !== null) {
    const stopped = b.stopped ? ', stopped' : '';
    return {
      role: primary ? 'byzantine-primary' : 'byzantine',
      term: s.view,
      badge: `BYZANTINE: ${b.kind}${stopped}`,
    };
  }
  if (s.status === 'view-change')
    return { role: 'view-change', term: s.view, badge: `→ view ${s.view}` };
  return { role: primary ? 'primary' : 'backup', term: s.view, badge: `exec ${s.lastExecuted}` };
}

/** Summary, labels, the inspector panel and the metrics series of PBFT. */
export const pbftView: ProtocolView<PbftState, PbftMsg> = {
  roleColors: ROLE_COLORS,
  summarize,
  label: labelMessage,
  ringTimer: VIEW_CHANGE_TIMER,
  leaderRoles: ['primary', 'byzantine-primary'],
  inspect: inspectPbft,
  metrics(states) {
    const series: Record<string, number> = {};
    states.forEach((s, node) => {
      if (s === null) return;
      series[`executed n${node}`] = s.lastExecuted;
      series[`view n${node}`] = s.view;
    });
    return series;
  },
};

/** Sequence numbers shown in the phase matrix at most (the newest). */
const MATRIX_ROWS = 10;
const TONE = { missing: 7, prePrepared: 0, prepared: 5, committed: 1, executed: 4 } as const;

function inspectPbft(s: PbftState, self: NodeId): InspectSection[] {
  const sections: InspectSection[] = [replicaSection(s, self), windowSection(s)];
  sections.push(...phaseMatrix(s));
  if (s.status === 'view-change' || s.viewChanges.size > 0) sections.push(viewChangeSection(s));
  if (s.byzantine !== null) sections.push(sendsSection(s));
  return sections;
}

function replicaSection(s: PbftState, self: NodeId): InspectSection {
  const f = faultsTolerated(s.nodes);
  return {
    title: s.byzantine === null ? 'Replica (honest)' : `Replica (BYZANTINE: ${s.byzantine.kind})`,
    rows: [
      ['view', s.view],
      ['status', s.status],
      [
        'primary of the view',
        `n${primaryOf(s.view, s.nodes)}${primaryOf(s.view, s.nodes) === self ? ' (this replica)' : ''}`,
      ],
      ['n, f, quorum 2f+1', `${s.nodes}, ${f}, ${quorum(s.nodes)}`],
      ['last executed', s.lastExecuted],
      ['waiting requests', s.pending.size],
      ['view-change backoff', s.backoff === 0 ? 'T' : `${1 << s.backoff}T`],
    ],
  };
}

function windowSection(s: PbftState): InspectSection {
  const proof = s.stable.proof.map((vote) => `n${vote.signer}`).join(', ');
  const pending = [...s.ownCheckpoints.keys()].sort((a, b) => a - b);
  return {
    title: 'Checkpoint and watermarks',
    rows: [
      ['stable checkpoint h', s.stable.n],
      ['state digest', shortDigest(s.stable.digest)],
      ['proof signed by', proof === '' ? 'initial state' : proof],
      ['window (h, H]', `(${s.stable.n}, ${s.stable.n + s.window}]`],
      ['own checkpoints not yet stable', pending.length === 0 ? null : pending.join(', ')],
      ['state', s.stable.state === null ? 'waiting for state transfer' : 'held'],
    ],
  };
}

/**
 * The per-request phase matrix: one row per recent sequence number, cells for pre-prepared,
 * prepares (toward 2f), commits (toward 2f + 1) and executed, filling as votes arrive.
 */
function phaseMatrix(s: PbftState): InspectSection[] {
  const ns = [...s.slots.keys()].sort((a, b) => b - a).slice(0, MATRIX_ROWS);
  if (ns.length === 0)
    return [{ title: 'Phase matrix', note: `no request in the window (h = ${s.stable.n})` }];
  // The oldest request not executed yet (else the newest): whose votes this replica holds.
  const open = [...ns].reverse().find((n) => n > s.lastExecuted) ?? ns[0]!;
  return [certificateGrid(s, s.slots.get(open)!), ...ns.map((n) => phaseRow(s, s.slots.get(n)!))];
}

/**
 * Replicas by phases for one sequence number: a cell marked for each message this replica holds
 * from that replica, matching the pre-prepare's digest in this view, so a certificate is seen
 * filling up vote by vote (the primary sends the PRE-PREPARE, backups the PREPAREs, everyone a
 * COMMIT).
 */
function certificateGrid(s: PbftState, slot: Slot): InspectSection {
  const pp = slot.prePrepare?.msg ?? null;
  const current = pp !== null && pp.view === s.view ? pp : null;
  const digest = current?.digest ?? slot.prepared?.digest ?? '';
  const primary = primaryOf(s.view, s.nodes);
  const prepared = new Set(
    matchingVotes(slot.prepares, s.view, digest, primary).map((v) => v.signer),
  );
  const committed = new Set(matchingVotes(slot.commits, s.view, digest, -1).map((v) => v.signer));
  const mark = (held: boolean, tone: number, what: string) => ({
    text: held ? '✓' : '·',
    tone: held ? tone : TONE.missing,
    marked: held,
    title: held ? `holds its ${what}` : `no matching ${what} held`,
  });
  const rows = Array.from({ length: s.nodes }, (_, node) => ({
    label: `n${node}${node === primary ? ' (primary)' : ''}${node === s.self ? ' (self)' : ''}`,
    cells: [
      node === primary
        ? mark(current !== null, TONE.prePrepared, 'PRE-PREPARE')
        : { text: '', title: 'only the primary sends PRE-PREPARE' },
      node === primary
        ? { text: '', title: 'the primary sends no PREPARE' }
        : mark(prepared.has(node), TONE.prepared, 'PREPARE'),
      mark(committed.has(node), TONE.committed, 'COMMIT'),
    ],
  }));
  return {
    title: `Certificates for n${slot.n} in view ${s.view} (votes held here)`,
    grid: { columns: ['PRE-PREPARE', 'PREPARE', 'COMMIT'], rows },
    note: `prepared with the pre-prepare and ${preparesNeeded(s.nodes)} PREPAREs; committed-local with ${s.commitQuorum} COMMITs`,
  };
}

function phaseRow(s: PbftState, slot: Slot): InspectSection {
  const pp = slot.prePrepare?.msg ?? null;
  const current = pp !== null && pp.view === s.view ? pp : null;
  const digest = current?.digest ?? slot.prepared?.digest ?? '';
  const primary = primaryOf(s.view, s.nodes);
  const prepares = matchingVotes(slot.prepares, s.view, digest, primary).length;
  const commits = matchingVotes(slot.commits, s.view, digest, -1).length;
  const needP = preparesNeeded(s.nodes);
  const needC = s.commitQuorum;
  const executed = slot.n <= s.lastExecuted;
  const cell = (text: string, done: boolean, tone: number, title: string) => ({
    text,
    tone: done ? tone : TONE.missing,
    marked: done,
    title,
  });
  const request = slot.committed?.request ?? current?.request ?? slot.prepared?.request ?? null;
  return {
    title: `n${slot.n}: ${digest === '' ? 'no pre-prepare yet' : describeRequest(request)}`,
    cells: [
      cell(
        'pre-prepared',
        current !== null,
        TONE.prePrepared,
        current === null
          ? 'no pre-prepare in this view'
          : `PRE-PREPARE v${current.view} d=${shortDigest(current.digest)}`,
      ),
      cell(
        `prepare ${prepares}/${needP}`,
        preparedIn(slot, s.view),
        TONE.prepared,
        'matching PREPAREs from backups; prepared at 2f',
      ),
      cell(
        `commit ${commits}/${needC}`,
        slot.committed !== null,
        TONE.committed,
        'matching COMMITs; committed-local at 2f + 1',
      ),
      cell('executed', executed, TONE.executed, executed ? 'executed' : 'not executed yet'),
    ],
  };
}

function viewChangeSection(s: PbftState): InspectSection {
  const rows: [string, string][] = [];
  for (let node = 0; node < s.nodes; node++) {
    const vc = s.viewChanges.get(node)?.at(-1);
    if (vc !== undefined)
      rows.push([
        `n${node}`,
        `VIEW-CHANGE v${vc.view}: stable ${vc.n}, ${vc.prepared.length} prepared`,
      ]);
  }
  return {
    title: `View change (NEW-VIEW needs ${quorum(s.nodes)} for view ${s.view})`,
    rows,
    note:
      s.newView === null
        ? undefined
        : `entered view ${s.newView.view} with ${s.newView.prePrepares.length} pre-prepares in O`,
  };
}

function sendsSection(s: PbftState): InspectSection {
  const b = s.byzantine!;
  const rows = b.sent
    .slice(-12)
    .reverse()
    .map(({ at, to, what }): [string, string] => [`${(at / 1000).toFixed(1)} ms → n${to}`, what]);
  return {
    title: `What this Byzantine replica sent (${b.kind})`,
    rows,
    note:
      b.kind === 'delay'
        ? `holds messages to ${b.victims.map((v) => `n${v}`).join(', ')} for ${b.delayMicros / 1000} ms`
        : undefined,
  };
}
