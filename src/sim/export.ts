import { DROP_REASON_NAMES } from './network';
import type { Simulation } from './simulation';
import { TRACE_BYTES_PER_RECORD } from './trace';

/** Field meanings per record kind, so an exported trace explains itself. */
const FIELDS: Record<string, string> = {
  send: 'node sent message `name` (id value) to peer; extra = delivery time',
  deliver: 'node received message `name` (id value) from peer; extra = send time',
  drop: 'message `name` (id value) between node and peer was lost; extra = reason code (see dropReasons)',
  timer: 'timer `name` fired at node; value = timer generation',
  note: 'protocol note `name` at node with value',
  invoke: 'client peer invoked `name`; value = Jepsen process',
  ok: 'client peer completed `name`; value = Jepsen process',
  fail: 'client peer failed `name`; value = Jepsen process',
  info: 'client peer timed out on `name` (outcome unknown); value = Jepsen process',
  request: 'client op `name` from client peer reached node; value = op seq',
  reply: 'node replied `name` to client peer; value = op seq',
  violation: 'invariant `name` broke; value = event index',
};

/** The trace up to the cursor as one JSON-ready object (records as compact arrays). */
export function exportTrace(sim: Simulation, maxRecords = 1_000_000) {
  const records = sim.trace.slice(0, Math.min(sim.trace.length, maxRecords));
  return {
    format: 'splitbrain-trace/1',
    scenario: sim.currentScenario(),
    cursorMicros: sim.now,
    events: sim.eventCount,
    traceHash: sim.traceHash(),
    bytesPerRecord: TRACE_BYTES_PER_RECORD,
    truncated: sim.trace.length > maxRecords,
    columns: ['kind', 'at', 'node', 'peer', 'name', 'value', 'extra'],
    fields: FIELDS,
    dropReasons: DROP_REASON_NAMES,
    records: records.map((r) => [r.kind, r.at, r.node, r.peer, r.name, r.value, r.extra]),
  };
}
