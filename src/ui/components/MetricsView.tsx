import { line, scaleLinear, scaleLog, schemeTableau10 } from 'd3';
import { type PointerEvent as ReactPointerEvent, memo, useMemo, useRef, useState } from 'react';
import { formatMicros } from '../format';
import { type MetricsRecorder, OTHER_TYPE } from '../metrics';
import { currentMarkers, currentMetrics, currentRun, seekTo } from '../sim-bridge';
import { useApp } from '../store';
import { useWidth } from '../use-width';
import { messageColor } from '../message-color';

/** One line of a chart: values at indices 0..n-1, NaN for a gap. */
interface LineSeries {
  readonly name: string;
  readonly color: string;
  readonly values: ArrayLike<number>;
  readonly dashed?: boolean;
  /** Hold the value until the next sample (states), rather than join the points. */
  readonly step?: boolean;
  /** Also mark every sample with a dot (sparse series: a lone sample draws no line). */
  readonly dots?: boolean;
}

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** A one-line summary shown when the pointer is not over the chart. */
  readonly summary: string;
  readonly series: readonly LineSeries[];
  /** Simulated time of index k. */
  readonly timeOf: (k: number) => number;
  readonly length: number;
  readonly format: (value: number) => string;
  /** Times marked by a tick along the top (leader changes). */
  readonly marks?: readonly { at: number; label: string }[];
  /** Show a legend (off when every series is named in the summary). */
  readonly legend: boolean;
  /** Whole numbers only (terms, indices): no fractional ticks. */
  readonly integer?: boolean;
  /** A logarithmic value axis (latencies: a few slow ops would flatten the rest). */
  readonly log?: boolean;
}

const CHART_HEIGHT = 88;
const MARGIN = { left: 40, right: 8, top: 8, bottom: 16 };
/** Lines of message types drawn; the rest are summed into one "other" line. */
const MAX_TYPE_LINES = 7;
/** Series per protocol chart. */
const MAX_LINES = 16;

export const nodeColor = (node: number): string => schemeTableau10[node % 10]!;

function compact(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const trim = (text: string) => text.replace(/\.0$/, '');
  if (abs >= 1e6) return `${trim((value / 1e6).toFixed(abs >= 1e7 ? 0 : 1))}M`;
  if (abs >= 1e3) return `${trim((value / 1e3).toFixed(abs >= 1e4 ? 0 : 1))}k`;
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(abs >= 10 ? 0 : 1);
}

const seconds = (micros: number) => `${compact(micros / 1e6)} s`;

function sumOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum;
}

/**
 * Counts per bucket as a rate, averaged over `window` buckets centred on each: periodic traffic
 * (heartbeats every 50 ms) would otherwise alias into a comb at the buckets' resolution.
 */
function smoothedRate(counts: ArrayLike<number>, factor: number, window: number): Float64Array {
  const out = new Float64Array(counts.length);
  const half = Math.floor(window / 2);
  let sum = 0;
  let lo = 0;
  let hi = -1;
  for (let k = 0; k < counts.length; k++) {
    const from = Math.max(0, k - half);
    const to = Math.min(counts.length - 1, k + half);
    while (hi < to) sum += counts[++hi]!;
    while (lo < from) sum -= counts[lo++]!;
    out[k] = (sum / (to - from + 1)) * factor;
  }
  return out;
}

/** Buckets averaged for the rate lines: about a sixtieth of the run. */
function rateWindow(m: MetricsRecorder): number {
  return Math.max(1, Math.round(m.buckets / 60) | 1);
}

function messageChart(m: MetricsRecorder): ChartSpec {
  const perSecond = 1e6 / m.interval;
  const window = rateWindow(m);
  const rate = (counts: ArrayLike<number>) => smoothedRate(counts, perSecond, window);
  const types = m.messageTypes();
  const shown = types.slice(0, MAX_TYPE_LINES - (types.length > MAX_TYPE_LINES ? 1 : 0));
  const rest = types.slice(shown.length);
  const series: LineSeries[] = shown.map((type) => ({
    name: type,
    color: type === OTHER_TYPE ? 'var(--text-muted)' : messageColor(type),
    values: rate(m.sends.get(type)!),
  }));
  if (rest.length > 0) {
    const other = new Float64Array(m.buckets);
    for (const type of rest) {
      const counts = m.sends.get(type)!;
      for (let k = 0; k < other.length; k++) other[k] += counts[k]!;
    }
    series.push({ name: `${rest.length} more`, color: 'var(--text-muted)', values: rate(other) });
  }
  const dropped = sumOf(m.drops);
  if (dropped > 0)
    series.push({
      name: 'dropped',
      color: 'var(--danger)',
      values: rate(m.drops),
      dashed: true,
    });
  let sent = 0;
  for (const counts of m.sends.values()) sent += sumOf(counts);
  return {
    id: 'messages',
    title: 'Messages per second',
    summary: `${compact(sent)} sent · ${compact(dropped)} dropped · averaged over ${formatMicros(window * m.interval)}`,
    series,
    timeOf: (k) => (k + 0.5) * m.interval,
    length: m.buckets,
    format: (v) => `${compact(v)}/s`,
    legend: true,
  };
}

