import { scaleOrdinal, schemeTableau10 } from 'd3';
import { currentRun } from '../sim-bridge';
import { useApp } from '../store';

const SIZE = 420;
const CENTER = SIZE / 2;
const RING = 150;
const NODE_RADIUS = 24;

const messageColor = scaleOrdinal<string, string>(schemeTableau10);

interface Point {
  x: number;
  y: number;
}

function layout(count: number): Point[] {
  return Array.from({ length: count }, (_, i) => {
    const angle = (2 * Math.PI * i) / count - Math.PI / 2;
    return { x: CENTER + RING * Math.cos(angle), y: CENTER + RING * Math.sin(angle) };
  });
}

/** Where a message is on its link: a pure function of (sentAt, deliverAt, cursor). */
function along(from: Point, to: Point, progress: number): Point {
  const p = Math.min(1, Math.max(0, progress));
  return { x: from.x + (to.x - from.x) * p, y: from.y + (to.y - from.y) * p };
}

/** Nodes on a circle, coloured by role; messages in flight on their links; cut links dashed. */
export function ClusterView() {
  useApp((s) => s.runVersion); // re-render when the run moves
  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  const count = sim.scenario.nodes;
  const points = layout(count);
  const groups = sim.network.groups();
  const messages = sim.inFlight();
  const now = sim.now;

  return (
    <figure className="cluster">
      <svg
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        role="img"
        aria-label={`Cluster of ${count} nodes at ${now} µs`}
      >
        {points.map((a, i) =>
          points.map((b, j) => {
            if (j <= i) return null;
            const blocked = sim.network.blocked(i, j) || sim.network.blocked(j, i);
            return (
              <line
                key={`${i}-${j}`}
                x1={a.x}
                y1={a.y}
                x2={b.x}
                y2={b.y}
                className={blocked ? 'link link-cut' : 'link'}
              />
            );
          }),
        )}
        {points.map((p, node) => {
          const state = sim.nodeState(node);
          const status = sim.nodeStatus(node);
          const summary = state === null ? null : run.module.view.summarize(state);
          const fill = summary
            ? (run.module.view.roleColors[summary.role] ?? 'var(--accent)')
            : 'var(--surface-2)';
          return (
            <g key={node} className={`node node-${status}`}>
              <circle cx={p.x} cy={p.y} r={NODE_RADIUS} fill={fill} />
              <text x={p.x} y={p.y + 5} textAnchor="middle" className="node-name">
                n{node}
              </text>
              <text x={p.x} y={p.y + NODE_RADIUS + 16} textAnchor="middle" className="node-badge">
                {status === 'up' ? (summary?.badge ?? summary?.role) : status}
              </text>
            </g>
          );
        })}
        {messages.map((m) => {
          const span = Math.max(1, m.deliverAt - m.sentAt);
          const at = along(points[m.from]!, points[m.to]!, (now - m.sentAt) / span);
          const label = run.module.view.label(m.msg);
          return (
            <circle
              key={m.id}
              cx={at.x}
              cy={at.y}
              r={5}
              fill={messageColor(m.msg.type)}
              className="message"
            >
              <title>{`${label}: n${m.from} → n${m.to}`}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption className="cluster-caption">
        {groups.length > 1
          ? `Partitioned: ${groups.map((g) => `{${g.map((n) => `n${n}`).join(', ')}}`).join(' | ')}`
          : 'Network whole'}
        {' · '}
        {messages.length} message{messages.length === 1 ? '' : 's'} in flight
      </figcaption>
    </figure>
  );
}
