import type { NodeId, ParamValues } from '../../sim/types';
import { NO_BALLOT, ballotFromDisk, maxBallot } from '../paxos/ballot';
import { onAccept, onPrepare } from './acceptor';
import { armElectionTimer, type Ctx } from './common';
import { onElectionTimeout, onNack, onPromise } from './election';
import { onAccepted, onChosen, onHeartbeat, onHeartbeatReply, onHeartbeatTimer } from './leader';
import {
  ACCEPTED_KEY_PREFIX,
  ELECTION_TIMER,
  HEARTBEAT_TIMER,
  PROMISED_KEY,
  type MultiPaxosMsg,
  type MultiPaxosState,
  type SlotProposal,
} from './types';

function freshState(ctx: Ctx): MultiPaxosState {
  return {
    promised: NO_BALLOT,
    accepted: new Map(),
    acceptCount: 0,
    lastAcceptedSlot: 0,
    role: 'follower',
    leader: -1,
    ballot: NO_BALLOT,
    highestSeen: NO_BALLOT,
    fromSlot: 1,
    promisedBy: new Array<boolean>(ctx.nodes).fill(false),
    promiseCount: 0,
    reported: new Map(),
    nextSlot: 1,
    inFlight: new Map(),
    pending: new Map(),
    chosen: new Map(),
    learnOrder: [],
    applied: 0,
    kv: new Map(),
    sessions: new Map(),
  };
}

export function initMultiPaxos(ctx: Ctx, _params: ParamValues): MultiPaxosState {
  const s = freshState(ctx);
  armElectionTimer(ctx);
  return s;
}

/**
 * After a crash: the promise and every accepted proposal come back from disk. What was chosen
 * and the state machine are volatile: the replica learns them again from the leader.
 */
export function recoverMultiPaxos(
  ctx: Ctx,
  disk: ReadonlyMap<string, unknown>,
  _params: ParamValues,
): MultiPaxosState {
  const s = freshState(ctx);
  let promised = ballotFromDisk(disk.get(PROMISED_KEY));
  for (const [key, value] of disk) {
    if (!key.startsWith(ACCEPTED_KEY_PREFIX)) continue;
    const proposal = value as SlotProposal;
    s.accepted.set(proposal.slot, proposal);
    // Accepting a proposal also promised its ballot (all volatile-promise falls back to).
    promised = maxBallot(promised, proposal.ballot);
  }
  s.promised = promised;
  s.highestSeen = promised;
  armElectionTimer(ctx);
  return s;
}

export function onMultiPaxosMessage(
  ctx: Ctx,
  s: MultiPaxosState,
  from: NodeId,
  msg: MultiPaxosMsg,
): void {
  switch (msg.type) {
    case 'Prepare':
      return onPrepare(ctx, s, from, msg);
    case 'Promise':
      return onPromise(ctx, s, from, msg);
    case 'Accept':
      return onAccept(ctx, s, from, msg);
    case 'Accepted':
      return onAccepted(ctx, s, from, msg);
    case 'Nack':
      return onNack(ctx, s, msg);
    case 'Chosen':
      return onChosen(ctx, s, msg);
    case 'Heartbeat':
      return onHeartbeat(ctx, s, from, msg);
    case 'HeartbeatReply':
      return onHeartbeatReply(ctx, s, from, msg);
  }
}

export function onMultiPaxosTimer(ctx: Ctx, s: MultiPaxosState, timer: string): void {
  if (timer === ELECTION_TIMER) onElectionTimeout(ctx, s);
  else if (timer === HEARTBEAT_TIMER) onHeartbeatTimer(ctx, s);
}
