import type { InspectCell } from '../../sim/types';
import { formatMicros } from '../format';
import { timerRemaining } from '../playback';
import { currentRun, protocolModule } from '../sim-bridge';
import { type SideTab, useApp } from '../store';
import { type TreeNode, toTree } from '../tree';
import { HistoryView } from './HistoryView';
import { MetricsView } from './MetricsView';
import { ReplicasView } from './ReplicasView';
import { ViolationsView } from './ViolationsView';

const TABS: readonly [SideTab, string][] = [
  ['inspector', 'Inspector'],
  ['replicas', 'Replicas'],
  ['violations', 'Violations'],
  ['history', 'Clients'],
  ['metrics', 'Metrics'],
];

/** The right-hand panel: the selected node's inspector, the violations, the client history. */
export function SidePanel() {
  const chosen = useApp((s) => s.sideTab);
  const setTab = useApp((s) => s.setSideTab);
  const violations = useApp((s) => s.lastRun?.violations ?? 0);
  // The Replicas tab is there for protocols that compare their replicas (CRDTs, replication).
  // Re-rendered when the run's protocol changes, not at every step of the run.
  const runProtocol = useApp((s) => s.lastRun?.protocol ?? null);
  const comparable = protocolModule(runProtocol)?.view.compare !== undefined;
  const tabs = TABS.filter(([id]) => id !== 'replicas' || comparable);
  const tab = chosen === 'replicas' && !comparable ? 'inspector' : chosen;
  return (
    <section className="panel side" aria-label="Details">
      <div className="tabs" role="tablist" aria-label="Details">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`tabpanel-${id}`}
            onClick={() => setTab(id)}
          >
            {label}
            {id === 'violations' && violations > 0 && <span className="count">{violations}</span>}
          </button>
        ))}
      </div>
      <div
        className="side-body"
        role="tabpanel"
        id={`tabpanel-${tab}`}
        aria-labelledby={`tab-${tab}`}
      >
        {tab === 'inspector' && <Inspector />}
        {tab === 'replicas' && <ReplicasView />}
        {tab === 'violations' && <ViolationsView />}
        {tab === 'history' && <HistoryView />}
        {tab === 'metrics' && <MetricsView />}
      </div>
    </section>
  );
}

function Inspector() {
  useApp((s) => s.runVersion);
  const selected = useApp((s) => s.selectedNode);
  const selectNode = useApp((s) => s.selectNode);
  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  const count = sim.scenario.nodes;
  const node = selected !== null && selected < count ? selected : null;
  const picker = (
    <div className="node-picker" role="group" aria-label="Inspect node">
      {Array.from({ length: count }, (_, i) => (
        <button
          key={i}
          type="button"
          className="chip"
          aria-pressed={node === i}
          onClick={() => selectNode(i)}
        >
          n{i}
        </button>
      ))}
    </div>
  );
  if (node === null)
    return (
      <div className="inspector">
        {picker}
        <p className="muted">Click a node (or pick one above) to see its state.</p>
      </div>
    );
  const state = sim.nodeState(node);
  const status = sim.nodeStatus(node);
  const view = run.module.view;
  const summary = state === null ? null : view.summarize(state);
  const timer = view.ringTimer !== undefined ? sim.timer(node, view.ringTimer) : null;
  const left = timerRemaining(timer, sim.now);
  const sections = state !== null && view.inspect ? view.inspect(state, node) : [];
  const disk = [...sim.nodeDisk(node).keys()];
  return (
    <div className="inspector" data-testid="inspector">
      {picker}
      <dl className="facts">
        <dt>Node</dt>
        <dd className="mono">n{node}</dd>
        <dt>Status</dt>
        <dd className={`status-${status}`}>{status === 'down' ? 'crashed' : status}</dd>
        {summary && (
          <>
            <dt>Role</dt>
            <dd>
              <span
                className="role-dot"
                style={{ background: view.roleColors[summary.role] ?? 'var(--accent)' }}
              />
              {summary.role}
            </dd>
            {summary.term >= 0 && (
              <>
                <dt>Term</dt>
                <dd className="mono">{summary.term}</dd>
              </>
            )}
            {summary.badge && (
              <>
                <dt>Summary</dt>
                <dd>{summary.badge}</dd>
              </>
            )}
          </>
        )}
        <dt>Local clock</dt>
        <dd className="mono">{formatMicros(sim.localTime(node))}</dd>
        {timer && left !== null && (
          <>
            <dt>{view.ringTimer} timer</dt>
            <dd className="mono">
              due {formatMicros(timer.deadline)} ({Math.round(left * 100)}% left)
            </dd>
          </>
        )}
        <dt>Disk</dt>
        <dd className="mono small">{disk.length === 0 ? 'empty' : `${disk.length} keys`}</dd>
      </dl>
      {sections.map((section, i) => (
        <div key={i} className="inspect-section">
          <h3>{section.title}</h3>
          {section.rows && (
            <dl className="facts">
              {section.rows.map(([label, value], j) => (
                <div key={j} className="fact">
                  <dt>{label}</dt>
                  <dd className="mono">{value === null ? '—' : String(value)}</dd>
                </div>
              ))}
            </dl>
          )}
          {section.cells && (
            <div className="cells">
              {section.cells.map((cell, j) => (
                <Cell key={j} cell={cell} />
              ))}
            </div>
          )}
          {section.grid && (
            <table className="inspect-grid">
              <thead>
                <tr>
                  <th />
                  {section.grid.columns.map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {section.grid.rows.map((row) => (
                  <tr key={row.label}>
                    <th scope="row">{row.label}</th>
                    {row.cells.map((cell, j) => (
                      <td key={j}>
                        <Cell cell={cell} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {section.note && <p className="muted small">{section.note}</p>}
        </div>
      ))}
      <h3>State</h3>
      {state === null ? (
        <p className="muted">Crashed: no volatile state. The disk survives a restart.</p>
      ) : (
        <ul className="tree">
          <TreeRows node={toTree('state', state)} open />
        </ul>
      )}
    </div>
  );
}

/** A cell of a protocol's panel: text only (never markup), toned and outlined as it asks. */
function Cell({ cell }: { cell: InspectCell }) {
  return (
    <span
      className={`cell${cell.marked ? ' marked' : ''}${cell.text === '' && cell.tone === undefined ? ' empty' : ''}`}
      style={
        cell.tone !== undefined
          ? { background: `var(--tone-${Math.abs(cell.tone) % 8})` }
          : undefined
      }
      title={cell.title}
    >
      {cell.text}
    </span>
  );
}

export function TreeRows({ node, open = false }: { node: TreeNode; open?: boolean }) {
  if (!node.children)
    return (
      <li>
        <span className="tree-key">{node.label}</span>
        <span className="tree-value mono">{node.text}</span>
      </li>
    );
  return (
    <li>
      <details open={open}>
        <summary>
          <span className="tree-key">{node.label}</span>
          <span className="tree-value muted mono">{node.text}</span>
        </summary>
        <ul className="tree">
          {node.children.map((child, i) => (
            <TreeRows key={i} node={child} />
          ))}
        </ul>
      </details>
    </li>
  );
}
