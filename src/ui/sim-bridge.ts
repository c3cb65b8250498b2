/**
 * The seam between the app and the simulation kernel. The kernel is a plain object that lives
 * here, outside React and outside the store; components read it through `currentRun()` and
 * re-render when the store's `runVersion` changes (once per user action, never per event).
 */
import { presetScenario } from '../sim/presets';
import { validateForProtocol } from '../sim/scenario';
import { parseShareFragment, shareFragment } from '../sim/share';
import { Simulation } from '../sim/simulation';
import type { Micros, ProtocolModule, Scenario } from '../sim/types';
import { type AppStore, type ProtocolChoice, appStore, seedError } from './store';

/** What the app needs from the protocol registry. */
export interface KernelBindings {
  /** Every protocol, in display order (src/protocols/registry.ts). */
  listProtocols(): readonly ProtocolModule[];
}

export interface CurrentRun {
  readonly module: ProtocolModule;
  readonly simulation: Simulation;
}

interface Connection {
  readonly kernel: KernelBindings;
  readonly store: AppStore;
  /** Where the address bar is mirrored; null outside a browser. */
  readonly location: { replace(fragment: string): void } | null;
}

let connection: Connection | null = null;
let current: CurrentRun | null = null;

export function protocolChoices(modules: readonly ProtocolModule[]): ProtocolChoice[] {
  return modules.map((m) => ({ id: m.id, title: m.title, summary: m.summary }));
}

/** Plug the registry into the app: fills the protocol picker. Call once, before rendering. */
export function connectKernel(
  kernel: KernelBindings,
  store: AppStore = appStore,
  location: Connection['location'] = null,
): void {
  connection = { kernel, store, location };
  current = null;
  store.getState().setProtocols(protocolChoices(kernel.listProtocols()));
}

export function disconnectKernel(): void {
  if (connection) connection.store.getState().setProtocols([]);
  connection = null;
  current = null;
}

export function isKernelConnected(): boolean {
  return connection !== null;
}

export function currentRun(): CurrentRun | null {
  return current;
}

function findModule(id: string | null): ProtocolModule | undefined {
  return connection?.kernel.listProtocols().find((m) => m.id === id);
}

/** Start a run of `scenario` and move its cursor to `cursor` (default: the scenario's end). */
export function startRun(module: ProtocolModule, scenario: Scenario, cursor?: Micros): void {
  if (!connection) return;
  const { store } = connection;
  try {
    const simulation = new Simulation(scenario, module);
    current = { module, simulation };
    store.getState().beginRun(module.id, scenario.seed, scenario.durationMicros);
    simulation.runUntil(Math.min(cursor ?? scenario.durationMicros, scenario.durationMicros));
    publish();
  } catch (error) {
    current = null;
    store.getState().failRun(error instanceof Error ? error.message : String(error));
  }
}

/** A fresh run of the selected protocol (and preset) with the selected seed. */
export function runSelected(): void {
  if (!connection) return;
  const { store } = connection;
  const { protocolId, seed } = store.getState();
  const module = findModule(protocolId);
  if (!module) return store.getState().failRun(`Unknown protocol "${protocolId ?? ''}".`);
  const invalid = seedError(seed);
  if (invalid !== null) return store.getState().failRun(`Seed: ${invalid}`);
  const built = presetScenario(module, null, seed);
  if (!built.ok) return store.getState().failRun(built.error);
  startRun(module, built.value);
}

/**
 * Open the run an address names (`#s=...&t=...`). An empty fragment opens the default run; a
 * malformed or hostile one shows a banner saying what is wrong and opens the default run.
 */
export function openFragment(fragment: string): void {
  if (!connection) return;
  const { store } = connection;
  const shared = parseShareFragment(fragment);
  if (shared !== null && shared.ok) {
    const module = findModule(shared.value.scenario.protocol);
    const checked = module ? validateForProtocol(shared.value.scenario, module) : null;
    if (module && checked?.ok) {
      store.getState().selectProtocol(module.id);
      store.getState().setSeed(checked.value.seed);
      startRun(module, checked.value, shared.value.cursorMicros ?? undefined);
      return;
    }
    const why = module
      ? (checked as { error: string }).error
      : `unknown protocol "${shared.value.scenario.protocol}"`;
    store
      .getState()
      .setBanner(`This link could not be opened: ${why}. Showing the default run instead.`);
  } else if (shared !== null) {
    store
      .getState()
      .setBanner(
        `This link could not be opened: ${shared.error}. Showing the default run instead.`,
      );
  }
  runSelected();
}

/** Move the cursor (restore a checkpoint and replay, or run forward). */
export function seekTo(micros: Micros): void {
  if (!current) return;
  current.simulation.seek(Math.max(0, Math.round(micros)));
  publish();
}

/** The address fragment that reproduces the current run at the current cursor. */
export function currentFragment(): string | null {
  if (!current) return null;
  return shareFragment(current.simulation.currentScenario(), current.simulation.now);
}

/** Tell the views the run moved, and mirror it into the address bar. */
function publish(): void {
  if (!connection || !current) return;
  const sim = current.simulation;
  connection.store.getState().finishRun({
    protocol: current.module.id,
    seed: sim.scenario.seed,
    now: sim.now,
    eventCount: sim.eventCount,
    traceHash: sim.traceHash(),
    violations: sim.violations.length,
    stopped: sim.stopped,
  });
  const fragment = currentFragment();
  if (fragment !== null) connection.location?.replace(fragment);
}
