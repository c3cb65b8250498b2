/**
 * The driver loop: one requestAnimationFrame loop that maps wall time to simulated time by the
 * speed setting and runs the kernel towards it within a per-frame budget. The wall clock only
 * decides how far to go; the kernel moves only through runUntil / step / seek, so a run is the
 * same however fast or slow the machine is. Views repaint once per frame (the store's
 * runVersion), never once per simulated event.
 */
import { simAdvance } from './playback';
import { advanceWithin, currentRun, publish, seekTo } from './sim-bridge';
import { appStore } from './store';

/** Wall milliseconds per frame the kernel may use. */
const FRAME_BUDGET_MILLIS = 10;
/** While playing, the address bar is refreshed at most this often (encoding costs). */
const MIRROR_EVERY_MILLIS = 1000;

let frame = 0;
let lastWall = 0;
let lastMirror = 0;

function tick(wall: number): void {
  frame = 0;
  const state = appStore.getState();
  const run = currentRun();
  if (!state.playing || run === null) return;
  const sim = run.simulation;
  const end = sim.scenario.durationMicros;
  const target = Math.min(end, sim.now + simAdvance(wall - lastWall, state.speedIndex));
  lastWall = wall;
  const mirror = wall - lastMirror > MIRROR_EVERY_MILLIS;
  if (mirror) lastMirror = wall;
  advanceWithin(target, FRAME_BUDGET_MILLIS, mirror);
  if (sim.now >= end || sim.stopped !== null) {
    pause();
    return;
  }
  frame = requestAnimationFrame(tick);
}

export function play(): void {
  const run = currentRun();
  if (run === null || typeof requestAnimationFrame === 'undefined') return;
  const sim = run.simulation;
  // At the end, play starts over from the beginning.
  if (sim.now >= sim.scenario.durationMicros) seekTo(0);
  appStore.getState().setPlaying(true);
  if (frame !== 0) return;
  lastWall = performance.now();
  lastMirror = lastWall;
  frame = requestAnimationFrame(tick);
}

export function pause(): void {
  if (frame !== 0) cancelAnimationFrame(frame);
  frame = 0;
  if (appStore.getState().playing) {
    appStore.getState().setPlaying(false);
    publish(true);
  }
}

export function togglePlay(): void {
  if (appStore.getState().playing) pause();
  else play();
}