function latencyChart(m: MetricsRecorder): ChartSpec {
  const mean = new Float64Array(m.buckets);
  const worst = new Float64Array(m.buckets);
  for (let k = 0; k < m.buckets; k++) {
    const n = m.completed[k]!;
    mean[k] = n > 0 ? m.latencySum[k]! / n / 1000 : NaN;
    worst[k] = n > 0 ? m.latencyMax[k]! / 1000 : NaN;
  }
  const done = sumOf(m.completed);
  const average = done > 0 ? sumOf(m.latencySum) / done / 1000 : NaN;
  return {
    id: 'latency',
    title: 'Client latency (ms)',
    summary:
      done === 0
        ? 'no client op completed'
        : `${compact(done)} answered · mean ${compact(average)} ms · ${compact(sumOf(m.failed))} failed · ${compact(sumOf(m.unknown))} unknown`,
    series: [
      { name: 'max', color: 'var(--warn)', values: worst, dots: true },
      { name: 'mean', color: 'var(--accent)', values: mean, dots: true },
    ],
    timeOf: (k) => (k + 0.5) * m.interval,
    length: m.buckets,
    format: (v) => `${compact(v)} ms`,
    legend: true,
    log: true,
  };
}

function termChart(m: MetricsRecorder, roles: readonly string[]): ChartSpec | null {
  if (!m.terms.some((values) => values.some((v) => !Number.isNaN(v)))) return null;
  const leaders = currentMarkers().filter((mk) => mk.kind === 'leader');
  return {
    id: 'term',
    title: 'Term (view, epoch) per node',
    summary: roles.includes('leader')
      ? `${leaders.length} leader change${leaders.length === 1 ? '' : 's'} (ticks along the top)`
      : 'the number each node counts its eras by',
    series: m.terms.map((values, node) => ({
      name: `n${node}`,
      color: nodeColor(node),
      values,
      step: true,
    })),
    timeOf: (k) => k * m.interval,
    length: m.buckets + 1,
    format: (v) => `term ${compact(v)}`,
    marks: leaders.map((mk) => ({ at: mk.at, label: mk.label })),
    legend: m.terms.length <= 12,
    integer: true,
  };
}

/** The protocol's series, one chart per name family ("commit n0", "commit n1" -> "commit"). */
function protocolCharts(m: MetricsRecorder): ChartSpec[] {
  const families = new Map<string, [string, Float64Array][]>();
  for (const [name, values] of m.series) {
    const family = name.replace(/\s+n\d+$/, '');
    if (!families.has(family)) families.set(family, []);
    families.get(family)!.push([name, values]);
  }
  return [...families].map(([family, members]) => ({
    id: `protocol-${family}`,
    title: family === members[0]![0] && members.length === 1 ? family : `${family} per node`,
    summary: `the protocol's own series (${members.length})`,
    series: members.slice(0, MAX_LINES).map(([name, values], i) => {
      const node = /n(\d+)$/.exec(name);
      return {
        name,
        color: node ? nodeColor(Number(node[1])) : schemeTableau10[i % 10]!,
        values,
        step: true,
      };
    }),
    timeOf: (k) => k * m.interval,
    length: m.buckets + 1,
    format: compact,
    legend: members.length <= 12,
    integer: true,
  }));
}

function chartSpecs(m: MetricsRecorder, roles: readonly string[]): ChartSpec[] {
  const term = termChart(m, roles);
  return [messageChart(m), latencyChart(m), ...(term === null ? [] : [term]), ...protocolCharts(m)];
}

