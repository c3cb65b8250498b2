import { useEffect, useRef, useState } from 'react';
import { canvasPng, resolvedColor, setSpaceTimeExporter } from '../diagram-export';
import { formatCount, formatMicros } from '../format';
import { currentRun, seekTo } from '../sim-bridge';
import {
  GUTTER,
  RIGHT_PAD,
  type SpaceTimeColors,
  type SpaceTimeFrame,
  type SpaceTimeSource,
  canvasPainter,
  paintSpaceTime,
  recordsInWindow,
  svgPainter,
} from '../spacetime-paint';
import { appStore, useApp } from '../store';
import { messageColor } from './ClusterView';

const MIN_WIDTH = 200;
const DEFAULT_WIDTH = 250_000;
/** A drag shorter than this (px) is a click. */
const CLICK_SLOP = 4;

interface Window {
  /** Simulated micros shown across the canvas. */
  width: number;
  /** Left edge when not following the cursor. */
  start: number;
  follow: boolean;
}

type Drag =
  | { kind: 'pan'; x: number; start: number; moved: boolean }
  | { kind: 'brush'; x: number; to: number; moved: boolean };

function themeColors(el: HTMLElement): SpaceTimeColors {
  return {
    background: resolvedColor(el, '--surface', '#fff'),
    text: resolvedColor(el, '--text', '#222'),
    muted: resolvedColor(el, '--text-muted', '#777'),
    border: resolvedColor(el, '--border', '#ddd'),
    danger: resolvedColor(el, '--danger', '#c00'),
    accent: resolvedColor(el, '--accent', '#36c'),
    good: resolvedColor(el, '--good', '#2b8a3e'),
    warn: resolvedColor(el, '--warn', '#e67700'),
  };
}

function source(): SpaceTimeSource | null {
  const run = currentRun();
  if (!run) return null;
  const sim = run.simulation;
  return {
    nodes: sim.scenario.nodes,
    now: sim.now,
    trace: sim.trace,
    roleColors: run.module.view.roleColors,
    messageColor,
  };
}

/**
 * The space-time (Lamport) diagram: a lane per node, time to the right, an arrow per message,
 * marks for timers, faults and role changes. Wheel to zoom, drag to pan, shift-drag (or the
 * Brush mode) to select a window and zoom to it, double-click to reset, click to move the
 * cursor. It paints a canvas once per frame, outside React's render.
 */
