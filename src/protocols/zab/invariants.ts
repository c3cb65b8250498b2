import type { ClusterView, HistoryEvent, Invariant } from '../../sim/types';
import { opsCompleteWithin } from '../common/liveness';
import { counterOf, epochOf, formatZxid } from './common';
import type { Entry, Txn, ZabState } from './types';

/**
 * The properties of "Zab: High-performance broadcast for primary-backup systems" (section III),
 * over what each server delivers: the prefix history[0, delivered) it applied to its state
 * machine, in that order. A restarted server delivers again from the start; that is a new
 * delivery sequence of the same server, checked the same way.
 *
 *  - integrity: a delivered ⟨v, z⟩ was broadcast by the primary of z's epoch, as v;
 *  - total order: if one server delivers m before m', a server that delivers m' delivers m
 *    before it (checked as: every transaction sits at the same position in every sequence);
 *  - agreement: two delivery sequences are prefixes of one another (the form that can be
 *    checked at any moment: a server that delivered m and one that delivered m' can each still
 *    deliver the other only if neither sequence has something else in that place);
 *  - local primary order: if a primary broadcasts m before m', a server that delivers m'
 *    delivered m before it (a primary numbers its proposals 1, 2, ...: ⟨e, k⟩ comes right
 *    after ⟨e, k-1⟩);
 *  - global primary order: a server delivers what primaries of earlier epochs broadcast before
 *    what later primaries broadcast (the epochs it delivers never decrease);
 *  - primary integrity: a primary of epoch e holds (and delivers at establishment) everything
 *    any server delivered from earlier epochs, before it broadcasts anything.
 *
 * Each checker looks only at the server whose handler just ran (`lastNode`) and at its new
 * deliveries since its last look. It remembers the state object it last saw per server: a
 * restart makes a new one (start over for that server). A server whose delivered positions were
 * rewritten (never in correct ZAB) is re-checked from the rewritten position.
 */

type Cluster = ClusterView<ZabState>;

/** A short, comparable name for a transaction. */
export function txnKey(txn: Txn): string {
  switch (txn.kind) {
    case 'cmd':
      return `${txn.cmd.f} ${txn.cmd.key} ${txn.cmd.value} (c${txn.cmd.client}#${txn.cmd.seq})`;
    case 'move':
      return `session c${txn.client} -> n${txn.owner}`;
    case 'confirm':
      return `confirm c${txn.client} @${formatZxid(txn.move)}`;
  }
}

function describe(entry: Entry): string {
  return `${formatZxid(entry.zxid)} (${txnKey(entry.txn)})`;
}

/** Per server: the state last looked at, how far its deliveries were checked, its rewrites. */
interface Tracker {
  state: (ZabState | null)[];
  checked: number[];
  rewrites: number[];
}

function tracker(): Tracker {
  return { state: [], checked: [], rewrites: [] };
}

/**
 * The positions of `lastNode`'s delivery sequence not checked yet, [from, to), or null when
 * there are none. `restarted` is true when this is a new sequence (checking starts over).
 */
function newDeliveries(
  t: Tracker,
  cluster: Cluster,
): { s: ZabState; node: number; from: number; to: number; restarted: boolean } | null {
  const node = cluster.lastNode;
  const s = node < 0 ? null : (cluster.states[node] ?? null);
  if (s === null) return null;
  let from = t.checked[node] ?? 0;
  const restarted = t.state[node] !== s;
  if (restarted) from = 0;
  else if (t.rewrites[node] !== s.rewrites) from = Math.min(from, s.rewrittenFrom);
  t.state[node] = s;
  t.rewrites[node] = s.rewrites;
  t.checked[node] = s.delivered;
  return from < s.delivered || restarted ? { s, node, from, to: s.delivered, restarted } : null;
}

// ---- Integrity ----------------------------------------------------------------------------------

