/** What the keyboard shortcuts and the transport buttons do. */
import { pause, play, togglePlay } from './driver';
import type { Command } from './keyboard';
import { adjacentMarker } from './playback';
import {
  currentMarkers,
  currentRun,
  seekTo,
  stepBack as kernelStepBack,
  stepForward as kernelStepForward,
} from './sim-bridge';
import { appStore } from './store';

export function stepForward(): void {
  pause();
  kernelStepForward();
}

export function stepBack(): void {
  pause();
  kernelStepBack();
}

export function jumpToMarker(dir: 1 | -1): void {
  const run = currentRun();
  if (run === null) return;
  const marker = adjacentMarker(currentMarkers(), run.simulation.now, dir);
  if (marker === null) return;
  pause();
  seekTo(marker.at);
}

export function changeSpeed(delta: number): void {
  const state = appStore.getState();
  state.setSpeedIndex(state.speedIndex + delta);
}

export function goToStart(): void {
  pause();
  seekTo(0);
}

export function goToEnd(): void {
  const run = currentRun();
  if (run === null) return;
  pause();
  seekTo(run.simulation.scenario.durationMicros);
}

export function runCommand(command: Command): void {
  const state = appStore.getState();
  switch (command) {
    case 'togglePlay':
      return togglePlay();
    case 'stepForward':
      return stepForward();
    case 'stepBack':
      return stepBack();
    case 'nextMarker':
      return jumpToMarker(1);
    case 'prevMarker':
      return jumpToMarker(-1);
    case 'faster':
      return changeSpeed(1);
    case 'slower':
      return changeSpeed(-1);
    case 'help':
      return state.setHelpOpen(!state.helpOpen);
    case 'close':
      return state.setHelpOpen(false);
    case 'start':
      return goToStart();
    case 'end':
      return goToEnd();
  }
}

export { play, pause };
