import { paramDefaults } from '../../../src/sim/scenario';
import type {
  ClientOp,
  ClientReply,
  Message,
  Micros,
  NodeCtx,
  NodeId,
  ParamSpec,
  ParamValues,
  Rng,
} from '../../../src/sim/types';

type Delay = Micros | { readonly min: Micros; readonly max: Micros };

/**
 * A stand-in for the kernel's context, shared by the Paxos and Multi-Paxos tests: it does
 * nothing but record what a handler asked for, in order (`steps` interleaves persists and
 * sends, so a test can check that the disk was written before a reply left).
 */
export class RecordingCtx<M extends Message> implements NodeCtx<M> {
  now: Micros = 0;
  readonly peers: readonly NodeId[];
  readonly params: ParamValues;
  outbox: { to: NodeId; msg: M }[] = [];
  steps: string[] = [];
  timers = new Map<string, Delay>();
  disk = new Map<string, unknown>();
  replies: { op: ClientOp; result: ClientReply }[] = [];
  /** What rng.range answers: 'min' or 'max' of the range. */
  draw: 'min' | 'max' = 'min';
  readonly rng: Rng = {
    int: () => 0,
    range: (min, max) => (this.draw === 'min' ? min : max),
    chancePpm: () => false,
  };

  constructor(
    readonly self: NodeId,
    readonly nodes: number,
    spec: ParamSpec,
    overrides: Record<string, number | boolean | string>,
    public variant: string | null,
  ) {
    this.peers = [...Array(nodes).keys()].filter((node) => node !== self);
    this.params = { ...paramDefaults(spec), ...overrides };
  }

  send(to: NodeId, msg: M): void {
    this.outbox.push({ to, msg });
    this.steps.push(`send ${msg.type}`);
  }
  broadcast(msg: M): void {
    this.peers.forEach((peer) => this.send(peer, msg));
  }
  setTimer(name: string, delay: Delay): void {
    this.timers.set(name, delay);
  }
  cancelTimer(name: string): void {
    this.timers.delete(name);
  }
  persist(key: string, value: unknown): void {
    this.steps.push(`persist ${key}`);
    if (value === undefined) this.disk.delete(key);
    else this.disk.set(key, structuredClone(value));
  }
  reply(op: ClientOp, result: ClientReply): void {
    this.replies.push({ op, result });
  }
  note(): void {}

  /** Everything sent since the last call (and forget it). */
  drain(): { to: NodeId; msg: M }[] {
    const out = this.outbox;
    this.outbox = [];
    this.steps = [];
    return out;
  }
}

/** The messages of one type among `sent`. */
export function ofType<M extends Message, T extends M['type']>(
  sent: readonly { to: NodeId; msg: M }[],
  type: T,
): { to: NodeId; msg: Extract<M, { type: T }> }[] {
  return sent.filter((s) => s.msg.type === type) as { to: NodeId; msg: Extract<M, { type: T }> }[];
}
