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
import type { Highlight } from './highlight';
import { DEFAULT_SPEED_INDEX, clampSpeedIndex } from './playback';

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

/** The scenario bar's settings beyond protocol and seed; applied by Run. */
export interface ScenarioDraft {
  /** Cluster size, or null for the protocol's default. */
  readonly nodes: number | null;
  /** Parameters set away from their defaults. */
  readonly params: Readonly<Record<string, number | boolean | string>>;
  readonly variant: string | null;
  readonly presetId: string | null;
}

export const EMPTY_DRAFT: ScenarioDraft = {
  nodes: null,
  params: {},
  variant: null,
  presetId: null,
};

export type SideTab = 'inspector' | 'replicas' | 'violations' | 'history' | 'metrics';

/** A message picked in the cluster view; a copy, so it stays shown after its delivery. */
export interface SelectedMessage {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  readonly sentAt: number;
  readonly deliverAt: number;
  /** The message itself (plain data; shown as text, never as HTML). */
  readonly msg: { readonly type: string };
  /** The protocol's one-line label for it. */
  readonly label: string;
}

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
  /** Playback: the driver loop advances the run while this is true. */
  readonly playing: boolean;
  /** Index into SPEEDS (playback.ts). */
  readonly speedIndex: number;
  /** The node the inspector shows, or null. */
  readonly selectedNode: number | null;
  readonly draft: ScenarioDraft;
  readonly sideTab: SideTab;
  readonly helpOpen: boolean;
  /** Large type, high contrast, editing chrome hidden. */
  readonly presenter: boolean;
  /** A short notice ("Link copied"), or null. */
  readonly toast: string | null;
  /** The message the cluster view's message panel shows, or null. */
  readonly selectedMessage: SelectedMessage | null;
  /** What a clicked violation involves (nodes, messages), highlighted in the views; or null. */
  readonly highlight: Highlight | null;

  setProtocols(protocols: readonly ProtocolChoice[]): void;
  selectProtocol(id: string): void;
  setSeed(seed: string): void;
  setTheme(theme: ThemeChoice): void;
  setRunning(running: boolean): void;
  beginRun(protocol: string, seed: string, durationMicros: number): void;
  finishRun(summary: RunSummary): void;
  failRun(message: string): void;
  setBanner(message: string | null): void;
  setPlaying(playing: boolean): void;
  setSpeedIndex(index: number): void;
  selectNode(node: number | null): void;
  setDraft(change: Partial<ScenarioDraft>): void;
  setSideTab(tab: SideTab): void;
  setHelpOpen(open: boolean): void;
  setPresenter(on: boolean): void;
  setToast(message: string | null): void;
  selectMessage(message: SelectedMessage | null): void;
  setHighlight(highlight: Highlight | null): void;
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
    playing: false,
    speedIndex: DEFAULT_SPEED_INDEX,
    selectedNode: null,
    draft: EMPTY_DRAFT,
    sideTab: 'inspector',
    helpOpen: false,
    presenter: false,
    toast: null,
    selectedMessage: null,
    highlight: null,

    setProtocols(protocols) {
      const current = get().protocolId;
      const keep = protocols.some((p) => p.id === current);
      set({ protocols, protocolId: keep ? current : (protocols[0]?.id ?? null) });
    },
    selectProtocol(id) {
      if (get().protocols.some((p) => p.id === id)) {
        const draft = id === get().protocolId ? get().draft : EMPTY_DRAFT;
        set({ protocolId: id, error: null, draft });
      }
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
      set({ running: true, durationMicros, error: null, selectedMessage: null, highlight: null });
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
    setPlaying(playing) {
      set({ playing });
    },
    setSpeedIndex(index) {
      set({ speedIndex: clampSpeedIndex(index) });
    },
    selectNode(selectedNode) {
      set({ selectedNode });
    },
    setDraft(change) {
      set({ draft: { ...get().draft, ...change } });
    },
    setSideTab(sideTab) {
      set({ sideTab });
    },
    setHelpOpen(helpOpen) {
      set({ helpOpen });
    },
    setPresenter(presenter) {
      set({ presenter });
    },
    setToast(toast) {
      set({ toast });
    },
    selectMessage(selectedMessage) {
      set({ selectedMessage });
    },
    setHighlight(highlight) {
      set({ highlight });
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
