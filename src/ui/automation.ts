/**
 * `window.splitbrain`: the documented automation handle for tests and scripts.
 *
 *   traceHash()  hash of the trace up to the cursor (equals `bin/splitbrain run --until <cursor>`)
 *   now()        the cursor, in simulated microseconds
 *   seek(micros) move the cursor
 *   shareUrl()   the full address that reproduces this run at this cursor
 *   state()      {protocol, nodes: [{id, up, role, term}], violations: [...]}
 */
import { currentFragment, currentRun, seekTo } from './sim-bridge';

export interface AutomationHandle {
  traceHash(): string | null;
  now(): number | null;
  seek(micros: number): void;
  shareUrl(): string | null;
  state(): AutomationState | null;
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
