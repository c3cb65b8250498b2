import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, MAX_SEED_LENGTH, createAppStore, seedError } from './store';

const RAFT = { id: 'raft', title: 'Raft', summary: 'Leader-based consensus.' };
const PBFT = { id: 'pbft', title: 'PBFT', summary: 'Byzantine fault tolerance.' };

describe('app store', () => {
  it('starts with no protocols and the default seed', () => {
    const state = createAppStore().getState();
    expect(state.protocols).toEqual([]);
    expect(state.protocolId).toBeNull();
    expect(state.seed).toBe(DEFAULT_SEED);
    expect(state.theme).toBe('system');
    expect(state.lastRun).toBeNull();
  });

  it('selects the first protocol when protocols arrive, and keeps a still-valid choice', () => {
    const store = createAppStore();
    store.getState().setProtocols([RAFT, PBFT]);
    expect(store.getState().protocolId).toBe('raft');
    store.getState().selectProtocol('pbft');
    store.getState().setProtocols([RAFT, PBFT]);
    expect(store.getState().protocolId).toBe('pbft');
    store.getState().setProtocols([RAFT]);
    expect(store.getState().protocolId).toBe('raft');
    store.getState().setProtocols([]);
    expect(store.getState().protocolId).toBeNull();
  });

  it('ignores a selection of an unknown protocol', () => {
    const store = createAppStore();
    store.getState().setProtocols([RAFT]);
    store.getState().selectProtocol('nope');
    expect(store.getState().protocolId).toBe('raft');
  });

  it('records a finished run and clears it of errors', () => {
    const store = createAppStore();
    store.getState().failRun('boom');
    expect(store.getState().error).toBe('boom');
    const summary = {
      protocol: 'raft',
      seed: '7',
      now: 5,
      eventCount: 3,
      traceHash: 'ab',
      violations: 0,
      stopped: null,
    };
    store.getState().finishRun(summary);
    expect(store.getState().lastRun).toEqual(summary);
    expect(store.getState().runVersion).toBe(1);
    expect(store.getState().error).toBeNull();
    expect(store.getState().running).toBe(false);
  });
});

describe('seedError', () => {
  it('accepts short printable seeds', () => {
    for (const seed of ['1', 'abc', 'split-brain_42', '~!@#', 'x'.repeat(MAX_SEED_LENGTH)]) {
      expect(seedError(seed)).toBeNull();
    }
  });

  it('rejects empty, long, spaced and non-ASCII seeds', () => {
    for (const seed of ['', 'x'.repeat(MAX_SEED_LENGTH + 1), 'a b', 'é', '\n']) {
      expect(seedError(seed)).not.toBeNull();
    }
  });
});
