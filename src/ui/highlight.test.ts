import { describe, expect, it } from 'vitest';
import { REC } from '../sim/trace';
import { violationHighlight, violationRecord } from './highlight';
import { buggyRun } from './buggy-run.fixture';

describe('violation highlight', () => {
  it('names the node whose handler broke the invariant and the message it was handling', () => {
    const sim = buggyRun();
    sim.runUntil(sim.scenario.durationMicros);
    const violation = sim.violations.find((v) => v.invariant === 'leader-completeness')!;
    expect(violation).toBeDefined();
    sim.seekEvent(violation.event);
    const h = violationHighlight(sim.trace, violation);
    // "n4 became leader of term 4 ...": the node that became leader is the one that ran.
    const leader = Number(/^n(\d+) became leader/.exec(violation.message)![1]);
    expect(h.nodes).toEqual([leader]);
    expect(h.delivered).not.toBeNull();
    expect(h.delivered!.to).toBe(leader);
    expect(h.delivered!.type).toBe('RequestVoteResponse');
    // A new leader announces itself at once: what it sent is still in flight just after.
    expect(h.sent.length).toBeGreaterThan(0);
    const inFlight = new Set(sim.inFlight().map((m) => m.id));
    for (const m of h.sent) {
      expect(m.from).toBe(leader);
      expect(inFlight.has(m.id)).toBe(true);
    }
  });

  it('finds the violation record the kernel wrote right after the event', () => {
    const sim = buggyRun();
    sim.runUntil(sim.scenario.durationMicros);
    const violation = sim.violations[0]!;
    sim.seekEvent(violation.event);
    const i = violationRecord(sim.trace, violation);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(sim.trace.kind[i]).toBe(REC.violation);
    expect(sim.trace.value[i]).toBe(violation.event);
  });

  it('involves no event for liveness, judged over the whole run', () => {
    const sim = buggyRun();
    const h = violationHighlight(sim.trace, {
      invariant: 'liveness',
      atMicros: 0,
      event: 0,
      message: 'no progress',
    });
    expect(h.nodes).toEqual([]);
    expect(h.delivered).toBeNull();
  });
});
