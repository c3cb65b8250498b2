import { describe, expect, it } from 'vitest';
import { REC } from '../sim/trace';
import {
  SPEEDS,
  adjacentMarker,
  clampSpeedIndex,
  lowerBound,
  messageProgress,
  scanMarkers,
  simAdvance,
  speedLabel,
  timerRemaining,
} from './playback';

describe('speed', () => {
  it('spans 1/1000x to 100x on a log scale', () => {
    expect(SPEEDS[0]).toBe(0.001);
    expect(SPEEDS.at(-1)).toBe(100);
    expect(speedLabel(0)).toBe('1/1000x');
    expect(speedLabel(4)).toBe('1/50x');
    expect(speedLabel(9)).toBe('1x');
    expect(speedLabel(99)).toBe('100x');
    expect(clampSpeedIndex(-3)).toBe(0);
  });

  it('maps wall time to whole simulated microseconds, capping long frames', () => {
    expect(simAdvance(16, 9)).toBe(16_000);
    expect(simAdvance(16, 0)).toBe(16);
    expect(simAdvance(5000, 9)).toBe(100_000);
    expect(simAdvance(-5, 9)).toBe(0);
    expect(Number.isInteger(simAdvance(16.7, 3))).toBe(true);
  });
});

describe('positions', () => {
  it('puts a message along its link by (sentAt, deliverAt, now)', () => {
    expect(messageProgress(100, 200, 150)).toBe(0.5);
    expect(messageProgress(100, 200, 50)).toBe(0);
    expect(messageProgress(100, 200, 300)).toBe(1);
    expect(messageProgress(100, 100, 100)).toBe(1);
  });

  it('drains a timer ring', () => {
    expect(timerRemaining(null, 5)).toBeNull();
    expect(timerRemaining({ start: 0, deadline: 100 }, 25)).toBe(0.75);
    expect(timerRemaining({ start: 0, deadline: 100 }, 200)).toBe(0);
  });

  it('binary-searches a sorted time column', () => {
    const at = [0, 5, 5, 9, 12];
    expect(lowerBound(at, 5, 5)).toBe(1);
    expect(lowerBound(at, 5, 6)).toBe(3);
    expect(lowerBound(at, 5, 100)).toBe(5);
    expect(lowerBound(at, 3, 100)).toBe(3);
  });
});

describe('markers', () => {
  const names = ['', 'leader', 'commit', 'safety'];
  const rows: [number, number, number, number, number, number][] = [
    // kind, at, node, peer, name, value
    [REC.send, 1, 0, 1, 0, 0],
    [REC.crash, 2, 3, -1, 0, 0],
    [REC.note, 3, 1, -1, 1, 4],
    [REC.note, 4, 1, -1, 2, 9],
    [REC.cut, 5, 0, 2, 0, 0],
    [REC.heal, 6, -1, -1, 0, 0],
    [REC.violation, 7, -1, -1, 3, 12],
  ];
  const trace = {
    kind: rows.map((r) => r[0]),
    at: rows.map((r) => r[1]),
    node: rows.map((r) => r[2]),
    peer: rows.map((r) => r[3]),
    name: rows.map((r) => r[4]),
    value: rows.map((r) => r[5]),
    names,
  };

  it('reads faults, role notes and violations from the trace', () => {
    const markers = scanMarkers(trace, 0, rows.length, new Set(['leader', 'follower']));
    expect(markers.map((m) => [m.at, m.kind, m.label])).toEqual([
      [2, 'fault', 'crash n3'],
      [3, 'leader', 'n1 leader (term 4)'],
      [5, 'fault', 'cut n0→n2'],
      [6, 'heal', 'heal'],
      [7, 'violation', 'violation: safety'],
    ]);
    expect(scanMarkers(trace, 2, 4, new Set(['leader']))).toHaveLength(1);
  });

  it('finds the next and previous marker strictly around the cursor', () => {
    const markers = scanMarkers(trace, 0, rows.length, new Set(['leader']));
    expect(adjacentMarker(markers, 3, 1)?.at).toBe(5);
    expect(adjacentMarker(markers, 3, -1)?.at).toBe(2);
    expect(adjacentMarker(markers, 7, 1)).toBeNull();
    expect(adjacentMarker(markers, 2, -1)).toBeNull();
  });
});
