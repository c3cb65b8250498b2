import type { ClusterView, HistoryEvent, Invariant, NodeId } from '../../sim/types';
import { opsCompleteWithin } from '../common/liveness';
import { parseByzantine } from './byzantine';
import { shortDigest } from './digest';
import { faultsTolerated } from './quorum';
import type { Digest, PbftState } from './types';

/**
 * Safety among the honest replicas (section 4.5 of the paper): no two of them commit different
 * requests at one sequence number, so they execute the same requests in the same order. The
 * checker looks only at the replica whose handler just ran, at the commits it recorded since
 * the last look (its commitLog), and remembers the first honest commit seen at each number.
 *
 * PBFT promises this only while at most f replicas are Byzantine. So there are two checkers
 * with one rule: `agreement` within the fault assumption (a violation is a bug), and
 * `agreement-beyond-f`, active only with more than f Byzantine replicas, which marks the moment
 * the promise runs out (a violation there is expected: it shows what breaks).
 */

type Cluster = ClusterView<PbftState>;

interface AgreementMemory {
  /** Whether this checker applies to the run, and which replicas are Byzantine (set on first use). */
  active: boolean | null;
  byzantine: NodeId[];
  f: number;
  /** n -> the digest first committed there by an honest replica, and that replica. */
  committed: Map<number, [Digest, NodeId]>;
  /** Per replica: the state object last looked at and how many of its commits were seen. */
  state: (PbftState | null)[];
  seen: number[];
}

function agreementChecker(
  id: string,
  description: string,
  applies: (byzantine: number, f: number) => boolean,
  prefix: (byzantine: number, f: number) => string,
): Invariant<PbftState, AgreementMemory> {
  return {
    id,
    description,
    init: () => ({ active: null, byzantine: [], f: 0, committed: new Map(), state: [], seen: [] }),
    check(memory, cluster) {
      if (memory.active === null) {
        const byzantine = [...parseByzantine(cluster.params.byzantine as string).keys()];
        memory.byzantine = byzantine;
        memory.f = faultsTolerated(cluster.states.length);
        memory.active = applies(byzantine.length, memory.f);
      }
      const node = cluster.lastNode;
      if (!memory.active || node < 0 || memory.byzantine.includes(node)) return null;
      const s = cluster.states[node];
      if (s == null) return null;
      const found = newCommits(memory, node, s);
      return found === null ? null : prefix(memory.byzantine.length, memory.f) + found;
    },
  };
}

/** Register the replica's new commits; a message when one contradicts an earlier honest commit. */
function newCommits(memory: AgreementMemory, node: NodeId, s: PbftState): string | null {
  if (memory.state[node] !== s) {
    memory.state[node] = s;
    memory.seen[node] = s.commitBase;
  }
  const from = Math.max(0, memory.seen[node]! - s.commitBase);
  memory.seen[node] = s.commitBase + s.commitLog.length;
  for (let i = from; i < s.commitLog.length; i++) {
    const [n, digest] = s.commitLog[i]!;
    const known = memory.committed.get(n);
    if (known === undefined) {
      memory.committed.set(n, [digest, node]);
    } else if (known[0] !== digest) {
      return `honest replicas n${known[1]} and n${node} committed different requests at sequence number ${n} (digests ${shortDigest(known[0])} and ${shortDigest(digest)})`;
    }
  }
  return null;
}

export const agreement = agreementChecker(
  'agreement',
  'Honest replicas commit (and so execute) the same request at every sequence number, while at most f replicas are Byzantine.',
  (byzantine, f) => byzantine <= f,
  () => '',
);

export const agreementBeyondF = agreementChecker(
  'agreement-beyond-f',
  'Shown, not promised: with more than f Byzantine replicas PBFT guarantees nothing, and this marks where the honest replicas commit different requests at one sequence number.',
  (byzantine, f) => byzantine > f,
  (byzantine, f) =>
    `beyond the fault assumption (${byzantine} Byzantine replicas, f = ${f}), as expected: `,
);

export const pbftInvariants = [agreement, agreementBeyondF] as const;

// ---- Liveness -----------------------------------------------------------------------------------

/** Client ops invoked in [end - 3 s, end - 1.5 s] must have completed within this bound. */
export const OP_BOUND_MICROS = 1_500_000;
const OP_WINDOW_MICROS = 3_000_000;

/**
 * Liveness, judged once at the end of the run (after the quiet phase) and only within the fault
 * assumption: every client op invoked between 3 s and 1.5 s before the end completed (ok or
 * fail, that is with f + 1 matching replies) within 1.5 s, view changes included.
 */
export function pbftLiveness(cluster: Cluster, history: readonly HistoryEvent[]): string | null {
  const byzantine = parseByzantine(cluster.params.byzantine as string).size;
  if (byzantine > faultsTolerated(cluster.states.length)) return null;
  return opsCompleteWithin(history, cluster.now, OP_WINDOW_MICROS, OP_BOUND_MICROS);
}
