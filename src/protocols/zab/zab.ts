import type { NodeId, ParamValues } from '../../sim/types';
import { params, type Ctx } from './common';
import { goLooking, onElectionTimer, onFinalizeTimer, onNotification } from './election';
import { followerTick, onLeaderMessage, type StreamMsg } from './follower';
import { loadHistory } from './history';
import {
  leaderTick,
  onAck,
  onAckEpoch,
  onAckLd,
  onFollowerInfo,
  onFollowerPing,
  onRequest,
  onSyncRequest,
} from './leader';
import {
  ACCEPTED_EPOCH_KEY,
  CURRENT_EPOCH_KEY,
  ELECTION_TIMER,
  FINALIZE_TIMER,
  TICK_TIMER,
  VARIANT,
  type ZabMsg,
  type ZabState,
} from './types';

function freshState(nodes: number): ZabState {
  return {
    acceptedEpoch: 0,
    currentEpoch: 0,
    history: [],
    role: 'looking',
    round: 0,
    vote: { leader: -1, zxid: 0, epoch: 0 },
    votes: new Map(),
    decided: new Map(),
    finalizing: false,
    leader: -1,
    conn: 0,
    expectSeq: 0,
    followerPhase: 'connecting',
    lastHeard: 0,
    moveRequested: new Map(),
    leaderPhase: 'discovery',
    newEpoch: 0,
    counter: 0,
    links: new Array<null>(nodes).fill(null),
    phaseStartedAt: 0,
    ticks: 0,
    pingRound: 0,
    syncs: [],
    proposedOwner: new Map(),
    proposedSeq: new Map(),
    confirmsProposed: new Set(),
    scratch: new Array<number>(nodes).fill(0),
    committedZxid: 0,
    delivered: 0,
    kv: new Map(),
    sessions: new Map(),
    owners: new Map(),
    loggedMoves: new Map(),
    pending: [],
    parked: [],
    reads: [],
    nextReqId: 1,
    rewrites: 0,
    rewrittenFrom: 0,
  };
}

/** Every server starts looking for a leader, with an empty history and epoch 0. */
export function initZab(ctx: Ctx, _params: ParamValues): ZabState {
  const s = freshState(ctx.nodes);
  goLooking(ctx, s);
  return s;
}

/**
 * After a crash: acceptedEpoch, currentEpoch and the history come back from disk; what is
 * committed is not known until a leader says so, so the state machine starts empty. The
 * volatile-epoch variant never wrote acceptedEpoch: it comes back as currentEpoch.
 */
export function recoverZab(
  ctx: Ctx,
  disk: ReadonlyMap<string, unknown>,
  _params: ParamValues,
): ZabState {
  const s = freshState(ctx.nodes);
  s.currentEpoch = (disk.get(CURRENT_EPOCH_KEY) as number | undefined) ?? 0;
  const accepted = disk.get(ACCEPTED_EPOCH_KEY) as number | undefined;
  s.acceptedEpoch = ctx.variant === VARIANT.volatileEpoch ? s.currentEpoch : (accepted ?? 0);
  s.history = loadHistory(disk);
  for (const entry of s.history)
    if (entry.txn.kind === 'move')
      s.loggedMoves.set(entry.txn.client, { zxid: entry.zxid, owner: entry.txn.owner });
  goLooking(ctx, s);
  return s;
}

export function onZabMessage(ctx: Ctx, s: ZabState, from: NodeId, msg: ZabMsg): void {
  switch (msg.type) {
    case 'NOTIFICATION':
      return onNotification(ctx, s, from, msg);
    case 'FOLLOWERINFO':
      return onFollowerInfo(ctx, s, from, msg);
    case 'ACKEPOCH':
      return onAckEpoch(ctx, s, from, msg);
    case 'ACK-LD':
      return onAckLd(ctx, s, from, msg);
    case 'ACK':
      return onAck(ctx, s, from, msg);
    case 'REQUEST':
      return onRequest(ctx, s, from, msg);
    case 'PING':
      if (msg.seq < 0) return onFollowerPing(ctx, s, from, msg);
      return onLeaderMessage(ctx, s, from, msg);
    case 'SYNC':
      if (msg.seq < 0) return onSyncRequest(ctx, s, from, msg);
      return onLeaderMessage(ctx, s, from, msg);
    default:
      return onLeaderMessage(ctx, s, from, msg as StreamMsg);
  }
}

export function onZabTimer(ctx: Ctx, s: ZabState, timer: string): void {
  if (timer === ELECTION_TIMER) return onElectionTimer(ctx, s);
  if (timer === FINALIZE_TIMER) return onFinalizeTimer(ctx, s);
  if (timer !== TICK_TIMER) return;
  s.ticks++;
  if (s.role === 'leading') leaderTick(ctx, s);
  else if (s.role === 'following') followerTick(ctx, s);
  if (s.role !== 'looking') ctx.setTimer(TICK_TIMER, params(ctx).tickMicros);
}
