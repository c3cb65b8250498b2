import { assert } from '../../sim/assert';
import type { NodeCtx, NodeId } from '../../sim/types';
import type { KvStore } from '../common/kv';
import { broadcast } from './byzantine';
import { stateDigest } from './digest';
import { assignPending, executeReady, isPrimary, prunePending } from './normal';
import { logWindow, quorum } from './quorum';
import {
  SLOT_KEY_PREFIX,
  STABLE_KEY,
  type Checkpoint,
  type Data,
  type Digest,
  type PbftMsg,
  type PbftState,
  type Signed,
} from './types';

/**
 * Section 4.3: every K requests a replica multicasts CHECKPOINT with the digest of its state;
 * 2f + 1 matching ones make the checkpoint stable (h moves up, the window with it) and the log
 * below it is discarded. A replica that fell behind a stable checkpoint gets the state from a
 * peer (DATA) and checks it against the digest that 2f + 1 replicas signed.
 */

type Ctx = NodeCtx<PbftMsg>;

/** CHECKPOINT messages kept per sender above h (the newest ones). */
const CHECKPOINTS_PER_SENDER = 4;

/** A copy of the state machine (sessions and replies are immutable, so the maps suffice). */
export function copyStore(store: KvStore): KvStore {
  return { kv: new Map(store.kv), sessions: new Map(store.sessions) };
}

/** After executing request n, n a multiple of K: record the state and multicast CHECKPOINT. */
export function takeCheckpoint(ctx: Ctx, s: PbftState, n: number): void {
  assert(n === s.lastExecuted, 'a checkpoint is of the state just reached', n);
  assert(n % (ctx.params.checkpointInterval as number) === 0, 'checkpoints every K requests', n);
  const digest = stateDigest(s.store);
  s.ownCheckpoints.set(n, { digest, state: copyStore(s.store) });
  const msg: Checkpoint = { type: 'CHECKPOINT', n, digest };
  recordVote(s, ctx.self, n, digest);
  broadcast(ctx, s, msg);
  checkStable(ctx, s, n);
}

export function onCheckpoint(ctx: Ctx, s: PbftState, from: NodeId, msg: Checkpoint): void {
  if (msg.n <= s.stable.n || typeof msg.digest !== 'string') return;
  if (msg.n % (ctx.params.checkpointInterval as number) !== 0) return;
  recordVote(s, from, msg.n, msg.digest);
  checkStable(ctx, s, msg.n);
}

function recordVote(s: PbftState, from: NodeId, n: number, digest: Digest): void {
  let votes = s.checkpointVotes.get(from);
  if (votes === undefined) {
    votes = new Map();
    s.checkpointVotes.set(from, votes);
  }
  votes.set(n, digest);
  if (votes.size > CHECKPOINTS_PER_SENDER) votes.delete(Math.min(...votes.keys()));
}

/** With 2f + 1 matching CHECKPOINT messages for n, the checkpoint is stable. */
function checkStable(ctx: Ctx, s: PbftState, n: number): void {
  if (n <= s.stable.n) return;
  const byDigest = new Map<Digest, Signed<Checkpoint>[]>();
  for (const [signer, votes] of s.checkpointVotes) {
    const digest = votes.get(n);
    if (digest === undefined) continue;
    const proof = byDigest.get(digest) ?? [];
    proof.push({ signer, msg: { type: 'CHECKPOINT', n, digest } });
    byDigest.set(digest, proof);
  }
  for (const [digest, proof] of byDigest) {
    if (proof.length >= quorum(ctx.nodes)) return stabilize(ctx, s, n, digest, proof);
  }
}

/**
 * A proof of stability: 2f + 1 CHECKPOINT messages for (n, digest) from different replicas.
 * The initial state (n = 0) needs none.
 */
