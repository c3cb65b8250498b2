import { paxos } from '../../../src/protocols/paxos';
import {
  initPaxos,
  onPaxosClientOp,
  onPaxosMessage,
  onPaxosTimer,
  recoverPaxos,
} from '../../../src/protocols/paxos/paxos';
import type { PaxosMsg, PaxosState } from '../../../src/protocols/paxos/types';
import type { Ballot } from '../../../src/protocols/paxos/ballot';
import type { ClientOp, NodeId } from '../../../src/sim/types';
import { RecordingCtx } from './recording-ctx';

/** One Paxos node driven through its handlers with a recording context. */
export class PaxosNode {
  readonly ctx: RecordingCtx<PaxosMsg>;
  state: PaxosState;

  constructor(
    self: NodeId,
    params: Record<string, number | boolean | string> = {},
    variant: string | null = null,
    nodes = 5,
  ) {
    this.ctx = new RecordingCtx<PaxosMsg>(self, nodes, paxos.params, params, variant);
    this.state = initPaxos(this.ctx, this.ctx.params);
  }

  receive(from: NodeId, msg: PaxosMsg) {
    this.ctx.drain();
    onPaxosMessage(this.ctx, this.state, from, msg);
    return this.ctx.outbox;
  }

  fire(timer: string) {
    this.ctx.drain();
    onPaxosTimer(this.ctx, this.state, timer);
    return this.ctx.outbox;
  }

  propose(client: number, value: string, seq = 1) {
    return this.client({ client, seq, f: 'propose', value });
  }

  client(op: ClientOp) {
    this.ctx.drain();
    onPaxosClientOp(this.ctx, this.state, op);
    return this.ctx.outbox;
  }

  /** Crash and restart from what is on disk. */
  restart(): void {
    this.state = recoverPaxos(this.ctx, new Map(this.ctx.disk), this.ctx.params);
  }
}

export const b = (round: number, proposer: number): Ballot => ({ round, proposer });
export const prepare = (ballot: Ballot): PaxosMsg => ({ type: 'Prepare', ballot });
export const acceptReq = (ballot: Ballot, value: string): PaxosMsg => ({
  type: 'Accept',
  ballot,
  value,
});
export const promiseMsg = (ballot: Ballot, accepted: Ballot, value: string | null): PaxosMsg => ({
  type: 'Promise',
  ballot,
  accepted,
  value,
});
