import type { ClientOp, ClientReply } from '../../sim/types';
import { params, quorumValue, redirect, type Ctx } from './common';
import { quorumSize } from './membership';
import { appendEntry, termAt } from './log';
import { advanceCommitIndex, sendAppendEntries } from './replication';
import { commandOf, readValue, validOp } from './statemachine';
import type { LogEntry, RaftMsg, RaftState } from './types';

/**
 * Client interaction (section 8): followers redirect to the leader; the leader appends the
 * command and answers once its entry is applied. Retries are safe: the state machine's session
 * table applies a (client, seq) once and remembers the answer. Reads go through the log, or with
 * readMode readindex through ReadIndex (thesis 6.4): no log entry, one heartbeat round.
 */

const BAD_OP: ClientReply = Object.freeze({ kind: 'fail', error: 'not a key-value operation' });

export function onClientOp(ctx: Ctx, s: RaftState, op: ClientOp): void {
  if (!validOp(op)) return ctx.reply(op, BAD_OP);
  if (s.role !== 'leader') return ctx.reply(op, redirect(s, ctx.self));
  if (op.f === 'get' && params(ctx).readMode === 'readindex') return startRead(ctx, s, op);
  const session = s.sessions.get(op.client);
  if (session !== undefined && op.seq <= session.seq) {
    // Already applied: answer from the session table; an older seq is of no interest any more.
    if (op.seq === session.seq) ctx.reply(op, session.reply);
    return;
  }
  const entry: LogEntry = { term: s.currentTerm, cmd: commandOf(op) };
  const index = appendEntry(ctx, s, entry);
  s.pending.set(index, op);
  // Pipeline the new entry to every follower whose match point is known (they all get the same
  // message); the others are being probed and get it once they answer.
  let message: RaftMsg | null = null;
  for (const peer of s.replicas) {
    if (s.probing[peer] || s.nextIndex[peer] !== index) continue;
    message ??= {
      type: 'AppendEntries',
      term: s.currentTerm,
      prevLogIndex: index - 1,
      prevLogTerm: termAt(s, index - 1),
      entries: [entry],
      leaderCommit: s.commitIndex,
      round: s.round,
    };
    s.nextIndex[peer] = index + 1;
    s.lastSent[peer] = ctx.now;
    ctx.send(peer, message);
  }
  advanceCommitIndex(ctx, s);
}

/** The entry at `index` was applied with `reply`: answer the client op waiting on it. */
export function replyApplied(
  ctx: Ctx,
  s: RaftState,
  index: number,
  entry: LogEntry,
  reply: ClientReply,
): void {
  const op = s.pending.get(index);
  if (op === undefined) return;
  s.pending.delete(index);
  const cmd = entry.cmd;
  const same = cmd !== null && cmd.client === op.client && cmd.seq === op.seq;
  ctx.reply(op, same ? reply : redirect(s, ctx.self));
}

/** Leadership is lost: every waiting client is told to look elsewhere (its op may still commit). */
export function failPendingClients(ctx: Ctx, s: RaftState): void {
  const answer = redirect(s, ctx.self);
  for (const op of s.pending.values()) ctx.reply(op, answer);
  s.pending.clear();
  for (const read of s.reads) ctx.reply(read.op, answer);
  s.reads.length = 0;
}

/** ReadIndex: note the commit index, confirm leadership with a fresh heartbeat round. */
function startRead(ctx: Ctx, s: RaftState, op: ClientOp): void {
  const committedThisTerm = termAt(s, s.commitIndex) === s.currentTerm;
  s.round++;
  s.reads.push({ op, readIndex: committedThisTerm ? s.commitIndex : -1, round: s.round });
  if (s.replicas.length === 0) return serveReads(ctx, s);
  for (const peer of s.replicas) sendAppendEntries(ctx, s, peer);
}

/**
 * Answer the reads whose round a majority has acknowledged in this term and whose read index is
 * applied. Reads wait in arrival order; their rounds and read indices never decrease.
 */
export function serveReads(ctx: Ctx, s: RaftState): void {
  // A round counts once a quorum of the members acknowledged it (the leader only if a member).
  const scratch = s.scratch;
  let n = 0;
  for (let i = 0; i < ctx.nodes; i++) {
    if (s.members[i]) scratch[n++] = i === ctx.self ? s.round : s.acked[i]!;
  }
  const confirmed = quorumValue(scratch, n, quorumSize(s));
  const committedThisTerm = termAt(s, s.commitIndex) === s.currentTerm;
  let served = 0;
  for (const read of s.reads) {
    if (read.readIndex < 0) {
      // Thesis 6.4 step 1: wait until this term's no-op has committed.
      if (!committedThisTerm) break;
      read.readIndex = s.commitIndex;
    }
    if (read.round > confirmed || s.lastApplied < read.readIndex) break;
    ctx.reply(read.op, readValue(s, read.op.key!));
    served++;
  }
  if (served > 0) s.reads.splice(0, served);
}