interface IntegrityMemory extends Tracker {
  /** zxid -> the transaction its primary broadcast. */
  broadcast: Map<number, string>;
  /** Per server: how much of its history was scanned for its own proposals, while it led which epoch. */
  scanned: number[];
  leaderState: (ZabState | null)[];
  leaderEpoch: number[];
}

/** Register the proposals a primary has made since the last look; a clash is reported. */
function registerBroadcasts(memory: IntegrityMemory, node: number, s: ZabState): string | null {
  if (s.role !== 'leading' || s.leaderPhase !== 'broadcast') return null;
  if (memory.leaderState[node] !== s || memory.leaderEpoch[node] !== s.currentEpoch) {
    // A new leadership: its history may have been truncated since the last one.
    memory.leaderState[node] = s;
    memory.leaderEpoch[node] = s.currentEpoch;
    memory.scanned[node] = 0;
  }
  for (let i = memory.scanned[node]!; i < s.history.length; i++) {
    const entry = s.history[i]!;
    if (epochOf(entry.zxid) !== s.currentEpoch) continue;
    const key = txnKey(entry.txn);
    const known = memory.broadcast.get(entry.zxid);
    if (known === undefined) memory.broadcast.set(entry.zxid, key);
    else if (known !== key)
      return `two primaries broadcast zxid ${formatZxid(entry.zxid)}: ${known} and, at n${node}, ${key}`;
  }
  memory.scanned[node] = s.history.length;
  return null;
}

export const integrity: Invariant<ZabState, IntegrityMemory> = {
  id: 'integrity',
  description:
    'If some process delivers ⟨v, z⟩, then some process has broadcast ⟨v, z⟩ (the primary of epoch(z)).',
  init: () => ({
    ...tracker(),
    broadcast: new Map(),
    scanned: [],
    leaderState: [],
    leaderEpoch: [],
  }),
  check(memory, cluster) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : (cluster.states[node] ?? null);
    if (s !== null) {
      const clash = registerBroadcasts(memory, node, s);
      if (clash !== null) return clash;
    }
    const range = newDeliveries(memory, cluster);
    if (range === null) return null;
    for (let i = range.from; i < range.to; i++) {
      const entry = range.s.history[i]!;
      const known = memory.broadcast.get(entry.zxid);
      if (known !== txnKey(entry.txn))
        return known === undefined
          ? `n${node} delivered ${describe(entry)}, which no primary broadcast`
          : `n${node} delivered ${describe(entry)}, but its primary broadcast ${known}`;
    }
    return null;
  },
};

// ---- Total order and agreement ------------------------------------------------------------------

interface TotalOrderMemory extends Tracker {
  /** zxid -> the position at which it was first delivered. */
  position: Map<number, number>;
}

export const totalOrder: Invariant<ZabState, TotalOrderMemory> = {
  id: 'total-order',
  description:
    'If some process delivers ⟨v, z⟩ before ⟨v′, z′⟩, then any process that delivers ⟨v′, z′⟩ must also deliver ⟨v, z⟩ and deliver it before ⟨v′, z′⟩.',
  init: () => ({ ...tracker(), position: new Map() }),
  check(memory, cluster) {
    const range = newDeliveries(memory, cluster);
    if (range === null) return null;
    for (let i = range.from; i < range.to; i++) {
      const zxid = range.s.history[i]!.zxid;
      const at = memory.position.get(zxid);
      if (at === undefined) memory.position.set(zxid, i);
      else if (at !== i)
        return `n${range.node} delivered ${formatZxid(zxid)} after ${i} transactions; another process delivered it after ${at}`;
    }
    return null;
  },
};

interface AgreementMemory extends Tracker {
  /** The longest delivery sequence seen: zxid and transaction per position. */
  zxids: number[];
  keys: string[];
  by: number[];
}

