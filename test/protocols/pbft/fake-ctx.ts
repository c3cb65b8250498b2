import { pbft } from '../../../src/protocols/pbft';
import { requestDigest } from '../../../src/protocols/pbft/digest';
import {
  initPbft,
  onPbftClientOp,
  onPbftMessage,
  onPbftTimer,
  recoverPbft,
} from '../../../src/protocols/pbft/replica';
import type {
  Commit,
  PbftMsg,
  PbftState,
  PrePrepare,
  Prepare,
  Request,
} from '../../../src/protocols/pbft/types';
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

/** Everything a handler asked for, in order, so a test can assert on it. */
export interface Sent {
  readonly to: NodeId;
  readonly msg: PbftMsg;
}

/** A deterministic stand-in for the kernel's context: it records, and does nothing else. */
export class FakeCtx implements NodeCtx<PbftMsg> {
  now: Micros = 0;
  readonly peers: readonly NodeId[];
  readonly params: ParamValues;
  sent: Sent[] = [];
  timers = new Map<string, Micros | { readonly min: Micros; readonly max: Micros }>();
  disk = new Map<string, unknown>();
  replies: { op: ClientOp; result: ClientReply }[] = [];
  notes: [string, number][] = [];
  readonly rng: Rng = { int: () => 0, range: (min) => min, chancePpm: () => false };

  constructor(
    readonly self: NodeId,
    readonly nodes: number,
    params: Partial<Record<string, number | boolean | string>>,
    public variant: string | null,
  ) {
    this.peers = Array.from({ length: nodes }, (_, i) => i).filter((i) => i !== self);
    this.params = { ...paramDefaults(pbft.params), ...params } as ParamValues;
  }

  send(to: NodeId, msg: PbftMsg): void {
    this.sent.push({ to, msg });
  }
  broadcast(msg: PbftMsg): void {
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
}

/** One replica under test, driven through the module's handlers. */
export class Replica {
  readonly ctx: FakeCtx;
  state: PbftState;

  constructor(
    self: NodeId,
    options: { nodes?: number; params?: Record<string, number | string>; variant?: string } = {},
  ) {
    this.ctx = new FakeCtx(self, options.nodes ?? 4, options.params ?? {}, options.variant ?? null);
    this.state = initPbft(this.ctx, this.ctx.params);
  }

  receive(from: NodeId, msg: PbftMsg): Sent[] {
    this.ctx.sent = [];
    onPbftMessage(this.ctx, this.state, from, msg);
    return this.ctx.sent;
  }

  timer(name: string): Sent[] {
    this.ctx.sent = [];
    onPbftTimer(this.ctx, this.state, name);
    return this.ctx.sent;
  }

  client(op: ClientOp): Sent[] {
    this.ctx.sent = [];
    onPbftClientOp(this.ctx, this.state, op);
    return this.ctx.sent;
  }

  restart(): void {
    this.ctx.timers.clear();
    this.state = recoverPbft(this.ctx, new Map(this.ctx.disk), this.ctx.params);
  }
}

export function put(client: number, seq: number, key = 'x', value = `${client}:${seq}`): Request {
  return { client, seq, f: 'put', key, value, expected: '' };
}

export function opOf(request: Request): ClientOp {
  return {
    client: request.client,
    seq: request.seq,
    f: request.f,
    key: request.key,
    value: request.value,
  };
}

export function prePrepare(view: number, n: number, request: Request | null): PrePrepare {
  return { type: 'PRE-PREPARE', view, n, digest: requestDigest(request), request };
}

export function prepare(view: number, n: number, request: Request | null): Prepare {
  return { type: 'PREPARE', view, n, digest: requestDigest(request) };
}

export function commit(view: number, n: number, request: Request | null): Commit {
  return { type: 'COMMIT', view, n, digest: requestDigest(request) };
}

export function only<T extends PbftMsg['type']>(
  sent: readonly Sent[],
  type: T,
): Extract<PbftMsg, { type: T }>[] {
  return sent.filter((s) => s.msg.type === type).map((s) => s.msg as Extract<PbftMsg, { type: T }>);
}

/**
 * Drive a replica through prepared and committed-local for request `r` at n in view `view`:
 * the pre-prepare from the primary, prepares and commits from the given replicas.
 */
export function certify(
  replica: Replica,
  view: number,
  n: number,
  r: Request | null,
  preparers: readonly NodeId[],
  committers: readonly NodeId[],
): void {
  const primary = view % replica.ctx.nodes;
  if (replica.ctx.self !== primary) replica.receive(primary, prePrepare(view, n, r));
  for (const from of preparers) replica.receive(from, prepare(view, n, r));
  for (const from of committers) replica.receive(from, commit(view, n, r));
}
