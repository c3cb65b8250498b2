import { mix32 } from '../../../sim/history/models';
import type {
  ClientOp,
  ClientReply,
  ClusterView,
  HistoryEvent,
  InspectSection,
  LivenessCheck,
  ParamDef,
} from '../../../sim/types';
import type { Command } from '../../common/kv';
import { opsCompleteWithin } from '../../common/liveness';

/**
 * Pieces every replication strategy shares: answers to clients, the liveness rule, hashing of
 * commands and stores, parameters and inspector rows.
 */

export const BAD_OP: ClientReply = Object.freeze({
  kind: 'fail',
  error: 'not a key-value operation',
});

export const MS = 1_000;

/** The tag a client op writes: `client:seq` (unique in a run). */
export function tagOf(op: { readonly client: number; readonly seq: number }): string {
  return `${op.client}:${op.seq}`;
}

/** A 32-bit hash of a command (for prefix hashes of logs). */
export function commandHash(cmd: Command): number {
  return mix32(Math.imul(cmd.client + 1, 0x9e3779b1) ^ mix32(cmd.seq));
}

/** Hash of a log prefix extended by one command. */
export function extendHash(previous: number, cmd: Command): number {
  return mix32(Math.imul(previous, 31) + commandHash(cmd));
}

/** FNV-1a over a string, 32 bits (Merkle leaves, store digests). */
export function hashText(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** A digest of a key-value map that does not depend on insertion order. */
export function storeDigest(kv: ReadonlyMap<string, string>): number {
  let h = 0;
  for (const [key, value] of kv) h = (h + hashText(`${key}=${value}`)) | 0;
  return mix32(h);
}

/** Shorten a long value for a panel: its last pieces, with the count of what is hidden. */
export function shortValue(value: string, max = 48): string {
  if (value.length <= max) return value === '' ? '""' : value;
  return `…${value.slice(value.length - max)} (${value.length} chars)`;
}

/** The store as inspector rows, keys sorted. */
export function storeSection(title: string, kv: ReadonlyMap<string, string>): InspectSection {
  const keys = [...kv.keys()].sort();
  return {
    title,
    rows: keys.map((key) => [key, shortValue(kv.get(key)!)] as const),
    note: keys.length === 0 ? 'empty' : `digest ${(storeDigest(kv) >>> 0).toString(16)}`,
  };
}

const CAS_MISMATCH: ClientReply = Object.freeze({ kind: 'fail', error: 'cas: value differs' });

/** The value a put, append or cas leaves over `current`, or the failure of a cas that misses. */
export function writtenOver(op: ClientOp, current: string): string | ClientReply {
  if (op.f === 'put') return String(op.value ?? '');
  if (op.f === 'append') return current + String(op.value ?? '');
  const [expected, next] = op.value as [unknown, unknown];
  return current === String(expected ?? '') ? String(next ?? '') : CAS_MISMATCH;
}

/** A count parameter: at most this many entries in one message. */
export function batchParam(what: string, def: number): ParamDef {
  return {
    kind: 'int',
    label: 'Entries per update',
    help: `At most this many ${what} entries in one Update message`,
    min: 1,
    max: 10_000,
    default: def,
  };
}

/** An int parameter in microseconds. */
export function microsParam(
  label: string,
  help: string,
  min: number,
  max: number,
  def: number,
): ParamDef {
  return { kind: 'int', label, help, min, max, default: def, unit: 'µs' };
}

// ---- Liveness -----------------------------------------------------------------------------------

/**
 * After the quiet phase every client op is served: each op invoked between 3 s and 1 s before
 * the end completed (ok or fail) within 1 s. A failed op counts as served (a quorum system may
 * refuse), a timeout does not.
 */
export function opsComplete<S>(
  cluster: ClusterView<S>,
  history: readonly HistoryEvent[],
): string | null {
  return opsCompleteWithin(history, cluster.now, 3_000_000, 1_000_000);
}

/**
 * Liveness for stores that converge: ops are served (above) and, after the quiet phase, every
 * replica holds the same data (compared by `digest`).
 */
export function convergedAndServed<S>(digest: (state: S) => number): LivenessCheck<S> {
  return (cluster, history) => {
    const served = opsComplete(cluster, history);
    if (served !== null) return served;
    let first: number | null = null;
    for (let node = 0; node < cluster.states.length; node++) {
      const state = cluster.states[node];
      if (state == null) return `n${node} is down at the end of the run`;
      const d = digest(state);
      if (first === null) first = d;
      else if (d !== first)
        return `replicas differ at the end of the run (n0 and n${node} hold different data)`;
    }
    return null;
  };
}
