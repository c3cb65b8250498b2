/**
 * The fault schedule as the editor sees it: the scenario's timed faults and the inputs recorded
 * while watching, in time order, and the edits (add, remove, move) that make a new scenario.
 * Pure functions, no DOM: every edit is validated by the scenario schema (src/sim/scenario.ts),
 * so the editor accepts exactly what a link or a file would.
 */
import { parseScenario, type ParseResult } from '../sim/scenario';
import type { FaultAction, Micros, Scenario, TimedFault } from '../sim/types';

/** Where an entry lives in the scenario. */
export interface EntryRef {
  readonly source: 'fault' | 'input';
  readonly index: number;
}

export interface ScheduleEntry extends EntryRef {
  readonly at: Micros;
  readonly action: FaultAction;
  /** For a recorded input: the event count it was taken at. */
  readonly event: number | null;
  /** "crash n2", "partition {n0 n1} | {n2 n3 n4}". */
  readonly label: string;
}

/** What the add form asks for each kind. */
export const KIND_FIELDS: Readonly<Record<string, readonly FieldName[]>> = {
  crash: ['node'],
  restart: ['node'],
  amnesia: ['node'],
  pause: ['node'],
  resume: ['node'],
  partition: ['groups'],
  heal: [],
  cut: ['from', 'to'],
  uncut: ['from', 'to'],
  loss: ['lossPercent'],
  latency: ['minMillis', 'maxMillis'],
  clockJump: ['node', 'deltaMillis'],
  clockDrift: ['node', 'driftPpm'],
  reorder: ['on'],
  isolateLeader: [],
  command: ['command', 'node'],
};

/** The kinds the add form offers; 'command' only for a protocol with operator commands. */
export const FAULT_KINDS: readonly string[] = Object.keys(KIND_FIELDS).filter(
  (k) => k !== 'command',
);

export type FieldName =
  | 'node'
  | 'from'
  | 'to'
  | 'groups'
  | 'lossPercent'
  | 'minMillis'
  | 'maxMillis'
  | 'deltaMillis'
  | 'driftPpm'
  | 'on'
  | 'command';

export type FieldValues = Partial<Record<FieldName, string>>;

const MAX_FIELD_LENGTH = 400;

/** "n3". */
const nodeName = (node: number) => `n${node}`;

function latencyText(action: Extract<FaultAction, { kind: 'latency' }>): string {
  const l = action.latency;
  const ms = (micros: number) => `${micros / 1000}`;
  switch (l.kind) {
    case 'constant':
      return `${ms(l.micros)} ms`;
    case 'uniform':
      return `${ms(l.minMicros)}–${ms(l.maxMicros)} ms`;
    case 'normal':
      return `${ms(l.meanMicros)} ± ${ms(2 * l.spreadMicros)} ms`;
    case 'longtail':
      return `${ms(l.minMicros)}–${ms(l.maxMicros)} ms (long tail)`;
  }
}

/** A short text for an action, as the schedule and the timeline show it. */
export function describeAction(action: FaultAction): string {
  switch (action.kind) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
      return `${action.kind} ${nodeName(action.node)}`;
    case 'amnesia':
      return `amnesia restart ${nodeName(action.node)}`;
    case 'partition':
      return `partition ${action.groups.map((g) => `{${g.map(nodeName).join(' ')}}`).join(' | ')}`;
    case 'heal':
      return 'heal all';
    case 'cut':
    case 'uncut':
      return `${action.kind} ${nodeName(action.from)}→${nodeName(action.to)}`;
    case 'loss':
      return `loss ${action.ppm / 10_000}%`;
    case 'latency':
      return `latency ${latencyText(action)}`;
    case 'clockJump':
      return `clock ${nodeName(action.node)} ${action.deltaMicros >= 0 ? '+' : '−'}${Math.abs(action.deltaMicros) / 1000} ms`;
    case 'clockDrift':
      return `drift ${nodeName(action.node)} ${action.ppm >= 0 ? '+' : '−'}${Math.abs(action.ppm)} ppm`;
    case 'reorder':
      return `reorder ${action.on ? 'on' : 'off'}`;
    case 'isolateLeader':
      return 'isolate the leader';
    default:
      return describeOther(action);
  }
}

