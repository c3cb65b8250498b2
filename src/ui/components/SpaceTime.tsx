import { scaleLinear } from 'd3';
import { useEffect, useRef, useState } from 'react';
import { REC } from '../../sim/trace';
import { formatMicros } from '../format';
import { lowerBound } from '../playback';
import { currentRun, seekTo } from '../sim-bridge';
import { appStore, useApp } from '../store';
import { messageColor } from './ClusterView';

const GUTTER = 40;
const AXIS = 18;
/** Records drawn at most per frame; past that only faults and notes are drawn. */
const MAX_RECORDS = 30_000;
const MIN_WIDTH = 200;
const DEFAULT_WIDTH = 250_000;

interface Window {
  /** Simulated micros shown across the canvas. */
  width: number;
  /** Left edge when not following the cursor. */
  start: number;
  follow: boolean;
}

/** A theme colour resolved to rgb() (canvas cannot read light-dark() or var()). */
function cssVar(el: HTMLElement, name: string, fallback: string): string {
  el.style.color = `var(${name}, ${fallback})`;
  const color = getComputedStyle(el).color;
  el.style.color = '';
  return color || fallback;
}

/**
 * The space-time (Lamport) diagram: a lane per node, time to the right, an arrow per message,
 * marks for timers, faults and role changes. Wheel to zoom, drag to pan, click to move the
 * cursor. It paints a canvas once per frame, outside React's render.
 */
