import { assert } from '../../sim/assert';
import type { ParamValues, Rng } from '../../sim/types';

/**
 * Swarm testing of Basic Paxos's options: with the nemesis on, each seed also draws how many
 * nodes propose, whether backoff and the distinguished proposer are on, and sometimes a short,
 * narrow retry timeout (still above a round trip on the default network, 4 x 8 ms), for every
 * option a scenario leaves at its default. More proposers retrying sooner make more rounds
 * overlap, which is where a broken acceptor or proposer shows. The drawn values are in the
 * run's scenario, so its link replays exactly.
 */

export const PAXOS_DEFAULTS = {
  proposers: 2,
  retryTimeoutMicrosMin: 50_000,
  retryTimeoutMicrosMax: 100_000,
  backoff: true,
  distinguishedProposer: false,
} as const;

const SHORT_RETRY_MIN = 35_000;
const SHORT_RETRY_MAX = 40_000;

export function drawPaxosKnobs(rng: Rng, params: ParamValues, nodes: number): ParamValues {
  const drawn: Record<string, number | boolean> = {};
  const proposers = [1, 2, 3, nodes][rng.int(4)]!;
  const backoff = rng.int(2) === 0;
  const distinguished = rng.int(3) === 0;
  const shortRetry = rng.int(2) === 0;
  if (params.proposers === PAXOS_DEFAULTS.proposers) drawn.proposers = Math.min(proposers, nodes);
  if (params.backoff === PAXOS_DEFAULTS.backoff) drawn.backoff = backoff;
  if (params.distinguishedProposer === PAXOS_DEFAULTS.distinguishedProposer)
    drawn.distinguishedProposer = distinguished;
  const retryAtDefault =
    params.retryTimeoutMicrosMin === PAXOS_DEFAULTS.retryTimeoutMicrosMin &&
    params.retryTimeoutMicrosMax === PAXOS_DEFAULTS.retryTimeoutMicrosMax;
  if (shortRetry && retryAtDefault) {
    drawn.retryTimeoutMicrosMin = SHORT_RETRY_MIN;
    drawn.retryTimeoutMicrosMax = SHORT_RETRY_MAX;
  }
  assert(drawn.proposers === undefined || (drawn.proposers as number) >= 1, 'a proposer at least');
  return drawn;
}
