import { arc, scaleOrdinal, schemeTableau10 } from 'd3';
import { type KeyboardEvent as ReactKeyboardEvent, useEffect, useRef, useState } from 'react';
import { REC } from '../../sim/trace';
import type { FaultAction } from '../../sim/types';
import { messageProgress, timerRemaining } from '../playback';
import { act, currentRun } from '../sim-bridge';
import { useApp } from '../store';

/** The drawing's size follows its box; the ring fills it. */
interface Frame {
  readonly w: number;
  readonly h: number;
}
/** Drops stay visible (fading) for this long in simulated time. */
const DROP_WINDOW_MICROS = 40_000;

export const messageColor = scaleOrdinal<string, string>(schemeTableau10);

interface Point {
  x: number;
  y: number;
}

/** The ring is an ellipse that fills the box (not flatter than 5:3). */
function radii(frame: Frame): { rx: number; ry: number } {
  const ry = Math.max(50, frame.h / 2 - 44);
  const rx = Math.max(50, Math.min(frame.w / 2 - 120, ry * 1.7));
  return { rx, ry };
}

export function layout(count: number, frame: Frame): Point[] {
  const cx = frame.w / 2;
  const cy = frame.h / 2 - 6;
  const { rx, ry } = radii(frame);
  if (count === 1) return [{ x: cx, y: cy }];
  return Array.from({ length: count }, (_, i) => {
    const angle = (2 * Math.PI * i) / count - Math.PI / 2;
    return { x: cx + rx * Math.cos(angle), y: cy + ry * Math.sin(angle) };
  });
}

function nodeRadius(count: number, frame: Frame): number {
  const { rx, ry } = radii(frame);
  if (count <= 1) return 30;
  return Math.max(9, Math.min(30, Math.min(rx, ry) * Math.sin(Math.PI / count) * 0.6));
}

function along(from: Point, to: Point, p: number): Point {
  return { x: from.x + (to.x - from.x) * p, y: from.y + (to.y - from.y) * p };
}

/** Offset a link sideways so its two directions are told apart. */
function shifted(a: Point, b: Point, by: number): [Point, Point] {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ox = (-dy / len) * by;
  const oy = (dx / len) * by;
  return [
    { x: a.x + ox, y: a.y + oy },
    { x: b.x + ox, y: b.y + oy },
  ];
}

const ringArc = arc<{ inner: number; outer: number; end: number }>()
  .innerRadius((d) => d.inner)
  .outerRadius((d) => d.outer)
  .startAngle(0)
  .endAngle((d) => d.end);

const GROUP_TINTS = ['var(--group-a)', 'var(--group-b)', 'var(--group-c)', 'var(--group-d)'];

type Menu = { kind: 'node'; node: number } | { kind: 'link'; a: number; b: number } | null;

/**
 * Nodes on a circle coloured by role, with their term, a ring for the protocol's timer, messages
 * moving along their links (a pure function of sentAt, deliverAt and the cursor), recent drops,
 * partitions as shaded groups and cut links dashed with their direction. Click a node or a link
 * for its fault actions.
 */