export function validCheckpointProof(
  ctx: Ctx,
  proof: readonly Signed<Checkpoint>[],
  n: number,
  digest: Digest,
): boolean {
  if (!Array.isArray(proof)) return false;
  if (n === 0) return proof.length === 0;
  const signers = new Set<NodeId>();
  for (const { signer, msg } of proof) {
    if (msg.type !== 'CHECKPOINT' || msg.n !== n || msg.digest !== digest) return false;
    if (!(signer >= 0 && signer < ctx.nodes)) return false;
    signers.add(signer);
  }
  return signers.size >= quorum(ctx.nodes);
}

/**
 * The checkpoint at n is stable: h = n; the log, the checkpoints and the votes at or below it
 * are discarded. A replica that has not executed up to n waits for the state (DATA).
 */
export function stabilize(
  ctx: Ctx,
  s: PbftState,
  n: number,
  digest: Digest,
  proof: readonly Signed<Checkpoint>[],
): void {
  assert(n > s.stable.n, 'the stable checkpoint only moves up', n, s.stable.n);
  assert(validCheckpointProof(ctx, proof, n, digest), 'a stable checkpoint has its proof', n);
  const own = s.ownCheckpoints.get(n);
  // An own state that disagrees with 2f + 1 others is kept: it only happens with more than f
  // Byzantine replicas (the agreement checkers say so), and the replica has nothing better.
  const state = s.lastExecuted >= n && own !== undefined ? own.state : null;
  if (own !== undefined && own.digest !== digest) ctx.note('state-diverged', n);
  s.stable = { n, digest, proof: [...proof], state };
  for (const k of [...s.slots.keys()]) if (k <= n) s.slots.delete(k);
  for (const k of [...s.ownCheckpoints.keys()]) if (k <= n) s.ownCheckpoints.delete(k);
  for (const votes of s.checkpointVotes.values())
    for (const k of [...votes.keys()]) if (k <= n) votes.delete(k);
  if (state !== null) persistStable(ctx, s);
  s.seqAssigned = Math.max(s.seqAssigned, n);
  ctx.note('stable-checkpoint', n);
  if (isPrimary(ctx, s) && s.status === 'normal') assignPending(ctx, s);
}

/** Write the stable checkpoint with its state, then drop the log entries it covers from disk. */
function persistStable(ctx: Ctx, s: PbftState): void {
  const stable = s.stable;
  assert(stable.state !== null, 'only a checkpoint with its state goes to disk', stable.n);
  ctx.persist(STABLE_KEY, stable);
  const window = logWindow(ctx.params);
  const from = Math.max(s.stableOnDisk, stable.n - window);
  for (let k = from + 1; k <= stable.n; k++) ctx.persist(`${SLOT_KEY_PREFIX}${k}`, undefined);
  s.stableOnDisk = stable.n;
}

/** The state of this replica's stable checkpoint, for a peer that fell behind it. */
export function dataFor(s: PbftState): Data | null {
  const stable = s.stable;
  if (stable.state === null || stable.n === 0) return null;
  return {
    type: 'DATA',
    n: stable.n,
    digest: stable.digest,
    proof: stable.proof,
    state: stable.state,
  };
}

/**
 * State transfer: a checkpoint's state from a peer, accepted when 2f + 1 CHECKPOINT messages
 * prove its digest and the state has that digest (a Byzantine peer cannot pass off another).
 */
export function onData(ctx: Ctx, s: PbftState, msg: Data): void {
  if (!(msg.n > s.lastExecuted && msg.n >= s.stable.n)) return;
  if (!validCheckpointProof(ctx, msg.proof, msg.n, msg.digest)) return;
  if (!(msg.state?.kv instanceof Map) || !(msg.state.sessions instanceof Map)) return;
  if (stateDigest(msg.state) !== msg.digest) return;
  if (msg.n > s.stable.n) stabilize(ctx, s, msg.n, msg.digest, msg.proof);
  assert(s.stable.n === msg.n && s.lastExecuted < msg.n, 'installing the stable checkpoint');
  s.store = copyStore(msg.state);
  s.lastExecuted = msg.n;
  s.stable = { ...s.stable, state: copyStore(msg.state) };
  persistStable(ctx, s);
  ctx.note('state-transfer', msg.n);
  prunePending(s);
  executeReady(ctx, s);
}