export function SpaceTime() {
  const runVersion = useApp((s) => s.runVersion);
  const theme = useApp((s) => s.theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 600, h: 160 });
  const [win, setWin] = useState<Window>({ width: DEFAULT_WIDTH, start: 0, follow: true });
  const [brushMode, setBrushMode] = useState(false);
  const [drag, setDrag] = useState<Drag | null>(null);
  const presenter = useApp((s) => s.presenter);
  const palette = useRef<{ key: string; colors: SpaceTimeColors } | null>(null);

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

  function frameNow(): SpaceTimeFrame | null {
    const run = currentRun();
    if (!run) return null;
    return { t0: visibleStart(run.simulation.now), width: win.width, w: size.w, h: size.h };
  }

  function paint() {
    const c = canvas.current;
    const src = source();
    const frame = frameNow();
    if (!c || !src || !frame) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(size.w * dpr);
    c.height = Math.round(size.h * dpr);
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    // Resolving theme colours forces a style recalculation: once per theme, not per frame.
    const dark = theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches;
    const key = `${theme}:${dark}:${presenter}`;
    if (palette.current?.key !== key) palette.current = { key, colors: themeColors(c) };
    const colors = palette.current.colors;
    // An opaque background, so the PNG export stands alone in either theme.
    g.fillStyle = colors.background;
    g.fillRect(0, 0, size.w, size.h);
    paintSpaceTime(canvasPainter(g), src, frame, colors);
  }
  void runVersion;
  void theme;

  useEffect(() => {
    // Paint on the next frame: after the theme is applied, and once per frame at most.
    const id = requestAnimationFrame(paint);
    return () => cancelAnimationFrame(id);
  });

  useEffect(() => {
    setSpaceTimeExporter({
      svg() {
        const c = canvas.current;
        const src = source();
        const frame = frameNow();
        if (!c || !src || !frame) throw new Error('the space-time diagram is not on screen');
        const colors = themeColors(c);
        const painter = svgPainter(colors);
        paintSpaceTime(painter, src, frame, colors);
        const end = frame.t0 + frame.width;
        return painter.svg(
          frame.w,
          frame.h,
          `splitbrain space-time diagram, ${formatMicros(frame.t0)} to ${formatMicros(end)}`,
        );
      },
      png() {
        const c = canvas.current;
        if (!c) return Promise.reject(new Error('the space-time diagram is not on screen'));
        paint();
        return canvasPng(c);
      },
    });
    return () => setSpaceTimeExporter(null);
  });

  function timeAt(clientX: number): number {
    const run = currentRun();
    const c = canvas.current;
    if (!run || !c) return 0;
    const rect = c.getBoundingClientRect();
    const t0 = visibleStart(run.simulation.now);
    const frac = (clientX - rect.left - GUTTER) / Math.max(1, rect.width - GUTTER - RIGHT_PAD);
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

  function zoomTo(a: number, b: number) {
    const from = Math.max(0, Math.min(a, b));
    const width = Math.max(MIN_WIDTH, Math.abs(b - a));
    setWin({ width, start: from, follow: false });
  }

  function resetZoom() {
    setWin({ width: DEFAULT_WIDTH, start: 0, follow: true });
  }

  const run = currentRun();
  const now = run?.simulation.now ?? 0;
  const t0 = visibleStart(now);
  const events = run ? recordsInWindow(run.simulation.trace, t0, t0 + win.width) : 0;
  const brush = drag?.kind === 'brush' && drag.moved ? drag : null;
  const pxPerMicro = (size.w - GUTTER - RIGHT_PAD) / win.width;
  const brushLeft = brush ? GUTTER + (Math.min(brush.x, brush.to) - t0) * pxPerMicro : 0;
  const brushWidth = brush ? Math.abs(brush.to - brush.x) * pxPerMicro : 0;

  return (
    <section className="panel spacetime" aria-labelledby="spacetime-title">
      <header className="panel-header">
        <h2 id="spacetime-title">Space-time</h2>
        <div className="panel-tools">
          <span className="muted small mono" data-testid="spacetime-window">
            {win.follow
              ? `${formatMicros(win.width)} wide`
              : `${formatMicros(t0)} – ${formatMicros(t0 + win.width)}`}
            {' · '}
            {formatCount(events)} event{events === 1 ? '' : 's'}
          </span>
          <button type="button" className="small" onClick={() => zoom(0.5)} aria-label="Zoom in">
            +
          </button>
          <button type="button" className="small" onClick={() => zoom(2)} aria-label="Zoom out">
            −
          </button>
          <button
            type="button"
            className="small"
            aria-pressed={brushMode}
            onClick={() => setBrushMode(!brushMode)}
            title="Drag across the diagram to zoom to a time window (or hold Shift while dragging)"
          >
            Brush
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
      <div className={`spacetime-body${brushMode ? ' brushing' : ''}`} ref={box}>
        <canvas
          ref={canvas}
          style={{ width: size.w, height: size.h }}
          role="img"
          aria-label="Space-time diagram: a lane per node, arrows for messages. Click to move the cursor, shift-drag to zoom to a window, double-click to reset the zoom."
          onWheel={(e) => zoom(e.deltaY > 0 ? 1.25 : 0.8, timeAt(e.clientX))}
          onDoubleClick={resetZoom}
          onPointerDown={(e) => {
            if (!currentRun() || e.button !== 0) return;
            e.currentTarget.setPointerCapture(e.pointerId);
            if (brushMode || e.shiftKey) {
              const at = timeAt(e.clientX);
              setDrag({ kind: 'brush', x: at, to: at, moved: false });
            } else {
              setDrag({ kind: 'pan', x: e.clientX, start: t0, moved: false });
            }
          }}
          onPointerMove={(e) => {
            const d = drag;
            if (!d) return;
            if (d.kind === 'brush') {
              const to = timeAt(e.clientX);
              const moved = d.moved || Math.abs(to - d.x) * pxPerMicro >= CLICK_SLOP;
              setDrag({ ...d, to, moved });
              return;
            }
            const dx = e.clientX - d.x;
            if (Math.abs(dx) < CLICK_SLOP && !d.moved) return;
            if (!d.moved) setDrag({ ...d, moved: true });
            const perPx = win.width / Math.max(1, size.w - GUTTER - RIGHT_PAD);
            setWin({ ...win, follow: false, start: Math.max(0, Math.round(d.start - dx * perPx)) });
          }}
          onPointerUp={(e) => {
            const d = drag;
            setDrag(null);
            if (d === null) return;
            if (d.kind === 'brush' && d.moved) zoomTo(d.x, timeAt(e.clientX));
            else if (!d.moved) seekTo(timeAt(e.clientX));
          }}
          onPointerCancel={() => setDrag(null)}
        />
        {brush && (
          <div
            className="brush-rect"
            style={{ left: brushLeft, width: brushWidth }}
            aria-hidden="true"
          />
        )}
      </div>
    </section>
  );
}
