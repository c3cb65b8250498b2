import { assert } from '../../sim/assert';
import { applyCommand } from '../common/kv';
import { countUpTo } from './common';
import { VARIANT, type OwnerRecord, type Txn, type ZabState } from './types';

/**
 * The replicated state machine: the shared key-value store with its session table, plus who
 * owns each client's session.
 *
 * Why owners: reads are served by the server a client talks to, from its own state, so they
 * are sequentially consistent only if a client never sees older state than it saw before.
 * ZooKeeper keeps that promise with the client's last-seen zxid: a server behind it refuses the
 * client until it catches up. This simulator's clients are the kernel's and carry no zxid, so
 * the servers keep the promise themselves, with ZooKeeper's session ownership made strict: a
 * server serves a client only while it owns the session (a `move` transaction gives it to
 * the server the client now talks to), and a new owner starts only once the last server that
 * served the client has logged the move away (a `confirm` transaction, proposed by the leader
 * when that server's acknowledgements say so), after which that server never serves it
 * again. So the servers that serve a client follow one another, each from a state at least
 * as new as the last one's.
 */

export function resetStateMachine(s: ZabState): void {
  s.kv = new Map();
  s.sessions = new Map();
  s.owners = new Map();
  s.delivered = 0;
}

/** Deliver every committed entry not yet delivered, in order; returns how many. */
export function deliverCommitted(s: ZabState): number {
  const upTo = countUpTo(s.history, s.committedZxid);
  assert(upTo <= s.history.length, 'commit point beyond the history', upTo);
  const from = s.delivered;
  while (s.delivered < upTo) {
    const entry = s.history[s.delivered]!;
    applyTxn(s, entry.zxid, entry.txn);
    s.delivered++;
  }
  return s.delivered - from;
}

function applyTxn(s: ZabState, zxid: number, txn: Txn): void {
  switch (txn.kind) {
    case 'cmd':
      applyCommand(s, txn.cmd);
      return;
    case 'move':
      s.owners.set(txn.client, moved(s.owners.get(txn.client), txn.owner, zxid));
      return;
    case 'confirm': {
      const record = s.owners.get(txn.client);
      if (record !== undefined && record.moveZxid === txn.move && !record.confirmed)
        s.owners.set(txn.client, {
          ...record,
          confirmed: true,
          servingOwner: record.owner,
          awayZxid: -1,
        });
    }
  }
}

/** The owner record after a session moves to `owner` at `zxid`. */
export function moved(prev: OwnerRecord | undefined, owner: number, zxid: number): OwnerRecord {
  assert(owner >= 0, 'a session moves to a server', owner);
  // A new session, or back to the server that last served it (nobody served it since).
  if (prev === undefined || owner === prev.servingOwner)
    return { owner, moveZxid: zxid, confirmed: true, servingOwner: owner, awayZxid: -1 };
  if (prev.confirmed)
    return { owner, moveZxid: zxid, confirmed: false, servingOwner: prev.owner, awayZxid: zxid };
  assert(prev.awayZxid > 0, 'an unconfirmed owner record names the move away', prev.awayZxid);
  return { ...prev, owner, moveZxid: zxid };
}

/**
 * Whether this node may serve `client` now: it owns the session, the ownership is confirmed,
 * and it has not logged a later move of the session away (then it stops at once, before the
 * move even commits). The no-session-handoff variant serves every client everywhere.
 */
export function servable(
  s: ZabState,
  self: number,
  client: number,
  variant: string | null,
): boolean {
  if (variant === VARIANT.noSessionHandoff) return true;
  const record = s.owners.get(client);
  if (record === undefined || record.owner !== self || !record.confirmed) return false;
  const logged = s.loggedMoves.get(client);
  return logged === undefined || logged.zxid <= record.moveZxid;
}
