import { paramDefaults } from '../../src/sim/scenario';
import type {
  ClientOp,
  ClientReply,
  Message,
  Micros,
  NodeCtx,
  NodeId,
  ParamSpec,
  ParamValues,
  ProtocolModule,
  Rng,
} from '../../src/sim/types';

/** A timer's delay as a handler arms it: fixed, or drawn from a range. */
export type Delay = Micros | { readonly min: Micros; readonly max: Micros };

/** One message a handler sent, and to whom. */
export interface Sent<M extends Message> {
  readonly to: NodeId;
  readonly msg: M;
}

/** Parameters a test sets; the others keep the protocol's defaults. */
export type ParamOverrides = Partial<Record<string, number | boolean | string>>;

/**
 * A deterministic stand-in for the kernel's context, shared by the protocols' unit tests: it
 * records what a handler asked for, in order, and does nothing else. `sent`, `timers`, `disk`,
 * `replies` and `notes` are public so that a test can look at them, or reset them. The clock
 * stands still unless a test moves `now`; the rng always draws the lowest value (a subclass
 * may override `rng`).
 */
export class RecordingCtx<M extends Message> implements NodeCtx<M> {
  now: Micros = 0;
  readonly peers: readonly NodeId[];
  readonly params: ParamValues;
  sent: Sent<M>[] = [];
  timers = new Map<string, Delay>();
  disk = new Map<string, unknown>();
  replies: { op: ClientOp; result: ClientReply }[] = [];
  notes: [string, number][] = [];
  readonly rng: Rng = { int: () => 0, range: (min) => min, chancePpm: () => false };

  /** `spec` is the protocol's ParamSpec (a module's `params`): `overrides` go over its defaults. */
  constructor(
    spec: ParamSpec,
    readonly self: NodeId,
    readonly nodes: number,
    overrides: ParamOverrides = {},
    public variant: string | null = null,
  ) {
    this.peers = Array.from({ length: nodes }, (_, i) => i).filter((i) => i !== self);
    this.params = { ...paramDefaults(spec), ...overrides } as ParamValues;
  }

  send(to: NodeId, msg: M): void {
    this.sent.push({ to, msg });
  }
  broadcast(msg: M): void {
    for (const peer of this.peers) this.send(peer, msg);
  }
  setTimer(name: string, delay: Delay): void {
    this.timers.set(name, delay);
  }
  cancelTimer(name: string): void {
    this.timers.delete(name);
  }
  /** As the kernel does: a deep copy of an object taken now; `undefined` deletes the key. */
  persist(key: string, value: unknown): void {
    if (value === undefined) this.disk.delete(key);
    else
      this.disk.set(
        key,
        typeof value === 'object' && value !== null ? structuredClone(value) : value,
      );
  }
  reply(op: ClientOp, result: ClientReply): void {
    this.replies.push({ op, result });
  }
  note(kind: string, value = 0): void {
    this.notes.push([kind, value]);
  }

  /** Messages sent since the last call (only those of `type`, if given), then forget them all. */
  take(): Sent<M>[];
  take<T extends M['type']>(type: T): Sent<Extract<M, { type: T }>>[];
  take(type?: M['type']): Sent<M>[] {
    const out = type === undefined ? this.sent : this.sent.filter((s) => s.msg.type === type);
    this.sent = [];
    return out;
  }

  /** Run `handler` on an empty record and return what it sent; the record stays in `sent`. */
  record(handler: () => void): Sent<M>[] {
    this.sent = [];
    handler();
    return this.sent;
  }

  /** Run `handler` on an empty record and return what it sent, forgetting it (as `take`). */
  collect(handler: () => void): Sent<M>[] {
    this.record(handler);
    return this.take();
  }
}

/** The messages of one type among `sent`, with their destinations. */
export function ofType<M extends Message, T extends M['type']>(
  sent: readonly Sent<M>[],
  type: T,
): Sent<Extract<M, { type: T }>>[] {
  return sent.filter((s) => s.msg.type === type) as Sent<Extract<M, { type: T }>>[];
}

/** The messages of one type among `sent`, without their destinations. */
export function only<M extends Message, T extends M['type']>(
  sent: readonly Sent<M>[],
  type: T,
): Extract<M, { type: T }>[] {
  return ofType(sent, type).map((s) => s.msg);
}

/**
 * One node under test: a recording context and the node's state, driven through the module's
 * handlers. receive, timer and client return what the handler sent; the context forgets it,
 * or, with `keepSent`, keeps it in ctx.sent until the next call.
 */
export class NodeUnderTest<S, M extends Message, C extends RecordingCtx<M> = RecordingCtx<M>> {
  state: S;

  constructor(
    protected readonly module: ProtocolModule<S, M>,
    readonly ctx: C,
    private readonly keepSent = false,
  ) {
    this.state = module.init(ctx, ctx.params);
  }

  receive(from: NodeId, msg: M): Sent<M>[] {
    return this.run(() => this.module.onMessage(this.ctx, this.state, from, msg));
  }

  timer(name: string): Sent<M>[] {
    return this.run(() => this.module.onTimer(this.ctx, this.state, name));
  }

  client(op: ClientOp): Sent<M>[] {
    return this.run(() => this.module.onClientOp!(this.ctx, this.state, op));
  }

  /** A fresh state recovered from (a copy of) what is on disk, as after a crash. */
  protected fromDisk(): S {
    return this.module.recover(this.ctx, new Map(this.ctx.disk), this.ctx.params);
  }

  private run(handler: () => void): Sent<M>[] {
    return this.keepSent ? this.ctx.record(handler) : this.ctx.collect(handler);
  }
}
