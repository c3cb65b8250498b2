import { currentRun } from '../sim-bridge';
import { useApp } from '../store';

/**
 * The replicas side by side (protocols whose view has `compare`: CRDTs, replication strategies):
 * a row per node, a column per key or value, the cells that differ from the others marked. A
 * click on a node's name opens it in the inspector.
 */
export function ReplicasView() {
  useApp((s) => s.runVersion);
  const selectNode = useApp((s) => s.selectNode);
  const setTab = useApp((s) => s.setSideTab);
  const run = currentRun();
  const compare = run?.module.view.compare;
  if (run === null || compare === undefined) return null;
  const table = compare(run.simulation.nodeStates());
  const differing = table.rows.filter((row) => row.cells?.some((cell) => cell.differs)).length;
  return (
    <div className="replicas" data-testid="replicas">
      <p className="muted small">
        {differing === 0
          ? 'All replicas that are up agree.'
          : `${differing} of ${table.rows.length} replicas differ; ${table.note}.`}
      </p>
      <table className="replica-table">
        <thead>
          <tr>
            <th scope="col">node</th>
            {table.columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.node}>
              <th scope="row">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    selectNode(row.node);
                    setTab('inspector');
                  }}
                >
                  n{row.node}
                </button>
              </th>
              {row.cells === null ? (
                <td className="muted" colSpan={Math.max(1, table.columns.length)}>
                  down, or no replica
                </td>
              ) : (
                row.cells.map((cell, i) => (
                  <td
                    key={i}
                    className={cell.differs ? 'differs' : undefined}
                    title={cell.differs ? 'differs from the others' : undefined}
                  >
                    {cell.text}
                  </td>
                ))
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
