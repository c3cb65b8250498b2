import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { FaultAction, ProtocolModule } from '../../sim/types';
import { pause } from '../driver';
import { formatCount, formatMicros } from '../format';
import {
  FAULT_KINDS,
  type FieldName,
  type FieldValues,
  KIND_FIELDS,
  type ScheduleEntry,
  buildAction,
  parseTimeMillis,
  scheduleEntries,
  withEntryMoved,
  withEntryRemoved,
  withFaultAdded,
} from '../schedule';
import { editSchedule } from '../schedule-edit';
import { currentRun, seekTo } from '../sim-bridge';
import { useApp } from '../store';

/** Rows listed at most; a scenario may hold 1,000 faults and 10,000 inputs. */
const MAX_ROWS = 300;

const KIND_LABELS: Record<string, string> = {
  crash: 'Crash',
  restart: 'Restart',
  amnesia: 'Restart with amnesia',
  pause: 'Pause',
  resume: 'Resume',
  partition: 'Partition',
  heal: 'Heal all',
  cut: 'Cut link (one way)',
  uncut: 'Uncut link',
  loss: 'Message loss',
  latency: 'Latency',
  clockJump: 'Clock jump',
  clockDrift: 'Clock drift',
  reorder: 'Reordering',
  command: 'Operator command',
};

const FIELD_LABELS: Record<FieldName, string> = {
  command: 'Command',
  node: 'Node',
  from: 'From',
  to: 'To',
  groups: 'Groups',
  lossPercent: 'Loss (%)',
  minMillis: 'From (ms)',
  maxMillis: 'To (ms)',
  deltaMillis: 'Jump (ms)',
  driftPpm: 'Drift (ppm)',
  on: 'Reorder',
};

/** The protocol's operator commands, if it declares any (e.g. a membership change). */
function protocolCommands(module: ProtocolModule): readonly [string, string][] {
  const commands = (module as { commands?: Readonly<Record<string, { label: string }>> }).commands;
  return commands ? Object.entries(commands).map(([id, info]) => [id, info.label]) : [];
}

/** "1200" for 1.2 s: the time field shows milliseconds. */
export function millisText(micros: number): string {
  return String(micros / 1000);
}

/**
 * The fault schedule: the scenario's timed faults and the actions recorded while watching, in
 * time order. Add a fault, remove one, or give one a new time: the run is rebuilt from the
 * edited scenario with the cursor where it was, and the address bar carries the new schedule.
 */
