import type { NodeId } from '../../sim/types';
import { failPendingClients } from './client';
import { armElectionTimer, armHeartbeatTimer, params, setTerm, setVote, type Ctx } from './common';
import { appendEntry, isUpToDate, lastLogIndex, lastLogTerm } from './log';
import { quorumSize } from './membership';
import { advanceCommitIndex, sendAppendEntries } from './replication';
import { ELECTION_TIMER, HEARTBEAT_TIMER, VARIANT, type RaftMsg, type RaftState } from './types';

type Msg<T extends RaftMsg['type']> = Extract<RaftMsg, { type: T }>;

/**
 * "If RPC request or response contains term T > currentTerm: set currentTerm = T, convert to
 * follower" (Figure 2, all servers). Also used at the same term when a candidate hears from the
 * leader of its term, or a leader loses its quorum.
 */
export function becomeFollower(ctx: Ctx, s: RaftState, term: number, leader: NodeId = -1): void {
  if (term > s.currentTerm) {
    setTerm(ctx, s, term);
    setVote(ctx, s, -1);
    s.leaderId = -1;
  }
  if (leader >= 0) s.leaderId = leader;
  if (s.role === 'follower') return;
  const wasLeader = s.role === 'leader';
  s.role = 'follower';
  if (wasLeader) {
    // Operator requests not yet started are answered NOT_LEADER: the operator asks again.
    s.changes.length = 0;
    ctx.cancelTimer(HEARTBEAT_TIMER);
    failPendingClients(ctx, s);
    ctx.note('step-down', s.currentTerm);
  }
  armElectionTimer(ctx, s);
}

/** The election timer fired. */
export function onElectionTimeout(ctx: Ctx, s: RaftState): void {
  const p = params(ctx);
  if (s.role === 'leader') {
    if (p.checkQuorum) checkQuorum(ctx, s);
    return;
  }
  if (!mayCampaign(ctx, s)) {
    armElectionTimer(ctx, s);
    return;
  }
  // The timer is not re-armed on every heartbeat: when it fires, a follower that heard from the
  // leader (or granted a vote) since it was armed waits a fresh randomized timeout from then.
  if (s.role === 'follower' && s.lastContact > s.electionArmedAt) {
    const min = p.electionTimeoutMicrosMin;
    const max = Math.max(min, p.electionTimeoutMicrosMax);
    const sinceContact = ctx.now - s.lastContact;
    if (sinceContact < max) {
      const lo = Math.min(min, Math.max(1, min - sinceContact));
      const hi = Math.min(max, Math.max(lo, max - sinceContact));
      s.electionArmedAt = ctx.now;
      ctx.setTimer(ELECTION_TIMER, { min: lo, max: hi });
      return;
    }
  }
  if (p.preVote) becomePreCandidate(ctx, s);
  else becomeCandidate(ctx, s);
}

/**
 * A spare or removed server stays quiet: it does not campaign once it knows the configuration
 * without it is committed. While that configuration is not known to be committed, it may still
 * have to finish the change as leader (it led the removal of itself and lost its term): it
 * campaigns, without voting for itself, as a leader outside its configuration does (4.2.2).
 */
function mayCampaign(ctx: Ctx, s: RaftState): boolean {
  return s.members[ctx.self]! || s.configIndex > s.commitIndex;
}

function resetVotes(ctx: Ctx, s: RaftState): void {
  s.votes.fill(false);
  s.answered.fill(false);
  const member = s.members[ctx.self]!;
  s.votes[ctx.self] = member;
  s.answered[ctx.self] = true;
  s.voteCount = member ? 1 : 0;
}

function voteRequest(s: RaftState): RaftMsg {
  return {
    type: s.role === 'precandidate' ? 'PreVote' : 'RequestVote',
    term: s.role === 'precandidate' ? s.currentTerm + 1 : s.currentTerm,
    lastLogIndex: lastLogIndex(s),
    lastLogTerm: lastLogTerm(s),
  };
}

/**
 * Section 5.1: "servers retry RPCs if they do not receive a response in a timely manner". Every
 * heartbeat interval a candidate asks again the peers that have not answered (a restarted peer,
 * a healed link) until its election ends.
 */
export function resendVoteRequests(ctx: Ctx, s: RaftState): void {
  let request: RaftMsg | null = null;
  for (const peer of ctx.peers) {
    if (s.answered[peer] || !s.members[peer]) continue;
    request ??= voteRequest(s);
    ctx.send(peer, request);
  }
}

/** Thesis 9.6: ask whether a majority would vote, without touching anyone's term. */
function becomePreCandidate(ctx: Ctx, s: RaftState): void {
  s.role = 'precandidate';
  s.leaderId = -1;
  resetVotes(ctx, s);
  ctx.note('precandidate', s.currentTerm + 1);
  armElectionTimer(ctx, s);
  if (s.voteCount >= quorumSize(s)) return becomeCandidate(ctx, s);
  askMembers(ctx, s, voteRequest(s));
  armHeartbeatTimer(ctx);
}

/** Section 5.2: increment currentTerm, vote for self, reset the timer, send RequestVote to all. */
function becomeCandidate(ctx: Ctx, s: RaftState): void {
  // A pre-vote can end after this node learned that the configuration without it committed.
  if (!mayCampaign(ctx, s)) return becomeFollower(ctx, s, s.currentTerm);
  setTerm(ctx, s, s.currentTerm + 1);
  setVote(ctx, s, ctx.self);
  s.role = 'candidate';
  s.leaderId = -1;
  resetVotes(ctx, s);
  ctx.note('candidate', s.currentTerm);
  armElectionTimer(ctx, s);
  if (s.voteCount >= quorumSize(s)) return becomeLeader(ctx, s);
  askMembers(ctx, s, voteRequest(s));
  armHeartbeatTimer(ctx);
}

