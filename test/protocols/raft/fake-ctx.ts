import { raft } from '../../../src/protocols/raft';
import {
  initRaft,
  onRaftMessage,
  onRaftTimer,
  recoverRaft,
} from '../../../src/protocols/raft/raft';
import { onClientOp } from '../../../src/protocols/raft/client';
import { decodeEntry } from '../../../src/protocols/raft/log';
import type { Command, LogEntry, RaftMsg, RaftState } from '../../../src/protocols/raft/types';
import { paramDefaults } from '../../../src/sim/scenario';
import type {
  ClientOp,
  ClientReply,
  Micros,
  NodeCtx,
  NodeId,
  ParamValues,
  Rng,
} from '../../../src/sim/types';

/** Everything a handler asked for, in order, so a test can assert on it. */
export interface Sent {
  readonly to: NodeId;
  readonly msg: RaftMsg;
}

/** A deterministic stand-in for the kernel's context: it records, and does nothing else. */
export class FakeCtx implements NodeCtx<RaftMsg> {
  now: Micros = 0;
  readonly peers: readonly NodeId[];
  readonly params: ParamValues;
  sent: Sent[] = [];
  timers = new Map<string, Micros | { readonly min: Micros; readonly max: Micros }>();
  disk = new Map<string, unknown>();
  replies: { op: ClientOp; result: ClientReply }[] = [];
  notes: [string, number][] = [];
  readonly rng: Rng = {
    int: (bound) => (bound > 0 ? 0 : 0),
    range: (min) => min,
    chancePpm: () => false,
  };

  constructor(
    readonly self: NodeId,
    readonly nodes = 5,
    params: Partial<Record<string, number | boolean | string>> = {},
    public variant: string | null = null,
  ) {
    this.peers = Array.from({ length: nodes }, (_, i) => i).filter((i) => i !== self);
    this.params = { ...paramDefaults(raft.params), ...params } as ParamValues;
  }

  send(to: NodeId, msg: RaftMsg): void {
    this.sent.push({ to, msg });
  }
  broadcast(msg: RaftMsg): void {
    for (const peer of this.peers) this.send(peer, msg);
  }
  setTimer(name: string, delay: Micros | { readonly min: Micros; readonly max: Micros }): void {
    this.timers.set(name, delay);
  }
  cancelTimer(name: string): void {
    this.timers.delete(name);
  }
  persist(key: string, value: unknown): void {
    if (value === undefined) this.disk.delete(key);
    else
      this.disk.set(
        key,
        typeof value === 'object' && value !== null ? structuredClone(value) : value,
      );
  }
  reply(op: ClientOp, result: ClientReply): void {
    this.replies.push({ op, result });
  }
  note(kind: string, value = 0): void {
    this.notes.push([kind, value]);
  }

  /** Messages sent since the last call, then forget them. */
  take(): Sent[] {
    const out = this.sent;
    this.sent = [];
    return out;
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
export class Node {
  readonly ctx: FakeCtx;
  state: RaftState;

  constructor(
    self: NodeId,
    nodes = 5,
    params: Partial<Record<string, number | boolean | string>> = {},
    variant: string | null = null,
  ) {
    this.ctx = new FakeCtx(self, nodes, params, variant);
    this.state = initRaft(this.ctx, this.ctx.params);
  }

  receive(from: NodeId, msg: RaftMsg): Sent[] {
    this.ctx.sent = [];
    onRaftMessage(this.ctx, this.state, from, msg);
    return this.ctx.take();
  }

  timer(name: string): Sent[] {
    this.ctx.sent = [];
    onRaftTimer(this.ctx, this.state, name);
    return this.ctx.take();
  }

  client(op: ClientOp): Sent[] {
    this.ctx.sent = [];
    onClientOp(this.ctx, this.state, op);
    return this.ctx.take();
  }

  /** Crash and restart: a fresh state from what is on disk. */
  restart(): void {
    this.state = recoverRaft(this.ctx, new Map(this.ctx.disk), this.ctx.params);
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

export function only<T extends RaftMsg['type']>(
  sent: Sent[],
  type: T,
): Extract<RaftMsg, { type: T }>[] {
  return sent.filter((s) => s.msg.type === type).map((s) => s.msg as Extract<RaftMsg, { type: T }>);
}
