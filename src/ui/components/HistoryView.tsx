import { scaleLinear } from 'd3';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { GuaranteeResult } from '../../sim/history/guarantees';
import type { WitnessOp } from '../../sim/history/linearizability';
import { describeValue } from '../../sim/history/models';
import type { HistoryEvent } from '../../sim/types';
import { formatMicros } from '../format';
import { currentMetrics, currentRun, seekTo } from '../sim-bridge';
import { useApp } from '../store';
import { useWidth } from '../use-width';
import { workerChecker } from '../verdict-client';
import {
  type HistoryVerdict,
  type VerdictInput,
  brokenResults,
  cachedVerdict,
  guaranteeStatus,
  historyFingerprint,
  latestVerdict,
  pinnedVerdict,
  requestVerdict,
} from '../verdict';

/** One client op: an invocation and its completion (if it completed in the known run). */
export interface OpBar {
  /** Index of its invoke event in the history (the checker's op id). */
  readonly id: number;
  readonly process: number;
  readonly f: string;
  readonly key?: string;
  readonly value: unknown;
  readonly start: number;
  readonly end: number | null;
  readonly outcome: 'ok' | 'fail' | 'info' | 'pending';
}

/** Pair invocations with completions, per process, as porcupine draws them. */
export function opBars(history: readonly HistoryEvent[]): OpBar[] {
  const open = new Map<number, number>();
  const bars: OpBar[] = [];
  history.forEach((e, index) => {
    if (e.type === 'invoke') {
      open.set(e.process, bars.length);
      bars.push({
        id: index,
        process: e.process,
        f: e.f,
        key: e.key,
        value: e.value,
        start: e.at,
        end: null,
        outcome: 'pending',
      });
      return;
    }
    const at = open.get(e.process);
    if (at === undefined) return;
    open.delete(e.process);
    const bar = bars[at]!;
    bars[at] = {
      ...bar,
      end: e.at,
      outcome: e.type,
      value: e.value !== undefined ? e.value : bar.value,
    };
  });
  return bars;
}