/** A candidate asks the members of its latest configuration (thesis 4.1). */
function askMembers(ctx: Ctx, s: RaftState, request: RaftMsg): void {
  for (const peer of ctx.peers) if (s.members[peer]) ctx.send(peer, request);
}

/** Section 5.2 / 5.3 / 8: take office, append this term's no-op and assert leadership at once. */
export function becomeLeader(ctx: Ctx, s: RaftState): void {
  s.role = 'leader';
  s.leaderId = ctx.self;
  const next = lastLogIndex(s) + 1;
  for (let i = 0; i < ctx.nodes; i++) {
    s.nextIndex[i] = next;
    s.matchIndex[i] = 0;
    s.probing[i] = true;
    s.active[i] = false;
    s.acked[i] = 0;
  }
  s.pending.clear();
  s.reads.length = 0;
  ctx.note('leader', s.currentTerm);
  appendEntry(ctx, s, { term: s.currentTerm, cmd: null });
  if (params(ctx).checkQuorum) armElectionTimer(ctx, s);
  else ctx.cancelTimer(ELECTION_TIMER);
  for (const peer of s.replicas) sendAppendEntries(ctx, s, peer);
  armHeartbeatTimer(ctx);
  advanceCommitIndex(ctx, s);
}

/** Thesis 9.6: a leader that has not heard from a majority for an election timeout steps down. */
function checkQuorum(ctx: Ctx, s: RaftState): void {
  let heard = s.members[ctx.self] ? 1 : 0;
  for (const peer of ctx.peers) {
    if (s.active[peer] && s.members[peer]) heard++;
    s.active[peer] = false;
  }
  if (heard >= quorumSize(s)) {
    armElectionTimer(ctx, s);
    return;
  }
  s.leaderId = -1;
  becomeFollower(ctx, s, s.currentTerm);
}

/**
 * True while this node believes a leader is alive: it is the leader, or it heard from one less
 * than a minimum election timeout ago (thesis 4.2.3 and 9.6).
 */
function leaderIsAlive(ctx: Ctx, s: RaftState): boolean {
  if (s.role === 'leader') return true;
  return s.leaderId >= 0 && ctx.now - s.lastContact < params(ctx).electionTimeoutMicrosMin;
}

function logOk(ctx: Ctx, s: RaftState, m: Msg<'RequestVote'> | Msg<'PreVote'>): boolean {
  return ctx.variant === VARIANT.noLogCheck || isUpToDate(s, m.lastLogIndex, m.lastLogTerm);
}

/** RequestVote receiver implementation (Figure 2). */
export function onRequestVote(ctx: Ctx, s: RaftState, from: NodeId, m: Msg<'RequestVote'>): void {
  // With check-quorum, a server that hears from a live leader ignores disruptive candidates; so it
  // does, always, with one outside its configuration (a removed server, thesis 4.2.3).
  const disruptive = params(ctx).checkQuorum || !s.members[from];
  if (m.term > s.currentTerm && disruptive && leaderIsAlive(ctx, s)) return;
  if (m.term > s.currentTerm) becomeFollower(ctx, s, m.term);
  // 1. Reply false if term < currentTerm. 2. If votedFor is null or candidateId, and the
  // candidate's log is at least as up-to-date as the receiver's log, grant vote.
  let granted = false;
  if (m.term === s.currentTerm && (s.votedFor === -1 || s.votedFor === from) && logOk(ctx, s, m)) {
    granted = true;
    if (s.votedFor !== from) setVote(ctx, s, from);
    s.lastContact = ctx.now;
  }
  ctx.send(from, { type: 'RequestVoteResponse', term: s.currentTerm, voteGranted: granted });
}

export function onRequestVoteResponse(
  ctx: Ctx,
  s: RaftState,
  from: NodeId,
  m: Msg<'RequestVoteResponse'>,
): void {
  if (m.term > s.currentTerm) return becomeFollower(ctx, s, m.term);
  if (s.role !== 'candidate' || m.term !== s.currentTerm) return;
  s.answered[from] = true;
  // Votes count only from members of the candidate's latest configuration (thesis 4.1).
  if (!m.voteGranted || s.votes[from] || !s.members[from]) return;
  s.votes[from] = true;
  s.voteCount++;
  // "If votes received from majority of servers: become leader."
  if (s.voteCount >= quorumSize(s)) becomeLeader(ctx, s);
}

/** Thesis 9.6: grant a pre-vote to an up-to-date log when no leader has been heard from lately. */
export function onPreVote(ctx: Ctx, s: RaftState, from: NodeId, m: Msg<'PreVote'>): void {
  const granted = m.term > s.currentTerm && !leaderIsAlive(ctx, s) && logOk(ctx, s, m);
  ctx.send(from, {
    type: 'PreVoteResponse',
    term: granted ? m.term : s.currentTerm,
    voteGranted: granted,
  });
}

export function onPreVoteResponse(
  ctx: Ctx,
  s: RaftState,
  from: NodeId,
  m: Msg<'PreVoteResponse'>,
): void {
  if (s.role !== 'precandidate') {
    if (m.term > s.currentTerm && !m.voteGranted) becomeFollower(ctx, s, m.term);
    return;
  }
  if (!m.voteGranted) {
    if (m.term > s.currentTerm) becomeFollower(ctx, s, m.term);
    else s.answered[from] = true;
    return;
  }
  if (m.term !== s.currentTerm + 1 || s.votes[from] || !s.members[from]) return;
  s.answered[from] = true;
  s.votes[from] = true;
  s.voteCount++;
  if (s.voteCount >= quorumSize(s)) becomeCandidate(ctx, s);
}
