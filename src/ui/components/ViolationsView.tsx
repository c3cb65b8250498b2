import { LIVENESS } from '../../sim/simulation';
import type { Violation } from '../../sim/types';
import { formatMicros } from '../format';
import { type Highlight, describeHighlight, violationHighlight } from '../highlight';
import { currentRun, seekToEvent } from '../sim-bridge';
import { appStore, useApp } from '../store';
import { VerdictLines, useHistoryVerdict } from './HistoryView';

/** Move the cursor to just after the violation's event and highlight what it involves. */
export function showViolation(v: Violation): Highlight | null {
  const run = currentRun();
  if (run === null) return null;
  seekToEvent(v.event);
  const highlight = violationHighlight(run.simulation.trace, v);
  appStore.getState().setHighlight(highlight);
  return highlight;
}

/**
 * Each violated invariant with when and at which event; a click moves the cursor there and
 * highlights the nodes and messages involved in the cluster view. Liveness is judged when the
 * cursor reaches the run's end; the client history's guarantees are summarised below.
 */
export function ViolationsView() {
  useApp((s) => s.runVersion);
  const highlight = useApp((s) => s.highlight);
  const setTab = useApp((s) => s.setSideTab);
  const { verdict, previous, checking } = useHistoryVerdict();
  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  const violations = sim.violations;
  const end = sim.scenario.durationMicros;
  const liveness =
    run.module.liveness === undefined
      ? 'This protocol declares no liveness check.'
      : violations.some((v) => v.invariant === LIVENESS)
        ? 'Liveness is broken: see above.'
        : sim.now >= end
          ? `Liveness holds: judged at the run's end (${formatMicros(end)}).`
          : `Liveness is judged when the cursor reaches the run's end (${formatMicros(end)}).`;
  return (
    <div className="violations-view">
      {violations.length === 0 ? (
        <p className="ok-note">No invariant is violated up to the cursor.</p>
      ) : (
        <ul className="violations">
          {violations.map((v, i) => {
            const active =
              highlight !== null &&
              highlight.invariant === v.invariant &&
              highlight.event === v.event;
            return (
              <li key={i}>
                <button
                  type="button"
                  className="violation"
                  aria-pressed={active}
                  data-invariant={v.invariant}
                  onClick={() => showViolation(v)}
                >
                  <span className="violation-name">{v.invariant}</span>
                  <span className="mono small">
                    {formatMicros(v.atMicros)} · event {v.event}
                  </span>
                  <span className="violation-message">{v.message}</span>
                  {active && (
                    <span className="violation-involved small">{describeHighlight(highlight)}</span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <p className="small liveness-note" data-testid="liveness">
        {liveness}
      </p>
      {run.module.historyModel !== undefined && (
        <section className="violations-history">
          <h3>Client history</h3>
          <VerdictLines verdict={verdict} previous={previous} checking={checking} />
          <button type="button" className="small" onClick={() => setTab('history')}>
            Show the ops
          </button>
        </section>
      )}
      <h3>Invariants checked after every event</h3>
      <ul className="invariant-list">
        {run.module.invariants.map((inv) => (
          <li key={inv.id}>
            <span className="mono">{inv.id}</span>
            <span className="muted"> — {inv.description}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
