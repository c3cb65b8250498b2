import { describe, expect, it } from 'vitest';
import { broadcast } from '../protocols/broadcast';
import { raft } from '../protocols/raft';
import type { ProtocolModule } from '../sim/types';
import {
  type VerdictInput,
  brokenResults,
  cachedVerdict,
  guaranteeStatus,
  historyFingerprint,
  judgeHistory,
  pinnedVerdict,
  requestVerdict,
  runCheck,
  witnessIds,
} from './verdict';
import { buggyRun } from './buggy-run.fixture';

function endOfBuggyRun(module: ProtocolModule = raft): VerdictInput {
  const sim = buggyRun();
  sim.runUntil(sim.scenario.durationMicros);
  return {
    run: sim,
    module,
    scenario: sim.scenario,
    history: [...sim.history],
    now: sim.now,
    generation: 0,
  };
}

describe('history verdict in the browser', () => {
  it('finds the buggy run not linearizable, a violation of what Raft claims, with a witness', () => {
    const input = endOfBuggyRun();
    const verdict = judgeHistory(input);
    expect(verdict.claims).toEqual(['linearizable']);
    const lin = verdict.results.find((r) => r.guarantee === 'linearizable')!;
    expect(lin.holds).toBe(false);
    expect(guaranteeStatus(lin)).toBe('violated');
    const ids = witnessIds(verdict);
    expect(ids.size).toBeGreaterThan(0);
    // A witness op's id is the index of its invoke event in the history.
    for (const id of ids) expect(input.history[id]!.type).toBe('invoke');
  });

  it('calls a broken guarantee the configuration never claimed an anomaly', () => {
    const unclaimed = { ...raft, claims: () => [] } as ProtocolModule;
    const verdict = judgeHistory(endOfBuggyRun(unclaimed));
    expect(verdict.claims).toEqual([]);
    expect(verdict.results.map(guaranteeStatus)).toContain('anomaly');
    expect(verdict.results.map(guaranteeStatus)).not.toContain('violated');
  });

  it('says unknown when the budget runs out', () => {
    const verdict = judgeHistory(endOfBuggyRun(), { maxSteps: 5, maxWitnessSteps: 0 });
    expect(verdict.results[0]!.holds).toBe('unknown');
    expect(guaranteeStatus(verdict.results[0]!)).toBe('unknown');
    expect(brokenResults(verdict)).toEqual([]);
  });

  it('caches per history, and keeps the last broken verdict pinned when the cursor moves back', () => {
    const input = endOfBuggyRun();
    expect(cachedVerdict(input)).toBeNull();
    const full = judgeHistory(input);
    expect(cachedVerdict(input)).toBe(full);
    expect(judgeHistory(input)).toBe(full);
    const early = judgeHistory({ ...input, history: input.history.slice(0, 20), now: 1 });
    expect(brokenResults(early)).toEqual([]);
    expect(pinnedVerdict(input)).toBe(full);
    // A fork (new generation) forgets the pinned verdict: that future may not happen any more.
    expect(pinnedVerdict({ run: input.run, generation: 1 })).toBeNull();
  });

  it('asks a checker (the worker) for a verdict, and caches nothing when a newer request superseded it', async () => {
    const input = endOfBuggyRun();
    expect(await requestVerdict(input, () => Promise.resolve(null))).toBeNull();
    expect(cachedVerdict(input)).toBeNull();
    const posted: unknown[] = [];
    const verdict = await requestVerdict(input, (request) => {
      posted.push(structuredClone(request));
      return Promise.resolve(runCheck(request));
    });
    expect(posted).toHaveLength(1);
    expect(brokenResults(verdict).length).toBeGreaterThan(0);
    expect(cachedVerdict(input)).toBe(verdict);
  });

  it('has nothing to judge for a protocol without a history model', () => {
    const verdict = judgeHistory({ ...endOfBuggyRun(broadcast), module: broadcast });
    expect(verdict.model).toBeNull();
    expect(verdict.results).toEqual([]);
  });

  it('fingerprints differ when any event differs', () => {
    const { history } = endOfBuggyRun();
    const changed = history.map((e, i) => (i === 10 ? { ...e, at: e.at + 1 } : e));
    expect(historyFingerprint(history)).toBe(historyFingerprint([...history]));
    expect(historyFingerprint(changed)).not.toBe(historyFingerprint(history));
  });
});
