import { multipaxos } from '../../../src/protocols/multipaxos';
import type { Command } from '../../../src/protocols/common/kv';
import type { Ballot } from '../../../src/protocols/paxos/ballot';
import type {
  MultiPaxosMsg,
  MultiPaxosState,
  SlotProposal,
} from '../../../src/protocols/multipaxos/types';
import type { ClientOp, NodeId } from '../../../src/sim/types';
import { NodeUnderTest } from '../recording-ctx';
import { PaxosCtx } from '../paxos/paxos-ctx';

/**
 * One Multi-Paxos node driven through its handlers with a recording context; what a handler
 * sent stays in ctx.sent until the next call.
 */
export class MultiNode extends NodeUnderTest<
  MultiPaxosState,
  MultiPaxosMsg,
  PaxosCtx<MultiPaxosMsg>
> {
  constructor(self: NodeId, variant: string | null = null, nodes = 5) {
    super(
      multipaxos,
      new PaxosCtx<MultiPaxosMsg>(multipaxos.params, self, nodes, {}, variant),
      true,
    );
  }

  fire(timer: string) {
    return this.timer(timer);
  }

  restart(): void {
    this.state = this.fromDisk();
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
