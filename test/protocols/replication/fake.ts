import type { ClientOp, Message, NodeId, ProtocolModule } from '../../../src/sim/types';
import { type ParamOverrides, RecordingCtx } from '../recording-ctx';

/** The recording context for rule-by-rule unit tests, made from a protocol module. */
export class FakeCtx<M extends Message> extends RecordingCtx<M> {
  constructor(
    module: ProtocolModule,
    self: NodeId,
    nodes: number,
    params: ParamOverrides = {},
    variant: string | null = null,
  ) {
    super(module.params, self, nodes, params, variant);
  }
}

let seq = 0;
export function clientOp(f: string, key: string, value?: unknown, client = 0): ClientOp {
  return { client, seq: ++seq, f, key, value };
}
