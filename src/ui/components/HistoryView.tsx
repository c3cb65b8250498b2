import { formatMicros } from '../format';
import { currentRun, seekTo } from '../sim-bridge';
import { useApp } from '../store';

interface Bar {
  process: number;
  f: string;
  start: number;
  end: number | null;
  type: 'ok' | 'fail' | 'info' | 'pending';
  value: unknown;
}

/** Client ops as bars over time, one row per Jepsen process (as porcupine draws them). */
export function HistoryView() {
  useApp((s) => s.runVersion);
  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  const history = sim.history;
  if (history.length === 0) return <p className="muted">No client operations up to the cursor.</p>;
  const open = new Map<number, Bar>();
  const bars: Bar[] = [];
  for (const e of history) {
    if (e.type === 'invoke') {
      const bar: Bar = {
        process: e.process,
        f: e.f,
        start: e.at,
        end: null,
        type: 'pending',
        value: e.value,
      };
      open.set(e.process, bar);
      bars.push(bar);
    } else {
      const bar = open.get(e.process);
      if (!bar) continue;
      bar.end = e.at;
      bar.type = e.type;
      if (e.value !== undefined) bar.value = e.value;
      open.delete(e.process);
    }
  }
  const processes = [...new Set(bars.map((b) => b.process))].sort((a, b) => a - b);
  const rowOf = new Map(processes.map((p, i) => [p, i]));
  const now = Math.max(1, sim.now);
  const width = 1000;
  const rowH = 14;
  const counts = { ok: 0, fail: 0, info: 0, pending: 0 };
  for (const b of bars) counts[b.type]++;
  return (
    <div className="history">
      <p className="small">
        {bars.length} ops: <span className="h-ok">■</span> {counts.ok} ok ·{' '}
        <span className="h-fail">■</span> {counts.fail} failed · <span className="h-info">■</span>{' '}
        {counts.info} unknown · <span className="h-pending">■</span> {counts.pending} pending
      </p>
      <svg
        viewBox={`0 0 ${width} ${processes.length * rowH}`}
        preserveAspectRatio="none"
        className="history-bars"
        style={{ height: processes.length * rowH }}
        role="img"
        aria-label="Client operations over time, one row per process"
      >
        {bars.map((b, i) => {
          const x0 = (b.start / now) * width;
          const x1 = ((b.end ?? sim.now) / now) * width;
          return (
            <rect
              key={i}
              x={x0}
              width={Math.max(1.5, x1 - x0)}
              y={rowOf.get(b.process)! * rowH + 2}
              height={rowH - 4}
              className={`h-${b.type}`}
              onClick={() => seekTo(b.start)}
            >
              <title>{`process ${b.process}: ${b.f}${b.value !== undefined ? ` ${JSON.stringify(b.value)}` : ''} — ${b.type}, ${formatMicros(b.start)}${b.end !== null ? ` to ${formatMicros(b.end)}` : ''}`}</title>
            </rect>
          );
        })}
      </svg>
      <p className="muted small">
        From 0 to the cursor ({formatMicros(sim.now)}). Click a bar to go to its start.
        {run.module.historyModel
          ? ` Checked against the ${run.module.historyModel} model by the CLI (splitbrain fuzz).`
          : ''}
      </p>
    </div>
  );
}
