import type { ClientOp, ClientReply } from '../../sim/types';
import type { Command, KvOp, RaftState, SnapshotData } from './types';

/**
 * The replicated state machine: a key-value store with get / put / append / cas, and a session
 * table (section 8) so that a command retried by its client takes effect once. Values are
 * strings; an absent key reads as ''. A cas carries [expected, new] as its value.
 */

const OK: ClientReply = Object.freeze({ kind: 'ok' });
const CAS_MISMATCH: ClientReply = Object.freeze({ kind: 'fail', error: 'cas: value differs' });
const STALE: ClientReply = Object.freeze({ kind: 'fail', error: 'superseded by a later command' });

const KV_OPS: readonly string[] = ['get', 'put', 'append', 'cas'];

export function isKvOp(f: string): f is KvOp {
  return KV_OPS.includes(f);
}

/** The command a client op becomes in the log. */
export function commandOf(op: ClientOp): Command {
  const f = op.f as KvOp;
  let value = '';
  let expected = '';
  if (f === 'cas') {
    const pair = op.value as readonly unknown[];
    expected = String(pair[0] ?? '');
    value = String(pair[1] ?? '');
  } else if (f !== 'get') {
    value = String(op.value ?? '');
  }
  return { client: op.client, seq: op.seq, f, key: op.key ?? '', value, expected };
}

/** Whether a client op is well formed for the KV machine (untrusted input from the workload). */
export function validOp(op: ClientOp): boolean {
  if (!isKvOp(op.f) || typeof op.key !== 'string') return false;
  if (op.f === 'cas') return Array.isArray(op.value) && op.value.length === 2;
  return true;
}

/** Apply one command, once per (client, seq); returns the answer for the client. */
export function applyCommand(s: RaftState, cmd: Command): ClientReply {
  const session = s.sessions.get(cmd.client);
  if (session !== undefined && cmd.seq <= session.seq) {
    return cmd.seq === session.seq ? session.reply : STALE;
  }
  const reply = execute(s.kv, cmd);
  s.sessions.set(cmd.client, { seq: cmd.seq, reply });
  return reply;
}

function execute(kv: Map<string, string>, cmd: Command): ClientReply {
  switch (cmd.f) {
    case 'get':
      return { kind: 'ok', value: kv.get(cmd.key) ?? '' };
    case 'put':
      kv.set(cmd.key, cmd.value);
      return OK;
    case 'append':
      kv.set(cmd.key, (kv.get(cmd.key) ?? '') + cmd.value);
      return OK;
    case 'cas':
      if ((kv.get(cmd.key) ?? '') !== cmd.expected) return CAS_MISMATCH;
      kv.set(cmd.key, cmd.value);
      return OK;
  }
}

/** A read served straight from the state machine (ReadIndex). */
export function readValue(s: RaftState, key: string): ClientReply {
  return { kind: 'ok', value: s.kv.get(key) ?? '' };
}

/** The state machine as of lastApplied, as an immutable snapshot. */
export function takeSnapshot(s: RaftState, term: number): SnapshotData {
  return { index: s.lastApplied, term, kv: new Map(s.kv), sessions: new Map(s.sessions) };
}

/** Reset the state machine from a snapshot (section 7, InstallSnapshot step 8). */
export function loadSnapshot(s: RaftState, data: SnapshotData): void {
  s.kv = new Map(data.kv);
  s.sessions = new Map(data.sessions);
}
