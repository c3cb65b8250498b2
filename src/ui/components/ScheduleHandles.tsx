import { useRef, useState } from 'react';
import { pause } from '../driver';
import { formatMicros } from '../format';
import { type ScheduleEntry, scheduleEntries, withEntryMoved } from '../schedule';
import { editSchedule } from '../schedule-edit';
import { currentRun, seekTo } from '../sim-bridge';
import { appStore, useApp } from '../store';

/** A drag shorter than this (px) is a click: it moves the cursor to the entry instead. */
const CLICK_SLOP = 3;
/** Dragged times snap to whole milliseconds. */
const SNAP_MICROS = 1000;

interface Drag {
  readonly entry: ScheduleEntry;
  readonly x: number;
  readonly at: number;
  readonly moved: boolean;
}

/**
 * The scheduled faults and recorded actions as handles above the timeline: drag one to move it
 * in time (the run is rebuilt from the edited scenario), click one to move the cursor there.
 */
export function ScheduleHandles() {
  useApp((s) => s.runVersion);
  const row = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const run = currentRun();
  if (run === null) return null;
  const scenario = run.simulation.currentScenario();
  const duration = scenario.durationMicros;
  const entries = scheduleEntries(scenario);
  if (entries.length === 0) return null;

  function timeAt(clientX: number): number {
    const rect = row.current?.getBoundingClientRect();
    if (!rect || rect.width <= 0) return 0;
    const frac = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    return Math.min(duration, Math.round((frac * duration) / SNAP_MICROS) * SNAP_MICROS);
  }

  function finish(d: Drag) {
    if (!d.moved) {
      pause();
      seekTo(d.entry.at);
      return;
    }
    if (d.at === d.entry.at) return;
    const problem = editSchedule((s) => withEntryMoved(s, d.entry, d.at));
    if (problem !== null)
      appStore.getState().setBanner(`That fault could not be moved: ${problem}`);
  }

  return (
    <div className="schedule-handles" ref={row} aria-hidden="true">
      {entries.map((entry) => {
        const dragging =
          drag !== null && drag.entry.source === entry.source && drag.entry.index === entry.index;
        const at = dragging ? drag.at : entry.at;
        return (
          <span
            key={`${entry.source}-${entry.index}`}
            className={`handle ${entry.source === 'input' ? 'handle-input' : 'handle-fault'}${dragging && drag.moved ? ' dragging' : ''}`}
            style={{ left: `${(at / duration) * 100}%` }}
            title={`${entry.label} at ${formatMicros(entry.at)}: drag to move it, click to go there`}
            data-schedule={`${entry.source}-${entry.index}`}
            onPointerDown={(e) => {
              if (e.button !== 0) return;
              e.currentTarget.setPointerCapture(e.pointerId);
              setDrag({ entry, x: e.clientX, at: entry.at, moved: false });
            }}
            onPointerMove={(e) => {
              if (!dragging) return;
              const moved = drag.moved || Math.abs(e.clientX - drag.x) >= CLICK_SLOP;
              setDrag({ ...drag, moved, at: moved ? timeAt(e.clientX) : drag.at });
            }}
            onPointerUp={() => {
              if (!dragging) return;
              setDrag(null);
              finish(drag);
            }}
            onPointerCancel={() => setDrag(null)}
          >
            {dragging && drag.moved && <span className="handle-time">{formatMicros(drag.at)}</span>}
          </span>
        );
      })}
    </div>
  );
}
