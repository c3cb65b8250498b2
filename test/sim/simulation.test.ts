import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcast } from '../../src/protocols/broadcast';
import { DEFAULT_NEMESIS } from '../../src/sim/scenario';
import { HANDLER_ERROR, Simulation } from '../../src/sim/simulation';
import type { Message, ProtocolModule, Scenario } from '../../src/sim/types';
import { network, probe, scenarioFor, type ProbeState } from '../helpers';

const nemesisScenario = (seed: string): Scenario =>
  scenarioFor(broadcast, {
    seed,
    nemesis: DEFAULT_NEMESIS,
    network: network({ latency: { kind: 'uniform', minMicros: 1_000, maxMicros: 9_000 } }),
  });

function hashOf(scenario: Scenario, until = scenario.durationMicros): string {
  const sim = new Simulation(scenario, broadcast);
  sim.runUntil(until);
  return sim.traceHash();
}

describe('determinism', () => {
  it('gives the same trace hash for the same scenario and seed, with and without the nemesis', () => {
    const plain = scenarioFor(broadcast);
    expect(hashOf(plain)).toBe(hashOf(plain));
    expect(hashOf(nemesisScenario('9'))).toBe(hashOf(nemesisScenario('9')));
  });

  it('gives different hashes for different seeds', () => {
    const hashes = new Set(['1', '2', '3', '4'].map((seed) => hashOf(nemesisScenario(seed))));
    expect(hashes.size).toBe(4);
  });
});

function snapshot(sim: Simulation) {
  return {
    hash: sim.traceHash(),
    events: sim.eventCount,
    now: sim.now,
    states: structuredClone(sim.nodeStates()),
    status: [0, 1, 2, 3, 4].map((n) => sim.nodeStatus(n)),
    history: sim.history.length,
    next: sim.nextEventAt(),
  };
}

describe('seek', () => {
  it('seek(t) reaches the same state and hash as running forward to t, for many random t', () => {
    const scenario = nemesisScenario('seek');
    const sim = new Simulation(scenario, broadcast, { checkpointEvery: 500 });
    sim.runUntil(scenario.durationMicros);
    expect(sim.checkpointCount()).toBeGreaterThan(3);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: scenario.durationMicros }), (t) => {
        sim.seek(t);
        const fresh = new Simulation(scenario, broadcast, { checkpointEvery: 0 });
        fresh.runUntil(t);
        expect(snapshot(sim)).toEqual(snapshot(fresh));
      }),
      { numRuns: 40 },
    );
  });

  it('seekEvent(n) lands after exactly n events, forward and back', () => {
    const sim = new Simulation(nemesisScenario('step'), broadcast, { checkpointEvery: 200 });
    for (const n of [1500, 10, 999, 1000, 1001, 0, 2500]) {
      sim.seekEvent(n);
      const fresh = new Simulation(nemesisScenario('step'), broadcast);
      for (let i = 0; i < n; i++) fresh.step();
      expect(snapshot(sim)).toEqual(snapshot(fresh));
      expect(sim.eventCount).toBe(n);
    }
  });
});

describe('recorded inputs', () => {
  it('an action at a past cursor forks the run, and the recorded scenario replays the fork exactly', () => {
    const scenario = scenarioFor(broadcast);
    const sim = new Simulation(scenario, broadcast, { checkpointEvery: 300 });
    sim.runUntil(6_000_000);
    sim.applyInput({ kind: 'crash', node: 1 }); // recorded, then discarded by the fork below
    sim.runUntil(8_000_000);
    sim.seek(2_000_000);
    sim.applyInput({ kind: 'partition', groups: [[0, 1]] });
    sim.runUntil(3_000_000);
    sim.step();
    sim.applyInput({ kind: 'heal' });
    sim.runUntil(9_000_000);
    const recorded = sim.currentScenario();
    expect(recorded.inputs.map((i) => i.action.kind)).toEqual(['partition', 'heal']);
    const replay = new Simulation(recorded, broadcast);
    replay.runUntil(9_000_000);
    expect(replay.traceHash()).toBe(sim.traceHash());
    expect(structuredClone(replay.nodeStates())).toEqual(structuredClone(sim.nodeStates()));
  });
});

function probeRun(overrides: Partial<Scenario>, until: number): Simulation {
  const sim = new Simulation(scenarioFor(probe, { network: network(), ...overrides }), probe);
  sim.runUntil(until);
  return sim;
}
const stateOf = (sim: Simulation, node: number) => sim.nodeState(node) as ProbeState;

