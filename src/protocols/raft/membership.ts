import { assert } from '../../sim/assert';
import type { NodeId } from '../../sim/types';
import type { LogEntry, RaftState } from './types';

/**
 * Cluster membership, as in Ongaro's thesis, chapter 4 (single-server changes). A configuration
 * is the set of voting members. It lives in the log as a configuration entry and takes effect on
 * each server as soon as the entry is in its log, committed or not (4.1); truncating the entry
 * away reverts to the previous one. The leader appends a new configuration only once the
 * previous one is committed and an entry of its own term is committed (the 2015 fix that the
 * no-op of each term provides). Quorums, votes and commitment count members only.
 *
 * A node outside its latest configuration does not campaign; a leader that removed itself
 * keeps leading until the configuration without it commits, counting only the members, then
 * steps down (4.2.2). This model leaves out the catch-up rounds of 4.2.1 (a new server joins as
 * a member at once and is caught up by ordinary replication).
 */

export const ADD_SERVER = 'add-server';
export const REMOVE_SERVER = 'remove-server';

/** The first `nodes - spareNodes` nodes are the initial members (at least one). */
export function initialMembers(nodes: number, spareNodes: number): NodeId[] {
  const count = Math.max(1, nodes - spareNodes);
  const members: NodeId[] = [];
  for (let i = 0; i < count; i++) members.push(i);
  return members;
}

/** Make `members` (sorted ids) the node's configuration, and `previous` the one it replaces. */
function setConfig(
  s: RaftState,
  self: NodeId,
  members: readonly NodeId[],
  previous: readonly NodeId[],
): void {
  s.members.fill(false);
  for (const id of members) s.members[id] = true;
  s.memberCount = members.length;
  s.isMember = s.members[self]!;
  s.previousMembers = [...previous];
  refreshReplicas(s, self);
  assert(s.memberCount > 0, 'a configuration has at least one member', members);
}

/**
 * The peers a leader sends entries to: the members, plus while the latest configuration is not
 * committed the members of the one before (so a removed server learns it was removed).
 */
export function refreshReplicas(s: RaftState, self: NodeId): void {
  const replicas: NodeId[] = [];
  const uncommitted = s.configIndex > s.commitIndex;
  for (let id = 0; id < s.members.length; id++) {
    if (id === self) continue;
    if (s.members[id] || (uncommitted && s.previousMembers.includes(id))) replicas.push(id);
  }
  s.replicas = replicas;
}

/** A configuration entry just landed at `index` of this node's log: it takes effect now. */
export function adoptConfigEntry(s: RaftState, self: NodeId, index: number, entry: LogEntry): void {
  assert(entry.config !== undefined, 'not a configuration entry', index);
  assert(index > s.configIndex, 'configurations only move forward in the log', index);
  const previous = membersList(s);
  s.configIndex = index;
  setConfig(s, self, entry.config, previous);
}

/** The configuration as of log index `upTo`: its latest configuration entry, else the snapshot's. */
export function configAt(s: RaftState, upTo: number): { index: number; members: NodeId[] } {
  for (
    let index = Math.min(upTo, s.snapshotIndex + s.log.length);
    index > s.snapshotIndex;
    index--
  ) {
    const config = s.log[index - s.snapshotIndex - 1]!.config;
    if (config !== undefined) return { index, members: [...config] };
  }
  return { index: 0, members: [...s.snapshotConfig] };
}

/** After a truncation, a snapshot or a restart: take the configuration from the log again. */
export function reloadConfig(s: RaftState, self: NodeId): void {
  const latest = configAt(s, s.snapshotIndex + s.log.length);
  const previous = latest.index > 0 ? configAt(s, latest.index - 1).members : latest.members;
  s.configIndex = latest.index;
  setConfig(s, self, latest.members, previous);
}

export function membersList(s: RaftState): NodeId[] {
  const members: NodeId[] = [];
  for (let id = 0; id < s.members.length; id++) if (s.members[id]) members.push(id);
  return members;
}

/** Votes or replicas a quorum of the current configuration needs. */
export function quorumSize(s: RaftState): number {
  return (s.memberCount >> 1) + 1;
}

/**
 * The configuration an operator request leads to, or null when the request is already in
 * effect or would leave no member.
 */
export function requestedConfig(s: RaftState, command: string, node: NodeId): NodeId[] | null {
  const members = membersList(s);
  if (command === ADD_SERVER) {
    if (s.members[node]) return null;
    return [...members, node].sort((a, b) => a - b);
  }
  assert(command === REMOVE_SERVER, 'an unknown membership command', command);
  if (!s.members[node] || s.memberCount === 1) return null;
  return members.filter((id) => id !== node);
}
