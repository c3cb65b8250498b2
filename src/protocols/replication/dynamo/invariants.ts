import type { ClusterView, Invariant } from '../../../sim/types';
import { opsComplete } from '../common/shared';
import { covers } from '../common/versions';
import { dynamoParams, type DynamoState } from './types';

/**
 * A write is acknowledged only once W replicas stored it: the coordinator heard from W distinct
 * nodes (itself included), and each of them that is up holds the version or a later one.
 */
export const writeQuorum: Invariant<DynamoState, (DynamoState['lastAck'] | undefined)[]> = {
  id: 'write-quorum',
  description: 'A write is acknowledged only after W distinct replicas stored it.',
  init: () => [],
  check(memory, cluster: ClusterView<DynamoState>) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null || s.lastAck === null || memory[node] === s.lastAck) return null;
    memory[node] = s.lastAck;
    const { key, versions, ackers } = s.lastAck;
    const writer = versions[versions.length - 1]!.writer;
    const w = dynamoParams({ params: cluster.params, nodes: cluster.states.length }).writeQuorum;
    if (new Set(ackers).size < w)
      return `n${node} acknowledged ${writer} on "${key}" after ${ackers.length} of W = ${w} replicas stored it`;
    for (const acker of ackers) {
      const held = cluster.states[acker]?.store.get(key);
      if (held !== undefined && !versions.every((v) => covers(held, v)))
        return `n${node} counted n${acker} for ${writer} on "${key}", which does not hold it`;
    }
    return null;
  },
};

/** A read is answered only after R distinct replicas replied (the coordinator itself included). */
export const readQuorum: Invariant<DynamoState, (DynamoState['lastRead'] | undefined)[]> = {
  id: 'read-quorum',
  description: 'A read is answered only after R distinct replicas replied.',
  init: () => [],
  check(memory, cluster: ClusterView<DynamoState>) {
    const node = cluster.lastNode;
    const s = node < 0 ? null : cluster.states[node];
    if (s == null || s.lastRead === null || memory[node] === s.lastRead) return null;
    memory[node] = s.lastRead;
    const r = dynamoParams({ params: cluster.params, nodes: cluster.states.length }).readQuorum;
    const replied = new Set(s.lastRead.repliers).size;
    return replied >= r
      ? null
      : `n${node} answered a read of "${s.lastRead.key}" after ${replied} of R = ${r} replies`;
  },
};

export const dynamoInvariants = [writeQuorum, readQuorum] as const;

export const dynamoLiveness = opsComplete<DynamoState>;
