import { DEFAULT_LINK } from '../../../sim/scenario';
import type { FaultAction, NetworkConfig, NodeId, TimedFault } from '../../../sim/types';

/** Small builders for scripted presets (times in milliseconds). */

export function at(ms: number, action: FaultAction): TimedFault {
  return { at: ms * 1_000, action };
}
export const crash = (node: NodeId): FaultAction => ({ kind: 'crash', node });
export const restart = (node: NodeId): FaultAction => ({ kind: 'restart', node });
export const heal: FaultAction = { kind: 'heal' };
export const partition = (...groups: NodeId[][]): FaultAction => ({ kind: 'partition', groups });

/** The default network, with the links from `from` to each listed node slowed to its latency. */
export function slowLinks(
  from: NodeId,
  slow: readonly (readonly [to: NodeId, latencyMs: number])[],
): NetworkConfig {
  return {
    default: DEFAULT_LINK,
    links: slow.map(([to, latencyMs]) => ({
      from,
      to,
      policy: { ...DEFAULT_LINK, latency: { kind: 'constant', micros: latencyMs * 1_000 } },
    })),
    clientLatencyMicros: 1_000,
  };
}
