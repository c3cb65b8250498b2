import { assert } from '../../sim/assert';
import { TraceHasher } from '../../sim/hash';
import type { KvStore } from '../common/kv';
import { NULL_DIGEST, type Digest, type Request } from './types';

/**
 * Digests are modelled by a 64-bit hash (collisions are ignored, as the paper assumes a
 * collision-resistant D). The same function runs at every replica, so equal requests have
 * equal digests everywhere.
 */

/** D(m) of a request, or the null request's digest. */
export function requestDigest(request: Request | null): Digest {
  if (request === null) return NULL_DIGEST;
  const hasher = new TraceHasher();
  hasher.addValue([
    request.client,
    request.seq,
    request.f,
    request.key,
    request.value,
    request.expected,
  ]);
  const digest = hasher.digest();
  assert(digest !== NULL_DIGEST && digest.length === 16, 'a request digest is 16 hex digits');
  return digest;
}

/** The digest of the state machine: the data and the session table, in key order. */
export function stateDigest(store: KvStore): Digest {
  const hasher = new TraceHasher();
  const keys = [...store.kv.keys()].sort();
  hasher.add(keys.length);
  for (const key of keys) {
    hasher.addString(key);
    hasher.addString(store.kv.get(key)!);
  }
  const clients = [...store.sessions.keys()].sort((a, b) => a - b);
  hasher.add(clients.length);
  for (const client of clients) {
    const session = store.sessions.get(client)!;
    hasher.add(client);
    hasher.add(session.seq);
    hasher.addString(JSON.stringify(session.reply));
  }
  return hasher.digest();
}

/** A short form of a digest for labels. */
export function shortDigest(digest: Digest): string {
  return digest === NULL_DIGEST ? 'null' : digest.slice(0, 6);
}
