/**
 * The seam between the app and the simulation kernel. The kernel is a plain object that lives
 * here, outside React and outside the store; components read it through `currentRun()` and
 * re-render when the store's `runVersion` changes (once per user action, never per event).
 */
import { presetScenario } from '../sim/presets';
import { parseScenario, validateForProtocol } from '../sim/scenario';
import { parseShareFragment, shareFragment } from '../sim/share';
import { LIVENESS, Simulation } from '../sim/simulation';
import type { FaultAction, Micros, ProtocolModule, Scenario } from '../sim/types';
import { MetricsRecorder, forwardSampled } from './metrics';
import { type Marker, scanMarkers } from './playback';
import {
  type AppStore,
  type ProtocolChoice,
  type ScenarioDraft,
  appStore,
  seedError,
} from './store';

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

/**
 * Timeline markers read from the trace. Records up to `scanned` have been read; after a seek
 * back they stay (the future is still known) until an input forks the run.
 */
let markers: Marker[] = [];
let scanned = 0;
let roleNames: ReadonlySet<string> = new Set();
/** The charts' series, sampled along the run as the cursor moves (metrics.ts). */
let metrics: MetricsRecorder | null = null;
/** Where liveness was last judged, so it is judged once each time the cursor reaches the end. */
let livenessJudged: { sim: Simulation; events: number; records: number } | null = null;

/** Wall-clock budget for running ahead when a run opens, so the timeline knows its future. */
const LOOK_AHEAD_MILLIS = 1500;

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

/** The current run's sampled metrics (and its known history), or null. */
export function currentMetrics(): MetricsRecorder | null {
  return metrics;
}

/** Markers of the run so far (and of its known future). */
export function currentMarkers(): readonly Marker[] {
  return markers;
}

/** Read the trace records the markers have not seen yet. */
function refreshMarkers(): void {
  if (!current) return;
  const trace = current.simulation.trace;
  if (trace.mode !== 'full' || trace.length <= scanned) return;
  for (const marker of scanMarkers(trace, scanned, trace.length, roleNames)) markers.push(marker);
  scanned = trace.length;
}

function wallMillis(): number {
  return typeof performance === 'undefined' ? 0 : performance.now();
}

/** The connected protocol module with this id, if any. */
export function protocolModule(id: string | null): ProtocolModule | undefined {
  return findModule(id);
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
    const recorder = new MetricsRecorder(module, scenario.durationMicros, scenario.nodes);
    metrics = recorder;
    current = { module, simulation };
    markers = [];
    scanned = 0;
    roleNames = new Set(Object.keys(module.view.roleColors));
    store.getState().beginRun(module.id, scenario.seed, scenario.durationMicros);
    const end = scenario.durationMicros;
    const target = Math.min(cursor ?? end, end);
    if (target < end) {
      // Run ahead (within a budget) so the timeline shows what is coming, then come back.
      const deadline = wallMillis() + LOOK_AHEAD_MILLIS;
      while (simulation.now < end && simulation.stopped === null && wallMillis() < deadline) {
        forwardSampled(simulation, recorder, Math.min(end, simulation.now + 100_000));
      }
      refreshMarkers();
      simulation.seek(target);
    } else {
      forwardSampled(simulation, recorder, target);
    }
    publish();
  } catch (error) {
    current = null;
    store.getState().failRun(error instanceof Error ? error.message : String(error));
  }
}

/** A fresh run of the selected protocol (and preset) with the selected seed. */
export function runSelected(cursor?: Micros): void {
  if (!connection) return;
  const { store } = connection;
  const { protocolId, seed, draft } = store.getState();
  const module = findModule(protocolId);
  if (!module) return store.getState().failRun(`Unknown protocol "${protocolId ?? ''}".`);
  const invalid = seedError(seed);
  if (invalid !== null) return store.getState().failRun(`Seed: ${invalid}`);
  const built = draftScenario(module, seed, draft);
  if (!built.ok) return store.getState().failRun(built.error);
  startRun(module, built.value, cursor);
}

/** The scenario the bar describes: the preset over the defaults, then nodes, params, variant. */
export function draftScenario(module: ProtocolModule, seed: string, draft: ScenarioDraft) {
  const built = presetScenario(module, draft.presetId, seed);
  if (!built.ok) return built;
  const parsed = parseScenario({
    ...built.value,
    nodes: draft.nodes ?? built.value.nodes,
    params: { ...built.value.params, ...draft.params },
    variant: draft.variant,
  });
  return parsed.ok ? validateForProtocol(parsed.value, module) : parsed;
}

/** Start the current scenario again without the actions taken while watching. */
export function resetRun(cursor: Micros = 0): void {
  if (!current) return;
  startRun(current.module, { ...current.simulation.scenario, inputs: [] }, cursor);
}