describe('nodes', () => {
  it('a crashed node loses volatile state and timers, and messages to it are dropped', () => {
    const sim = probeRun({ faults: [{ at: 25_000, action: { kind: 'crash', node: 1 } }] }, 100_000);
    expect(sim.nodeStatus(1)).toBe('down');
    expect(sim.nodeState(1)).toBeNull();
    expect(sim.timer(1, 'tick')).toBeNull();
    expect(sim.summary().messagesDropped).toBeGreaterThan(0);
  });

  it('a restarted node recovers only what it persisted; an amnesia restart recovers nothing', () => {
    const restart = probeRun(
      {
        faults: [
          { at: 35_000, action: { kind: 'crash', node: 2 } },
          { at: 50_000, action: { kind: 'restart', node: 2 } },
        ],
      },
      55_000,
    );
    expect(stateOf(restart, 2).recoveredCounter).toBe(3);
    // Probes 1-3 arrived before the crash and were volatile; probe 4 arrived while it was down.
    expect(stateOf(restart, 2).received).toEqual([[0, 5]]);
    const amnesia = probeRun(
      { faults: [{ at: 35_000, action: { kind: 'amnesia', node: 2 } }] },
      55_000,
    );
    expect(stateOf(amnesia, 2).recoveredCounter).toBeNull();
  });

  it('a paused node holds its messages and timers until it resumes, then handles them in order', () => {
    const sim = probeRun(
      {
        faults: [
          { at: 15_000, action: { kind: 'pause', node: 1 } },
          { at: 45_000, action: { kind: 'resume', node: 1 } },
        ],
      },
      44_000,
    );
    expect(stateOf(sim, 1).received).toEqual([[0, 1]]);
    sim.runUntil(45_000);
    expect(stateOf(sim, 1).received).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ]);
    expect(stateOf(sim, 1).ticks.at(-1)).toBe(45_000);
  });

  it("a node's timers run on its local clock: offset moves now, drift stretches delays", () => {
    const sim = probeRun(
      {
        faults: [
          { at: 0, action: { kind: 'clockDrift', node: 1, ppm: 250_000 } },
          { at: 0, action: { kind: 'clockJump', node: 2, deltaMicros: 5_000_000 } },
        ],
      },
      100_000,
    );
    // Node 1's clock runs 25% fast: its 10 ms ticks come every 8 ms of real time.
    expect(stateOf(sim, 1).ticks.length).toBe(12);
    expect(stateOf(sim, 0).ticks.length).toBe(10);
    expect(stateOf(sim, 2).ticks[0]).toBe(5_010_000);
  });

  it('the kernel, not the protocol, names the sender', () => {
    const sim = probeRun({}, 30_000);
    for (const node of [1, 2])
      expect(stateOf(sim, node).received.every(([from]) => from === 0)).toBe(true);
  });

  it('a handler that throws stops the run with a handler-error violation', () => {
    const sim = new Simulation(
      scenarioFor(probe, { params: { tickMicros: 10_000, throwAt: 3 } }),
      probe,
    );
    sim.runUntil(100_000);
    expect(sim.stopped).toMatch(/probe handler threw/);
    expect(sim.violations[0]).toMatchObject({ invariant: HANDLER_ERROR, atMicros: 30_000 });
  });
});

describe('network', () => {
  it('partitions block messages both ways, and a cut blocks one direction only', () => {
    const partitioned = probeRun(
      { faults: [{ at: 0, action: { kind: 'partition', groups: [[0], [1, 2]] } }] },
      50_000,
    );
    expect(stateOf(partitioned, 1).received).toEqual([]);
    const cut = probeRun({ faults: [{ at: 0, action: { kind: 'cut', from: 0, to: 2 } }] }, 50_000);
    expect(stateOf(cut, 1).received.length).toBe(4);
    expect(stateOf(cut, 2).received).toEqual([]);
  });

  it('a message in flight dies if its link is cut when it arrives', () => {
    // Latency 5 ms: the probe sent at 10 ms would arrive at 15 ms; the cut at 12 ms kills it.
    const sim = probeRun(
      {
        network: network({ latency: { kind: 'constant', micros: 5_000 } }),
        faults: [{ at: 12_000, action: { kind: 'cut', from: 0, to: 1 } }],
      },
      14_000,
    );
    sim.runUntil(16_000);
    expect(stateOf(sim, 1).received).toEqual([]);
    expect(stateOf(sim, 2).received).toEqual([[0, 1]]);
  });

  it('FIFO links deliver in send order; reordering links may not; loss and duplication happen at their rates', () => {
    const jitter = { latency: { kind: 'uniform', minMicros: 0, maxMicros: 50_000 } } as const;
    const fifo = probeRun(
      { network: network(jitter), params: { tickMicros: 1_000, throwAt: -1 } },
      500_000,
    );
    const payloads = stateOf(fifo, 1).received.map(([, p]) => p);
    expect(payloads).toEqual([...payloads].sort((x, y) => x - y));
    const switched = probeRun(
      {
        network: network(jitter),
        params: { tickMicros: 1_000, throwAt: -1 },
        faults: [{ at: 0, action: { kind: 'reorder', on: true } }],
      },
      500_000,
    );
    const switchedPayloads = stateOf(switched, 1).received.map(([, p]) => p);
    expect(switchedPayloads).not.toEqual([...switchedPayloads].sort((x, y) => x - y));
    const reorder = probeRun(
      {
        network: network({ ...jitter, reorder: true }),
        params: { tickMicros: 1_000, throwAt: -1 },
      },
      500_000,
    );
    const reordered = stateOf(reorder, 1).received.map(([, p]) => p);
    expect(reordered).not.toEqual([...reordered].sort((x, y) => x - y));
    const lossy = probeRun(
      { network: network({ lossPpm: 500_000 }), params: { tickMicros: 1_000, throwAt: -1 } },
      1_000_000,
    );
    const got = stateOf(lossy, 1).received.length;
    expect(got).toBeGreaterThan(420);
    expect(got).toBeLessThan(580);
    const dup = probeRun({ network: network({ duplicatePpm: 1_000_000 }) }, 50_000);
    expect(stateOf(dup, 1).received).toEqual([
      [0, 1],
      [0, 1],
      [0, 2],
      [0, 2],
      [0, 3],
      [0, 3],
      [0, 4],
      [0, 4],
    ]);
  });
});

