import { useCallback, useState } from 'react';
import { act, currentRun } from '../sim-bridge';
import { useApp } from '../store';
import { FaultSchedule } from './FaultSchedule';

/** Loss steps, in percent. */
const LOSS_STEPS = [0, 1, 2, 5, 10, 20, 30, 50, 75, 100];
/** Latency steps: the upper bound of a uniform latency, in ms (the lower bound is a quarter). */
const LATENCY_STEPS = [1, 2, 5, 8, 10, 20, 50, 100, 200, 500];

/**
 * Network-wide actions at the cursor: heal all, draw a partition, loss and latency. Each goes
 * through the kernel's applyInput (recorded in the scenario's inputs).
 */
export function FaultTools() {
  useApp((s) => s.runVersion);
  const [editing, setEditing] = useState(false);
  const [sides, setSides] = useState<number[]>([]);
  const [loss, setLoss] = useState<number | null>(null);
  const [latency, setLatency] = useState<number | null>(null);
  const [scheduling, setScheduling] = useState(false);
  const closeSchedule = useCallback(() => setScheduling(false), []);
  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  const count = sim.scenario.nodes;
  const partitioned = sim.network.groups().length > 1 || sim.network.cut.some((c) => c === 1);
  const currentLoss = sim.network.policy(0, count > 1 ? 1 : 0).lossPpm / 10_000;
  const lossIndex = loss ?? nearest(LOSS_STEPS, currentLoss);
  const scheduled = sim.scenario.faults.length + sim.currentScenario().inputs.length;
  const latencyIndex = latency ?? nearest(LATENCY_STEPS, maxLatencyMs(sim.network.policy(0, 0)));

  function startEditing() {
    setScheduling(false);
    setSides(Array.from({ length: count }, (_, i) => (i < Math.ceil(count / 2) ? 0 : 1)));
    setEditing(true);
  }

  function applyPartition() {
    const a = sides.flatMap((side, node) => (side === 0 ? [node] : []));
    const b = sides.flatMap((side, node) => (side === 1 ? [node] : []));
    if (a.length > 0 && b.length > 0) act({ kind: 'partition', groups: [a, b] });
    setEditing(false);
  }

  function commitLoss() {
    if (loss === null) return;
    act({ kind: 'loss', ppm: LOSS_STEPS[loss]! * 10_000 });
    setLoss(null);
  }

  function commitLatency() {
    if (latency === null) return;
    const max = LATENCY_STEPS[latency]! * 1000;
    act({
      kind: 'latency',
      latency: { kind: 'uniform', minMicros: Math.floor(max / 4), maxMicros: max },
    });
    setLatency(null);
  }

  return (
    <div className="fault-tools" role="group" aria-label="Network faults">
      <button type="button" onClick={() => act({ kind: 'heal' })} disabled={!partitioned}>
        Heal all
      </button>
      <button type="button" onClick={startEditing} aria-expanded={editing} disabled={count < 2}>
        Partition…
      </button>
      <button
        type="button"
        onClick={() => {
          setEditing(false);
          setScheduling(!scheduling);
        }}
        aria-expanded={scheduling}
        title="Faults at set times: add, remove, move"
      >
        Schedule{scheduled > 0 ? ` (${scheduled})` : ''}…
      </button>
      <label className="slider">
        <span>Loss</span>
        <input
          type="range"
          min={0}
          max={LOSS_STEPS.length - 1}
          value={lossIndex}
          aria-label="Message loss"
          aria-valuetext={`${LOSS_STEPS[lossIndex]}%`}
          onChange={(e) => setLoss(Number(e.target.value))}
          onPointerUp={commitLoss}
          onKeyUp={commitLoss}
          onBlur={commitLoss}
        />
        <output className="mono">{LOSS_STEPS[lossIndex]}%</output>
      </label>
      <label className="slider">
        <span>Latency</span>
        <input
          type="range"
          min={0}
          max={LATENCY_STEPS.length - 1}
          value={latencyIndex}
          aria-label="Message latency"
          aria-valuetext={`up to ${LATENCY_STEPS[latencyIndex]} ms`}
          onChange={(e) => setLatency(Number(e.target.value))}
          onPointerUp={commitLatency}
          onKeyUp={commitLatency}
          onBlur={commitLatency}
        />
        <output className="mono">≤{LATENCY_STEPS[latencyIndex]} ms</output>
      </label>
      {scheduling && <FaultSchedule onClose={closeSchedule} />}
      {editing && (
        <div className="partition-editor" role="dialog" aria-label="Partition the cluster">
          <p>Click nodes to move them between the two sides, then apply.</p>
          <div className="sides">
            {[0, 1].map((side) => (
              <div key={side} className={`side side-${side}`}>
                <span className="side-name">Side {side === 0 ? 'A' : 'B'}</span>
                {sides.map((s, node) =>
                  s === side ? (
                    <button
                      key={node}
                      type="button"
                      className="chip"
                      aria-label={`Move n${node} to side ${side === 0 ? 'B' : 'A'}`}
                      onClick={() => setSides(sides.map((v, i) => (i === node ? 1 - v : v)))}
                    >
                      n{node}
                    </button>
                  ) : null,
                )}
              </div>
            ))}
          </div>
          <div className="editor-actions">
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="primary"
              onClick={applyPartition}
              disabled={!sides.includes(0) || !sides.includes(1)}
            >
              Apply partition
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function nearest(steps: readonly number[], value: number): number {
  let best = 0;
  for (let i = 1; i < steps.length; i++)
    if (Math.abs(steps[i]! - value) < Math.abs(steps[best]! - value)) best = i;
  return best;
}

function maxLatencyMs(policy: {
  latency: { kind: string; micros?: number; maxMicros?: number; meanMicros?: number };
}): number {
  const l = policy.latency;
  return (l.maxMicros ?? l.micros ?? l.meanMicros ?? 0) / 1000;
}
