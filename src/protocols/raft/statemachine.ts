import type { RaftState, SnapshotData } from './types';

/**
 * Raft's replicated state machine is the shared KV store (../common/kv); what is Raft's own is
 * how it is snapshotted (section 7).
 */
export { applyCommand, commandOf, isKvOp, readValue, validOp } from '../common/kv';

/** The state machine as of lastApplied, as an immutable snapshot. */
export function takeSnapshot(s: RaftState, term: number): SnapshotData {
  return { index: s.lastApplied, term, kv: new Map(s.kv), sessions: new Map(s.sessions) };
}

/** Reset the state machine from a snapshot (section 7, InstallSnapshot step 8). */
export function loadSnapshot(s: RaftState, data: SnapshotData): void {
  s.kv = new Map(data.kv);
  s.sessions = new Map(data.sessions);
}