export function ClusterView() {
  useApp((s) => s.runVersion); // repaint when the run moves (once per frame while playing)
  const selected = useApp((s) => s.selectedNode);
  const selectNode = useApp((s) => s.selectNode);
  const [menu, setMenu] = useState<Menu>(null);
  const figure = useRef<HTMLElement>(null);
  const [frame, setFrame] = useState<Frame>({ w: 640, h: 400 });

  useEffect(() => {
    const el = figure.current;
    if (!el) return;
    const observer = new ResizeObserver(() =>
      setFrame({ w: Math.max(200, el.clientWidth), h: Math.max(160, el.clientHeight) }),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (menu === null) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent) {
        if (event.key !== 'Escape') return;
      } else if (
        event.target instanceof Node &&
        figure.current?.querySelector('.menu')?.contains(event.target)
      ) {
        return;
      }
      setMenu(null);
    };
    window.addEventListener('keydown', close);
    window.addEventListener('pointerdown', close);
    return () => {
      window.removeEventListener('keydown', close);
      window.removeEventListener('pointerdown', close);
    };
  }, [menu]);

  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  const view = run.module.view;
  const count = sim.scenario.nodes;
  const points = layout(count, frame);
  const r = nodeRadius(count, frame);
  const W = frame.w;
  const H = frame.h;
  const now = sim.now;
  const groups = sim.network.groups();
  const net = sim.network;
  const messages = sim.inFlight();
  messages.sort((x, y) => x.id - y.id);

  const drops: { key: number; at: Point; fade: number; title: string }[] = [];
  const trace = sim.trace;
  if (trace.mode === 'full') {
    for (let i = trace.length - 1; i >= 0 && trace.at[i]! >= now - DROP_WINDOW_MICROS; i--) {
      if (trace.kind[i] !== REC.drop) continue;
      const atSend = trace.extra[i] === 1 || trace.extra[i] === 2;
      const from = atSend ? trace.node[i]! : trace.peer[i]!;
      const to = atSend ? trace.peer[i]! : trace.node[i]!;
      if (from < 0 || to < 0 || from >= count || to >= count) continue;
      const reason = ['', 'lost', 'partitioned', 'cut in flight', 'receiver down'][trace.extra[i]!];
      drops.push({
        key: i,
        at: along(points[from]!, points[to]!, atSend ? 0.25 : 0.8),
        fade: 1 - (now - trace.at[i]!) / DROP_WINDOW_MICROS,
        title: `${trace.names[trace.name[i]!]} n${from} → n${to} dropped (${reason})`,
      });
    }
  }

  const types = [...new Set(messages.map((m) => m.msg.type))].sort();

  function onNodeKey(event: ReactKeyboardEvent, node: number) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      event.stopPropagation();
      selectNode(node);
      setMenu({ kind: 'node', node });
    }
  }

  function doAct(action: FaultAction) {
    act(action);
    setMenu(null);
  }

  const menuAt = (p: Point) => ({
    left: `${(p.x / W) * 100}%`,
    top: `${(p.y / H) * 100}%`,
    transform: `translate(${p.x > W * 0.55 ? 'calc(-100% - 16px)' : '16px'}, ${p.y > H * 0.5 ? 'calc(-100% + 8px)' : '-8px'})`,
  });

  return (
    <figure className="cluster" ref={figure}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="group"
        aria-label={`Cluster of ${count} nodes at ${now} µs`}
        onClick={(e) => {
          if (e.target === e.currentTarget) selectNode(null);
        }}
      >
        {groups.length > 1 &&
          groups.map((members, g) => {
            const pts = members.map((n) => points[n]!);
            const d =
              pts.length === 1
                ? `M${pts[0]!.x},${pts[0]!.y}Z`
                : `M${pts.map((p) => `${p.x},${p.y}`).join('L')}Z`;
            return (
              <path
                key={`g${g}`}
                d={d}
                className="group-blob"
                style={{ fill: GROUP_TINTS[g % 4], stroke: GROUP_TINTS[g % 4] }}
                strokeWidth={r * 2 + 28}
              />
            );
          })}
        {points.map((a, i) =>
          points.map((b, j) => {
            if (j <= i) return null;
            const cutAB = net.cut[i * count + j] === 1;
            const cutBA = net.cut[j * count + i] === 1;
            const split = net.group[i] !== net.group[j];
            const title = split
              ? `n${i} and n${j} are in different partitions`
              : cutAB && cutBA
                ? `n${i} ⇄ n${j} cut both ways`
                : cutAB
                  ? `n${i} → n${j} cut`
                  : cutBA
                    ? `n${j} → n${i} cut`
                    : `n${i} — n${j}: click to cut`;
            return (
              <g key={`${i}-${j}`} className="link-group">
                {!cutAB && !cutBA && (
                  <line
                    x1={a.x}
                    y1={a.y}
                    x2={b.x}
                    y2={b.y}
                    className={split ? 'link link-split' : 'link'}
                  />
                )}
                {cutAB && <CutLine a={a} b={b} both={cutBA} />}
                {cutBA && !cutAB && <CutLine a={b} b={a} both={false} />}
                <line
                  x1={a.x}
                  y1={a.y}
                  x2={b.x}
                  y2={b.y}
                  className="link-hit"
                  data-link={`${i}-${j}`}
                  onClick={() => setMenu({ kind: 'link', a: i, b: j })}
                >
                  <title>{title}</title>
                </line>
              </g>
            );
          }),
        )}
        {drops.map((d) => (
          <g
            key={`d${d.key}`}
            className="drop"
            transform={`translate(${d.at.x},${d.at.y})`}
            opacity={Math.max(0.15, d.fade)}
          >
            <path d="M-5,-5L5,5M-5,5L5,-5" />
            <title>{d.title}</title>
          </g>
        ))}
        {messages.map((m) => {
          const [p0, p1] = shifted(points[m.from]!, points[m.to]!, 4);
          const at = along(p0, p1, messageProgress(m.sentAt, m.deliverAt, now));
          return (
            <circle
              key={m.id}
              cx={at.x}
              cy={at.y}
              r={5}
              fill={messageColor(m.msg.type)}
              className="message"
            >
              <title>{`${view.label(m.msg)}\nn${m.from} → n${m.to}, sent ${m.sentAt} µs, due ${m.deliverAt} µs`}</title>
            </circle>
          );
        })}
        {points.map((p, node) => {
          const state = sim.nodeState(node);
          const status = sim.nodeStatus(node);
          const summary = state === null ? null : view.summarize(state);
          const fill = summary
            ? (view.roleColors[summary.role] ?? 'var(--accent)')
            : 'var(--surface-2)';
          const remaining =
            view.ringTimer !== undefined && status !== 'down'
              ? timerRemaining(sim.timer(node, view.ringTimer), now)
              : null;
          const label = `n${node}, ${status === 'up' ? (summary?.role ?? '') : status}${summary && summary.term >= 0 ? `, term ${summary.term}` : ''}`;
          return (
            <g
              key={node}
              className={`node node-${status}${selected === node ? ' node-selected' : ''}`}
              transform={`translate(${p.x},${p.y})`}
              role="button"
              tabIndex={0}
              aria-label={label}
              data-node={node}
              data-status={status}
              onClick={(e) => {
                e.stopPropagation();
                selectNode(node);
                setMenu({ kind: 'node', node });
              }}
              onKeyDown={(e) => onNodeKey(e, node)}
            >
              {selected === node && <circle r={r + 9} className="node-halo" />}
              <circle r={r} fill={fill} className="node-body" />
              {remaining !== null && (
                <path
                  className="node-ring"
                  d={ringArc({ inner: r + 3, outer: r + 6, end: 2 * Math.PI * remaining }) ?? ''}
                >
                  <title>{`${view.ringTimer} timer`}</title>
                </path>
              )}
              <text y={r > 14 ? 5 : 4} textAnchor="middle" className="node-name">
                {r > 12 ? `n${node}` : node}
              </text>
              {summary && summary.term >= 0 && (
                <g transform={`translate(${r * 0.75},${-r * 0.95})`} className="term-badge">
                  <rect
                    x={-2}
                    y={-9}
                    width={String(summary.term).length * 7 + 12}
                    height={16}
                    rx={8}
                  />
                  <text x={4} y={3}>
                    t{summary.term}
                  </text>
                </g>
              )}
              <text y={r + 17} textAnchor="middle" className="node-badge">
                {status === 'up'
                  ? (summary?.badge ?? summary?.role)
                  : status === 'down'
                    ? 'crashed'
                    : 'paused'}
              </text>
              <title>{label}</title>
            </g>
          );
        })}
      </svg>
      {types.length > 0 && (
        <ul className="legend" aria-label="Message types in flight">
          {types.map((t) => (
            <li key={t}>
              <span className="swatch" style={{ background: messageColor(t) }} />
              {t}
            </li>
          ))}
        </ul>
      )}
      {menu?.kind === 'node' && (
        <NodeMenu
          node={menu.node}
          status={sim.nodeStatus(menu.node)}
          count={count}
          style={menuAt(points[menu.node]!)}
          onAct={doAct}
        />
      )}
      {menu?.kind === 'link' && (
        <div
          className="menu"
          role="menu"
          aria-label={`Link n${menu.a} — n${menu.b}`}
          style={menuAt(along(points[menu.a]!, points[menu.b]!, 0.5))}
        >
          <p className="menu-title">
            Link n{menu.a} — n{menu.b}
          </p>
          <button role="menuitem" onClick={() => doAct({ kind: 'cut', from: menu.a, to: menu.b })}>
            Cut n{menu.a} → n{menu.b}
          </button>
          <button role="menuitem" onClick={() => doAct({ kind: 'cut', from: menu.b, to: menu.a })}>
            Cut n{menu.b} → n{menu.a}
          </button>
          <button
            role="menuitem"
            onClick={() => {
              act({ kind: 'cut', from: menu.a, to: menu.b });
              doAct({ kind: 'cut', from: menu.b, to: menu.a });
            }}
          >
            Cut both ways
          </button>
          <button
            role="menuitem"
            onClick={() => {
              act({ kind: 'uncut', from: menu.a, to: menu.b });
              doAct({ kind: 'uncut', from: menu.b, to: menu.a });
            }}
          >
            Restore this link
          </button>
        </div>
      )}
    </figure>
  );
}

