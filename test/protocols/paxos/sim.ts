import { presetScenario } from '../../../src/sim/presets';
import { DEFAULT_NEMESIS, defaultScenario } from '../../../src/sim/scenario';
import { Simulation } from '../../../src/sim/simulation';
import type { ProtocolModule, Scenario } from '../../../src/sim/types';

/** Whole runs through the real kernel, shared by the Paxos and Multi-Paxos cluster tests. */

/** Run to `until` (default: the end); judge liveness if the run reached its end. */
export function runScenario(
  module: ProtocolModule,
  scenario: Scenario,
  until = scenario.durationMicros,
): Simulation {
  const sim = new Simulation(scenario, module, { trace: 'hash', checkpointEvery: 0 });
  sim.runUntil(until);
  if (sim.now >= scenario.durationMicros) sim.checkLiveness();
  return sim;
}

export function presetOf(
  module: ProtocolModule,
  id: string,
  seed = '1',
  variant: string | null = null,
): Scenario {
  const parsed = presetScenario(module, id, seed);
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.value, variant };
}

/** The default scenario with the default nemesis, as `fuzz --nemesis` runs it. */
export function nemesisScenario(
  module: ProtocolModule,
  seed: string,
  variant: string | null = null,
  params: Record<string, number | boolean | string> = {},
): Scenario {
  const base = defaultScenario(module, seed);
  return { ...base, variant, nemesis: DEFAULT_NEMESIS, params: { ...base.params, ...params } };
}

/** Every violation (and early stop) over seeds 1..count, as "seed N: invariant: message". */
export function sweep(
  module: ProtocolModule,
  count: number,
  make: (seed: string) => Scenario,
): string[] {
  const found: string[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const sim = runScenario(module, make(String(seed)));
    for (const v of sim.violations) found.push(`seed ${seed}: ${v.invariant}: ${v.message}`);
    if (sim.stopped !== null) found.push(`seed ${seed}: stopped: ${sim.stopped}`);
  }
  return found;
}

/** The seeds in 1..count whose runs break something, and the invariants they break. */
export function failures(
  module: ProtocolModule,
  count: number,
  make: (seed: string) => Scenario,
): { seeds: number[]; invariants: Set<string> } {
  const seeds: number[] = [];
  const invariants = new Set<string>();
  for (let seed = 1; seed <= count; seed++) {
    const sim = runScenario(module, make(String(seed)));
    if (sim.violations.length === 0) continue;
    seeds.push(seed);
    for (const v of sim.violations) invariants.add(v.invariant);
  }
  return { seeds, invariants };
}

/**
 * Call every view function on every node's state (and every message label) at many moments of
 * a run, as the app does; returns how many states were looked at. Throws if a view breaks.
 */
export function exerciseView(
  module: ProtocolModule,
  scenario: Scenario,
  every = 200,
  untilMicros = scenario.durationMicros,
): number {
  const sim = new Simulation(scenario, module, { trace: 'hash', checkpointEvery: 0 });
  let looked = 0;
  while (sim.now <= untilMicros && sim.step()) {
    if (sim.eventCount % every !== 0) continue;
    const states = sim.nodeStates();
    states.forEach((state, node) => {
      if (state === null) return;
      const summary = module.view.summarize(state);
      if (!(summary.role in module.view.roleColors))
        throw new Error(`no colour for ${summary.role}`);
      JSON.stringify(module.view.inspect?.(state, node) ?? []);
      looked++;
    });
    module.view.metrics?.(states);
    for (const flight of sim.inFlight()) module.view.label(flight.msg);
  }
  return looked;
}
