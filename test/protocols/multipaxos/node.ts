import { multipaxos } from '../../../src/protocols/multipaxos';
import { onClientOp } from '../../../src/protocols/multipaxos/client';
import {
  initMultiPaxos,
  onMultiPaxosMessage,
  onMultiPaxosTimer,
  recoverMultiPaxos,
} from '../../../src/protocols/multipaxos/multipaxos';
import type { Command } from '../../../src/protocols/common/kv';
import type { Ballot } from '../../../src/protocols/paxos/ballot';
import type {
  MultiPaxosMsg,
  MultiPaxosState,
  SlotProposal,
} from '../../../src/protocols/multipaxos/types';
import type { ClientOp, NodeId } from '../../../src/sim/types';
import { RecordingCtx } from '../paxos/recording-ctx';

/** One Multi-Paxos node driven through its handlers with a recording context. */
export class MultiNode {
  readonly ctx: RecordingCtx<MultiPaxosMsg>;
  state: MultiPaxosState;

  constructor(self: NodeId, variant: string | null = null, nodes = 5) {
    this.ctx = new RecordingCtx<MultiPaxosMsg>(self, nodes, multipaxos.params, {}, variant);
    this.state = initMultiPaxos(this.ctx, this.ctx.params);
  }

  receive(from: NodeId, msg: MultiPaxosMsg) {
    this.ctx.drain();
    onMultiPaxosMessage(this.ctx, this.state, from, msg);
    return this.ctx.outbox;
  }

  fire(timer: string) {
    this.ctx.drain();
    onMultiPaxosTimer(this.ctx, this.state, timer);
    return this.ctx.outbox;
  }

  client(op: ClientOp) {
    this.ctx.drain();
    onClientOp(this.ctx, this.state, op);
    return this.ctx.outbox;
  }

  restart(): void {
    this.state = recoverMultiPaxos(this.ctx, new Map(this.ctx.disk), this.ctx.params);
  }

  /**
   * Run an election to the end: the timer fires, and the listed acceptors promise, reporting
   * `reports` (by acceptor). Returns what the new leader sent on taking office.
   */
  elect(promisers: NodeId[], reports: Record<number, SlotProposal[]> = {}) {
    this.fire('election');
    const ballot = this.state.ballot;
    const sent = [];
    for (const from of promisers) {
      sent.push(...this.receive(from, { type: 'Promise', ballot, accepted: reports[from] ?? [] }));
    }
    return sent;
  }
}

export const b = (round: number, proposer: number): Ballot => ({ round, proposer });

export function put(client: number, seq: number, key: string, value: string): Command {
  return { client, seq, f: 'put', key, value, expected: '' };
}

export function op(client: number, seq: number, f: string, key: string, value?: unknown): ClientOp {
  return value === undefined ? { client, seq, f, key } : { client, seq, f, key, value };
}
