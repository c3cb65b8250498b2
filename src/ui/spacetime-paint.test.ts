import { describe, expect, it } from 'vitest';
import { broadcast } from '../protocols/broadcast';
import { defaultScenario } from '../sim/scenario';
import { Simulation } from '../sim/simulation';
import { REC } from '../sim/trace';
import {
  type Painter,
  type SpaceTimeColors,
  type SpaceTimeSource,
  escapeXml,
  paintSpaceTime,
  recordsInWindow,
  svgPainter,
} from './spacetime-paint';

const COLORS: SpaceTimeColors = {
  background: 'rgb(255, 255, 255)',
  text: 'rgb(0, 0, 0)',
  muted: 'rgb(90, 90, 90)',
  border: 'rgb(220, 220, 220)',
  danger: 'rgb(200, 0, 0)',
  accent: 'rgb(50, 90, 220)',
  good: 'rgb(40, 140, 60)',
  warn: 'rgb(230, 120, 0)',
};

/** A hand-made trace: records as [kind, at, node, peer, name, extra]. */
function source(
  nodes: number,
  now: number,
  names: string[],
  records: [number, number, number, number, number, number][],
): SpaceTimeSource {
  const col = (k: number) => records.map((r) => r[k]!);
  return {
    nodes,
    now,
    trace: {
      mode: 'full',
      length: records.length,
      kind: col(0),
      at: col(1),
      node: col(2),
      peer: col(3),
      name: col(4),
      value: records.map(() => 0),
      extra: col(5),
      names,
    },
    roleColors: { leader: 'rgb(0, 160, 0)' },
    messageColor: () => 'rgb(10, 20, 30)',
  };
}

/** Counts each primitive a painter is asked for. */
function countingPainter(): Painter & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const count = (name: string) => () => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  return {
    calls,
    lane: count('lane'),
    tick: count('tick'),
    arrow: count('arrow'),
    line: count('line'),
    rect: count('rect'),
    triangle: count('triangle'),
    circle: count('circle'),
    text: count('text'),
    beginPlot: count('beginPlot'),
    endPlot: count('endPlot'),
  };
}

const FRAME = { t0: 0, width: 1_000, w: 400, h: 120 };

describe('the space-time diagram draws what the trace holds in the window', () => {
  const src = source(
    3,
    600,
    ['Ping', 'leader'],
    [
      [REC.send, 100, 0, 1, 0, 300],
      [REC.deliver, 300, 1, 0, 0, 0],
      [REC.send, 400, 1, 2, 0, 900],
      [REC.crash, 500, 2, -1, 0, 0],
      [REC.note, 550, 0, -1, 1, 1],
      [REC.heal, 580, -1, -1, 0, 0],
    ],
  );

  it('a lane per node, an arrow per message, a mark per fault and role change', () => {
    const p = countingPainter();
    paintSpaceTime(p, src, FRAME, COLORS);
    expect(p.calls.lane).toBe(3);
    expect(p.calls.arrow).toBe(2);
    expect(p.calls.rect).toBe(1);
    expect(p.calls.circle).toBe(1);
    // The heal's dashed rule and the cursor.
    expect(p.calls.line).toBe(2);
    expect(p.calls.beginPlot).toBe(1);
    expect(p.calls.endPlot).toBe(1);
  });

  it('a window after the records draws the lanes and the cursor only', () => {
    const p = countingPainter();
    paintSpaceTime(p, src, { ...FRAME, t0: 5_000 }, COLORS);
    expect(p.calls.lane).toBe(3);
    expect(p.calls.arrow).toBeUndefined();
    expect(p.calls.line).toBe(1);
  });

  it('the window count is the records whose time is inside it', () => {
    expect(recordsInWindow(src.trace, 0, 1_000)).toBe(6);
    expect(recordsInWindow(src.trace, 300, 500)).toBe(3);
    expect(recordsInWindow(src.trace, 601, 1_000)).toBe(0);
    expect(recordsInWindow(src.trace, 500, 400)).toBe(0);
  });
});

describe('the SVG export', () => {
  it('is a standalone document with the lanes named and every text escaped', () => {
    const hostile = source(
      2,
      500,
      ['<script>alert("x")</script>&'],
      [[REC.send, 100, 0, 1, 0, 300]],
    );
    const painter = svgPainter(COLORS);
    paintSpaceTime(painter, hostile, FRAME, COLORS);
    const svg = painter.svg(400, 120, 'a "title" <b>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120"')).toBe(
      true,
    );
    expect(svg).toContain('<title>a &quot;title&quot; &lt;b&gt;</title>');
    expect(svg.match(/<g class="lane" data-node="\d+">/g)).toHaveLength(2);
    expect(svg).toContain('>n0</text>');
    expect(svg).toContain('>n1</text>');
    expect(svg.match(/<path class="message"/g)).toHaveLength(1);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
    expect(svg).toContain('clip-path="url(#plot)"');
  });

  it('draws the same primitives as the canvas would, for a real run', () => {
    const sim = new Simulation(defaultScenario(broadcast, 'svg'), broadcast);
    sim.runUntil(500_000);
    const src: SpaceTimeSource = {
      nodes: sim.scenario.nodes,
      now: sim.now,
      trace: sim.trace,
      roleColors: broadcast.view.roleColors,
      messageColor: () => 'rgb(1, 2, 3)',
    };
    const frame = { t0: 250_000, width: 250_000, w: 800, h: 160 };
    const counted = countingPainter();
    paintSpaceTime(counted, src, frame, COLORS);
    const painter = svgPainter(COLORS);
    paintSpaceTime(painter, src, frame, COLORS);
    const svg = painter.svg(800, 160, 'run');
    expect(counted.calls.arrow).toBeGreaterThan(0);
    expect(svg.match(/<path class="message"/g)).toHaveLength(counted.calls.arrow!);
  });

  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
  });
});
