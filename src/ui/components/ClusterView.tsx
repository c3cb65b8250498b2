import { arc } from 'd3';
import {
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
  useEffect,
  useRef,
  useState,
} from 'react';
import { REC } from '../../sim/trace';
import type { CommandInfo, FaultAction, Message } from '../../sim/types';
import { formatMicros } from '../format';
import { messageColor } from '../message-color';
import { describeHighlight } from '../highlight';
import { type Picks, addPicks, enclosed, newGroup, partitionOf, togglePick } from '../lasso';
import { fateText, messageFate } from '../message-fate';
import { messageProgress, timerRemaining } from '../playback';
import { act, currentRun, seekTo } from '../sim-bridge';
import { type SelectedMessage, appStore, useApp } from '../store';
import { toTree } from '../tree';
import { TreeRows } from './SidePanel';

/** The drawing's size follows its box; the ring fills it. */
interface Frame {
  readonly w: number;
  readonly h: number;
}
/** Drops stay visible (fading) for this long in simulated time. */
const DROP_WINDOW_MICROS = 40_000;

export { messageColor };

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
/** A stronger edge for each group tint (picked nodes, the pick bar). */
const GROUP_STROKES = [
  'var(--group-a-edge)',
  'var(--group-b-edge)',
  'var(--group-c-edge)',
  'var(--group-d-edge)',
];

type Menu = { kind: 'node'; node: number } | { kind: 'link'; a: number; b: number } | null;

/** A drag on the background: a lasso once it has moved far enough. */
interface Gesture {
  readonly start: Point;
  readonly points: Point[];
  active: boolean;
}

/** A lasso starts after the pointer moved this far (a shorter move is a click). */
const LASSO_START_PX = 8;
/** Height kept free above the drawing for the highlight note, and below it for the pick bar. */
const NOTE_INSET_PX = 34;
const PICK_INSET_PX = 40;

type InFlight = ReturnType<
  NonNullable<ReturnType<typeof currentRun>>['simulation']['inFlight']
>[number];

/** What the store keeps of a selected message (a copy: it outlives the delivery). */
export function selection(m: InFlight, label: string): SelectedMessage {
  return {
    id: m.id,
    from: m.from,
    to: m.to,
    sentAt: m.sentAt,
    deliverAt: m.deliverAt,
    msg: m.msg,
    label,
  };
}

/**
 * Nodes on a circle coloured by role, with their term, a ring for the protocol's timer, messages
 * moving along their links (a pure function of sentAt, deliverAt and the cursor), recent drops,
 * partitions as shaded groups and cut links dashed with their direction. Click a node or a link
 * for its fault actions; hover a message for its fields, click it to keep them shown; drag a loop
 * around nodes (or shift-click them) to partition them. A clicked violation's nodes and messages
 * are highlighted.
 */
