import { paxos } from '../../../src/protocols/paxos';
import type { PaxosMsg, PaxosState } from '../../../src/protocols/paxos/types';
import type { Ballot } from '../../../src/protocols/paxos/ballot';
import type { NodeId } from '../../../src/sim/types';
import { NodeUnderTest, type ParamOverrides } from '../recording-ctx';
import { PaxosCtx } from './paxos-ctx';

/**
 * One Paxos node driven through its handlers with a recording context; what a handler sent
 * stays in ctx.sent until the next call.
 */
export class PaxosNode extends NodeUnderTest<PaxosState, PaxosMsg, PaxosCtx<PaxosMsg>> {
  constructor(self: NodeId, params: ParamOverrides = {}, variant: string | null = null, nodes = 5) {
    super(paxos, new PaxosCtx<PaxosMsg>(paxos.params, self, nodes, params, variant), true);
  }

  fire(timer: string) {
    return this.timer(timer);
  }

  propose(client: number, value: string, seq = 1) {
    return this.client({ client, seq, f: 'propose', value });
  }

  /** Crash and restart from what is on disk. */
  restart(): void {
    this.state = this.fromDisk();
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
