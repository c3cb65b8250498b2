import type { Message, ProtocolModule } from '../../sim/types';

/**
 * The kernel benchmark's protocol: tokens circulate round a ring of nodes and every delivery
 * forwards its token. It does nothing else, so a run measures the kernel, network and queue.
 * Not registered: it exists for `bench`.
 */
interface PingState {
  forwarded: number;
}

const PING: Message = Object.freeze({ type: 'ping' });

export const ping: ProtocolModule<PingState, Message> = {
  id: 'ping',
  title: 'Ping ring (kernel benchmark)',
  summary: 'Tokens circulate round a ring; every delivery forwards one.',
  params: {
    tokens: {
      kind: 'int',
      label: 'Tokens per node',
      help: 'Messages each node starts',
      min: 1,
      max: 1000,
      default: 8,
    },
  },
  variants: {},
  defaults: { nodes: 5, workload: null },
  init(ctx, params) {
    const next = (ctx.self + 1) % ctx.nodes;
    for (let i = 0; i < (params.tokens as number); i++) ctx.send(next, PING);
    return { forwarded: 0 };
  },
  recover(ctx, _disk, params) {
    return this.init(ctx, params);
  },
  onMessage(ctx, state) {
    state.forwarded++;
    ctx.send((ctx.self + 1) % ctx.nodes, PING);
  },
  onTimer() {},
  invariants: [],
  view: {
    roleColors: { node: '#6b7280' },
    summarize: (state) => ({ role: 'node', term: -1, badge: `${state.forwarded} fwd` }),
    label: (msg) => msg.type,
  },
  presets: [],
};
