import { getProtocol } from '../protocols/registry';
import { defaultScenario } from '../sim/scenario';
import { Simulation } from '../sim/simulation';
import { Stream } from '../sim/rng';

/** The app's seek on a long run: Raft with the trace and a checkpoint every 10,000 events. */
const SEEK_RUN_EVENTS = 1_000_000;
const SEEKS = 30;

/**
 * Build a run of at least a million events the way the app holds one, then time `seek(t)` to
 * random points (drawn from a fixed stream, so every bench seeks to the same places).
 */
export function benchSeek(
  median: (xs: number[]) => number,
  runEvents = SEEK_RUN_EVENTS,
): Record<string, unknown> {
  const raft = getProtocol('raft');
  if (raft === undefined) return { seek: 'skipped: raft is not registered' };
  const base = defaultScenario(raft, '1');
  // Snapshots keep the log (and so each checkpoint) bounded over a long run.
  const scenario = {
    ...base,
    durationMicros: 900_000_000,
    params: { ...base.params, snapshotThreshold: 1_000 },
  };
  const sim = new Simulation(scenario, raft, { trace: 'full', checkpointEvery: 10_000 });
  let until = 0;
  while (sim.eventCount < runEvents && sim.stopped === null) sim.runUntil((until += 10_000_000));
  const end = sim.now;
  const events = sim.eventCount;
  const places = new Stream('bench', 'seek');
  const times: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const target = places.range(0, end);
    const started = process.hrtime.bigint();
    sim.seek(target);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return {
    seekRunEvents: events,
    seekMedianMillis: Math.round(median(times) * 10) / 10,
    seekMaxMillis: Math.round(Math.max(...times) * 10) / 10,
  };
}