function opText(bar: OpBar): string {
  const key = bar.key === undefined ? '' : ` ${describeValue(bar.key)}`;
  const value = bar.value === undefined ? '' : ` ${describeValue(bar.value)}`;
  const text = `${bar.f}${key}${value}`;
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The guarantees checked on the history up to the cursor; checked when the cursor rests. */
export function useHistoryVerdict(): {
  verdict: HistoryVerdict | null;
  /** The last verdict of another history, shown faded while this one is checked. */
  previous: HistoryVerdict | null;
  pinned: HistoryVerdict | null;
  checking: boolean;
} {
  // While playing nothing is checked, and nothing here needs to repaint per frame.
  const runVersion = useApp((s) => (s.playing ? -1 : s.runVersion));
  const playing = useApp((s) => s.playing);
  const [, setAnswered] = useState(0);
  const input = currentInput();
  const key = input === null || playing ? '' : historyFingerprint(input.history);
  const verdict = input === null || playing ? null : cachedVerdict(input);
  const missing = input !== null && verdict === null;
  useEffect(() => {
    if (playing || !missing) return;
    const asked = currentInput();
    if (asked === null) return;
    let live = true;
    // Wait until the cursor rests, then check in the worker.
    const timer = window.setTimeout(() => {
      void requestVerdict(asked, workerChecker).then((answer) => {
        if (live && answer !== null) setAnswered((n) => n + 1);
      });
    }, 150);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [key, playing, missing, runVersion]);
  return {
    verdict,
    previous: input === null || verdict !== null ? null : latestVerdict(input),
    pinned: input === null ? null : pinnedVerdict(input),
    checking: missing && !playing,
  };
}

/** The verdict input for the run at the cursor, read when asked (not captured at render). */
export function currentInput(): VerdictInput | null {
  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  return {
    run: sim,
    module: run.module,
    scenario: sim.scenario,
    history: sim.history,
    now: sim.now,
    generation: currentMetrics()?.generation ?? 0,
  };
}

const STATUS_TEXT = {
  holds: 'holds',
  violated: 'violated: the configuration claims it',
  anomaly: 'anomaly: broken, but not claimed',
  unknown: 'unknown',
} as const;

/** One line per guarantee: holds, violated (claimed), anomaly (not claimed) or unknown. */
export function VerdictLines({
  verdict,
  previous,
  checking,
}: {
  verdict: HistoryVerdict | null;
  previous: HistoryVerdict | null;
  checking: boolean;
}) {
  if (verdict === null && previous !== null && previous.model !== null)
    return (
      <div
        className="verdict-stale"
        data-testid="history-verdict"
        data-verdict="checking"
        title={`Judged at ${formatMicros(previous.atMicros)}; the history up to the cursor is being checked`}
      >
        <span className="verdict-badge small">
          {checking ? 'checking…' : 'checked when paused'}
        </span>
        <VerdictList verdict={previous} />
      </div>
    );
  if (verdict === null)
    return (
      <p className="muted small verdict-pending" data-testid="history-verdict" data-verdict="none">
        {checking ? 'Checking the history up to the cursor…' : 'Checked when the run pauses.'}
      </p>
    );
  if (verdict.model === null)
    return (
      <p className="muted small" data-testid="history-verdict" data-verdict="unchecked">
        This protocol names no history model: its client ops are shown, not checked.
      </p>
    );
  if (verdict.error !== null)
    return (
      <p className="alert small" data-testid="history-verdict" data-verdict="error">
        The history could not be checked: {verdict.error}
      </p>
    );
  const linearizable = verdict.results.find((r) => r.guarantee === 'linearizable');
  return (
    <div
      data-testid="history-verdict"
      data-verdict={linearizable === undefined ? 'none' : String(linearizable.holds)}
    >
      <VerdictList verdict={verdict} />
    </div>
  );
}

function VerdictList({ verdict }: { verdict: HistoryVerdict }) {
  return (
    <ul className="verdict">
      {verdict.results.map((result) => (
        <VerdictLine key={result.guarantee} result={result} />
      ))}
    </ul>
  );
}

function VerdictLine({ result }: { result: GuaranteeResult }) {
  const status = guaranteeStatus(result);
  const detail =
    status === 'unknown'
      ? `: ${result.reason ?? 'the budget ran out'}`
      : result.holds === true && result.reason
        ? ` (${result.reason})`
        : '';
  return (
    <li className={`verdict-${status}`} data-guarantee={result.guarantee} data-status={status}>
      <span className="verdict-mark" aria-hidden="true">
        {status === 'holds' ? '✓' : status === 'unknown' ? '?' : '✗'}
      </span>
      <span className="verdict-name">{result.guarantee}</span>{' '}
      <span className="verdict-status">
        {STATUS_TEXT[status]}
        {detail}
      </span>
    </li>
  );
}

type Zoom = 'all' | 'near' | 'witness';
const ROW_HEIGHT = 14;
const GUTTER = 34;
const AXIS = 16;

/**
 * Client ops as bars over time, one row per Jepsen process (as porcupine draws them), coloured
 * by outcome; the guarantees checked on the history up to the cursor, and the witness of a
 * broken one outlined. Ops past the cursor (the run's known future) are veiled. Clicking an op
 * moves the cursor to its call.
 */
export function HistoryView() {
  const duration = useApp((s) => s.durationMicros);
  const [zoom, setZoom] = useState<Zoom>('all');
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  // While playing, repaint when the cursor has moved a pixel across the range shown.
  const span = zoom === 'near' ? nearSpan(duration) : Math.max(1, duration);
  useApp((s) =>
    s.playing ? `p${Math.round(((s.lastRun?.now ?? 0) * width) / span)}` : `v${s.runVersion}`,
  );
  const { verdict, previous, pinned, checking } = useHistoryVerdict();
  const metrics = currentMetrics();
  const known = metrics?.knownHistory ?? NO_EVENTS;
  const seen = known.length;
  const generation = metrics?.generation ?? 0;
  const bars = useMemo(
    () => opBars(known),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the list grows in place
    [known, seen, generation],
  );
  const shownVerdict = brokenResults(verdict).length > 0 ? verdict : pinned;
  const broken = brokenResults(shownVerdict)[0] ?? null;
  const witness = useMemo(
    () => new Map<number, WitnessOp>((broken?.ops ?? []).map((op) => [op.id, op])),
    [broken],
  );
  const { processes, lastKnown } = useMemo(
    () => ({
      processes: [...new Set(bars.map((b) => b.process))].sort((a, b) => a - b),
      lastKnown: bars.reduce((t, b) => Math.max(t, b.end ?? b.start), 0),
    }),
    [bars],
  );
  const run = currentRun();
  if (run === null || metrics === null) return <div ref={box} />;
  const sim = run.simulation;
  const now = sim.now;
  const domain = zoomDomain(zoom, now, Math.max(1, lastKnown, duration), witness);
  const x = scaleLinear()
    .domain(domain)
    .range([GUTTER, width - 6]);
  const height = AXIS + processes.length * ROW_HEIGHT + 2;
  const ticks = x
    .ticks(Math.max(2, Math.floor(width / 80)))
    .filter((t) => x(t) >= GUTTER + 14 && x(t) <= width - 24);
  const tickStep = ticks.length > 1 ? ticks[1]! - ticks[0]! : domain[1] - domain[0];
  const counts = { ok: 0, fail: 0, info: 0, pending: 0 };
  for (const b of bars)
    if (b.start <= now) counts[b.end !== null && b.end <= now ? b.outcome : 'pending']++;

  return (
    <div className="history" ref={box}>
      <div className="history-head">
        <p className="small">
          Up to the cursor ({formatMicros(now)}):{' '}
          {counts.ok + counts.fail + counts.info + counts.pending} ops
          {verdict !== null && verdict.model !== null && (
            <> · claims {verdict.claims.length === 0 ? 'nothing' : verdict.claims.join(', ')}</>
          )}
        </p>
        <VerdictLines verdict={verdict} previous={previous} checking={checking} />
        {shownVerdict !== null && shownVerdict !== verdict && broken !== null && (
          <p className="small pinned-note" data-testid="pinned-witness">
            At {formatMicros(shownVerdict.atMicros)} the history was not {broken.guarantee}; its
            witness stays outlined.{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => seekTo(shownVerdict.atMicros)}
            >
              Go there
            </button>
          </p>
        )}
      </div>
      <div className="history-tools">
        <div className="segmented" role="group" aria-label="Time range">
          {(
            [
              ['all', 'Whole run'],
              ['near', 'Near cursor'],
              ['witness', 'Witness'],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              type="button"
              aria-pressed={zoom === id}
              disabled={id === 'witness' && witness.size === 0}
              onClick={() => setZoom(id)}
            >
              {label}
            </button>
          ))}
        </div>
        <span className="history-key small">
          <span className="h-ok">■</span> {counts.ok} ok <span className="h-fail">■</span>{' '}
          {counts.fail} fail <span className="h-info">■</span> {counts.info} unknown{' '}
          <span className="h-pending">■</span> {counts.pending} open
        </span>
      </div>
      {bars.length === 0 ? (
        <p className="muted">No client operations in the run so far.</p>
      ) : (
        <svg
          className="history-bars"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="group"
          aria-label="Client operations over time, one row per process"
          data-witness={witness.size}
        >
          {ticks.map((t) => (
            <g key={t} className="history-tick">
              <line x1={x(t)} x2={x(t)} y1={AXIS - 4} y2={height} />
              <text x={x(t)} y={10} textAnchor="middle">
                {tickLabel(t, tickStep)}
              </text>
            </g>
          ))}
          {processes.map((p, i) => (
            <text key={p} className="history-row" x={2} y={AXIS + i * ROW_HEIGHT + 10}>
              p{p}
            </text>
          ))}
          <OpRects
            bars={bars}
            processes={processes}
            from={domain[0]}
            to={domain[1]}
            width={width}
            witness={witness}
            lastKnown={lastKnown}
          />
          {now < domain[1] && (
            <rect
              className="history-future"
              x={Math.max(GUTTER, x(now))}
              y={AXIS - 4}
              width={Math.max(0, width - 6 - Math.max(GUTTER, x(now)))}
              height={height}
            />
          )}
          {now >= domain[0] && now <= domain[1] && (
            <line className="history-cursor" x1={x(now)} x2={x(now)} y1={0} y2={height} />
          )}
        </svg>
      )}
      {broken !== null && witness.size > 0 && <WitnessList result={broken} />}
      <p className="muted small">
        Click an op to move the cursor to its call. Veiled: past the cursor (not judged yet).
      </p>
    </div>
  );
}

/** A time tick with as many decimals as the step between ticks needs: "5 s", "1.25 s". */
export function tickLabel(micros: number, stepMicros: number): string {
  let decimals = 0;
  while (decimals < 6 && stepMicros < 1_000_000 / 10 ** decimals - 1e-9) decimals++;
  return `${(micros / 1_000_000).toFixed(decimals)} s`;
}

const NO_EVENTS: readonly HistoryEvent[] = [];

/** The range "Near cursor" shows. */
function nearSpan(duration: number): number {
  return Math.max(50_000, duration / 10);
}

/** The ops' bars: drawn again only when the ops, the range or the witness change (memo). */
const OpRects = memo(function OpRects({
  bars,
  processes,
  from,
  to,
  width,
  witness,
  lastKnown,
}: {
  bars: readonly OpBar[];
  processes: readonly number[];
  from: number;
  to: number;
  width: number;
  witness: ReadonlyMap<number, WitnessOp>;
  lastKnown: number;
}) {
  const x = scaleLinear()
    .domain([from, to])
    .range([GUTTER, width - 6]);
  const rowOf = new Map(processes.map((p, i) => [p, i]));
  // Witness ops are drawn last, on top of their neighbours.
  const visible = bars
    .filter((b) => (b.end ?? lastKnown) >= from && b.start <= to)
    .sort((a, b) => Number(witness.has(a.id)) - Number(witness.has(b.id)));
  return (
    <g>
      {visible.map((b) => {
        const x0 = Math.max(GUTTER, x(b.start));
        const x1 = Math.min(width - 6, x(b.end ?? lastKnown));
        const w = witness.get(b.id);
        const cls = `op h-${b.end === null ? 'pending' : b.outcome}${w ? ' witness' : witness.size > 0 ? ' dim' : ''}`;
        return (
          <rect
            key={b.id}
            className={cls}
            x={x0}
            width={Math.max(w ? 6 : 2, x1 - x0)}
            y={AXIS + (rowOf.get(b.process) ?? 0) * ROW_HEIGHT + 2}
            height={ROW_HEIGHT - 4}
            rx={2}
            data-op={b.id}
            data-start={b.start}
            onClick={() => seekTo(b.start)}
          >
            <title>{`p${b.process}: ${opText(b)} — ${b.end === null ? 'no answer' : b.outcome}, ${formatMicros(b.start)}${b.end !== null ? ` to ${formatMicros(b.end)}` : ''}${w ? ' (in the witness)' : ''}`}</title>
          </rect>
        );
      })}
    </g>
  );
});

function zoomDomain(
  zoom: Zoom,
  now: number,
  end: number,
  witness: ReadonlyMap<number, WitnessOp>,
): [number, number] {
  if (zoom === 'witness' && witness.size > 0) {
    const ops = [...witness.values()];
    const from = Math.min(...ops.map((op) => op.call));
    const to = Math.max(...ops.map((op) => op.return ?? op.call));
    const pad = Math.max(2_000, (to - from) / 4);
    return [Math.max(0, from - pad), to + pad];
  }
  if (zoom === 'near') {
    const span = nearSpan(end);
    const from = Math.max(0, Math.min(end - span, now - span / 2));
    return [from, from + span];
  }
  return [0, end];
}

const WITNESS_SHOWN = 12;

function WitnessList({ result }: { result: GuaranteeResult }) {
  const ops = result.ops ?? [];
  return (
    <div className="witness-list">
      <p className="small">
        <strong>Witness</strong> ({result.guarantee}
        {result.key ? `, key ${describeValue(result.key)}` : ''}): these ops cannot be ordered.
      </p>
      <ol>
        {ops.slice(0, WITNESS_SHOWN).map((op) => (
          <li key={op.id}>
            <button
              type="button"
              className="witness-op"
              onClick={() => seekTo(op.call)}
              title="Move the cursor to this op's call"
            >
              <span className="mono small">p{op.process}</span> {op.description}{' '}
              <span className="muted small mono">
                {formatMicros(op.call)} → {op.return === null ? '?' : formatMicros(op.return)}
              </span>
            </button>
          </li>
        ))}
      </ol>
      {ops.length > WITNESS_SHOWN && (
        <p className="muted small">and {ops.length - WITNESS_SHOWN} more</p>
      )}
    </div>
  );
}
