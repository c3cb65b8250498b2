import { defaultScenario } from '../src/sim/scenario';
import type { LinkPolicy, Message, ProtocolModule, Scenario } from '../src/sim/types';

export const CONSTANT_LINK: LinkPolicy = {
  latency: { kind: 'constant', micros: 1_000 },
  lossPpm: 0,
  duplicatePpm: 0,
  reorder: false,
};

/** A scenario for `module` with overrides laid over its defaults. */
export function scenarioFor(module: ProtocolModule, overrides: Partial<Scenario> = {}): Scenario {
  return { ...defaultScenario(module, '1'), ...overrides };
}

/** A network whose every link has the given policy. */
export function network(policy: Partial<LinkPolicy> = {}): Scenario['network'] {
  return { default: { ...CONSTANT_LINK, ...policy }, links: [], clientLatencyMicros: 1_000 };
}

export interface ProbeState {
  /** Every (from, payload) received, in order. */
  received: [number, number][];
  /** Local times at which the tick timer fired. */
  ticks: number[];
  /** What recover() found on disk. */
  recoveredCounter: number | null;
  counter: number;
}

export type ProbeMsg = Message & { readonly type: 'probe'; readonly payload: number };

/**
 * A protocol made to observe the kernel: node 0 sends a numbered probe to every peer every
 * tick; everyone records what arrives; each node persists a counter.
 */
export const probe: ProtocolModule<ProbeState, ProbeMsg> = {
  id: 'probe',
  title: 'Kernel probe',
  summary: 'test only',
  params: {
    tickMicros: {
      kind: 'int',
      label: 'tick',
      help: 'tick',
      min: 1,
      max: 10_000_000,
      default: 10_000,
    },
    throwAt: {
      kind: 'int',
      label: 'throw',
      help: 'throw on this counter value',
      min: -1,
      max: 1_000_000,
      default: -1,
    },
  },
  variants: {},
  defaults: { nodes: 3, workload: null },
  init(ctx) {
    ctx.setTimer('tick', ctx.params.tickMicros as number);
    return { received: [], ticks: [], recoveredCounter: null, counter: 0 };
  },
  recover(ctx, disk) {
    const state = this.init(ctx, ctx.params);
    state.recoveredCounter = (disk.get('counter') as number | undefined) ?? null;
    state.counter = state.recoveredCounter ?? 0;
    return state;
  },
  onMessage(ctx, state, from, msg) {
    state.received.push([from, msg.payload]);
  },
  onTimer(ctx, state) {
    state.ticks.push(ctx.now);
    state.counter++;
    if (state.counter === ctx.params.throwAt) throw new Error('probe asked to throw');
    ctx.persist('counter', state.counter);
    if (ctx.self === 0) ctx.broadcast({ type: 'probe', payload: state.counter });
    ctx.setTimer('tick', ctx.params.tickMicros as number);
  },
  invariants: [],
  view: { roleColors: {}, summarize: () => ({ role: 'node', term: -1 }), label: (m) => m.type },
  presets: [],
};
