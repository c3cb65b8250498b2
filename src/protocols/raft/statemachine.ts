import { configAt } from './membership';
import type { RaftState, SnapshotData } from './types';

/**
 * Raft's replicated state machine is the shared KV store (../common/kv); what is Raft's own is
 * how it is snapshotted (section 7).
 */
export { applyCommand, commandOf, isKvOp, readValue, validOp } from '../common/kv';

/** The state machine as of lastApplied, as an immutable snapshot. */
export function takeSnapshot(s: RaftState, term: number): SnapshotData {
  const config = configAt(s, s.lastApplied).members;
  return { index: s.lastApplied, term, kv: new Map(s.kv), sessions: new Map(s.sessions), config };
}

/** Reset the state machine from a snapshot (section 7, InstallSnapshot step 8). */
export function loadSnapshot(s: RaftState, data: SnapshotData): void {
  s.snapshotConfig = data.config;
  s.kv = new Map(data.kv);
  s.sessions = new Map(data.sessions);
}
