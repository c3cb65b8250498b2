/**
 * What the space-time diagram draws, written once against a small Painter interface: the canvas
 * on screen paints through it every frame, and the SVG export writes the same primitives as
 * elements. So the exported file shows exactly the lanes, arrows and marks of the visible window.
 */
import { scaleLinear } from 'd3';
import { REC } from '../sim/trace';
import { type TraceColumns, lowerBound } from './playback';

export const GUTTER = 40;
export const AXIS = 18;
/** Pixels on the right edge left free. */
export const RIGHT_PAD = 6;
/** Records drawn at most per frame; past that only the latest are drawn. */
export const MAX_RECORDS = 30_000;

export interface SpaceTimeColors {
  readonly background: string;
  readonly text: string;
  readonly muted: string;
  readonly border: string;
  readonly danger: string;
  readonly accent: string;
  readonly good: string;
  readonly warn: string;
}

/** The visible window and the drawing's size in CSS pixels. */
export interface SpaceTimeFrame {
  readonly t0: number;
  readonly width: number;
  readonly w: number;
  readonly h: number;
}

/** The trace columns and facts the diagram reads (Simulation and Trace satisfy this). */
export interface SpaceTimeSource {
  readonly nodes: number;
  readonly now: number;
  readonly trace: TraceColumns & {
    readonly mode: string;
    readonly length: number;
    readonly extra: ArrayLike<number>;
  };
  readonly roleColors: Readonly<Record<string, string>>;
  messageColor(type: string): string;
}

export interface Painter {
  /** A node's lane: its name in the gutter and a line across. */
  lane(
    node: number,
    y: number,
    label: string,
    x0: number,
    x1: number,
    color: string,
    textColor: string,
    fontPx: number,
  ): void;
  /** A time tick: a vertical rule and its label at the top. */
  tick(x: number, label: string, y0: number, y1: number, color: string, textColor: string): void;
  /** A message: a line from send to delivery with an arrow head; alpha < 1 for one in flight. */
  arrow(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    color: string,
    alpha: number,
    title: string,
  ): void;
  /** A short stroke (timer, drop cross), `dash` for a dashed rule. */
  line(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    color: string,
    width: number,
    dash: boolean,
  ): void;
  rect(x: number, y: number, w: number, h: number, color: string): void;
  triangle(x: number, y: number, size: number, color: string): void;
  circle(x: number, y: number, r: number, color: string): void;
  text(x: number, y: number, text: string, color: string): void;
  /** What follows is clipped to the plot (right of the lane names) until endPlot. */
  beginPlot(x: number, y: number, w: number, h: number): void;
  endPlot(): void;
}

export interface PaintResult {
  /** True when the window held more than MAX_RECORDS records and the oldest were skipped. */
  readonly dense: boolean;
}

/** The number of trace records (events) with a time in [t0, t1], up to the cursor. */
export function recordsInWindow(trace: SpaceTimeSource['trace'], t0: number, t1: number): number {
  if (trace.mode !== 'full' || t1 < t0) return 0;
  return lowerBound(trace.at, trace.length, t1 + 1) - lowerBound(trace.at, trace.length, t0);
}

/** Paint the diagram for `frame` through `p`. */
export function paintSpaceTime(
  p: Painter,
  src: SpaceTimeSource,
  frame: SpaceTimeFrame,
  colors: SpaceTimeColors,
): PaintResult {
  const { t0, width, w, h } = frame;
  const t1 = t0 + width;
  const x = scaleLinear()
    .domain([t0, t1])
    .range([GUTTER, w - RIGHT_PAD]);
  const n = src.nodes;
  const laneH = (h - AXIS - 4) / n;
  const y = (node: number) => AXIS + laneH * (node + 0.5);

  for (const t of x.ticks(Math.max(2, Math.floor(w / 110)))) {
    p.tick(Math.round(x(t)) + 0.5, formatTick(t), AXIS - 4, h, colors.border, colors.muted);
  }
  const fontPx = Math.min(12, Math.max(8, laneH * 0.8));
  for (let node = 0; node < n; node++)
    p.lane(
      node,
      Math.round(y(node)) + 0.5,
      `n${node}`,
      GUTTER,
      w,
      colors.border,
      colors.muted,
      fontPx,
    );

  let dense = false;
  const trace = src.trace;
  p.beginPlot(GUTTER, 0, w - GUTTER, h);
  if (trace.mode === 'full') {
    const from = lowerBound(trace.at, trace.length, t0 - width);
    const to = lowerBound(trace.at, trace.length, t1 + 1);
    dense = to - from > MAX_RECORDS;
    const start = dense ? Math.max(from, to - MAX_RECORDS) : from;
    for (let i = start; i < to; i++) paintRecord(p, src, i, x, y, laneH, frame, colors);
    if (dense) p.text(GUTTER + 4, h - 6, 'zoom in to see every message', colors.muted);
  }
  const cx = Math.round(x(src.now)) + 0.5;
  p.line(cx, AXIS - 4, cx, h, colors.accent, 2, false);
  p.endPlot();
  return { dense };
}

