/**
 * The app's UI state. The simulation kernel is a plain object that lives outside React (see
 * sim-bridge.ts); this store only holds what the views need to render: the choices the user has
 * made and a coarse summary of the last run.
 *
 * It is a vanilla zustand store, so non-React code (the driver loop, the bridge) reads and
 * writes it with `appStore.getState()` / `appStore.setState()` without re-rendering anything.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/** A protocol as the picker lists it. */
export interface ProtocolChoice {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
}

/** What the app shows about a finished run. */
export interface RunSummary {
  readonly protocol: string;
  readonly seed: string;
  /** Simulated time reached, in microseconds. */
  readonly now: number;
  readonly eventCount: number;
  readonly traceHash: string;
  /** Invariant violations found up to the cursor. */
  readonly violations: number;
  /** Why the run stopped early, or null. */
  readonly stopped: string | null;
}

export type ThemeChoice = 'system' | 'light' | 'dark';

export const DEFAULT_SEED = '1';
export const MAX_SEED_LENGTH = 64;

/** Why a seed cannot be used, or null if it can. Seeds are short printable strings. */
export function seedError(seed: string): string | null {
  if (seed.length === 0) return 'Enter a seed.';
  if (seed.length > MAX_SEED_LENGTH) return `At most ${MAX_SEED_LENGTH} characters.`;
  if (!/^[\x21-\x7e]+$/.test(seed)) return 'Printable ASCII, no spaces.';
  return null;
}

export interface AppState {
  /** Every protocol the connected kernel offers (empty until one is connected). */
  readonly protocols: readonly ProtocolChoice[];
  readonly protocolId: string | null;
  readonly seed: string;
  readonly theme: ThemeChoice;
  readonly running: boolean;
  readonly lastRun: RunSummary | null;
  readonly error: string | null;
  /** A notice about the address the app was opened with (a bad link), or null. */
  readonly banner: string | null;
  /** The current run's scenario duration: the scrubber's range. */
  readonly durationMicros: number;
  /** Increases whenever the current run moves, so views that read the kernel re-render. */
  readonly runVersion: number;

  setProtocols(protocols: readonly ProtocolChoice[]): void;
  selectProtocol(id: string): void;
  setSeed(seed: string): void;
  setTheme(theme: ThemeChoice): void;
  setRunning(running: boolean): void;
  beginRun(protocol: string, seed: string, durationMicros: number): void;
  finishRun(summary: RunSummary): void;
  failRun(message: string): void;
  setBanner(message: string | null): void;
}

export function createAppStore(initial: Partial<Pick<AppState, 'seed' | 'theme'>> = {}) {
  return createStore<AppState>()((set, get) => ({
    protocols: [],
    protocolId: null,
    seed: initial.seed ?? DEFAULT_SEED,
    theme: initial.theme ?? 'system',
    running: false,
    lastRun: null,
    error: null,
    banner: null,
    durationMicros: 0,
    runVersion: 0,

    setProtocols(protocols) {
      const current = get().protocolId;
      const keep = protocols.some((p) => p.id === current);
      set({ protocols, protocolId: keep ? current : (protocols[0]?.id ?? null) });
    },
    selectProtocol(id) {
      if (get().protocols.some((p) => p.id === id)) set({ protocolId: id, error: null });
    },
    setSeed(seed) {
      set({ seed, error: null });
    },
    setTheme(theme) {
      set({ theme });
    },
    setRunning(running) {
      set({ running });
    },
    beginRun(_protocol, _seed, durationMicros) {
      set({ running: true, durationMicros, error: null });
    },
    finishRun(summary) {
      set({ running: false, lastRun: summary, error: null, runVersion: get().runVersion + 1 });
    },
    setBanner(banner) {
      set({ banner });
    },
    failRun(message) {
      set({ running: false, error: message });
    },
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

/** The app's one store. */
export const appStore: AppStore = createAppStore();

/** React hook: subscribe to the slice of the store that `selector` picks. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}
