import { describe, expect, it } from 'vitest';
import { broadcast } from '../protocols/broadcast';
import { raft } from '../protocols/raft';
import { defaultScenario } from '../sim/scenario';
import { Simulation } from '../sim/simulation';
import { REC } from '../sim/trace';
import type { ProtocolModule } from '../sim/types';
import { MetricsRecorder, OTHER_TYPE, forwardSampled } from './metrics';

function setUp(module: ProtocolModule, seed = '1', buckets = 100) {
  const scenario = defaultScenario(module, seed);
  const sim = new Simulation(scenario, module);
  const recorder = new MetricsRecorder(module, scenario.durationMicros, scenario.nodes, buckets);
  return { sim, recorder, scenario };
}

function sendsInTrace(sim: Simulation): number {
  let sends = 0;
  for (let i = 0; i < sim.trace.length; i++) if (sim.trace.kind[i] === REC.send) sends++;
  return sends;
}

function total(values: Iterable<number>): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

describe('metrics recorder', () => {
  it('keeps a bounded number of buckets whatever the run length', () => {
    const long = new MetricsRecorder(broadcast, 3_600_000_000, 5, 480);
    expect(long.buckets).toBeLessThanOrEqual(480);
    expect(long.interval * long.buckets).toBeGreaterThanOrEqual(3_600_000_000);
    expect(long.sampled.length).toBe(long.buckets + 1);
  });

  it('counts every message sent, by type, from the trace', () => {
    const { sim, recorder } = setUp(broadcast);
    forwardSampled(sim, recorder, 3_000_000);
    let counted = 0;
    for (const counts of recorder.sends.values()) counted += total(counts);
    expect(counted).toBe(sendsInTrace(sim));
    expect(recorder.messageTypes().length).toBeGreaterThan(0);
  });

  it('samples the state at every boundary it passes, and the state it samples is the one at that time', () => {
    const { sim, recorder, scenario } = setUp(raft);
    forwardSampled(sim, recorder, scenario.durationMicros);
    expect([...recorder.sampled].every((s) => s === 1)).toBe(true);
    // The commit index sampled at boundary k equals what a fresh run shows at k * interval.
    const k = 37;
    const probe = new Simulation(scenario, raft);
    probe.runUntil(k * recorder.interval);
    const state = probe.nodeState(2) as { commitIndex: number; currentTerm: number };
    expect(recorder.series.get('commit n2')![k]).toBe(state.commitIndex);
    expect(recorder.terms[2]![k]).toBe(state.currentTerm);
  });

  it('moving forward through sampled ground gives the same run as running straight there', () => {
    const { sim, recorder, scenario } = setUp(raft);
    forwardSampled(sim, recorder, 4_321_000);
    const straight = new Simulation(scenario, raft);
    straight.runUntil(4_321_000);
    expect(sim.traceHash()).toBe(straight.traceHash());
    expect(sim.now).toBe(4_321_000);
  });

  it('observe records only boundaries between the cursor and the next event', () => {
    const { sim, recorder } = setUp(raft);
    sim.runUntil(1_000_000);
    sim.step();
    const before = [...recorder.sampled];
    recorder.observe(sim);
    const k0 = Math.ceil(sim.now / recorder.interval);
    recorder.sampled.forEach((s, k) => {
      if (s !== before[k])
        expect(k * recorder.interval >= sim.now && k * recorder.interval < sim.nextEventAt()).toBe(
          true,
        );
    });
    expect(recorder.sampled[k0 - 1]).toBe(0);
  });

  it('measures client latency from the history: completion time minus invocation time', () => {
    const { sim, recorder } = setUp(raft);
    forwardSampled(sim, recorder, 2_000_000);
    const open = new Map<number, number>();
    let sum = 0;
    let count = 0;
    for (const e of sim.history) {
      if (e.type === 'invoke') open.set(e.process, e.at);
      else if (e.type !== 'info' && open.has(e.process)) {
        sum += e.at - open.get(e.process)!;
        count++;
      }
    }
    expect(count).toBeGreaterThan(0);
    expect(total(recorder.completed)).toBe(count);
    expect(total(recorder.latencySum)).toBe(sum);
    expect(recorder.knownHistory.length).toBe(sim.history.length);
  });

  it('keeps what it saw past the cursor after a seek back (the known future)', () => {
    const { sim, recorder } = setUp(broadcast);
    forwardSampled(sim, recorder, 5_000_000);
    const sampled = total(recorder.sampled);
    const sends = total(recorder.sends.values().next().value!);
    sim.seek(1_000_000);
    recorder.update(sim);
    expect(total(recorder.sampled)).toBe(sampled);
    expect(total(recorder.sends.values().next().value!)).toBe(sends);
  });

  it('forgets everything past the cursor when an input forks the run, and recounts to match', () => {
    const { sim, recorder } = setUp(broadcast);
    forwardSampled(sim, recorder, 6_000_000);
    sim.seek(2_000_000);
    recorder.fork(sim);
    sim.applyInput({ kind: 'crash', node: 1 });
    forwardSampled(sim, recorder, 4_000_000);
    let counted = 0;
    for (const counts of recorder.sends.values()) counted += total(counts);
    expect(counted).toBe(sendsInTrace(sim));
    const past = Math.ceil(4_000_000 / recorder.interval) + 1;
    expect(recorder.sampled[past]).toBe(0);
    expect(recorder.knownHistory.length).toBe(sim.history.length);
    expect(recorder.generation).toBe(1);
  });

  it('sums message types beyond the cap under "other"', () => {
    const module = {
      ...broadcast,
      view: broadcast.view,
    } as ProtocolModule;
    const recorder = new MetricsRecorder(module, 1_000_000, 2, 10);
    const names = Array.from({ length: 20 }, (_, i) => `T${i}`);
    const trace = {
      mode: 'full' as const,
      length: 20,
      kind: new Uint8Array(20).fill(REC.send),
      at: new Float64Array(20),
      name: Uint16Array.from(names.map((_, i) => i)),
      names,
    };
    recorder.update({
      now: 0,
      trace,
      history: [],
      nextEventAt: () => 0,
      nodeStates: () => [],
      stopped: null,
      seek: () => {},
      scenario: { durationMicros: 1_000_000, nodes: 2 },
    } as never);
    expect(recorder.sends.size).toBe(13);
    expect(recorder.sends.get(OTHER_TYPE)![0]).toBe(8);
    expect(recorder.messageTypes().at(-1)).toBe(OTHER_TYPE);
  });
});