export function FaultSchedule({ onClose }: { onClose(): void }) {
  useApp((s) => s.runVersion);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    dialog.current?.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const run = currentRun();
  if (run === null) return null;
  const sim = run.simulation;
  const scenario = sim.currentScenario();
  const entries = scheduleEntries(scenario);
  const shown = entries.slice(0, MAX_ROWS);

  function apply(edit: Parameters<typeof editSchedule>[0]): boolean {
    const problem = editSchedule(edit);
    setError(problem);
    return problem === null;
  }

  return (
    <div
      className="schedule-editor"
      role="dialog"
      aria-label="Fault schedule"
      ref={dialog}
      tabIndex={-1}
    >
      <header className="schedule-head">
        <h3>Fault schedule</h3>
        <button
          type="button"
          className="small"
          onClick={onClose}
          aria-label="Close the fault schedule"
        >
          ×
        </button>
      </header>
      <p className="schedule-hint">
        Every replay applies these at their time. An edit runs the scenario again from the start;
        the cursor stays at <span className="mono">{formatMicros(sim.now)}</span>.
      </p>
      {entries.length === 0 ? (
        <p className="schedule-empty">
          Nothing scheduled. Add a fault below; actions you take on the cluster are listed here too.
        </p>
      ) : (
        <ol className="schedule-list" aria-label="Scheduled faults and recorded actions">
          {shown.map((entry) => (
            <ScheduleRow
              key={`${entry.source}-${entry.index}-${entry.at}`}
              entry={entry}
              durationMicros={scenario.durationMicros}
              onMove={(at) => apply((s) => withEntryMoved(s, entry, at))}
              onRemove={() => apply((s) => withEntryRemoved(s, entry))}
              onProblem={setError}
            />
          ))}
        </ol>
      )}
      {entries.length > shown.length && (
        <p className="schedule-hint">
          … and {formatCount(entries.length - shown.length)} more (export the scenario to edit them
          all).
        </p>
      )}
      <AddFault
        module={run.module}
        nodes={scenario.nodes}
        cursor={sim.now}
        durationMicros={scenario.durationMicros}
        onAdd={(at, action) => apply((s) => withFaultAdded(s, { at, action }))}
        onProblem={setError}
      />
      {error !== null && (
        <p className="schedule-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function ScheduleRow({
  entry,
  durationMicros,
  onMove,
  onRemove,
  onProblem,
}: {
  entry: ScheduleEntry;
  durationMicros: number;
  onMove(at: number): boolean;
  onRemove(): void;
  onProblem(message: string | null): void;
}) {
  const [time, setTime] = useState(millisText(entry.at));
  const recorded = entry.source === 'input';

  function commit() {
    if (time.trim() === millisText(entry.at)) return;
    const at = parseTimeMillis(time, durationMicros);
    if (!at.ok) {
      onProblem(at.error);
      return;
    }
    if (!onMove(at.value)) setTime(millisText(entry.at));
  }

  return (
    <li className={`schedule-row${recorded ? ' recorded' : ''}`}>
      <label className="schedule-time">
        <input
          type="text"
          inputMode="decimal"
          className="mono"
          value={time}
          maxLength={16}
          aria-label={`Time of ${entry.label}, in ms`}
          onChange={(e) => setTime(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
          }}
        />
        <span className="unit">ms</span>
      </label>
      <span className="schedule-what">{entry.label}</span>
      <span
        className="schedule-source"
        title={
          recorded
            ? `Taken while watching, before event ${entry.event}. A new time makes it a scheduled fault.`
            : 'Part of the scenario’s fault schedule'
        }
      >
        {recorded ? 'recorded' : 'scheduled'}
      </span>
      <button
        type="button"
        className="small"
        aria-label={`Go to ${entry.label} at ${formatMicros(entry.at)}`}
        title="Move the cursor here"
        onClick={() => {
          pause();
          seekTo(entry.at);
        }}
      >
        Go
      </button>
      <button
        type="button"
        className="small danger"
        aria-label={`Remove ${entry.label} at ${formatMicros(entry.at)}`}
        onClick={onRemove}
      >
        Remove
      </button>
    </li>
  );
}

function defaultFields(nodes: number): FieldValues {
  const half = Math.ceil(nodes / 2);
  const ids = Array.from({ length: nodes }, (_, i) => i);
  return {
    node: '0',
    from: '0',
    to: nodes > 1 ? '1' : '0',
    groups: `${ids.slice(0, half).join(' ')} | ${ids.slice(half).join(' ')}`,
    lossPercent: '10',
    minMillis: '20',
    maxMillis: '50',
    deltaMillis: '100',
    driftPpm: '1000',
    on: 'true',
    command: '',
  };
}

function AddFault({
  module,
  nodes,
  cursor,
  durationMicros,
  onAdd,
  onProblem,
}: {
  module: ProtocolModule;
  nodes: number;
  cursor: number;
  durationMicros: number;
  onAdd(at: number, action: FaultAction): boolean;
  onProblem(message: string | null): void;
}) {
  const commands = protocolCommands(module);
  const kinds = commands.length > 0 ? [...FAULT_KINDS, 'command'] : FAULT_KINDS;
  const [kind, setKind] = useState('crash');
  const [fields, setFields] = useState<FieldValues>(() => ({
    ...defaultFields(nodes),
    command: commands[0]?.[0] ?? '',
  }));
  const [time, setTime] = useState(millisText(cursor));
  const set = (name: FieldName, value: string) => setFields({ ...fields, [name]: value });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const at = parseTimeMillis(time, durationMicros);
    if (!at.ok) return onProblem(at.error);
    const action = buildAction(kind, fields);
    if (!action.ok) return onProblem(action.error);
    onAdd(at.value, action.value);
  }

  const nodeChoices = Array.from({ length: nodes }, (_, i) => [String(i), `n${i}`] as const);
  const selects: Partial<Record<FieldName, readonly (readonly [string, string])[]>> = {
    command: commands,
    node: nodeChoices,
    from: nodeChoices,
    to: nodeChoices,
    on: [
      ['true', 'on'],
      ['false', 'off'],
    ],
  };
  const show = KIND_FIELDS[kind] ?? [];

  return (
    <form className="schedule-add" onSubmit={onSubmit} aria-label="Add a fault">
      <div className="field">
        <label htmlFor="add-fault-kind">Fault</label>
        <select id="add-fault-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k] ?? k}
            </option>
          ))}
        </select>
      </div>
      {show.map((name) => {
        const choices = selects[name];
        if (choices !== undefined)
          return (
            <SelectField
              key={name}
              id={name}
              label={FIELD_LABELS[name]}
              choices={choices}
              fields={fields}
              set={set}
            />
          );
        return (
          <TextField
            key={name}
            id={name}
            label={FIELD_LABELS[name]}
            hint={name === 'groups' ? 'e.g. 0 1 | 2 3 4' : undefined}
            fields={fields}
            set={set}
            wide={name === 'groups'}
          />
        );
      })}
      <div className="schedule-add-when">
        <div className="field narrow">
          <label htmlFor="add-fault-time">At (ms)</label>
          <input
            id="add-fault-time"
            type="text"
            inputMode="decimal"
            className="mono"
            maxLength={16}
            value={time}
            onChange={(e) => setTime(e.target.value)}
          />
        </div>
        <button
          type="button"
          className="small"
          onClick={() => setTime(millisText(cursor))}
          title="Use the cursor’s time"
        >
          At cursor
        </button>
        <button type="submit" className="primary small">
          Add fault
        </button>
      </div>
    </form>
  );
}

function SelectField({
  id,
  label,
  choices,
  fields,
  set,
}: {
  id: FieldName;
  label: string;
  choices: readonly (readonly [value: string, text: string])[];
  fields: FieldValues;
  set(name: FieldName, value: string): void;
}) {
  return (
    <div className={`field${id === 'command' ? '' : ' narrow'}`}>
      <label htmlFor={`add-fault-${id}`}>{label}</label>
      <select
        id={`add-fault-${id}`}
        value={fields[id] ?? ''}
        onChange={(e) => set(id, e.target.value)}
      >
        {choices.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function TextField({
  id,
  label,
  hint,
  fields,
  set,
  wide = false,
}: {
  id: FieldName;
  label: string;
  hint?: string;
  fields: FieldValues;
  set(name: FieldName, value: string): void;
  wide?: boolean;
}) {
  return (
    <div className={`field${wide ? '' : ' narrow'}`}>
      <label htmlFor={`add-fault-${id}`}>{label}</label>
      <input
        id={`add-fault-${id}`}
        type="text"
        className="mono"
        maxLength={400}
        placeholder={hint}
        value={fields[id] ?? ''}
        onChange={(e) => set(id, e.target.value)}
      />
    </div>
  );
}
