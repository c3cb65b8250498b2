import type { InspectSection, ProtocolView } from '../../sim/types';
import { formatBallot, isNoBallot } from './ballot';
import { RETRY_TIMER, type PaxosMsg, type PaxosState } from './types';

/** The role a node shows: acceptor, or its proposer's phase. */
function roleOf(s: PaxosState): string {
  if (!s.isProposer) return 'acceptor';
  return s.phase === 'idle' ? 'proposer' : s.phase;
}

export const paxosView: ProtocolView<PaxosState, PaxosMsg> = {
  roleColors: {
    acceptor: '#64748b',
    proposer: '#2563eb',
    preparing: '#f59e0b',
    accepting: '#16a34a',
    backoff: '#a78bfa',
  },
  summarize(s) {
    const badge =
      s.learned !== null ? `learned ${s.learned}` : `promised ${formatBallot(s.promised)}`;
    return { role: roleOf(s), term: s.promised.round, badge };
  },
  label(msg) {
    const b = formatBallot(msg.ballot);
    switch (msg.type) {
      case 'Prepare':
        return `Prepare ${b}`;
      case 'Promise':
        return isNoBallot(msg.accepted)
          ? `Promise ${b} (nothing accepted)`
          : `Promise ${b} (accepted ${formatBallot(msg.accepted)}: ${msg.value})`;
      case 'Accept':
        return `Accept ${b} ${msg.value}`;
      case 'Accepted':
        return `Accepted ${b} ${msg.value}`;
      case 'Nack':
        return `Nack ${b} (promised ${formatBallot(msg.promised)})`;
    }
  },
  ringTimer: RETRY_TIMER,
  // The isolateLeader fault cuts off the proposer running a round (the highest ballot first).
  leaderRoles: ['preparing', 'accepting'],
  inspect: inspectPaxos,
  metrics(states) {
    let learned = 0;
    let highest = 0;
    for (const s of states) {
      if (s == null) continue;
      if (s.learned !== null) learned++;
      if (s.promised.round > highest) highest = s.promised.round;
    }
    return { 'nodes learned': learned, 'highest ballot round': highest };
  },
};

/** The inspector: the acceptor's disk, the proposer's round with a row per acceptor, the learner. */
function inspectPaxos(s: PaxosState): InspectSection[] {
  const sections: InspectSection[] = [
    {
      title: 'Acceptor (on disk)',
      rows: [
        ['promised', formatBallot(s.promised)],
        ['accepted', formatBallot(s.accepted)],
        ['accepted value', s.acceptedValue],
      ],
    },
  ];
  if (s.isProposer) sections.push(proposerSection(s), promisesSection(s));
  sections.push({
    title: 'Learner',
    rows: [
      ['learned', s.learned],
      ['learned in ballot', isNoBallot(s.learnedBallot) ? null : formatBallot(s.learnedBallot)],
      ['clients waiting', s.waiting.size],
    ],
  });
  return sections;
}

function proposerSection(s: PaxosState): InspectSection {
  return {
    title: 'Proposer',
    rows: [
      ['phase', s.phase],
      ['ballot', formatBallot(s.ballot)],
      ['own value (from a client)', s.clientValue],
      ['proposing (P2c)', s.proposal],
      ['rounds started', s.rounds],
      ['preempted in a row', s.preemptions],
    ],
  };
}

/** One row per acceptor: did it promise this round, and what had it accepted (rule P2c's input)? */
function promisesSection(s: PaxosState): InspectSection {
  const rows = s.promises.map((p, acceptor): [string, string] => {
    if (p === null) return [`n${acceptor}`, 'no promise yet'];
    const accepted = isNoBallot(p.accepted)
      ? 'nothing accepted'
      : `accepted ${formatBallot(p.accepted)} = ${p.value}`;
    return [`n${acceptor}`, `promised ${formatBallot(s.ballot)}; ${accepted}`];
  });
  return {
    title: `Promises for ballot ${formatBallot(s.ballot)} (${s.promiseCount} of ${s.promises.length})`,
    rows,
  };
}