/**
 * Small charts over the run's time: messages per second by type, client latency, each node's
 * term with leader changes, and the protocol's own series (ProtocolView.metrics). They are
 * sampled along the run as the cursor moves (metrics.ts); a line marks the cursor, the known
 * future past it is veiled, and a click or a drag moves the cursor.
 */
export function MetricsView() {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const duration = useApp((s) => s.durationMicros);
  // Repaint when the cursor moves by a pixel while playing; on every change otherwise.
  const tick = useApp((s) =>
    s.playing
      ? `p${Math.round(((s.lastRun?.now ?? 0) * width) / Math.max(1, duration))}`
      : `v${s.runVersion}`,
  );
  const run = currentRun();
  const metrics = currentMetrics();
  const version = metrics?.version ?? -1;
  const roles = run === null ? null : run.module.view.roleColors;
  const specs = useMemo(
    () => (metrics === null || roles === null ? [] : chartSpecs(metrics, Object.keys(roles))),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the recorder mutates; version tracks it
    [metrics, version, roles],
  );
  if (run === null || metrics === null) return <div ref={box} />;
  const now = run.simulation.now;
  return (
    <div className="metrics" ref={box} data-tick={tick}>
      <p className="muted small">
        Sampled every {formatMicros(metrics.interval)} of simulated time. Click or drag a chart to
        move the cursor.
      </p>
      {specs.map((spec) => (
        <Chart
          key={spec.id}
          spec={spec}
          width={width}
          duration={Math.max(1, duration)}
          now={now}
          end={run.simulation.scenario.durationMicros}
        />
      ))}
    </div>
  );
}

/** The value axis of a chart: linear from zero (or log for latencies). */
function valueScale(spec: ChartSpec) {
  let top = 0;
  let bottom = Infinity;
  for (const s of spec.series)
    for (let k = 0; k < s.values.length; k++) {
      const v = s.values[k]!;
      if (Number.isNaN(v)) continue;
      top = Math.max(top, v);
      bottom = Math.min(bottom, v);
    }
  const range = [CHART_HEIGHT - MARGIN.bottom, MARGIN.top];
  if (spec.log)
    return scaleLog()
      .domain([Math.max(0.1, Math.min(bottom, top / 10)), Math.max(1, top)])
      .nice()
      .range(range)
      .clamp(true);
  return scaleLinear()
    .domain([spec.integer && bottom !== Infinity ? Math.min(bottom, 0) : 0, top || 1])
    .nice(3)
    .range(range);
}

function timeScale(width: number, duration: number) {
  return scaleLinear()
    .domain([0, duration])
    .range([MARGIN.left, width - MARGIN.right]);
}

function linePath(
  spec: ChartSpec,
  s: LineSeries,
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  if (!s.step)
    return (
      line<number>()
        .defined((k) => !Number.isNaN(s.values[k]!))
        .x((k) => x(spec.timeOf(k)))
        .y((k) => y(s.values[k]!))(Array.from({ length: spec.length }, (_, k) => k)) ?? ''
    );
  // A step line: hold each sample until the next one.
  return (
    line<number>()
      .defined((k) => !Number.isNaN(s.values[Math.floor(k / 2)]!))
      .x((k) => x(spec.timeOf(Math.min(spec.length - 1, Math.floor(k / 2) + (k % 2)))))
      .y((k) => y(s.values[Math.floor(k / 2)]!))(
      Array.from({ length: spec.length * 2 - 1 }, (_, k) => k),
    ) ?? ''
  );
}

/**
 * Axes, lines, dots and marks: drawn again only when the data or the size change (memo), not
 * when the cursor moves.
 */
