import { formatCount } from '../format';
import { currentRun } from '../sim-bridge';
import { useApp } from '../store';
import { ClusterView } from './ClusterView';
import { FaultTools } from './FaultTools';

/** The main panel: the cluster at the cursor, the network tools and the run's fingerprint. */
export function Stage() {
  const noProtocols = useApp((s) => s.protocols.length === 0);
  const lastRun = useApp((s) => s.lastRun);
  const error = useApp((s) => s.error);

  return (
    <section className="panel stage" aria-labelledby="stage-title">
      <header className="panel-header">
        <h2 id="stage-title">Cluster</h2>
        {lastRun && <FaultTools />}
      </header>
      <div className="panel-body">
        {error !== null && (
          <div className="alert" role="alert">
            {error}
          </div>
        )}
        {lastRun ? (
          <>
            <ClusterView />
            <dl className="run-facts">
              <dt>Seed</dt>
              <dd className="mono">{lastRun.seed}</dd>
              <dt>Events</dt>
              <dd className="mono">{formatCount(lastRun.eventCount)}</dd>
              <dt>Violations</dt>
              <dd className={`mono${lastRun.violations > 0 ? ' bad' : ''}`}>
                {lastRun.violations}
              </dd>
              <dt>Network</dt>
              <dd>{networkText()}</dd>
              <dt>Trace hash</dt>
              <dd className="mono" data-testid="trace-hash">
                {lastRun.traceHash}
              </dd>
              {lastRun.stopped !== null && (
                <>
                  <dt>Stopped</dt>
                  <dd>{lastRun.stopped}</dd>
                </>
              )}
            </dl>
          </>
        ) : (
          <div className="empty">
            <svg className="empty-art" viewBox="0 0 120 64" aria-hidden="true">
              <line x1="20" y1="32" x2="60" y2="12" />
              <line x1="20" y1="32" x2="60" y2="52" />
              <line x1="60" y1="12" x2="100" y2="32" className="cut" />
              <line x1="60" y1="52" x2="100" y2="32" className="cut" />
              <circle cx="20" cy="32" r="7" />
              <circle cx="60" cy="12" r="7" />
              <circle cx="60" cy="52" r="7" />
              <circle cx="100" cy="32" r="7" className="isolated" />
            </svg>
            {noProtocols ? (
              <>
                <p className="empty-title">The simulator is not connected yet</p>
                <p className="empty-text">
                  This build has no simulation kernel wired in. Once it has, pick a protocol and a
                  seed, then run it.
                </p>
              </>
            ) : (
              <>
                <p className="empty-title">Nothing has run yet</p>
                <p className="empty-text">
                  Pick a protocol and a seed, then Run. The same seed always gives the same run.
                </p>
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

function networkText(): string {
  const run = currentRun();
  if (!run) return '';
  const net = run.simulation.network;
  const groups = net.groups();
  let cuts = 0;
  for (const c of net.cut) cuts += c;
  const parts: string[] = [];
  if (groups.length > 1)
    parts.push(`split ${groups.map((g) => `{${g.map((n) => `n${n}`).join(' ')}}`).join(' | ')}`);
  if (cuts > 0) parts.push(`${cuts} link${cuts === 1 ? '' : 's'} cut`);
  return parts.length === 0 ? 'whole' : parts.join(', ');
}