/** A kind this file does not spell out (an operator command): its name and node, if any. */
function describeOther(action: { readonly kind: string }): string {
  const fields = action as { kind: string; command?: unknown; node?: unknown };
  const name = typeof fields.command === 'string' ? fields.command : fields.kind;
  return typeof fields.node === 'number' ? `${name} ${nodeName(fields.node)}` : name;
}

/** Every timed fault and recorded input, in time order (faults first at equal times). */
export function scheduleEntries(s: Scenario): ScheduleEntry[] {
  const entries: ScheduleEntry[] = [
    ...s.faults.map((f, index) => ({
      source: 'fault' as const,
      index,
      at: f.at,
      action: f.action,
      event: null,
      label: describeAction(f.action),
    })),
    ...s.inputs.map((input, index) => ({
      source: 'input' as const,
      index,
      at: input.at,
      action: input.action,
      event: input.event,
      label: describeAction(input.action),
    })),
  ];
  // Array.prototype.sort is stable: equal times keep faults (in order) before inputs (in order).
  return entries.sort((a, b) => a.at - b.at);
}

/** Timed faults in time order; equal times keep their order (the kernel's order for them). */
function sortedFaults(faults: readonly TimedFault[]): TimedFault[] {
  return [...faults].sort((a, b) => a.at - b.at);
}

/** Validate an edited scenario; an error names the field in the editor's words. */
function checked(s: Scenario): ParseResult<Scenario> {
  const parsed = parseScenario(s);
  return parsed.ok ? parsed : { ok: false, error: friendlyError(parsed.error) };
}

/** "scenario.faults[3].action.node: must ..." -> "node: must ...". */
export function friendlyError(message: string): string {
  return message
    .replace(/^scenario\.(faults|inputs)\[\d+\]\.action\.?/, '')
    .replace(/^scenario\.(faults|inputs)\[\d+\]\.at/, 'time')
    .replace(/^:/, 'fault:')
    .replace(/^scenario\./, '');
}

/** The time field, in milliseconds (fractions down to a microsecond), as micros. */
export function parseTimeMillis(text: string, durationMicros: Micros): ParseResult<Micros> {
  const limit = `from 0 to ${durationMicros / 1000} ms (the run's length)`;
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 32)
    return { ok: false, error: `Time: enter a number of milliseconds ${limit}.` };
  const ms = Number(trimmed);
  if (!Number.isFinite(ms)) return { ok: false, error: `Time: "${trimmed}" is not a number.` };
  const micros = Math.round(ms * 1000);
  if (micros < 0 || micros > durationMicros)
    return { ok: false, error: `Time: must be ${limit} (got ${trimmed} ms).` };
  return { ok: true, value: micros };
}

function field(values: FieldValues, name: FieldName): string {
  return (values[name] ?? '').trim().slice(0, MAX_FIELD_LENGTH);
}

function number(values: FieldValues, name: FieldName, what: string): ParseResult<number> {
  const text = field(values, name);
  const value = Number(text);
  if (text.length === 0 || !Number.isFinite(value))
    return { ok: false, error: `${what}: enter a number${text ? ` (got "${text}")` : ''}.` };
  return { ok: true, value };
}

function integer(values: FieldValues, name: FieldName, what: string): ParseResult<number> {
  const n = number(values, name, what);
  if (n.ok && !Number.isInteger(n.value))
    return { ok: false, error: `${what}: must be a whole number (got ${n.value}).` };
  return n;
}

/** "0 1 | 2 3 4" (or "0,1|2,3,4") -> [[0, 1], [2, 3, 4]]. */
export function parseGroups(text: string): ParseResult<number[][]> {
  const trimmed = text.trim().slice(0, MAX_FIELD_LENGTH);
  if (!/^[0-9\s,|]+$/.test(trimmed))
    return {
      ok: false,
      error: 'Groups: node numbers, groups split by "|", e.g. "0 1 | 2 3 4".',
    };
  const groups = trimmed
    .split('|')
    .map((g) => g.split(/[\s,]+/).filter((t) => t.length > 0))
    .filter((g) => g.length > 0)
    .map((g) => g.map(Number));
  if (groups.length < 2)
    return { ok: false, error: 'Groups: name at least two groups, split by "|".' };
  return { ok: true, value: groups };
}