const ChartPlot = memo(function ChartPlot({
  spec,
  width,
  duration,
}: {
  spec: ChartSpec;
  width: number;
  duration: number;
}) {
  const x = timeScale(width, duration);
  const y = valueScale(spec);
  const yTicks = spec.log
    ? y.ticks(4).filter((t) => Number.isInteger(Math.log10(t)))
    : y.ticks(3).filter((t) => !spec.integer || Number.isInteger(t));
  return (
    <g>
      {yTicks.map((t) => (
        <g key={t} className="chart-grid">
          <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
          <text x={MARGIN.left - 4} y={y(t) + 3} textAnchor="end">
            {compact(t)}
          </text>
        </g>
      ))}
      {x.ticks(Math.max(2, Math.floor(width / 90))).map((t) => (
        <text
          key={t}
          className="chart-axis"
          x={x(t)}
          y={CHART_HEIGHT - 3}
          textAnchor={t === 0 ? 'start' : x(t) > width - 30 ? 'end' : 'middle'}
        >
          {seconds(t)}
        </text>
      ))}
      {spec.series.map((s) => (
        <path
          key={s.name}
          d={linePath(spec, s, x, y)}
          className="chart-line"
          style={{ stroke: s.color }}
          strokeDasharray={s.dashed ? '3 3' : undefined}
          data-series={s.name}
        />
      ))}
      {spec.series.map((s) =>
        s.dots ? (
          <g key={`dots-${s.name}`} style={{ fill: s.color }} className="chart-dots">
            {Array.from({ length: spec.length }, (_, k) => k)
              .filter((k) => !Number.isNaN(s.values[k]!))
              .map((k) => (
                <circle key={k} cx={x(spec.timeOf(k))} cy={y(s.values[k]!)} r={1.6} />
              ))}
          </g>
        ) : null,
      )}
      {spec.marks?.map((mark, i) => (
        <line
          key={i}
          className="chart-mark"
          x1={x(mark.at)}
          x2={x(mark.at)}
          y1={MARGIN.top - 6}
          y2={MARGIN.top + 2}
        >
          <title>{`${mark.label} at ${formatMicros(mark.at)}`}</title>
        </line>
      ))}
    </g>
  );
});

function Chart({
  spec,
  width,
  duration,
  now,
  end,
}: {
  spec: ChartSpec;
  width: number;
  duration: number;
  now: number;
  end: number;
}) {
  const [hover, setHover] = useState<number | null>(null);
  const dragging = useRef(false);
  const x = timeScale(width, duration);

  function timeAt(event: ReactPointerEvent<SVGSVGElement>): number {
    const rect = event.currentTarget.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / Math.max(1, rect.width)) * width;
    return Math.min(duration, Math.max(0, Math.round(x.invert(px))));
  }

  function indexAt(t: number): number {
    let best = 0;
    for (let k = 1; k < spec.length; k++)
      if (Math.abs(spec.timeOf(k) - t) < Math.abs(spec.timeOf(best) - t)) best = k;
    return best;
  }

  const cursorX = x(Math.min(now, duration));
  const readout =
    hover === null
      ? spec.summary
      : `${formatMicros(spec.timeOf(hover))}: ${spec.series
          .map((s) => ({ name: s.name, v: s.values[hover]! }))
          .filter((e) => !Number.isNaN(e.v))
          .sort((a, b) => b.v - a.v)
          .slice(0, 4)
          .map((e) => `${e.name} ${spec.format(e.v)}`)
          .join(' · ')}`;
  return (
    <figure className="chart" data-chart={spec.id}>
      <figcaption>
        <span className="chart-title">{spec.title}</span>
        <span
          className="chart-readout muted small"
          data-testid={`readout-${spec.id}`}
          title={readout}
        >
          {readout}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${CHART_HEIGHT}`}
        width={width}
        height={CHART_HEIGHT}
        role="img"
        aria-label={`${spec.title}: ${spec.summary}. Click to move the cursor.`}
        onPointerDown={(e) => {
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          seekTo(timeAt(e));
        }}
        onPointerMove={(e) => {
          const t = timeAt(e);
          setHover(indexAt(t));
          if (dragging.current) seekTo(t);
        }}
        onPointerUp={() => {
          dragging.current = false;
        }}
        onPointerLeave={() => setHover(null)}
      >
        <ChartPlot spec={spec} width={width} duration={duration} />
        {now < end && (
          <rect
            className="chart-future"
            x={cursorX}
            y={0}
            width={Math.max(0, width - MARGIN.right - cursorX)}
            height={CHART_HEIGHT - MARGIN.bottom}
          />
        )}
        {hover !== null && (
          <line
            className="chart-hover"
            x1={x(spec.timeOf(hover))}
            x2={x(spec.timeOf(hover))}
            y1={MARGIN.top}
            y2={CHART_HEIGHT - MARGIN.bottom}
          />
        )}
        <line
          className="chart-cursor"
          x1={cursorX}
          x2={cursorX}
          y1={0}
          y2={CHART_HEIGHT - MARGIN.bottom}
        />
      </svg>
      {spec.legend && spec.series.length > 1 && (
        <ul className="chart-legend">
          {spec.series.map((s) => (
            <li key={s.name}>
              <span
                className={`swatch${s.dashed ? ' dashed' : ''}`}
                style={{ background: s.color }}
              />
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
