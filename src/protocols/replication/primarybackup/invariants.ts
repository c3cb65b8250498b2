import type { ClusterView, HistoryEvent, Invariant } from '../../../sim/types';
import { commandHash, opsComplete } from '../common/shared';
import type { PbState } from './types';

type Cluster = ClusterView<PbState>;

/** The ready primary of `view`, if one is up. */
function readyPrimary(cluster: Cluster, view: number): PbState | null {
  for (const s of cluster.states)
    if (s != null && s.role === 'primary' && s.ready && s.view === view) return s;
  return null;
}

/** Is `backup`'s log a prefix of `primary`'s (compared by prefix hashes)? */
function isPrefix(backup: PbState, primary: PbState): boolean {
  const n = backup.log.length;
  if (n > primary.log.length) return false;
  return n === 0 || backup.hashes[n - 1] === primary.hashes[n - 1];
}

/**
 * Within a view, a backup that took the primary's NewView holds a prefix of the primary's log:
 * it only ever gets entries from that primary, in order.
 */
export const backupLogPrefix: Invariant<PbState, null> = {
  id: 'backup-log-prefix',
  description:
    'A backup that adopted the primary’s log in a view holds a prefix of the primary’s log.',
  init: () => null,
  check(_memory, cluster) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null) return null;
    const primary = readyPrimary(cluster, s.view);
    if (primary === null) return null;
    for (let other = 0; other < cluster.states.length; other++) {
      const b = cluster.states[other];
      if (b == null || b === primary || b.role !== 'backup' || b.view !== s.view) continue;
      if (b.synced === s.view && !isPrefix(b, primary))
        return `in view ${s.view}, n${other}'s log (${b.log.length} entries) is not a prefix of the primary's (${primary.log.length})`;
    }
    return null;
  },
};

interface CommittedMemory {
  /** Log index (1-based) -> hash of the command committed there. */
  committed: Map<number, number>;
  /** Per node: the commit index last recorded, and the view it was ready in (-1: not ready). */
  seenCommit: number[];
  readyView: number[];
}

function describeCmd(s: PbState, index: number): string {
  const cmd = s.log[index - 1];
  return cmd === undefined
    ? 'nothing'
    : `${cmd.f} ${cmd.key} by client ${cmd.client} (#${cmd.seq})`;
}

/** A newly ready primary must hold every entry committed so far, at its index. */
function checkNewPrimary(memory: CommittedMemory, s: PbState, node: number): string | null {
  for (const [index, hash] of memory.committed) {
    const cmd = s.log[index - 1];
    if (cmd === undefined || commandHash(cmd) !== hash)
      return `n${node}, primary of view ${s.view}, holds ${describeCmd(s, index)} at index ${index}, where an acknowledged write was committed: it is lost`;
  }
  return null;
}

/**
 * Sync mode's promise: an entry the primary committed (and so acknowledged) is in every later
 * primary's log at the same index. Checked when a primary commits (no two entries committed at
 * one index) and when a primary becomes ready (it holds all committed entries). Judged in sync
 * mode only: async and semisync lose acknowledged writes at failover by design (the history
 * checkers show it).
 */
export const committedEntriesSurvive: Invariant<PbState, CommittedMemory> = {
  id: 'committed-entries-survive',
  description:
    'Sync mode: every committed (acknowledged) write stays at its index in every later primary’s log.',
  init: () => ({ committed: new Map(), seenCommit: [], readyView: [] }),
  check(memory, cluster) {
    if (cluster.params.mode !== 'sync') return null;
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null || s.role !== 'primary' || !s.ready) {
      if (node >= 0) memory.readyView[node] = -1;
      return null;
    }
    if (memory.readyView[node] !== s.view) {
      memory.readyView[node] = s.view;
      memory.seenCommit[node] = 0;
      const lost = checkNewPrimary(memory, s, node);
      if (lost !== null) return lost;
    }
    for (let index = (memory.seenCommit[node] ?? 0) + 1; index <= s.commitIndex; index++) {
      const hash = commandHash(s.log[index - 1]!);
      const before = memory.committed.get(index);
      if (before !== undefined && before !== hash)
        return `n${node}, primary of view ${s.view}, committed ${describeCmd(s, index)} at index ${index}, where another write had been committed`;
      memory.committed.set(index, hash);
    }
    memory.seenCommit[node] = s.commitIndex;
    return null;
  },
};

export const pbInvariants = [backupLogPrefix, committedEntriesSurvive] as const;

/** Liveness: after the quiet phase some primary serves, and client ops complete. */
export function pbLiveness(cluster: Cluster, history: readonly HistoryEvent[]): string | null {
  if (!cluster.states.some((s) => s != null && s.role === 'primary' && s.ready))
    return 'no primary serves clients at the end of the run';
  return opsComplete(cluster, history);
}