describe('bounds', () => {
  it('a run stops, saying why, when it reaches the event bound', () => {
    const sim = new Simulation(scenarioFor(broadcast), broadcast, { maxEvents: 100 });
    sim.runUntil(10_000_000);
    expect(sim.eventCount).toBe(100);
    expect(sim.stopped).toMatch(/event bound/);
  });
});

describe('client workload', () => {
  it('draws ops by the scenario mix, and by the protocol default without one', () => {
    const base = scenarioFor(broadcast);
    const readsOnly = new Simulation(
      { ...base, workload: { ...base.workload!, mix: { read: 1, broadcast: 0 } } },
      broadcast,
    );
    readsOnly.runUntil(3_000_000);
    const invoked = readsOnly.history.filter((e) => e.type === 'invoke');
    expect(invoked.length).toBeGreaterThan(20);
    expect(invoked.every((e) => e.f === 'read')).toBe(true);
    const mixed = new Simulation(base, broadcast);
    mixed.runUntil(3_000_000);
    const fs = new Set(mixed.history.map((e) => e.f));
    expect([...fs].sort()).toEqual(['broadcast', 'read']);
  });

  it('records a Jepsen history: every op opens with invoke and closes once with ok, fail or info', () => {
    const sim = new Simulation(nemesisScenario('history'), broadcast);
    sim.runUntil(10_000_000);
    const open = new Map<number, string>();
    let infos = 0;
    for (const event of sim.history) {
      if (event.type === 'invoke') {
        expect(open.has(event.process)).toBe(false);
        open.set(event.process, event.f);
      } else {
        expect(open.get(event.process)).toBe(event.f);
        open.delete(event.process);
        if (event.type === 'info') infos++;
      }
    }
    expect(sim.history.length).toBeGreaterThan(100);
    // Ops left open at the end were still waiting: no more of them than there are clients.
    expect(open.size).toBeLessThanOrEqual(sim.scenario.workload!.clients);
    expect(infos + open.size).toBeLessThan(sim.history.length);
  });

  it('a client stops following leader hints that go in circles and tries the nodes in turn', () => {
    // n0 and n1 each name the other as the leader; only n2 serves.
    const circling: ProtocolModule<null, Message> = {
      ...(probe as unknown as ProtocolModule<null, Message>),
      defaults: { nodes: 3, workload: null },
      init: () => null,
      recover: () => null,
      onTimer: () => {},
      workload: { nextOp: () => ({ f: 'read' }) },
      onClientOp(ctx, _state, op) {
        if (ctx.self === 2) ctx.reply(op, { kind: 'ok' });
        else ctx.reply(op, { kind: 'redirect', leader: 1 - ctx.self });
      },
    };
    const base = scenarioFor(broadcast);
    const scenario: Scenario = {
      ...base,
      protocol: 'probe',
      params: {},
      workload: { ...base.workload!, clients: 1, mix: {} },
    };
    const sim = new Simulation(scenario, circling);
    sim.runUntil(2_000_000);
    const oks = sim.history.filter((e) => e.type === 'ok');
    expect(oks.length).toBeGreaterThan(10);
    expect(sim.history.filter((e) => e.type === 'info')).toEqual([]);
  });
});