/** "1.234 s", or finer when the window is narrow ("1.2345 s"). */
function formatTick(micros: number): string {
  const s = micros / 1_000_000;
  const digits = micros % 1000 === 0 ? 3 : micros % 100 === 0 ? 4 : 6;
  return `${s.toFixed(digits)} s`;
}

function paintRecord(
  p: Painter,
  src: SpaceTimeSource,
  i: number,
  x: (t: number) => number,
  y: (node: number) => number,
  laneH: number,
  frame: SpaceTimeFrame,
  colors: SpaceTimeColors,
): void {
  const trace = src.trace;
  const kind = trace.kind[i]!;
  const at = trace.at[i]!;
  const node = trace.node[i]!;
  if (kind === REC.send) {
    const deliverAt = trace.extra[i]!;
    const peer = trace.peer[i]!;
    if (deliverAt < frame.t0 || node < 0 || peer < 0) return;
    const type = trace.names[trace.name[i]!]!;
    p.arrow(
      x(at),
      y(node),
      x(deliverAt),
      y(peer),
      src.messageColor(type),
      deliverAt > src.now ? 0.45 : 0.85,
      `${type} n${node}→n${peer}`,
    );
    return;
  }
  if (at < frame.t0) return;
  const px = x(at);
  const py = y(node);
  switch (kind) {
    case REC.drop:
      p.line(px - 3, py - 3, px + 3, py + 3, colors.danger, 1.5, false);
      p.line(px - 3, py + 3, px + 3, py - 3, colors.danger, 1.5, false);
      return;
    case REC.timer:
      p.line(px, py - laneH * 0.3, px, py + laneH * 0.3, colors.muted, 1, false);
      return;
    case REC.crash:
      return p.rect(px - 4, py - 4, 8, 8, colors.danger);
    case REC.restart:
    case REC.amnesia:
      return p.triangle(px, py, 4, kind === REC.amnesia ? colors.warn : colors.good);
    case REC.pause:
    case REC.resume:
      return p.rect(px - 1.5, py - 5, 3, 10, colors.warn);
    case REC.note: {
      const color = src.roleColors[trace.names[trace.name[i]!]!];
      if (color !== undefined) p.circle(px, py, 4, color);
      return;
    }
    case REC.partition:
    case REC.heal:
    case REC.cut:
    case REC.uncut:
    case REC.violation: {
      const color =
        kind === REC.violation ? colors.danger : kind === REC.heal ? colors.good : colors.warn;
      p.line(px, AXIS, px, frame.h, color, 1, true);
      return;
    }
  }
}

// ---- Canvas -------------------------------------------------------------------------------

export function canvasPainter(g: CanvasRenderingContext2D): Painter {
  const stroke = (color: string, width: number, dash: boolean) => {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.setLineDash(dash ? [3, 3] : []);
  };
  return {
    lane(_node, y, label, x0, x1, color, textColor, fontPx) {
      stroke(color, 1, false);
      g.beginPath();
      g.moveTo(x0, y);
      g.lineTo(x1, y);
      g.stroke();
      g.font = `${fontPx}px ui-monospace, monospace`;
      g.fillStyle = textColor;
      g.fillText(label, 6, y + 4);
    },
    tick(x, label, y0, y1, color, textColor) {
      stroke(color, 1, false);
      g.beginPath();
      g.moveTo(x, y0);
      g.lineTo(x, y1);
      g.stroke();
      g.font = '11px system-ui, sans-serif';
      g.fillStyle = textColor;
      g.fillText(label, x + 3, 11);
    },
    arrow(x0, y0, x1, y1, color, alpha) {
      stroke(color, 1, false);
      g.globalAlpha = alpha;
      const [a, b] = arrowHead(x0, y0, x1, y1);
      g.beginPath();
      g.moveTo(x0, y0);
      g.lineTo(x1, y1);
      g.moveTo(a[0], a[1]);
      g.lineTo(x1, y1);
      g.lineTo(b[0], b[1]);
      g.stroke();
      g.globalAlpha = 1;
    },
    line(x0, y0, x1, y1, color, width, dash) {
      stroke(color, width, dash);
      g.beginPath();
      g.moveTo(x0, y0);
      g.lineTo(x1, y1);
      g.stroke();
      if (dash) g.setLineDash([]);
    },
    rect(x, y, w, h, color) {
      g.fillStyle = color;
      g.fillRect(x, y, w, h);
    },
    triangle(x, y, size, color) {
      g.fillStyle = color;
      g.beginPath();
      g.moveTo(x - size, y + size);
      g.lineTo(x + size, y + size);
      g.lineTo(x, y - size);
      g.fill();
    },
    circle(x, y, r, color) {
      g.fillStyle = color;
      g.beginPath();
      g.arc(x, y, r, 0, 2 * Math.PI);
      g.fill();
    },
    text(x, y, text, color) {
      g.font = '11px system-ui, sans-serif';
      g.fillStyle = color;
      g.fillText(text, x, y);
    },
    beginPlot(x, y, w, h) {
      g.save();
      g.beginPath();
      g.rect(x, y, w, h);
      g.clip();
    },
    endPlot() {
      g.restore();
    },
  };
}

