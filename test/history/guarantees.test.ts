import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../src/cli/execute';
import { raft } from '../../src/protocols/raft';
import { broadcast } from '../../src/protocols/broadcast';
import { checkGuarantees, claimedGuarantees } from '../../src/sim/history/guarantees';
import { defaultScenario } from '../../src/sim/scenario';
import type { HistoryEvent } from '../../src/sim/types';

const BUDGET = { maxSteps: 100_000 };

/** A stale read: p0's write of 1 completes, then p1 reads the old value. */
const STALE_READ: HistoryEvent[] = [
  { process: 0, type: 'invoke', f: 'write', value: 1, at: 0 },
  { process: 0, type: 'ok', f: 'write', value: 1, at: 10 },
  { process: 1, type: 'invoke', f: 'read', at: 20 },
  { process: 1, type: 'ok', f: 'read', value: null, at: 30 },
];

const FRESH_READ: HistoryEvent[] = [
  ...STALE_READ.slice(0, 3),
  { process: 1, type: 'ok', f: 'read', value: 1, at: 30 },
];

describe('claimed guarantees: a broken claim is a violation, a broken unclaimed one an anomaly', () => {
  it('a stale read breaks linearizability, marked claimed when the configuration claims it', () => {
    const [claimed] = checkGuarantees(STALE_READ, 'register', ['linearizable'], BUDGET);
    expect(claimed).toMatchObject({ guarantee: 'linearizable', claimed: true, holds: false });
    expect(claimed!.ops!.map((op) => op.id)).toEqual([0, 2]);
    const [unclaimed] = checkGuarantees(STALE_READ, 'register', [], BUDGET);
    expect(unclaimed).toMatchObject({ guarantee: 'linearizable', claimed: false, holds: false });
  });

  it('a linearizable history holds every guarantee', () => {
    const results = checkGuarantees(FRESH_READ, 'register', ['linearizable'], BUDGET);
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) expect(result.holds).toBe(true);
  });

  it('the default claim is linearizable for a protocol with a history model, none without', () => {
    expect(claimedGuarantees(raft, {}, null)).toEqual(['linearizable']);
    expect(claimedGuarantees(broadcast, {}, null)).toEqual([]);
  });

  it('a run report lists what the configuration claims and what each checker found', () => {
    const scenario = defaultScenario(raft, '1');
    const verdict = checkHistory(
      raft,
      scenario,
      STALE_READ.map((e) => ({
        ...e,
        key: 'x',
        f: e.f === 'write' ? 'put' : 'get',
        value: e.f === 'write' ? '1' : e.type === 'ok' ? '' : undefined,
      })),
    );
    expect(verdict.claims).toEqual(['linearizable']);
    expect(verdict.linearizable).toBe(false);
    expect(verdict.guarantees[0]).toMatchObject({ claimed: true, holds: false, key: 'x' });
  });
});
