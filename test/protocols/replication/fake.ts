import { paramDefaults } from '../../../src/sim/scenario';
import type {
  ClientOp,
  ClientReply,
  Message,
  Micros,
  NodeCtx,
  NodeId,
  ParamValues,
  ProtocolModule,
  Rng,
} from '../../../src/sim/types';

/** A context that records what a handler asked for, for rule-by-rule unit tests. */
export class FakeCtx<M extends Message> implements NodeCtx<M> {
  now: Micros = 0;
  readonly peers: readonly NodeId[];
  readonly params: ParamValues;
  sent: { to: NodeId; msg: M }[] = [];
  replies: { op: ClientOp; result: ClientReply }[] = [];
  timers = new Map<string, Micros | { readonly min: Micros; readonly max: Micros }>();
  disk = new Map<string, unknown>();
  readonly rng: Rng = { int: () => 0, range: (min) => min, chancePpm: () => false };

  constructor(
    module: ProtocolModule,
    readonly self: NodeId,
    readonly nodes: number,
    params: Record<string, number | boolean | string> = {},
    readonly variant: string | null = null,
  ) {
    this.peers = Array.from({ length: nodes }, (_, i) => i).filter((i) => i !== self);
    this.params = { ...paramDefaults(module.params), ...params };
  }
  send(to: NodeId, msg: M): void {
    this.sent.push({ to, msg });
  }
  broadcast(msg: M): void {
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
  note(): void {}

  /** Messages of one type sent since the last take, and forget all. */
  take<T extends M['type']>(type?: T): { to: NodeId; msg: Extract<M, { type: T }> }[] {
    const out = this.sent.filter((s) => type === undefined || s.msg.type === type);
    this.sent = [];
    return out as { to: NodeId; msg: Extract<M, { type: T }> }[];
  }
}

let seq = 0;
export function clientOp(f: string, key: string, value?: unknown, client = 0): ClientOp {
  return { client, seq: ++seq, f, key, value };
}