export function SpaceTime() {
  const runVersion = useApp((s) => s.runVersion);
  const theme = useApp((s) => s.theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 600, h: 160 });
  const [win, setWin] = useState<Window>({ width: DEFAULT_WIDTH, start: 0, follow: true });
  const drag = useRef<{ x: number; start: number; moved: boolean } | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() =>
      setSize({ w: Math.max(100, el.clientWidth), h: Math.max(60, el.clientHeight) }),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  function visibleStart(now: number): number {
    return win.follow ? Math.max(0, now - win.width * 0.75) : win.start;
  }

  function paint() {
    const c = canvas.current;
    const run = currentRun();
    if (!c || !run) return;
    const sim = run.simulation;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(size.w * dpr);
    c.height = Math.round(size.h * dpr);
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, size.w, size.h);
    const muted = cssVar(c, '--text-muted', '#777');
    const border = cssVar(c, '--border', '#ddd');
    const danger = cssVar(c, '--danger', '#c00');
    const accent = cssVar(c, '--accent', '#36c');
    const good = cssVar(c, '--good', '#2b8a3e');
    const warn = cssVar(c, '--warn', '#e67700');

    const n = sim.scenario.nodes;
    const t0 = visibleStart(sim.now);
    const t1 = t0 + win.width;
    const x = scaleLinear()
      .domain([t0, t1])
      .range([GUTTER, size.w - 6]);
    const laneH = (size.h - AXIS - 4) / n;
    const y = (node: number) => AXIS + laneH * (node + 0.5);

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = muted;
    g.strokeStyle = border;
    g.lineWidth = 1;
    for (const tick of x.ticks(Math.max(2, Math.floor(size.w / 110)))) {
      const px = Math.round(x(tick)) + 0.5;
      g.beginPath();
      g.moveTo(px, AXIS - 4);
      g.lineTo(px, size.h);
      g.stroke();
      g.fillText(formatMicros(tick), px + 3, 11);
    }
    const fontSize = Math.min(12, Math.max(8, laneH * 0.8));
    g.font = `${fontSize}px ui-monospace, monospace`;
    for (let node = 0; node < n; node++) {
      g.fillStyle = muted;
      g.fillText(`n${node}`, 6, y(node) + 4);
      g.strokeStyle = border;
      g.beginPath();
      g.moveTo(GUTTER, Math.round(y(node)) + 0.5);
      g.lineTo(size.w, Math.round(y(node)) + 0.5);
      g.stroke();
    }

    const trace = sim.trace;
    if (trace.mode === 'full') {
      const from = lowerBound(trace.at, trace.length, t0 - win.width);
      const to = lowerBound(trace.at, trace.length, t1 + 1);
      const dense = to - from > MAX_RECORDS;
      const roles = run.module.view.roleColors;
      for (let i = dense ? Math.max(from, to - MAX_RECORDS) : from; i < to; i++) {
        const kind = trace.kind[i]!;
        const at = trace.at[i]!;
        const node = trace.node[i]!;
        if (kind === REC.send) {
          const deliverAt = trace.extra[i]!;
          const peer = trace.peer[i]!;
          if (deliverAt < t0 || node < 0 || peer < 0) continue;
          const x0 = x(at);
          const y0 = y(node);
          const x1 = x(deliverAt);
          const y1 = y(peer);
          g.strokeStyle = messageColor(trace.names[trace.name[i]!]!);
          g.globalAlpha = deliverAt > sim.now ? 0.45 : 0.85;
          g.beginPath();
          g.moveTo(x0, y0);
          g.lineTo(x1, y1);
          g.stroke();
          const angle = Math.atan2(y1 - y0, x1 - x0);
          g.beginPath();
          g.moveTo(x1, y1);
          g.lineTo(x1 - 6 * Math.cos(angle - 0.4), y1 - 6 * Math.sin(angle - 0.4));
          g.moveTo(x1, y1);
          g.lineTo(x1 - 6 * Math.cos(angle + 0.4), y1 - 6 * Math.sin(angle + 0.4));
          g.stroke();
          g.globalAlpha = 1;
          continue;
        }
        if (at < t0) continue;
        const px = x(at);
        if (kind === REC.drop) {
          const py = y(node);
          g.strokeStyle = danger;
          g.lineWidth = 1.5;
          g.beginPath();
          g.moveTo(px - 3, py - 3);
          g.lineTo(px + 3, py + 3);
          g.moveTo(px - 3, py + 3);
          g.lineTo(px + 3, py - 3);
          g.stroke();
          g.lineWidth = 1;
        } else if (kind === REC.timer) {
          g.strokeStyle = muted;
          g.beginPath();
          g.moveTo(px, y(node) - laneH * 0.3);
          g.lineTo(px, y(node) + laneH * 0.3);
          g.stroke();
        } else if (kind === REC.crash) {
          g.fillStyle = danger;
          g.fillRect(px - 4, y(node) - 4, 8, 8);
        } else if (kind === REC.restart || kind === REC.amnesia) {
          g.fillStyle = kind === REC.amnesia ? warn : good;
          g.beginPath();
          g.moveTo(px - 4, y(node) + 4);
          g.lineTo(px + 4, y(node) + 4);
          g.lineTo(px, y(node) - 4);
          g.fill();
        } else if (kind === REC.pause || kind === REC.resume) {
          g.fillStyle = warn;
          g.fillRect(px - 1.5, y(node) - 5, 3, 10);
        } else if (kind === REC.note) {
          const color = roles[trace.names[trace.name[i]!]!];
          if (color === undefined) continue;
          g.fillStyle = color;
          g.beginPath();
          g.arc(px, y(node), 4, 0, 2 * Math.PI);
          g.fill();
        } else if (
          kind === REC.partition ||
          kind === REC.heal ||
          kind === REC.cut ||
          kind === REC.uncut ||
          kind === REC.violation
        ) {
          g.strokeStyle = kind === REC.violation ? danger : kind === REC.heal ? good : warn;
          g.setLineDash([3, 3]);
          g.beginPath();
          g.moveTo(px, AXIS);
          g.lineTo(px, size.h);
          g.stroke();
          g.setLineDash([]);
        }
      }
      if (dense) {
        g.fillStyle = muted;
        g.fillText('zoom in to see every message', GUTTER + 4, size.h - 6);
      }
    }
    const cx = Math.round(x(sim.now)) + 0.5;
    g.strokeStyle = accent;
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(cx, AXIS - 4);
    g.lineTo(cx, size.h);
    g.stroke();
    g.lineWidth = 1;
  }
  void runVersion;
  void theme;

  useEffect(() => {
    // Paint on the next frame: after the theme is applied, and once per frame at most.
    const id = requestAnimationFrame(paint);
    return () => cancelAnimationFrame(id);
  });

  function timeAt(clientX: number): number {
    const run = currentRun();
    const c = canvas.current;
    if (!run || !c) return 0;
    const rect = c.getBoundingClientRect();
    const t0 = visibleStart(run.simulation.now);
    const frac = (clientX - rect.left - GUTTER) / Math.max(1, rect.width - GUTTER - 6);
    return Math.max(0, Math.round(t0 + frac * win.width));
  }

  function zoom(factor: number, around?: number) {
    const run = currentRun();
    if (!run) return;
    const now = run.simulation.now;
    const start = visibleStart(now);
    const pivot = around ?? now;
    const width = Math.min(
      run.simulation.scenario.durationMicros,
      Math.max(MIN_WIDTH, Math.round(win.width * factor)),
    );
    const nextStart = Math.max(0, Math.round(pivot - ((pivot - start) * width) / win.width));
    setWin({ width, start: nextStart, follow: win.follow && around === undefined });
  }

  return (
    <section className="panel spacetime" aria-labelledby="spacetime-title">
      <header className="panel-header">
        <h2 id="spacetime-title">Space-time</h2>
        <div className="panel-tools">
          <span className="muted small">{formatMicros(win.width)} wide</span>
          <button type="button" className="small" onClick={() => zoom(0.5)} aria-label="Zoom in">
            +
          </button>
          <button type="button" className="small" onClick={() => zoom(2)} aria-label="Zoom out">
            −
          </button>
          <button
            type="button"
            className="small"
            aria-pressed={win.follow}
            onClick={() =>
              setWin({
                ...win,
                follow: !win.follow,
                start: visibleStart(appStore.getState().lastRun?.now ?? 0),
              })
            }
          >
            Follow cursor
          </button>
        </div>
      </header>
      <div className="spacetime-body" ref={box}>
        <canvas
          ref={canvas}
          style={{ width: size.w, height: size.h }}
          role="img"
          aria-label="Space-time diagram: a lane per node, arrows for messages. Click to move the cursor."
          onWheel={(e) => zoom(e.deltaY > 0 ? 1.25 : 0.8, timeAt(e.clientX))}
          onPointerDown={(e) => {
            const run = currentRun();
            if (!run) return;
            drag.current = { x: e.clientX, start: visibleStart(run.simulation.now), moved: false };
            e.currentTarget.setPointerCapture(e.pointerId);
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (!d) return;
            const dx = e.clientX - d.x;
            if (Math.abs(dx) < 4 && !d.moved) return;
            d.moved = true;
            const perPx = win.width / Math.max(1, size.w - GUTTER - 6);
            setWin({ ...win, follow: false, start: Math.max(0, Math.round(d.start - dx * perPx)) });
          }}
          onPointerUp={(e) => {
            const d = drag.current;
            drag.current = null;
            if (d && !d.moved) seekTo(timeAt(e.clientX));
          }}
        />
      </div>
    </section>
  );
}