/** Open a scenario from a file or elsewhere (untrusted: validated for its protocol first). */
export function openScenario(scenario: Scenario, cursor?: Micros): string | null {
  if (!connection) return 'the simulator is not connected';
  const module = findModule(scenario.protocol);
  if (!module) return `unknown protocol "${scenario.protocol}"`;
  const checked = validateForProtocol(scenario, module);
  if (!checked.ok) return checked.error;
  adoptScenario(module, checked.value);
  startRun(module, checked.value, cursor);
  return null;
}

/** Make the scenario bar show `scenario`'s settings. */
function adoptScenario(module: ProtocolModule, scenario: Scenario): void {
  if (!connection) return;
  const state = connection.store.getState();
  state.selectProtocol(module.id);
  state.setSeed(scenario.seed);
  state.setDraft({
    nodes: scenario.nodes,
    params: { ...scenario.params },
    variant: scenario.variant,
    presetId: null,
  });
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
      adoptScenario(module, checked.value);
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
  const target = Math.max(0, Math.round(micros));
  // Forward moves stop at each metrics sample not taken yet; known ground is crossed by seek.
  if (metrics !== null && target > current.simulation.now)
    forwardSampled(current.simulation, metrics, target);
  else current.simulation.seek(target);
  publish();
}

/** Move the cursor to just after event number `count`. */
export function seekToEvent(count: number): void {
  if (!current) return;
  current.simulation.seekEvent(Math.max(0, Math.floor(count)));
  publish();
}

/** One event forward (not past the scenario's end). False when there is nothing to do. */
export function stepForward(): boolean {
  if (!current) return false;
  const sim = current.simulation;
  if (sim.nextEventAt() > sim.scenario.durationMicros) return false;
  const moved = sim.step();
  publish();
  return moved;
}

/** One event back: the state right after the previous event. */
export function stepBack(): boolean {
  if (!current || current.simulation.eventCount === 0) return false;
  current.simulation.seekEvent(current.simulation.eventCount - 1);
  publish();
  return true;
}

/**
 * A user's action (crash, partition, loss...) at the cursor. It goes through the kernel's
 * applyInput, so it is recorded in the scenario and the address reproduces it; at a past
 * cursor it forks the run (the markers of the old future are dropped).
 */
export function act(action: FaultAction): void {
  if (!current) return;
  const sim = current.simulation;
  const before = sim.trace.length;
  markers = markers.filter((m) => m.record < before);
  scanned = Math.min(scanned, before);
  metrics?.fork(sim);
  sim.applyInput(action);
  publish();
}

/**
 * Run the kernel towards `target` for at most `budgetMillis` of wall time (the driver's frame
 * budget). The cursor lands on `target` when every event up to it ran, else on the last event.
 */
export function advanceWithin(target: Micros, budgetMillis: number, mirror: boolean): boolean {
  if (!current) return false;
  const sim = current.simulation;
  const deadline = wallMillis() + budgetMillis;
  let reached = true;
  while (sim.stopped === null && sim.nextEventAt() <= target) {
    if (wallMillis() > deadline) {
      reached = false;
      break;
    }
    for (let k = 0; k < 256 && sim.nextEventAt() <= target; k++) {
      sim.step();
      metrics?.observe(sim);
    }
  }
  if (reached && target > sim.now) sim.runUntil(target);
  publish(mirror);
  return reached;
}

/** The address fragment that reproduces the current run at the current cursor. */
export function currentFragment(): string | null {
  if (!current) return null;
  return shareFragment(current.simulation.currentScenario(), current.simulation.now);
}

/**
 * Liveness is judged once the cursor reaches the run's end, as the command line judges it, so
 * the trace hash at the end equals `bin/splitbrain run`'s. Judged again only if the run changed.
 */
function judgeLivenessAtEnd(sim: Simulation): void {
  if (sim.now < sim.scenario.durationMicros || sim.stopped !== null) return;
  if (sim.violations.some((v) => v.invariant === LIVENESS)) return;
  const last = livenessJudged;
  if (last?.sim === sim && last.events === sim.eventCount && last.records === sim.trace.length)
    return;
  sim.checkLiveness();
  livenessJudged = { sim, events: sim.eventCount, records: sim.trace.length };
}

/** Tell the views the run moved, and mirror it into the address bar. */
export function publish(mirror = true): void {
  if (!connection || !current) return;
  const sim = current.simulation;
  judgeLivenessAtEnd(sim);
  metrics?.update(sim);
  refreshMarkers();
  connection.store.getState().finishRun({
    protocol: current.module.id,
    seed: sim.scenario.seed,
    now: sim.now,
    eventCount: sim.eventCount,
    traceHash: sim.traceHash(),
    violations: sim.violations.length,
    stopped: sim.stopped,
  });
  if (!mirror) return;
  const fragment = currentFragment();
  if (fragment !== null) connection.location?.replace(fragment);
}
