import { raft } from '../../../src/protocols/raft';
import { decodeEntry } from '../../../src/protocols/raft/log';
import type { Command, LogEntry, RaftMsg, RaftState } from '../../../src/protocols/raft/types';
import type { NodeId } from '../../../src/sim/types';
import { NodeUnderTest, type ParamOverrides, RecordingCtx } from '../recording-ctx';

export { only } from '../recording-ctx';

/** The recording context, with Raft's log on disk decoded. */
export class FakeCtx extends RecordingCtx<RaftMsg> {
  constructor(self: NodeId, nodes = 5, params: ParamOverrides = {}, variant: string | null = null) {
    super(raft.params, self, nodes, params, variant);
  }

  /** The log on disk, decoded, from index 1 until the first gap. */
  diskLog(): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = 1; this.disk.has(`log/${i}`); i++)
      out.push(decodeEntry(this.disk.get(`log/${i}`) as string));
    return out;
  }
}

/** One node under test: its context and its state, driven through the module's handlers. */
export class Node extends NodeUnderTest<RaftState, RaftMsg, FakeCtx> {
  constructor(self: NodeId, nodes = 5, params: ParamOverrides = {}, variant: string | null = null) {
    super(raft, new FakeCtx(self, nodes, params, variant));
  }

  /** Crash and restart: a fresh state from what is on disk. */
  restart(): void {
    this.state = this.fromDisk();
  }

  /** Put entries of these terms in the log (and on disk), as if received earlier. */
  withLog(...terms: number[]): this {
    for (const term of terms) {
      this.state.log.push({ term, cmd: null });
      this.ctx.persist(`log/${this.state.log.length}`, String(term));
    }
    return this;
  }

  withTerm(term: number): this {
    this.state.currentTerm = term;
    this.ctx.persist('term', term);
    return this;
  }

  terms(): number[] {
    return this.state.log.map((entry) => entry.term);
  }
}

export function entries(...terms: number[]): LogEntry[] {
  return terms.map((term) => ({ term, cmd: null }));
}

export function command(
  client: number,
  seq: number,
  f: Command['f'],
  key: string,
  value = '',
  expected = '',
): Command {
  return { client, seq, f, key, value, expected };
}

export function appendEntries(
  term: number,
  prevLogIndex: number,
  prevLogTerm: number,
  list: LogEntry[],
  leaderCommit = 0,
): RaftMsg {
  return {
    type: 'AppendEntries',
    term,
    prevLogIndex,
    prevLogTerm,
    entries: list,
    leaderCommit,
    round: 0,
  };
}

export function requestVote(term: number, lastLogIndex: number, lastLogTerm: number): RaftMsg {
  return { type: 'RequestVote', term, lastLogIndex, lastLogTerm };
}
