import { changeSpeed, goToEnd, goToStart, stepBack, stepForward } from '../commands';
import { togglePlay } from '../driver';
import { formatCount, formatMicros } from '../format';
import { SPEEDS, speedLabel } from '../playback';
import { currentMarkers, seekTo } from '../sim-bridge';
import { useApp } from '../store';
import { Icon } from './Icon';
import { ScheduleHandles } from './ScheduleHandles';

const MARKER_CLASS: Record<string, string> = {
  fault: 'mk-fault',
  heal: 'mk-heal',
  role: 'mk-role',
  leader: 'mk-leader',
  violation: 'mk-violation',
  client: 'mk-client',
};

/** Play, pause, step, speed, and the cursor over the run with its markers. */
export function Timeline() {
  useApp((s) => s.runVersion);
  const duration = useApp((s) => s.durationMicros);
  const now = useApp((s) => s.lastRun?.now ?? 0);
  const events = useApp((s) => s.lastRun?.eventCount ?? 0);
  const playing = useApp((s) => s.playing);
  const speedIndex = useApp((s) => s.speedIndex);
  const setSpeedIndex = useApp((s) => s.setSpeedIndex);
  if (duration <= 0) return null;
  const markers = currentMarkers();

  return (
    <section className="timeline" aria-label="Timeline">
      <div className="transport">
        <div className="transport-buttons" role="group" aria-label="Playback">
          <button type="button" onClick={goToStart} aria-label="Go to start" title="Start (Home)">
            <Icon name="start" />
          </button>
          <button
            type="button"
            onClick={stepBack}
            aria-label="Step back one event"
            title="Step back (←)"
          >
            <Icon name="back" />
          </button>
          <button
            type="button"
            className="primary play"
            onClick={togglePlay}
            aria-label={playing ? 'Pause' : 'Play'}
            title={playing ? 'Pause (Space)' : 'Play (Space)'}
          >
            <Icon name={playing ? 'pause' : 'play'} />
          </button>
          <button
            type="button"
            onClick={stepForward}
            aria-label="Step forward one event"
            title="Step forward (→)"
          >
            <Icon name="forward" />
          </button>
          <button type="button" onClick={goToEnd} aria-label="Go to end" title="End (End)">
            <Icon name="end" />
          </button>
        </div>
        <div className="speed">
          <button
            type="button"
            onClick={() => changeSpeed(-1)}
            aria-label="Slower"
            title="Slower (−)"
          >
            −
          </button>
          <input
            type="range"
            aria-label="Speed"
            min={0}
            max={SPEEDS.length - 1}
            step={1}
            value={speedIndex}
            onChange={(e) => setSpeedIndex(Number(e.target.value))}
          />
          <button
            type="button"
            onClick={() => changeSpeed(1)}
            aria-label="Faster"
            title="Faster (+)"
          >
            +
          </button>
          <output className="mono speed-value" data-testid="speed" aria-label="Speed">
            {speedLabel(speedIndex)}
          </output>
        </div>
        <div className="clock mono">
          <span data-testid="cursor-time">{formatMicros(now)}</span>
          <span className="muted"> / {formatMicros(duration)}</span>
          <span className="muted"> · event </span>
          <span data-testid="event-count">{formatCount(events)}</span>
        </div>
      </div>
      <div className="scrub">
        <ScheduleHandles />
        <svg
          className="markers"
          viewBox="0 0 1000 14"
          preserveAspectRatio="none"
          aria-hidden="true"
        >
          {markers.map((m) => (
            <rect
              key={m.record}
              x={(m.at / duration) * 1000 - 1}
              width={m.kind === 'violation' ? 4 : 2}
              y={m.kind === 'role' ? 7 : 0}
              height={m.kind === 'role' ? 7 : 14}
              className={MARKER_CLASS[m.kind]}
            >
              <title>{`${formatMicros(m.at)}: ${m.label}`}</title>
            </rect>
          ))}
        </svg>
        <input
          id="cursor"
          type="range"
          aria-label="Time"
          min={0}
          max={duration}
          step={1000}
          value={now}
          onChange={(e) => seekTo(Number(e.target.value))}
        />
        <ul className="marker-key" aria-label="Marker colours">
          <li>
            <span className="mk-fault" /> fault
          </li>
          <li>
            <span className="mk-heal" /> heal
          </li>
          <li>
            <span className="mk-leader" /> leader
          </li>
          <li>
            <span className="mk-role" /> role
          </li>
          <li>
            <span className="mk-violation" /> violation
          </li>
          <li title="Scheduled faults and recorded actions: drag one to move it in time">
            <span className="mk-schedule" /> scheduled
          </li>
        </ul>
      </div>
    </section>
  );
}