/** The two outer points of an arrow head at (x1, y1), 6 px long. */
function arrowHead(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): [[number, number], [number, number]] {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  return [
    [x1 - 6 * Math.cos(angle - 0.4), y1 - 6 * Math.sin(angle - 0.4)],
    [x1 - 6 * Math.cos(angle + 0.4), y1 - 6 * Math.sin(angle + 0.4)],
  ];
}

// ---- SVG ----------------------------------------------------------------------------------

/** Text for an XML text node or attribute value. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const r1 = (v: number) => String(Math.round(v * 10) / 10);

/** A painter that writes SVG elements; `svg()` returns the whole standalone document. */
export function svgPainter(
  colors: SpaceTimeColors,
): Painter & { svg(w: number, h: number, title: string): string } {
  const lanes: string[] = [];
  const ticks: string[] = [];
  const marks: string[] = [];
  let plot = '';
  const a = (v: string) => escapeXml(v);
  return {
    lane(node, y, label, x0, x1, color, textColor, fontPx) {
      lanes.push(
        `<g class="lane" data-node="${node}"><line x1="${r1(x0)}" y1="${r1(y)}" x2="${r1(x1)}" y2="${r1(y)}" stroke="${a(color)}"/>` +
          `<text x="6" y="${r1(y + 4)}" font-size="${r1(fontPx)}" font-family="ui-monospace, monospace" fill="${a(textColor)}">${escapeXml(label)}</text></g>`,
      );
    },
    tick(x, label, y0, y1, color, textColor) {
      ticks.push(
        `<line x1="${r1(x)}" y1="${r1(y0)}" x2="${r1(x)}" y2="${r1(y1)}" stroke="${a(color)}"/>` +
          `<text x="${r1(x + 3)}" y="11" fill="${a(textColor)}">${escapeXml(label)}</text>`,
      );
    },
    arrow(x0, y0, x1, y1, color, alpha, title) {
      const [h1, h2] = arrowHead(x0, y0, x1, y1);
      marks.push(
        `<path class="message" d="M${r1(x0)} ${r1(y0)}L${r1(x1)} ${r1(y1)}M${r1(h1[0])} ${r1(h1[1])}L${r1(x1)} ${r1(y1)}L${r1(h2[0])} ${r1(h2[1])}" stroke="${a(color)}" stroke-opacity="${alpha}" fill="none"><title>${escapeXml(title)}</title></path>`,
      );
    },
    line(x0, y0, x1, y1, color, width, dash) {
      marks.push(
        `<line x1="${r1(x0)}" y1="${r1(y0)}" x2="${r1(x1)}" y2="${r1(y1)}" stroke="${a(color)}" stroke-width="${width}"${dash ? ' stroke-dasharray="3 3"' : ''}/>`,
      );
    },
    rect(x, y, w, h, color) {
      marks.push(
        `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(w)}" height="${r1(h)}" fill="${a(color)}"/>`,
      );
    },
    triangle(x, y, size, color) {
      marks.push(
        `<path d="M${r1(x - size)} ${r1(y + size)}L${r1(x + size)} ${r1(y + size)}L${r1(x)} ${r1(y - size)}Z" fill="${a(color)}"/>`,
      );
    },
    circle(x, y, r, color) {
      marks.push(`<circle cx="${r1(x)}" cy="${r1(y)}" r="${r}" fill="${a(color)}"/>`);
    },
    text(x, y, text, color) {
      marks.push(`<text x="${r1(x)}" y="${r1(y)}" fill="${a(color)}">${escapeXml(text)}</text>`);
    },
    beginPlot(x, y, w, h) {
      plot = `<clipPath id="plot"><rect x="${r1(x)}" y="${r1(y)}" width="${r1(w)}" height="${r1(h)}"/></clipPath>`;
    },
    endPlot() {},
    svg(w, h, title) {
      return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="system-ui, sans-serif" font-size="11">`,
        `<title>${escapeXml(title)}</title>`,
        `<rect width="100%" height="100%" fill="${a(colors.background)}"/>`,
        `<g class="ticks">${ticks.join('')}</g>`,
        `<g class="lanes">${lanes.join('')}</g>`,
        `<defs>${plot}</defs>`,
        `<g class="marks"${plot ? ' clip-path="url(#plot)"' : ''}>${marks.join('')}</g>`,
        '</svg>',
        '',
      ].join('\n');
    },
  };
}
