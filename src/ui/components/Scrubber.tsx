import { formatMicros } from '../format';
import { seekTo } from '../sim-bridge';
import { useApp } from '../store';

/** The cursor over the run: drag to any simulated time (restore a checkpoint and replay). */
export function Scrubber() {
  const duration = useApp((s) => s.durationMicros);
  const now = useApp((s) => s.lastRun?.now ?? 0);
  if (duration <= 0) return null;
  return (
    <div className="scrubber">
      <label htmlFor="cursor">Time</label>
      <input
        id="cursor"
        type="range"
        min={0}
        max={duration}
        step={1000}
        value={now}
        onChange={(e) => seekTo(Number(e.target.value))}
      />
      <output htmlFor="cursor" className="mono">
        {formatMicros(now)}
      </output>
    </div>
  );
}
