/**
 * `window.splitbrain`: the documented automation handle for tests and scripts.
 *
 *   traceHash()  hash of the trace up to the cursor (equals `bin/splitbrain run --until <cursor>`)
 *   now()        the cursor, in simulated microseconds
 *   seek(micros) move the cursor
 *   shareUrl()   the full address that reproduces this run at this cursor
 *   state()      {protocol, nodes: [{id, up, role, term}], violations: [...]}
 *   play()       start playback (the driver loop advances the run by the speed setting)
 *   pause()      stop playback
 *   playing()    whether playback runs
 *   events()     events processed up to the cursor
 *   seekEvent(n) move the cursor to just after event n
 *   act(action)  apply a fault action at the cursor, as the UI does (recorded in the scenario)
 *   scenario()   the scenario that reproduces this run (with every recorded input)
 *   inFlight()   how many messages are in flight at the cursor
 *
 * and the views' part (views-automation.ts):
 *
 *   messages()          the messages in flight: [{id, type, from, to, sentAt, deliverAt}]
 *   selectMessage(id)   select one (as a click in the cluster view does); null clears
 *   selectedMessage()   the selected message, or null
 *   showViolation(i)    move the cursor to violation i's event and highlight what it involves
 *   highlight()         {invariant, event, nodes, delivered, sent} highlighted, or null
 *   historyVerdict()    a promise: the client history's guarantees up to the cursor, with the
 *                       witness op ids of any broken one (checked in a worker, bounded budget)
 *   metrics()           what the charts hold: sample interval, message types, series names
 */
import type { FaultAction, Scenario } from '../sim/types';
import { pause, play } from './driver';
import { act, currentFragment, currentRun, seekTo, seekToEvent } from './sim-bridge';
import { appStore } from './store';
import { type ViewsAutomation, viewsAutomation } from './views-automation';

export interface AutomationHandle extends ViewsAutomation {
  traceHash(): string | null;
  now(): number | null;
  seek(micros: number): void;
  shareUrl(): string | null;
  state(): AutomationState | null;
  play(): void;
  pause(): void;
  playing(): boolean;
  events(): number | null;
  seekEvent(count: number): void;
  act(action: FaultAction): void;
  scenario(): Scenario | null;
  inFlight(): number | null;
}

export interface AutomationState {
  readonly protocol: string;
  readonly nodes: { id: number; up: boolean; status: string; role: string; term: number }[];
  readonly violations: { invariant: string; atMicros: number; event: number; message: string }[];
}

export function automationHandle(): AutomationHandle {
  return {
    traceHash: () => currentRun()?.simulation.traceHash() ?? null,
    now: () => currentRun()?.simulation.now ?? null,
    seek: (micros) => {
      if (!Number.isFinite(micros) || micros < 0)
        throw new Error(`seek: micros must be a non-negative number (got ${micros})`);
      seekTo(micros);
    },
    shareUrl: () => {
      const fragment = currentFragment();
      return fragment === null ? null : `${location.origin}${location.pathname}${fragment}`;
    },
    state: () => {
      const run = currentRun();
      if (run === null) return null;
      const sim = run.simulation;
      const nodes = sim.nodeStates().map((state, id) => {
        const summary = state === null ? null : run.module.view.summarize(state);
        const status = sim.nodeStatus(id);
        return {
          id,
          up: status !== 'down',
          status,
          role: summary?.role ?? 'down',
          term: summary?.term ?? -1,
        };
      });
      return { protocol: run.module.id, nodes, violations: sim.violations.map((v) => ({ ...v })) };
    },
    play,
    pause,
    playing: () => appStore.getState().playing,
    events: () => currentRun()?.simulation.eventCount ?? null,
    seekEvent: (count) => {
      if (!Number.isInteger(count) || count < 0)
        throw new Error(`seekEvent: count must be a non-negative integer (got ${count})`);
      pause();
      seekToEvent(count);
    },
    act: (action) => act(action),
    scenario: () => currentRun()?.simulation.currentScenario() ?? null,
    inFlight: () => currentRun()?.simulation.inFlight().length ?? null,
    ...viewsAutomation(),
  };
}

declare global {
  interface Window {
    splitbrain?: AutomationHandle;
  }
}

export function installAutomation(): void {
  window.splitbrain = automationHandle();
}
