import { assert } from '../../sim/assert';
import { epochOf, lastZxid, type Ctx } from './common';
import { resetStateMachine } from './statemachine';
import { HISTORY_KEY_PREFIX, type Entry, type EpochSummary, type ZabState } from './types';

/**
 * The history h_f on disk: entry k (1-based) under its own key, so appending writes one entry.
 * A follower persists what it accepts before acknowledging it (ACK, ACK-LD).
 */

export function historyKey(index: number): string {
  return `${HISTORY_KEY_PREFIX}${index}`;
}

/** The history read back from disk: entries 1, 2, ... until the first missing one. */
export function loadHistory(disk: ReadonlyMap<string, unknown>): Entry[] {
  const history: Entry[] = [];
  for (let index = 1; ; index++) {
    const entry = disk.get(historyKey(index)) as Entry | undefined;
    if (entry === undefined) return history;
    history.push(entry);
  }
}

/**
 * Append entries that follow the last one. `persist` false leaves them in memory only: the
 * ack-before-persist variant's synchronization (ZOOKEEPER-4646).
 */
export function appendEntries(
  ctx: Ctx,
  s: ZabState,
  entries: readonly Entry[],
  persist = true,
): void {
  for (const entry of entries) {
    assert(entry.zxid > lastZxid(s), 'history entries must grow in zxid order', entry.zxid);
    s.history.push(entry);
    if (persist) ctx.persist(historyKey(s.history.length), entry);
    noteLoggedMove(s, entry);
  }
}

/** Keep the first `length` entries, on disk too. */
export function truncateHistory(ctx: Ctx, s: ZabState, length: number): void {
  assert(length >= 0 && length <= s.history.length, 'truncation beyond the history', length);
  for (let index = s.history.length; index > length; index--)
    ctx.persist(historyKey(index), undefined);
  s.history.length = length;
  if (length < s.delivered) {
    // Delivered transactions removed: never in correct ZAB (they are committed, hence in every
    // later leader's history). The state machine is rebuilt from what is left.
    s.rewrites++;
    s.rewrittenFrom = length;
    resetStateMachine(s);
  }
  if (s.committedZxid > lastZxid(s)) s.committedZxid = lastZxid(s);
  rebuildLoggedMoves(s);
}

/** SNAP: the whole history replaced (what it shares with the old one stays as it is). */
export function replaceHistory(
  ctx: Ctx,
  s: ZabState,
  entries: readonly Entry[],
  persist: boolean,
): void {
  let same = 0;
  while (
    same < s.history.length &&
    same < entries.length &&
    s.history[same]!.zxid === entries[same]!.zxid
  )
    same++;
  truncateHistory(ctx, s, same);
  appendEntries(ctx, s, entries.slice(same), persist);
}

/**
 * Per epoch, how many entries the history holds (a history's summary, for ACKEPOCH). In a
 * correct run that is also the counter of the epoch's last entry.
 */
export function summarize(history: readonly Entry[]): EpochSummary {
  const out: [number, number][] = [];
  for (const entry of history) {
    const epoch = epochOf(entry.zxid);
    const last = out[out.length - 1];
    if (last !== undefined && last[0] === epoch) last[1]++;
    else out.push([epoch, 1]);
  }
  return out;
}

/**
 * How many entries a follower with summary `theirs` shares with `history`. Both hold, per epoch,
 * the entries numbered 1, 2, ... up to their last (a leader proposes them in order, and a
 * synchronization copies a prefix), and a zxid names one transaction: so they agree epoch by
 * epoch up to the first epoch where they differ.
 */
export function commonPrefix(history: readonly Entry[], theirs: EpochSummary): number {
  const mine = summarize(history);
  let common = 0;
  for (let i = 0; i < mine.length && i < theirs.length; i++) {
    const [epoch, count] = mine[i]!;
    const [theirEpoch, theirCount] = theirs[i]!;
    if (epoch !== theirEpoch) break;
    common += Math.min(count, theirCount);
    if (count !== theirCount) break;
  }
  assert(common <= history.length, 'common prefix longer than the history', common);
  return common;
}

function noteLoggedMove(s: ZabState, entry: Entry): void {
  const txn = entry.txn;
  if (txn.kind === 'move') s.loggedMoves.set(txn.client, { zxid: entry.zxid, owner: txn.owner });
}

/** After a truncation: the latest logged move of each client, from the history. */
function rebuildLoggedMoves(s: ZabState): void {
  s.loggedMoves.clear();
  for (const entry of s.history) noteLoggedMove(s, entry);
}
