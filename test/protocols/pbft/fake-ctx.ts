import { pbft } from '../../../src/protocols/pbft';
import { requestDigest } from '../../../src/protocols/pbft/digest';
import type {
  Commit,
  PbftMsg,
  PbftState,
  PrePrepare,
  Prepare,
  Request,
} from '../../../src/protocols/pbft/types';
import type { ClientOp, NodeId } from '../../../src/sim/types';
import { NodeUnderTest, RecordingCtx } from '../recording-ctx';

export { only } from '../recording-ctx';

/**
 * One replica under test, driven through the module's handlers. What a handler sent is
 * returned, and stays in ctx.sent until the next call.
 */
export class Replica extends NodeUnderTest<PbftState, PbftMsg> {
  constructor(
    self: NodeId,
    options: { nodes?: number; params?: Record<string, number | string>; variant?: string } = {},
  ) {
    const ctx = new RecordingCtx<PbftMsg>(
      pbft.params,
      self,
      options.nodes ?? 4,
      options.params ?? {},
      options.variant ?? null,
    );
    super(pbft, ctx, true);
  }

  restart(): void {
    this.ctx.timers.clear();
    this.state = this.fromDisk();
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
