import { assert } from '../../sim/assert';
import type { ParamValues, Rng } from '../../sim/types';

/**
 * Swarm testing of Raft's knobs: with the nemesis on, each seed also draws how many entries an
 * AppendEntries carries and how wide the election timeout range is, for the knobs a scenario
 * leaves at their defaults (a scenario that sets one keeps it; the drawn values are in the run's
 * scenario, so its link replays exactly). One entry per message and near-equal timeouts are what
 * expose bugs like Figure 8's, which a batch of 64 entries and wide timeouts almost never show:
 * the leader's no-op then travels with the old entries it would commit.
 */

const DEFAULT_BATCH = 64;
const DEFAULT_TIMEOUT_MIN = 150_000;
const DEFAULT_TIMEOUT_MAX = 300_000;
const BATCHES = [1, 2, DEFAULT_BATCH] as const;
const NARROW_TIMEOUT_SPREAD = 10_000;

export const SWARM_DEFAULTS = {
  maxEntriesPerAppend: DEFAULT_BATCH,
  electionTimeoutMicrosMin: DEFAULT_TIMEOUT_MIN,
  electionTimeoutMicrosMax: DEFAULT_TIMEOUT_MAX,
} as const;

export function drawSwarmParams(rng: Rng, params: ParamValues): ParamValues {
  const drawn: Record<string, number> = {};
  const batch = BATCHES[rng.int(BATCHES.length)]!;
  const narrow = rng.int(2) === 0;
  if (params.maxEntriesPerAppend === DEFAULT_BATCH) drawn.maxEntriesPerAppend = batch;
  const timeoutsAtDefault =
    params.electionTimeoutMicrosMin === DEFAULT_TIMEOUT_MIN &&
    params.electionTimeoutMicrosMax === DEFAULT_TIMEOUT_MAX;
  if (narrow && timeoutsAtDefault) {
    drawn.electionTimeoutMicrosMin = DEFAULT_TIMEOUT_MIN;
    drawn.electionTimeoutMicrosMax = DEFAULT_TIMEOUT_MIN + NARROW_TIMEOUT_SPREAD;
  }
  assert(batch >= 1 && batch <= DEFAULT_BATCH, 'a drawn batch size is within the default', batch);
  return drawn;
}
