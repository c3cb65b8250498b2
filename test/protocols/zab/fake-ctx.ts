import { zab } from '../../../src/protocols/zab';
import { makeZxid } from '../../../src/protocols/zab/common';
import { appendEntries } from '../../../src/protocols/zab/history';
import type { Entry, Txn, ZabMsg, ZabState } from '../../../src/protocols/zab/types';
import type { ClientOp, NodeId, Rng } from '../../../src/sim/types';
import { NodeUnderTest, type ParamOverrides, RecordingCtx, type Sent } from '../recording-ctx';

/** The recording context, with ZAB's connection numbers and its disk writes in order. */
export class FakeCtx extends RecordingCtx<ZabMsg> {
  /** The disk keys written, in order (to check what was persisted before a send). */
  writes: string[] = [];
  /** Draws 6 for int (so a new connection is numbered 7, see CONN), the lowest otherwise. */
  override readonly rng: Rng = { int: () => 6, range: (min) => min, chancePpm: () => false };

  constructor(self: NodeId, nodes = 5, params: ParamOverrides = {}, variant: string | null = null) {
    super(zab.params, self, nodes, params, variant);
  }

  override persist(key: string, value: unknown): void {
    this.writes.push(key);
    super.persist(key, value);
  }
}

/** One server under test: its context and its state, driven through the module's handlers. */
export class Node extends NodeUnderTest<ZabState, ZabMsg, FakeCtx> {
  constructor(self: NodeId, nodes = 5, params: ParamOverrides = {}, variant: string | null = null) {
    super(zab, new FakeCtx(self, nodes, params, variant));
    this.ctx.take();
  }

  /** Crash and restart: a fresh state from what is on disk. */
  restart(): Sent<ZabMsg>[] {
    return this.ctx.collect(() => {
      this.state = this.fromDisk();
    });
  }

  /** Put these entries in the history (and on disk), as if accepted earlier. */
  withHistory(entries: readonly Entry[]): this {
    appendEntries(this.ctx, this.state, entries);
    return this;
  }

  withEpochs(accepted: number, current: number): this {
    this.state.acceptedEpoch = accepted;
    this.state.currentEpoch = current;
    this.ctx.persist('acceptedEpoch', accepted);
    this.ctx.persist('currentEpoch', current);
    return this;
  }

  zxids(): string[] {
    return this.state.history.map(
      (e) => `${Math.floor(e.zxid / 4294967296)}:${e.zxid % 4294967296}`,
    );
  }
}

/** `node` owns `client`'s session, confirmed (as if moved to it at 1:1). */
export function owns(node: Node, client: number): void {
  const self = node.ctx.self;
  node.state.owners.set(client, {
    owner: self,
    moveZxid: makeZxid(1, 1),
    confirmed: true,
    servingOwner: self,
    awayZxid: -1,
  });
}

/** A command transaction: client `client` puts `value` under `key`. */
export function put(client: number, seq: number, key: string, value: string): Txn {
  return { kind: 'cmd', cmd: { client, seq, f: 'put', key, value, expected: '' } };
}

/** Entries ⟨epoch, 1..n⟩ with distinct puts. */
export function entries(epoch: number, from: number, to: number): Entry[] {
  const out: Entry[] = [];
  for (let c = from; c <= to; c++)
    out.push({ zxid: makeZxid(epoch, c), txn: put(9, epoch * 1000 + c, 'k', `${epoch}.${c}`) });
  return out;
}

export function only<T extends ZabMsg['type']>(
  sent: Sent<ZabMsg>[],
  type: T,
): (Extract<ZabMsg, { type: T }> & { to: NodeId })[] {
  return sent
    .filter((s) => s.msg.type === type)
    .map((s) => ({ ...(s.msg as Extract<ZabMsg, { type: T }>), to: s.to }));
}

export function op(client: number, seq: number, f: string, key: string, value?: unknown): ClientOp {
  return value === undefined ? { client, seq, f, key } : { client, seq, f, key, value };
}

/** The connection number a follower under test uses (FakeCtx's rng draws 6). */
export const CONN = 7;

/**
 * Make `n` decide on `leader` (voting epoch and zxid): votes of its round from enough other
 * servers (the leader first) to make a quorum, then finalizeWait.
 */
export function elect(n: Node, leader: NodeId, epoch = 0, zxid = 0): void {
  const vote = { leader, zxid, epoch };
  const others = n.ctx.peers.filter((p) => p !== leader);
  const voters = leader === n.ctx.self ? others : [leader, ...others];
  const needed = (n.ctx.nodes >> 1) + 1 - 1;
  for (const from of voters.slice(0, needed))
    n.receive(from, { type: 'NOTIFICATION', round: n.state.round, state: 'looking', vote });
  n.timer('finalize');
}

/**
 * n2 of a three-server cluster, brought to an established leader of epoch 1 with n1 as its
 * synced follower (connection CONN). `history` is its history before the election.
 */
export function leaderOf3(
  params: ParamOverrides = {},
  variant: string | null = null,
  history: readonly Entry[] = [],
): Node {
  const n = new Node(2, 3, params, variant).withHistory(history);
  const zxid = history.length === 0 ? 0 : history[history.length - 1]!.zxid;
  elect(n, 2, 0, zxid);
  n.receive(1, { type: 'FOLLOWERINFO', conn: CONN, acceptedEpoch: 0 });
  n.receive(1, { type: 'ACKEPOCH', conn: CONN, currentEpoch: 0, lastZxid: 0, epochs: [] });
  n.receive(1, { type: 'ACK-LD', conn: CONN, epoch: 1, zxid });
  n.ctx.take();
  n.ctx.replies = [];
  return n;
}

/**
 * n0 of a three-server cluster following n2 in epoch 1 after an empty DIFF: in broadcast
 * phase, the next message on its connection has sequence number 4.
 */
export function followerOf3(params: ParamOverrides = {}, variant: string | null = null): Node {
  const n = new Node(0, 3, params, variant);
  elect(n, 2);
  n.receive(2, { type: 'NEWEPOCH', conn: CONN, seq: 0, epoch: 1 });
  n.receive(2, { type: 'DIFF', conn: CONN, seq: 1, entries: [], committed: 0 });
  n.receive(2, { type: 'NEWLEADER', conn: CONN, seq: 2, epoch: 1, zxid: 0 });
  n.receive(2, { type: 'UPTODATE', conn: CONN, seq: 3, committed: 0 });
  n.ctx.take();
  return n;
}
