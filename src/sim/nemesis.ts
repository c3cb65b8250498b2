import { assert } from './assert';
import type { Stream } from './rng';
import type {
  FaultAction,
  LatencyDist,
  Micros,
  NemesisConfig,
  NemesisKind,
  NodeId,
  TimedFault,
} from './types';

/** A nemesis schedule never holds more faults than this, whatever its interval. */
export const MAX_NEMESIS_FAULTS = 5_000;

/** How much faster than `intervalMicros` a seed's faults may come (drawn per seed). */
const SWARM_SPEEDUPS = [1, 2, 5, 10, 25, 50] as const;
/** The swarm never makes faults come faster than this; a storm already faster keeps its pace. */
const SWARM_FASTEST_MICROS = 10_000;

/**
 * Swarm testing (as TigerBeetle's simulator does): each seed keeps a random non-empty subset of
 * the fault kinds and a random pace, so some seeds hammer one kind of fault in quick succession
 * while others mix slow ones. Fewer kinds at once, and faster ones, reach schedules that a
 * uniform mix almost never draws. It draws from its own stream, so a one-kind storm whose pace
 * is already fast gets exactly the schedule it would get without the swarm.
 */
function swarm(kinds: readonly NemesisKind[], interval: Micros, rng: Stream) {
  const kept = kinds.length > 1 ? kinds.filter(() => rng.int(2) === 0) : [];
  const pace = rng.pick(SWARM_SPEEDUPS);
  const fastest = Math.min(interval, SWARM_FASTEST_MICROS);
  return {
    kinds: kept.length > 0 ? kept : [...kinds],
    interval: Math.max(fastest, Math.floor(interval / pace)),
  };
}

/**
 * Draw a fault schedule from the seed for the safety phase [0, safetyMicros). Every fault it
 * starts it also ends before the safety phase is over; at most a minority of nodes is down at
 * once, so a correct protocol can still make progress.
 */
export function drawNemesis(
  config: NemesisConfig,
  nodes: number,
  baseLossPpm: number,
  rng: Stream,
  baseLatency: LatencyDist,
  swarmRng: Stream,
): TimedFault[] {
  assert(config.intervalMicros > 0 && config.safetyMicros > 0, 'nemesis needs positive times');
  const faults: TimedFault[] = [];
  const possible = config.kinds.filter(
    (kind) => nodes > 1 || (kind !== 'partition' && kind !== 'cut'),
  );
  const { kinds, interval } = swarm(possible, config.intervalMicros, swarmRng);
  const crashWindows: { node: NodeId; start: Micros; end: Micros }[] = [];
  const minority = Math.floor((nodes - 1) / 2);
  const half = Math.floor(interval / 2);
  let at = rng.range(half, interval + half);
  while (at < config.safetyMicros && faults.length < MAX_NEMESIS_FAULTS - 2 && kinds.length > 0) {
    const end = Math.min(at + rng.range(interval, 4 * interval), config.safetyMicros - 1);
    const add = (when: Micros, action: FaultAction): void => {
      faults.push({ at: when, action });
    };
    switch (rng.pick(kinds)) {
      case 'partition': {
        const shuffled = shuffle(nodes, rng);
        const side = shuffled.slice(0, rng.range(1, Math.max(1, Math.floor(nodes / 2))));
        add(at, { kind: 'partition', groups: [side, shuffled.filter((n) => !side.includes(n))] });
        add(end, { kind: 'heal' });
        break;
      }
      case 'leader': {
        // A burst: whoever leads is cut off, again and again, soon after each election.
        let t = at;
        while (t < end && faults.length < MAX_NEMESIS_FAULTS - 2) {
          add(t, { kind: 'isolateLeader' });
          t += rng.range(LEADER_BURST_GAP_MIN, LEADER_BURST_GAP_MAX);
        }
        add(end, { kind: 'heal' });
        break;
      }
      case 'cut': {
        const from = rng.int(nodes);
        const to = (from + 1 + rng.int(nodes - 1)) % nodes;
        add(at, { kind: 'cut', from, to });
        add(end, { kind: 'uncut', from, to });
        break;
      }
      case 'crash': {
        const node = rng.int(nodes);
        const overlapping = crashWindows.filter((w) => w.start < end && at < w.end);
        if (overlapping.length >= minority || overlapping.some((w) => w.node === node)) break;
        crashWindows.push({ node, start: at, end });
        add(at, { kind: 'crash', node });
        add(end, { kind: 'restart', node });
        break;
      }
      case 'pause': {
        const node = rng.int(nodes);
        add(at, { kind: 'pause', node });
        add(end, { kind: 'resume', node });
        break;
      }
      case 'loss':
        add(at, { kind: 'loss', ppm: rng.range(100_000, 500_000) });
        add(end, { kind: 'loss', ppm: baseLossPpm });
        break;
      case 'reorder':
        // Messages overtake each other, with a wide latency spread so they often do.
        add(at, { kind: 'reorder', on: true });
        add(at, {
          kind: 'latency',
          latency: { kind: 'longtail', minMicros: 1_000, maxMicros: 100_000 },
        });
        add(end, { kind: 'reorder', on: false });
        add(end, { kind: 'latency', latency: baseLatency });
        break;
      case 'clock': {
        const node = rng.int(nodes);
        if (rng.int(2) === 0)
          add(at, { kind: 'clockJump', node, deltaMicros: rng.range(-1_000_000, 1_000_000) });
        else add(at, { kind: 'clockDrift', node, ppm: rng.range(-200_000, 200_000) });
        break;
      }
    }
    at += rng.range(half, interval + half);
  }
  return faults.sort((x, y) => x.at - y.at);
}

/** Gaps between two isolations of the leader within one burst. */
const LEADER_BURST_GAP_MIN = 10_000;
const LEADER_BURST_GAP_MAX = 20_000;

/** A uniformly random permutation of 0 .. n-1 (Fisher-Yates). */
function shuffle(n: number, rng: Stream): NodeId[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}
