import type { InspectSection, ProtocolView } from '../../sim/types';
import type { Command } from '../common/kv';
import { formatBallot } from '../paxos/ballot';
import { describeCommand } from './common';
import { ELECTION_TIMER, type MultiPaxosMsg, type MultiPaxosState } from './types';

/** Slots shown at most in the strip: the newest ones. */
const MAX_SLOT_CELLS = 60;

export const multiPaxosView: ProtocolView<MultiPaxosState, MultiPaxosMsg> = {
  roleColors: { follower: '#64748b', candidate: '#f59e0b', leader: '#16a34a' },
  summarize(s) {
    return { role: s.role, term: s.promised.round, badge: `applied ${s.applied}` };
  },
  label(msg) {
    const b = formatBallot(msg.ballot);
    switch (msg.type) {
      case 'Prepare':
        return `Prepare ${b} from slot ${msg.fromSlot}`;
      case 'Promise':
        return `Promise ${b} (${msg.accepted.length} accepted)`;
      case 'Accept':
        return `Accept ${b} #${msg.slot} ${describeCommand(msg.cmd)}`;
      case 'Accepted':
        return `Accepted ${b} #${msg.slot}`;
      case 'Nack':
        return `Nack ${b} (promised ${formatBallot(msg.promised)})`;
      case 'Chosen':
        return msg.entries.length === 1
          ? `Chosen #${msg.entries[0]!.slot} ${describeCommand(msg.entries[0]!.cmd)}`
          : `Chosen ${msg.entries.length} slots from #${msg.entries[0]?.slot ?? '-'}`;
      case 'Heartbeat':
        return `Heartbeat ${b} (applied ${msg.applied})`;
      case 'HeartbeatReply':
        return `HeartbeatReply ${b} (applied ${msg.applied})`;
    }
  },
  ringTimer: ELECTION_TIMER,
  inspect: inspectMultiPaxos,
  metrics(states) {
    const series: Record<string, number> = {};
    states.forEach((s, node) => {
      if (s != null) series[`chosen slots n${node}`] = s.chosen.size;
    });
    return series;
  },
};

function inspectMultiPaxos(s: MultiPaxosState): InspectSection[] {
  const sections: InspectSection[] = [
    {
      title: 'Acceptor (on disk)',
      rows: [
        ['promised', formatBallot(s.promised)],
        ['slots with an accepted proposal', s.accepted.size],
      ],
    },
    {
      title: 'Leadership',
      rows: [
        ['role', s.role],
        ['leader', s.leader < 0 ? null : `n${s.leader}`],
        ['own ballot', s.role === 'follower' ? null : formatBallot(s.ballot)],
        ['highest ballot seen', formatBallot(s.highestSeen)],
      ],
    },
    slotStrip(s),
  ];
  if (s.role === 'leader') {
    sections.push({
      title: 'Leader (phase 2)',
      rows: [
        ['next free slot', s.nextSlot],
        ['slots awaiting a majority', s.inFlight.size],
        ['clients waiting', s.pending.size],
      ],
    });
  }
  return sections;
}

/**
 * The slots, one cell each: the command chosen there (outlined) or else the proposal this
 * acceptor accepted (toned by its ballot round); empty slots are gaps.
 */
function slotStrip(s: MultiPaxosState): InspectSection {
  let last = s.applied;
  for (const slot of s.accepted.keys()) if (slot > last) last = slot;
  for (const slot of s.chosen.keys()) if (slot > last) last = slot;
  const first = Math.max(1, last - MAX_SLOT_CELLS + 1);
  const cells = [];
  for (let slot = first; slot <= last; slot++) {
    const proposal = s.accepted.get(slot);
    const chosen = s.chosen.has(slot);
    const cmd = chosen ? s.chosen.get(slot)! : (proposal?.cmd ?? null);
    const text = chosen || proposal !== undefined ? shortCommand(cmd) : '';
    const accepted =
      proposal === undefined
        ? 'nothing accepted here'
        : `accepted in ${formatBallot(proposal.ballot)}`;
    cells.push({
      text,
      tone: proposal?.ballot.round,
      marked: chosen,
      title: `#${slot}: ${chosen ? `chosen ${describeCommand(cmd)}` : 'not known chosen'}; ${accepted}`,
    });
  }
  return {
    title: 'Slots (text: command; outlined: chosen; tone: ballot accepted in)',
    cells,
    note: `applied up to ${s.applied}; promised ${formatBallot(s.promised)}${first > 1 ? `; slots 1..${first - 1} not shown` : ''}`,
  };
}

/** "put x", "get y", "-" for a no-op. */
function shortCommand(cmd: Command | null): string {
  return cmd === null ? '-' : `${cmd.f} ${cmd.key}`;
}
