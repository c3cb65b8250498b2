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
import type { ClientOp, ClientReply, NodeId } from '../../../src/sim/types';
import { type ParamOverrides, RecordingCtx, type Sent } from '../recording-ctx';

/** One replica under test, driven through the protocol's handlers. */
export class Node<S> {
  /** Its rng draws 0: the gossip shuffle never swaps, so peers are picked in order. */
  readonly ctx: RecordingCtx<CrdtMsg<S>>;
  state: Replica<S>;
  private seq = 0;

  constructor(
    readonly type: CrdtType<S>,
    self: NodeId,
    nodes = 3,
    params: ParamOverrides = {},
    variant: string | null = null,
  ) {
    this.ctx = new RecordingCtx<CrdtMsg<S>>(GOSSIP_PARAMS, self, nodes, params, variant);
    this.state = initReplica(type, this.ctx);
  }

  client(f: string, value?: unknown, key?: string): ClientReply {
    const op: ClientOp = { client: 0, seq: ++this.seq, f, value, ...(key ? { key } : {}) };
    onUpdateOp(this.type, this.ctx, this.state, op);
    return this.ctx.replies[this.ctx.replies.length - 1]!.result;
  }

  gossip(): Sent<CrdtMsg<S>>[] {
    return this.ctx.collect(() => onGossipTimer(this.type, this.ctx, this.state));
  }

  receive(from: NodeId, msg: CrdtMsg<S>): Sent<CrdtMsg<S>>[] {
    return this.ctx.collect(() => onGossipMessage(this.type, this.ctx, this.state, from, msg));
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
export function deliverAll<S>(nodes: Node<S>[], from: NodeId, sent: Sent<CrdtMsg<S>>[]) {
  const queue = sent.map((s) => ({ from, ...s }));
  while (queue.length > 0) {
    const { from: sender, to, msg } = queue.shift()!;
    for (const next of nodes[to]!.receive(sender, msg)) queue.push({ from: to, ...next });
  }
}