/** The action the add form describes; each field is checked, then the schema checks the rest. */
export function buildAction(kind: string, values: FieldValues): ParseResult<FaultAction> {
  const nodeField = (name: FieldName) =>
    integer(values, name, name === 'node' ? 'Node' : name === 'from' ? 'From' : 'To');
  switch (kind) {
    case 'crash':
    case 'restart':
    case 'amnesia':
    case 'pause':
    case 'resume': {
      const node = nodeField('node');
      return node.ok ? { ok: true, value: { kind, node: node.value } } : node;
    }
    case 'partition': {
      const groups = parseGroups(field(values, 'groups'));
      return groups.ok ? { ok: true, value: { kind, groups: groups.value } } : groups;
    }
    case 'heal':
    case 'isolateLeader':
      return { ok: true, value: { kind } };
    case 'cut':
    case 'uncut': {
      const from = nodeField('from');
      if (!from.ok) return from;
      const to = nodeField('to');
      return to.ok ? { ok: true, value: { kind, from: from.value, to: to.value } } : to;
    }
    case 'loss': {
      const pct = number(values, 'lossPercent', 'Loss');
      if (!pct.ok) return pct;
      if (pct.value < 0 || pct.value > 100)
        return { ok: false, error: `Loss: must be from 0 to 100 % (got ${pct.value}).` };
      return { ok: true, value: { kind, ppm: Math.round(pct.value * 10_000) } };
    }
    case 'latency':
      return latencyAction(values);
    case 'clockJump': {
      const node = nodeField('node');
      if (!node.ok) return node;
      const delta = number(values, 'deltaMillis', 'Jump');
      if (!delta.ok) return delta;
      return {
        ok: true,
        value: { kind, node: node.value, deltaMicros: Math.round(delta.value * 1000) },
      };
    }
    case 'clockDrift': {
      const node = nodeField('node');
      if (!node.ok) return node;
      const ppm = integer(values, 'driftPpm', 'Drift');
      return ppm.ok ? { ok: true, value: { kind, node: node.value, ppm: ppm.value } } : ppm;
    }
    case 'reorder':
      return { ok: true, value: { kind, on: field(values, 'on') === 'true' } };
    case 'command': {
      const node = nodeField('node');
      if (!node.ok) return node;
      const command = field(values, 'command');
      if (command.length === 0) return { ok: false, error: 'Command: pick one.' };
      // The schema decides whether this build and protocol accept it.
      const action = { kind, command, node: node.value } as unknown as FaultAction;
      return { ok: true, value: action };
    }
    default:
      return { ok: false, error: `Kind: "${kind}" is not a fault this editor knows.` };
  }
}

function latencyAction(values: FieldValues): ParseResult<FaultAction> {
  const min = number(values, 'minMillis', 'Latency from');
  if (!min.ok) return min;
  const max = number(values, 'maxMillis', 'Latency to');
  if (!max.ok) return max;
  const minMicros = Math.round(min.value * 1000);
  const maxMicros = Math.round(max.value * 1000);
  if (minMicros > maxMicros)
    return {
      ok: false,
      error: `Latency: "to" (${max.value} ms) must be at least "from" (${min.value} ms).`,
    };
  return {
    ok: true,
    value: { kind: 'latency', latency: { kind: 'uniform', minMicros, maxMicros } },
  };
}

/** The scenario with one more timed fault (after any others at the same time). */
export function withFaultAdded(s: Scenario, fault: TimedFault): ParseResult<Scenario> {
  return checked({ ...s, faults: sortedFaults([...s.faults, fault]) });
}

/** The scenario without one entry. */
export function withEntryRemoved(s: Scenario, ref: EntryRef): ParseResult<Scenario> {
  if (ref.source === 'fault')
    return checked({ ...s, faults: s.faults.filter((_, i) => i !== ref.index) });
  return checked({ ...s, inputs: s.inputs.filter((_, i) => i !== ref.index) });
}

/**
 * The scenario with one entry at a new time. A recorded input is pinned to the event count it
 * was taken at, so moving it makes it a timed fault at the new time.
 */
export function withEntryMoved(s: Scenario, ref: EntryRef, at: Micros): ParseResult<Scenario> {
  if (ref.source === 'fault') {
    const faults = s.faults.map((f, i) => (i === ref.index ? { ...f, at } : f));
    return checked({ ...s, faults: sortedFaults(faults) });
  }
  const input = s.inputs[ref.index];
  if (input === undefined) return { ok: false, error: 'That input is no longer in the scenario.' };
  return checked({
    ...s,
    inputs: s.inputs.filter((_, i) => i !== ref.index),
    faults: sortedFaults([...s.faults, { at, action: input.action }]),
  });
}
