import { describe, expect, it } from 'vitest';
import { broadcast } from '../../src/protocols/broadcast';
import { DEFAULT_NEMESIS } from '../../src/sim/scenario';
import { Simulation } from '../../src/sim/simulation';
import type { Message, ParamValues, ProtocolModule, Scenario } from '../../src/sim/types';
import { probe, scenarioFor } from '../helpers';

/** Two optional hooks of the ProtocolModule contract that PBFT needs from the kernel. */

function probeScenario(overrides: Partial<Scenario> = {}): Scenario {
  return { ...scenarioFor(probe), params: { tickMicros: 10_000, throwAt: -1 }, ...overrides };
}

/** The probe, drawing its tick from the nemesis hook. */
const drawingProbe: ProtocolModule = {
  ...probe,
  nemesisParams: (rng, params): ParamValues =>
    params.tickMicros === 10_000 ? { tickMicros: rng.range(20_000, 90_000) } : {},
};

describe('nemesisParams', () => {
  it('draws parameters from its own stream when the nemesis is on, and the run records them', () => {
    const scenario = probeScenario({ nemesis: DEFAULT_NEMESIS });
    const sim = new Simulation(scenario, drawingProbe);
    const drawn = sim.scenario.params.tickMicros as number;
    expect(drawn).toBeGreaterThanOrEqual(20_000);
    expect(drawn).toBeLessThanOrEqual(90_000);
    expect(sim.currentScenario().params.tickMicros).toBe(drawn);
    expect(new Simulation(scenario, drawingProbe).scenario.params.tickMicros).toBe(drawn);
    sim.runUntil(1_000_000);
    // Node 1's ticks come every `drawn` micros: the handlers saw the drawn value.
    const ticks = (sim.nodeState(1) as { ticks: number[] }).ticks;
    expect(ticks[1]! - ticks[0]!).toBe(drawn);
  });

  it('is not called without the nemesis', () => {
    const sim = new Simulation(probeScenario(), drawingProbe);
    expect(sim.scenario.params.tickMicros).toBe(10_000);
  });

  it('takes nothing from the other streams: the recorded scenario replays the run exactly', () => {
    const scenario = probeScenario({ nemesis: DEFAULT_NEMESIS });
    const first = new Simulation(scenario, drawingProbe);
    first.runUntil(3_000_000);
    // The recorded scenario names the drawn tick, so the hook draws nothing when it replays...
    const replay = new Simulation(first.currentScenario(), drawingProbe);
    replay.runUntil(3_000_000);
    expect(replay.traceHash()).toBe(first.traceHash());
    // ...and a module without the hook, given the same parameters, runs the same events.
    const plain = new Simulation(first.currentScenario(), probe);
    plain.runUntil(3_000_000);
    expect(plain.traceHash()).toBe(first.traceHash());
  });
});

/** Node 0 answers every op with a lie at once; nodes 1 and 2 answer the truth. */
function answering(quorum: number | undefined): ProtocolModule<null, Message> {
  return {
    ...(probe as unknown as ProtocolModule<null, Message>),
    defaults: { nodes: 3, workload: null },
    init: () => null,
    recover: () => null,
    onTimer: () => {},
    workload: { nextOp: () => ({ f: 'read' }) },
    onClientOp(ctx, _state, op) {
      ctx.reply(op, { kind: 'ok', value: ctx.self === 0 ? 'lie' : 'truth' });
    },
    ...(quorum === undefined ? {} : { clientReplyQuorum: () => quorum }),
  };
}

function clientRun(module: ProtocolModule<null, Message>): Simulation {
  const base = scenarioFor(broadcast);
  const scenario: Scenario = {
    ...base,
    protocol: 'probe',
    nodes: 3,
    params: {},
    workload: { ...base.workload!, clients: 1, mix: {} },
  };
  const sim = new Simulation(scenario, module);
  sim.runUntil(3_000_000);
  return sim;
}

describe('clientReplyQuorum', () => {
  it('without it, a client takes the first answer (client 0 asks node 0: the lie)', () => {
    const oks = clientRun(answering(undefined)).history.filter((e) => e.type === 'ok');
    expect(oks.length).toBeGreaterThan(0);
    expect(oks[0]!.value).toBe('lie');
  });

  it('with 2, one lying node is never believed: the client retries at every node and takes the truth', () => {
    const sim = clientRun(answering(2));
    const done = sim.history.filter((e) => e.type !== 'invoke');
    expect(done.length).toBeGreaterThan(3);
    expect(done.every((e) => e.type === 'ok' && e.value === 'truth')).toBe(true);
  });

  it('with 3, two matching answers of three are not enough', () => {
    const sim = clientRun(answering(3));
    expect(sim.history.filter((e) => e.type === 'ok')).toEqual([]);
    expect(sim.history.some((e) => e.type === 'info')).toBe(true);
  });
});
