import { describe, expect, it } from 'vitest';
import { paxos } from '../../../src/protocols/paxos';
import { PAXOS_DEFAULTS, drawPaxosKnobs } from '../../../src/protocols/paxos/swarm';
import { Stream } from '../../../src/sim/rng';
import { paramDefaults } from '../../../src/sim/scenario';
import { nemesisScenario, runScenario } from './sim';

describe('swarm testing of the Paxos options', () => {
  it('the defaults it compares against are the module’s defaults', () => {
    expect(paramDefaults(paxos.params)).toEqual(PAXOS_DEFAULTS);
  });

  it('draws every combination of proposers, backoff and distinguished proposer over the seeds', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const drawn = drawPaxosKnobs(new Stream(String(seed), 'x'), PAXOS_DEFAULTS, 5);
      seen.add(`${drawn.proposers}/${drawn.backoff}/${drawn.distinguishedProposer}`);
      const min = drawn.retryTimeoutMicrosMin ?? PAXOS_DEFAULTS.retryTimeoutMicrosMin;
      // Always above a round trip on the default network (4 hops of at most 8 ms).
      expect(min).toBeGreaterThan(4 * 8_000);
    }
    expect(seen.size).toBe(4 * 2 * 2);
  });

  it('keeps what a scenario sets: only options left at their defaults are drawn', () => {
    const set = { ...PAXOS_DEFAULTS, proposers: 4, backoff: false, retryTimeoutMicrosMin: 70_000 };
    for (let seed = 1; seed <= 50; seed++) {
      const drawn = drawPaxosKnobs(new Stream(String(seed), 'x'), set, 5);
      expect(Object.keys(drawn)).toEqual(['distinguishedProposer']);
    }
  });

  it('a nemesis run records the drawn options in its scenario, so it replays', () => {
    const sim = runScenario(paxos, nemesisScenario(paxos, '7'), 1_000_000);
    const params = sim.currentScenario().params;
    const drawn = drawPaxosKnobs(new Stream('7', 'nemesis-params'), PAXOS_DEFAULTS, 5);
    expect(params).toMatchObject(drawn);
  });
});
