import type { ClientOp, ClientReply, WorkloadConfig, WorkloadSpec } from '../../sim/types';

/**
 * The client key-value state machine every replicated protocol can sit behind: get / put /
 * append / cas over string values (an absent key reads as ''), with a session table so that a
 * command retried by its client takes effect once (Raft paper, section 8). The history checker's
 * `kv` model has the same semantics, so a protocol using this store is checked for
 * linearizability without further work.
 */

/** The operations of the client key-value state machine. */
export type KvOp = 'get' | 'put' | 'append' | 'cas';

/** A client command as it sits in a log. Plain data, immutable once created. */
export interface Command {
  /** Client and sequence number: the session key that makes a retried command apply once. */
  readonly client: number;
  readonly seq: number;
  readonly f: KvOp;
  readonly key: string;
  /** put / append: the value; cas: the new value; get: ''. */
  readonly value: string;
  /** cas only: the value the key must hold for the cas to take effect. */
  readonly expected: string;
}

/** The session table's entry: the last command of a client and what it answered. */
export interface Session {
  readonly seq: number;
  readonly reply: ClientReply;
}

/** What the state machine holds: the data and the session table. */
export interface KvStore {
  kv: Map<string, string>;
  sessions: Map<number, Session>;
}

const OK: ClientReply = Object.freeze({ kind: 'ok' });
const CAS_MISMATCH: ClientReply = Object.freeze({ kind: 'fail', error: 'cas: value differs' });
const STALE: ClientReply = Object.freeze({ kind: 'fail', error: 'superseded by a later command' });

const KV_OPS: readonly string[] = ['get', 'put', 'append', 'cas'];

export function isKvOp(f: string): f is KvOp {
  return KV_OPS.includes(f);
}

export function emptyKvStore(): KvStore {
  return { kv: new Map(), sessions: new Map() };
}

/** The command a client op becomes in a log. */
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
export function applyCommand(store: KvStore, cmd: Command): ClientReply {
  const session = store.sessions.get(cmd.client);
  if (session !== undefined && cmd.seq <= session.seq) {
    return cmd.seq === session.seq ? session.reply : STALE;
  }
  const reply = execute(store.kv, cmd);
  store.sessions.set(cmd.client, { seq: cmd.seq, reply });
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

/** A read served straight from the state machine (no log entry). */
export function readValue(store: KvStore, key: string): ClientReply {
  return { kind: 'ok', value: store.kv.get(key) ?? '' };
}

/** Five closed-loop clients, about 100 ops per simulated second on a healthy cluster. */
export const KV_CLIENTS: WorkloadConfig = {
  clients: 5,
  mode: 'closed',
  thinkMicros: 40_000,
  ratePerSec: 0,
  attemptTimeoutMicros: 500_000,
  opTimeoutMicros: 3_000_000,
  stopMicros: null,
  mix: {},
};

const KEYS = ['x', 'y', 'z'] as const;

/** The KV workload: three keys, unique written values (client:seq), a get-heavy mix. */
export const KV_WORKLOAD: WorkloadSpec = {
  defaultMix: { get: 40, put: 25, append: 25, cas: 10 },
  nextOp(rng, client, seq, f) {
    const key = KEYS[rng.int(KEYS.length)]!;
    const tag = `${client}:${seq}`;
    if (f === 'put') return { f, key, value: tag };
    if (f === 'append') return { f, key, value: ` ${tag}` };
    if (f === 'cas') {
      // A cas expects the key absent, or holding what this client's previous op may have put.
      const expected = rng.int(2) === 0 ? '' : `${client}:${seq - 1}`;
      return { f, key, value: [expected, tag] };
    }
    return { f: 'get', key };
  },
};
