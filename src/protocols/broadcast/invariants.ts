import type { ClusterView, HistoryEvent, Invariant } from '../../sim/types';
import type { BroadcastState } from './types';

interface ValidityMemory {
  /** Values some client asked to broadcast. */
  invoked: Set<number>;
  /** History events already read. */
  historySeen: number;
  /** Per node, how many of its values were already checked. */
  checked: number[];
}

function ingestInvocations(memory: ValidityMemory, history: readonly HistoryEvent[]): void {
  for (let i = memory.historySeen; i < history.length; i++) {
    const event = history[i]!;
    if (event.type === 'invoke' && event.f === 'broadcast')
      memory.invoked.add(event.value as number);
  }
  memory.historySeen = history.length;
}

/** Validity: a node only ever holds values that a client broadcast. Checked incrementally. */
export const validity: Invariant<BroadcastState, ValidityMemory> = {
  id: 'validity',
  description: 'Every value a node holds was broadcast by a client.',
  init: () => ({ invoked: new Set(), historySeen: 0, checked: [] }),
  check(memory, cluster) {
    ingestInvocations(memory, cluster.history);
    const node = cluster.lastNode;
    if (node < 0) return null;
    const state = cluster.states[node];
    if (state == null) return null;
    let from = memory.checked[node] ?? 0;
    if (from > state.values.length) from = 0; // the node restarted and reloaded its values
    for (let i = from; i < state.values.length; i++) {
      const value = state.values[i]!;
      if (!memory.invoked.has(value))
        return `node n${node} holds ${value}, which no client broadcast`;
    }
    memory.checked[node] = state.values.length;
    return null;
  },
};

/**
 * Liveness, after the quiet phase: every value whose broadcast was acknowledged is held by every
 * node that is up.
 */
export function everyAckedValueEverywhere(
  cluster: ClusterView<BroadcastState>,
  history: readonly HistoryEvent[],
): string | null {
  const acked: number[] = [];
  for (const event of history) {
    if (event.f === 'broadcast' && event.type === 'ok') acked.push(event.value as number);
  }
  for (const value of acked) {
    for (let node = 0; node < cluster.states.length; node++) {
      const state = cluster.states[node];
      if (state != null && !state.known.has(value)) {
        return `value ${value} was acknowledged but node n${node} never received it (${acked.length} values acknowledged)`;
      }
    }
  }
  return null;
}