export function ClusterView() {
  useApp((s) => s.runVersion); // repaint when the run moves (once per frame while playing)
  const selected = useApp((s) => s.selectedNode);
  const selectNode = useApp((s) => s.selectNode);
  const selectedMessage = useApp((s) => s.selectedMessage);
  const highlight = useApp((s) => s.highlight);
  const [menu, setMenu] = useState<Menu>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [picks, setPicks] = useState<Picks | null>(null);
  const [lasso, setLasso] = useState<readonly Point[] | null>(null);
  const gesture = useRef<Gesture | null>(null);
  const suppressClick = useRef(false);
  const figure = useRef<HTMLElement>(null);
  const [frame, setFrame] = useState<Frame>({ w: 640, h: 400 });

  useEffect(() => {
    if (picks === null) return;
    const cancel = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setPicks(null);
    };
    window.addEventListener('keydown', cancel);
    return () => window.removeEventListener('keydown', cancel);
  }, [picks]);

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
  // Room above the drawing for the highlight note, below it for the pick bar.
  const insetTop = highlight !== null ? NOTE_INSET_PX : 0;
  const insetBottom = picks !== null ? PICK_INSET_PX : 0;
  const drawing = { w: frame.w, h: Math.max(120, frame.h - insetTop - insetBottom) };
  const points = layout(count, drawing);
  const r = nodeRadius(count, drawing);
  const W = drawing.w;
  const H = drawing.h;
  /** A point of the drawing in the figure's box (overlays are placed in the figure). */
  const inFigure = (p: Point): Point => ({ x: p.x, y: p.y + insetTop });
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
  const involvedNodes = new Set(highlight?.nodes ?? []);
  const involvedSent = new Set(highlight?.sent.map((m) => m.id) ?? []);
  const atHighlightedEvent = highlight !== null && sim.eventCount === highlight.event;
  // The selected message has its panel: no tooltip for it.
  const hoveredMessage =
    hovered === selectedMessage?.id ? null : (messages.find((m) => m.id === hovered) ?? null);
  const pickedGroup = new Map<number, number>();
  picks?.forEach((group, g) => group.forEach((node) => pickedGroup.set(node, g)));

  function messageAt(m: InFlight): Point {
    const [p0, p1] = shifted(points[m.from]!, points[m.to]!, 4);
    return along(p0, p1, messageProgress(m.sentAt, m.deliverAt, now));
  }

  function pickNode(node: number) {
    setMenu(null);
    setPicks(togglePick(picks ?? [], node));
  }

  function onNodeKey(event: ReactKeyboardEvent, node: number) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      event.stopPropagation();
      if (event.shiftKey) return pickNode(node);
      selectNode(node);
      setMenu({ kind: 'node', node });
    }
  }

  /** The pointer's position in the drawing's coordinates. */
  function pointerAt(event: ReactPointerEvent<SVGSVGElement>): Point {
    const rect = event.currentTarget.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * W) / Math.max(1, rect.width),
      y: ((event.clientY - rect.top) * H) / Math.max(1, rect.height),
    };
  }

  function onPointerDown(event: ReactPointerEvent<SVGSVGElement>) {
    suppressClick.current = false;
    if (event.button !== 0 || !(event.target instanceof Element)) return;
    if (event.target.closest('[data-node], [data-message]')) return;
    const at = pointerAt(event);
    gesture.current = { start: at, points: [at], active: false };
  }

  function onPointerMove(event: ReactPointerEvent<SVGSVGElement>) {
    const g = gesture.current;
    if (g === null) return;
    const at = pointerAt(event);
    if (!g.active) {
      if (Math.hypot(at.x - g.start.x, at.y - g.start.y) < LASSO_START_PX) return;
      g.active = true;
      event.currentTarget.setPointerCapture(event.pointerId);
      setMenu(null);
    }
    const last = g.points[g.points.length - 1]!;
    if (Math.hypot(at.x - last.x, at.y - last.y) < 3) return;
    g.points.push(at);
    setLasso([...g.points]);
  }

  function onPointerUp() {
    const g = gesture.current;
    gesture.current = null;
    if (g === null || !g.active) return;
    suppressClick.current = true;
    setLasso(null);
    const inside = enclosed(points, g.points);
    if (inside.length > 0) setPicks(addPicks(picks ?? [], inside));
  }

  function applyPicks() {
    const action = picks === null ? null : partitionOf(picks, count);
    if (action !== null) act(action);
    setPicks(null);
  }

  function doAct(action: FaultAction) {
    act(action);
    setMenu(null);
  }

  const menuAt = (p: Point) => ({
    left: `${(p.x / W) * 100}%`,
    top: `${((p.y + insetTop) / frame.h) * 100}%`,
    transform: `translate(${p.x > W * 0.55 ? 'calc(-100% - 16px)' : '16px'}, ${p.y > H * 0.5 ? 'calc(-100% + 8px)' : '-8px'})`,
  });

  return (
    <figure className="cluster" ref={figure}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        style={{ top: insetTop, height: `calc(100% - ${insetTop + insetBottom}px)` }}
        role="group"
        aria-label={`Cluster of ${count} nodes at ${now} µs`}
        onClick={(e) => {
          if (e.target === e.currentTarget) selectNode(null);
        }}
        onClickCapture={(e) => {
          if (!suppressClick.current) return;
          suppressClick.current = false;
          e.stopPropagation();
        }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          gesture.current = null;
          setLasso(null);
        }}
      >
        <defs>
          <marker
            id="cluster-involved-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0L10,5L0,10Z" className="involved-arrow-head" />
          </marker>
        </defs>
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
        {atHighlightedEvent && highlight.delivered !== null && (
          <InvolvedDelivery
            from={points[highlight.delivered.from]!}
            to={points[highlight.delivered.to]!}
            type={highlight.delivered.type}
            gap={r + 4}
          />
        )}
        {messages.map((m) => {
          const at = messageAt(m);
          const cls = `message${selectedMessage?.id === m.id ? ' message-selected' : ''}${involvedSent.has(m.id) ? ' message-involved' : ''}`;
          return (
            <g
              key={m.id}
              className={cls}
              transform={`translate(${at.x},${at.y})`}
              data-message={m.id}
              data-type={m.msg.type}
              onPointerEnter={() => setHovered(m.id)}
              onPointerLeave={() => setHovered((h) => (h === m.id ? null : h))}
              onClick={(e) => {
                e.stopPropagation();
                appStore.getState().selectMessage(selection(m, view.label(m.msg)));
              }}
            >
              <circle r={10} className="message-hit" />
              {(involvedSent.has(m.id) || selectedMessage?.id === m.id) && (
                <circle r={8.5} className="message-ring" />
              )}
              <circle r={5} fill={messageColor(m.msg.type)} className="message-dot" />
            </g>
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
          const group = pickedGroup.get(node);
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
              data-involved={involvedNodes.has(node) ? 'true' : undefined}
              data-picked={group}
              onClick={(e) => {
                e.stopPropagation();
                if (e.shiftKey) return pickNode(node);
                selectNode(node);
                setMenu({ kind: 'node', node });
              }}
              onKeyDown={(e) => onNodeKey(e, node)}
            >
              {involvedNodes.has(node) && <circle r={r + 10} className="node-involved" />}
              {group !== undefined && (
                <circle
                  r={r + 10}
                  className="node-picked"
                  style={{ fill: GROUP_TINTS[group % 4], stroke: GROUP_STROKES[group % 4] }}
                />
              )}
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
        {lasso !== null && (
          <path className="lasso" d={`M${lasso.map((p) => `${p.x},${p.y}`).join('L')}Z`} />
        )}
      </svg>
      {hoveredMessage !== null && (
        <MessageTip
          message={hoveredMessage}
          label={view.label(hoveredMessage.msg)}
          at={inFigure(messageAt(hoveredMessage))}
          frame={frame}
        />
      )}
      {highlight !== null && (
        <div className="highlight-note" role="status" data-testid="highlight-note">
          <span title={`${highlight.invariant}: ${highlight.message}`}>
            <strong>{highlight.invariant}</strong> at event {highlight.event} (
            {formatMicros(highlight.atMicros)}): {describeHighlight(highlight)}
          </span>
          <button
            type="button"
            className="close"
            aria-label="Clear the highlight"
            onClick={() => appStore.getState().setHighlight(null)}
          >
            ×
          </button>
        </div>
      )}
      {selectedMessage !== null && <MessagePanel message={selectedMessage} />}
      {picks !== null ? (
        <PickBar
          picks={picks}
          count={count}
          onNewGroup={() => setPicks(newGroup(picks))}
          onApply={applyPicks}
          onCancel={() => setPicks(null)}
        />
      ) : (
        count > 1 && (
          <p className="cluster-hint">
            Drag a loop around nodes, or shift-click them, to partition.
          </p>
        )
      )}
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
          commands={run.module.commands ?? {}}
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
  commands,
  style,
  onAct,
}: {
  node: number;
  status: string;
  count: number;
  /** The protocol's operator commands (e.g. Raft's add-server), offered for this node. */
  commands: Readonly<Record<string, CommandInfo>>;
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
      {Object.entries(commands).map(([command, info]) => (
        <button
          key={command}
          role="menuitem"
          title={info.explanation}
          onClick={() => onAct({ kind: 'command', command, node })}
        >
          {info.label}
        </button>
      ))}
    </div>
  );
}

/** The message a violation's event delivered: an arrow along its link, with its type. */
function InvolvedDelivery({
  from,
  to,
  type,
  gap,
}: {
  from: Point;
  to: Point;
  type: string;
  gap: number;
}) {
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  const p0 = along(from, to, gap / length);
  const p1 = along(from, to, 1 - gap / length);
  const mid = along(from, to, 0.5);
  return (
    <g className="involved-delivery">
      <line x1={p0.x} y1={p0.y} x2={p1.x} y2={p1.y} markerEnd="url(#cluster-involved-arrow)" />
      {length > 180 && (
        <text x={mid.x} y={mid.y - 8} textAnchor="middle">
          {type}
        </text>
      )}
    </g>
  );
}

/** A message's fields as short text lines (never HTML). */
function fieldLines(msg: Message): [string, string][] {
  return toTree('msg', msg)
    .children!.filter((child) => child.label !== 'type')
    .slice(0, 10)
    .map((child) => [
      child.label,
      child.text.length > 48 ? `${child.text.slice(0, 47)}…` : child.text,
    ]);
}

/** The hovered message: its label, link, times and fields. */
function MessageTip({
  message,
  label,
  at,
  frame,
}: {
  message: InFlight;
  label: string;
  at: Point;
  frame: Frame;
}) {
  const fields = fieldLines(message.msg);
  // Beside the message, vertically centred on it but kept inside the drawing.
  const height = 70 + 18 * fields.length;
  const left = at.x > frame.w * 0.55;
  const style = {
    left: left ? undefined : at.x + 14,
    right: left ? frame.w - at.x + 14 : undefined,
    top: Math.max(0, Math.min(frame.h - height, at.y - height / 2)),
  };
  return (
    <div className="msg-tip" role="tooltip" style={style} data-testid="message-tip">
      <p className="msg-tip-title">
        <span className="swatch" style={{ background: messageColor(message.msg.type) }} />
        {label}
      </p>
      <p className="muted small mono">
        n{message.from} → n{message.to} · sent {formatMicros(message.sentAt)} · due{' '}
        {formatMicros(message.deliverAt)}
      </p>
      <dl className="msg-fields">
        {fields.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className="mono">{v}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">Click to keep it shown.</p>
    </div>
  );
}

/** The selected message: sender, receiver, times, what became of it, every field. */
function MessagePanel({ message }: { message: SelectedMessage }) {
  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  const fate = messageFate(sim.trace, message.id, message.sentAt, message.deliverAt, sim.now);
  const close = () => appStore.getState().selectMessage(null);
  return (
    <aside className="message-panel" aria-label="Selected message" data-testid="message-panel">
      <header>
        <span className="swatch" style={{ background: messageColor(message.msg.type) }} />
        <strong>{message.label}</strong>
        <button type="button" className="close" aria-label="Close the message" onClick={close}>
          ×
        </button>
      </header>
      <dl className="facts">
        <dt>Type</dt>
        <dd className="mono">{message.msg.type}</dd>
        <dt>From → to</dt>
        <dd className="mono">
          n{message.from} → n{message.to}
        </dd>
        <dt>Sent</dt>
        <dd className="mono">{formatMicros(message.sentAt)}</dd>
        <dt>Due</dt>
        <dd className="mono">{formatMicros(message.deliverAt)}</dd>
        <dt>Now</dt>
        <dd data-testid="message-fate">{fateText(fate)}</dd>
      </dl>
      <ul className="tree">
        <TreeRows node={toTree('fields', message.msg)} open />
      </ul>
      <div className="message-actions">
        <button type="button" className="small" onClick={() => seekTo(message.sentAt)}>
          Go to its send
        </button>
        <button type="button" className="small" onClick={() => seekTo(message.deliverAt)}>
          Go to its arrival
        </button>
      </div>
    </aside>
  );
}

/** The groups being picked, and the actions to finish the partition. */
function PickBar({
  picks,
  count,
  onNewGroup,
  onApply,
  onCancel,
}: {
  picks: Picks;
  count: number;
  onNewGroup: () => void;
  onApply: () => void;
  onCancel: () => void;
}) {
  const picked = new Set(picks.flat());
  const rest = Array.from({ length: count }, (_, i) => i).filter((n) => !picked.has(n));
  const action = partitionOf(picks, count);
  const names = (nodes: readonly number[]) => nodes.map((n) => `n${n}`).join(' ');
  return (
    <div className="pick-bar" role="group" aria-label="Partition by picking nodes">
      <span className="small">Partition</span>
      {picks.map((group, g) => (
        <span
          key={g}
          className="pick-group mono"
          style={{ background: GROUP_TINTS[g % 4], borderColor: GROUP_STROKES[g % 4] }}
        >
          {group.length > 0 ? names(group) : 'pick nodes…'}
        </span>
      ))}
      {rest.length > 0 && picked.size > 0 && (
        <span className="pick-group mono rest" title="Nodes in no group stay together">
          {names(rest)}
        </span>
      )}
      <button
        type="button"
        className="small"
        onClick={onNewGroup}
        disabled={(picks.at(-1)?.length ?? 0) === 0}
      >
        New group
      </button>
      <button type="button" className="small primary" onClick={onApply} disabled={action === null}>
        Apply partition
      </button>
      <button type="button" className="small" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