function CutLine({ a, b, both }: { a: Point; b: Point; both: boolean }) {
  const [p0, p1] = shifted(a, b, both ? 0 : 3);
  const head = along(p0, p1, 0.62);
  const angle = (Math.atan2(p1.y - p0.y, p1.x - p0.x) * 180) / Math.PI;
  return (
    <g className="link-cut">
      <line x1={p0.x} y1={p0.y} x2={p1.x} y2={p1.y} />
      <g transform={`translate(${head.x},${head.y}) rotate(${angle})`}>
        <path d="M-6,-6L2,0L-6,6" className="cut-arrow" />
        {both && <path d="M-2,-6L-10,0L-2,6" className="cut-arrow" />}
        <path d="M6,-7L6,7" className="cut-bar" />
      </g>
    </g>
  );
}

function NodeMenu({
  node,
  status,
  count,
  style,
  onAct,
}: {
  node: number;
  status: string;
  count: number;
  style: { left: string; top: string; transform: string };
  onAct: (action: FaultAction) => void;
}) {
  const others = Array.from({ length: count }, (_, i) => i).filter((i) => i !== node);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div className="menu" role="menu" aria-label={`Node n${node}`} style={style}>
      <p className="menu-title">
        n{node} · {status === 'down' ? 'crashed' : status}
      </p>
      {status !== 'down' ? (
        <button ref={first} role="menuitem" onClick={() => onAct({ kind: 'crash', node })}>
          Crash
        </button>
      ) : (
        <button ref={first} role="menuitem" onClick={() => onAct({ kind: 'restart', node })}>
          Restart
        </button>
      )}
      <button role="menuitem" onClick={() => onAct({ kind: 'amnesia', node })}>
        Restart with amnesia (disk lost)
      </button>
      {status === 'paused' ? (
        <button role="menuitem" onClick={() => onAct({ kind: 'resume', node })}>
          Resume
        </button>
      ) : (
        <button
          role="menuitem"
          disabled={status === 'down'}
          onClick={() => onAct({ kind: 'pause', node })}
        >
          Pause
        </button>
      )}
      {count > 1 && (
        <button
          role="menuitem"
          onClick={() => onAct({ kind: 'partition', groups: [[node], others] })}
        >
          Isolate from the others
        </button>
      )}
    </div>
  );
}