export const agreement: Invariant<ZabState, AgreementMemory> = {
  id: 'agreement',
  description:
    'If some process delivers ⟨v, z⟩ and another delivers ⟨v′, z′⟩, then either the first also delivers ⟨v′, z′⟩ or the second ⟨v, z⟩: delivery sequences are prefixes of one another.',
  init: () => ({ ...tracker(), zxids: [], keys: [], by: [] }),
  check(memory, cluster) {
    const range = newDeliveries(memory, cluster);
    if (range === null) return null;
    for (let i = range.from; i < range.to; i++) {
      const entry = range.s.history[i]!;
      const key = txnKey(entry.txn);
      if (i >= memory.zxids.length) {
        memory.zxids.push(entry.zxid);
        memory.keys.push(key);
        memory.by.push(range.node);
      } else if (memory.zxids[i] !== entry.zxid || memory.keys[i] !== key) {
        return `n${range.node} delivered ${describe(entry)} as transaction #${i + 1}, where n${memory.by[i]} delivered ${formatZxid(memory.zxids[i]!)} (${memory.keys[i]})`;
      }
    }
    return null;
  },
};

// ---- Primary order ------------------------------------------------------------------------------

type OrderMemory = Tracker;

/** Walk a server's new deliveries with the zxid delivered just before each. */
function eachDelivery(
  memory: OrderMemory,
  cluster: Cluster,
  check: (node: number, prev: number, entry: Entry) => string | null,
): string | null {
  const range = newDeliveries(memory, cluster);
  if (range === null) return null;
  let prev = range.from === 0 ? 0 : range.s.history[range.from - 1]!.zxid;
  for (let i = range.from; i < range.to; i++) {
    const entry = range.s.history[i]!;
    const message = check(range.node, prev, entry);
    if (message !== null) return message;
    prev = entry.zxid;
  }
  return null;
}

export const localPrimaryOrder: Invariant<ZabState, OrderMemory> = {
  id: 'local-primary-order',
  description:
    'If a primary broadcasts ⟨v, z⟩ before it broadcasts ⟨v′, z′⟩, then a process that delivers ⟨v′, z′⟩ must also deliver ⟨v, z⟩ before ⟨v′, z′⟩.',
  init: tracker,
  check(memory, cluster) {
    return eachDelivery(memory, cluster, (node, prev, entry) => {
      const epoch = epochOf(entry.zxid);
      const counter = counterOf(entry.zxid);
      const follows = counter === 1 ? epochOf(prev) < epoch : prev === entry.zxid - 1;
      if (follows) return null;
      const before = counter === 1 ? 'an earlier epoch' : formatZxid(entry.zxid - 1);
      return `n${node} delivered ${describe(entry)} right after ${prev === 0 ? 'nothing' : formatZxid(prev)}: its primary broadcast ${before} before it`;
    });
  },
};

export const globalPrimaryOrder: Invariant<ZabState, OrderMemory> = {
  id: 'global-primary-order',
  description:
    'If a process delivers ⟨v, z⟩ broadcast by the primary of epoch e and ⟨v′, z′⟩ broadcast by the primary of a later epoch e′, it delivers ⟨v, z⟩ before ⟨v′, z′⟩.',
  init: tracker,
  check(memory, cluster) {
    return eachDelivery(memory, cluster, (node, prev, entry) =>
      epochOf(entry.zxid) < epochOf(prev)
        ? `n${node} delivered ${describe(entry)} of epoch ${epochOf(entry.zxid)} after ${formatZxid(prev)} of epoch ${epochOf(prev)}`
        : null,
    );
  },
};

// ---- Primary integrity --------------------------------------------------------------------------

interface PrimaryIntegrityMemory extends Tracker {
  /** The longest delivery sequence seen (zxids), and who delivered each. */
  zxids: number[];
  by: number[];
  /** Per server, the epoch in which it was last checked as an established primary. */
  primaryEpoch: number[];
}

function holds(s: ZabState, position: number, zxid: number): boolean {
  return position < s.history.length && s.history[position]!.zxid === zxid;
}

