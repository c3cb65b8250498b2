import { raft } from '../protocols/raft';
import { DEFAULT_NEMESIS, defaultScenario } from '../sim/scenario';
import { Simulation } from '../sim/simulation';
import type { Scenario } from '../sim/types';

/**
 * `bin/splitbrain run --protocol raft --variant no-log-check --nemesis --seed 3`: n4 wins term 4
 * without a committed entry (leader-completeness), and the client history is not linearizable.
 */
export function buggyScenario(seed = '3'): Scenario {
  const base = defaultScenario(raft, seed);
  return {
    ...base,
    variant: 'no-log-check',
    nemesis: { ...DEFAULT_NEMESIS, safetyMicros: Math.floor((base.durationMicros * 6) / 10) },
  };
}

export function buggyRun(seed = '3'): Simulation {
  return new Simulation(buggyScenario(seed), raft);
}
