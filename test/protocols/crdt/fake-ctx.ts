import { GOSSIP_PARAMS } from '../../../src/protocols/crdt';
import type { CrdtType } from '../../../src/protocols/crdt/crdt';
import {
  initReplica,
  onGossipMessage,
  onGossipTimer,
  onUpdateOp,
  recoverReplica,
} from '../../../src/protocols/crdt/gossip';
import type { CrdtMsg, Replica } from '../../../src/protocols/crdt/types';
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

/** A deterministic stand-in for the kernel's context: it records, and does nothing else. */
export class FakeCtx<S> implements NodeCtx<CrdtMsg<S>> {
  now: Micros = 0;
  readonly peers: readonly NodeId[];
  readonly params: ParamValues;
  sent: { to: NodeId; msg: CrdtMsg<S> }[] = [];
  timers = new Map<string, Micros | { readonly min: Micros; readonly max: Micros }>();
  disk = new Map<string, unknown>();
  replies: { op: ClientOp; result: ClientReply }[] = [];
  notes: [string, number][] = [];
  /** Picks peers in order: the fake shuffle never swaps. */
  readonly rng: Rng = { int: () => 0, range: (min) => min, chancePpm: () => false };

  constructor(
    readonly self: NodeId,
    readonly nodes: number,
    params: Partial<Record<string, number | boolean | string>> = {},
    readonly variant: string | null = null,
  ) {
    this.peers = Array.from({ length: nodes }, (_, i) => i).filter((i) => i !== self);
    this.params = { ...paramDefaults(GOSSIP_PARAMS), ...params } as ParamValues;
  }

  send(to: NodeId, msg: CrdtMsg<S>): void {
    this.sent.push({ to, msg });
  }
  broadcast(msg: CrdtMsg<S>): void {
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
    else this.disk.set(key, structuredClone(value));
  }
  reply(op: ClientOp, result: ClientReply): void {
    this.replies.push({ op, result });
  }
  note(kind: string, value = 0): void {
    this.notes.push([kind, value]);
  }
  take(): { to: NodeId; msg: CrdtMsg<S> }[] {
    const out = this.sent;
    this.sent = [];
    return out;
  }
}

/** One replica under test, driven through the protocol's handlers. */
export class Node<S> {
  readonly ctx: FakeCtx<S>;
  state: Replica<S>;
  private seq = 0;

  constructor(
    readonly type: CrdtType<S>,
    self: NodeId,
    nodes = 3,
    params: Partial<Record<string, number | boolean | string>> = {},
    variant: string | null = null,
  ) {
    this.ctx = new FakeCtx<S>(self, nodes, params, variant);
    this.state = initReplica(type, this.ctx);
  }

  client(f: string, value?: unknown, key?: string): ClientReply {
    const op: ClientOp = { client: 0, seq: ++this.seq, f, value, ...(key ? { key } : {}) };
    onUpdateOp(this.type, this.ctx, this.state, op);
    return this.ctx.replies[this.ctx.replies.length - 1]!.result;
  }

  gossip(): { to: NodeId; msg: CrdtMsg<S> }[] {
    this.ctx.sent = [];
    onGossipTimer(this.type, this.ctx, this.state);
    return this.ctx.take();
  }

  receive(from: NodeId, msg: CrdtMsg<S>): { to: NodeId; msg: CrdtMsg<S> }[] {
    this.ctx.sent = [];
    onGossipMessage(this.type, this.ctx, this.state, from, msg);
    return this.ctx.take();
  }

  /** Crash and restart from disk (amnesia: from an empty disk). */
  restart(amnesia = false): void {
    if (amnesia) this.ctx.disk.clear();
    this.state = recoverReplica(this.type, this.ctx, new Map(this.ctx.disk));
  }

  value(): unknown {
    return this.type.value(this.state.crdt, this.state.variant);
  }
}

/** Deliver every message in `sent` to its node, and what those send, until nothing is left. */
export function deliverAll<S>(
  nodes: Node<S>[],
  from: NodeId,
  sent: { to: NodeId; msg: CrdtMsg<S> }[],
) {
  const queue = sent.map((s) => ({ from, ...s }));
  while (queue.length > 0) {
    const { from: sender, to, msg } = queue.shift()!;
    for (const next of nodes[to]!.receive(sender, msg)) queue.push({ from: to, ...next });
  }
}