/** A newly established primary must hold every delivered transaction of earlier epochs. */
function checkNewPrimary(memory: PrimaryIntegrityMemory, node: number, s: ZabState): string | null {
  if (s.role !== 'leading' || s.leaderPhase !== 'broadcast') return null;
  if (memory.primaryEpoch[node] === s.currentEpoch) return null;
  memory.primaryEpoch[node] = s.currentEpoch;
  for (let i = 0; i < memory.zxids.length; i++) {
    const zxid = memory.zxids[i]!;
    if (epochOf(zxid) < s.currentEpoch && !holds(s, i, zxid))
      return `n${node} became primary of epoch ${s.currentEpoch} without ${formatZxid(zxid)}, delivered by n${memory.by[i]}`;
  }
  return null;
}

export const primaryIntegrity: Invariant<ZabState, PrimaryIntegrityMemory> = {
  id: 'primary-integrity',
  description:
    'If the primary of epoch e broadcasts ⟨v, z⟩ and some process delivers ⟨v′, z′⟩ broadcast by the primary of an earlier epoch, the primary of e delivers ⟨v′, z′⟩ before it broadcasts ⟨v, z⟩.',
  init: () => ({ ...tracker(), zxids: [], by: [], primaryEpoch: [] }),
  check(memory, cluster) {
    const range = newDeliveries(memory, cluster);
    if (range !== null) {
      for (let i = Math.max(range.from, memory.zxids.length); i < range.to; i++) {
        const zxid = range.s.history[i]!.zxid;
        memory.zxids.push(zxid);
        memory.by.push(range.node);
        // Primaries of later epochs already in office must hold it too.
        for (let other = 0; other < cluster.states.length; other++) {
          const p = cluster.states[other];
          if (p == null || p.role !== 'leading' || p.leaderPhase !== 'broadcast') continue;
          if (
            p.currentEpoch > epochOf(zxid) &&
            memory.primaryEpoch[other] === p.currentEpoch &&
            !holds(p, i, zxid)
          )
            return `n${range.node} delivered ${formatZxid(zxid)} of epoch ${epochOf(zxid)}, which n${other}, primary of epoch ${p.currentEpoch}, lacks`;
        }
      }
    }
    const node = cluster.lastNode;
    const s = node < 0 ? null : (cluster.states[node] ?? null);
    return s === null ? null : checkNewPrimary(memory, node, s);
  },
};

export const zabInvariants = [
  integrity,
  totalOrder,
  agreement,
  localPrimaryOrder,
  globalPrimaryOrder,
  primaryIntegrity,
] as const;

// ---- Liveness -----------------------------------------------------------------------------------

/** Client ops invoked in [end - 3 s, end - 1 s] must have completed within this bound. */
export const OP_BOUND_MICROS = 1_000_000;
const OP_WINDOW_START_MICROS = 3_000_000;

/**
 * Liveness, judged once at the end of the run (after the quiet phase): an established leader
 * with a quorum of servers serving clients, and every client op invoked between 3 s and 1 s
 * before the end completed (ok or fail) within 1 s.
 */
export function zabLiveness(cluster: Cluster, history: readonly HistoryEvent[]): string | null {
  let serving = 0;
  let leader = -1;
  cluster.states.forEach((s, node) => {
    if (s == null) return;
    if (s.role === 'leading' && s.leaderPhase === 'broadcast') {
      leader = node;
      serving++;
    } else if (s.role === 'following' && s.followerPhase === 'broadcast') serving++;
  });
  if (leader < 0) return 'no established leader at the end of the run';
  if (serving < (cluster.states.length >> 1) + 1)
    return `only ${serving} servers follow the leader n${leader} at the end of the run`;
  return opsCompleteWithin(history, cluster.now, OP_WINDOW_START_MICROS, OP_BOUND_MICROS);
}
