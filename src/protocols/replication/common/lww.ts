import { hashText } from './shared';

/**
 * Last-writer-wins registers: each key holds one value stamped (time, node); the larger stamp
 * wins, the node id breaking ties, so every replica picks the same winner whatever the order
 * the values arrive in (merge is commutative, associative and idempotent).
 */
export interface LwwValue {
  readonly value: string;
  /** The writer's clock reading (physical for multi-master, Lamport for anti-entropy). */
  readonly time: number;
  readonly node: number;
  /** The write that made it: `client:seq`. */
  readonly writer: string;
}

/** Negative when a loses to b, positive when a wins, 0 for the same stamp. */
export function compareStamps(a: LwwValue, b: LwwValue): number {
  return a.time !== b.time ? a.time - b.time : a.node - b.node;
}

/** Does `incoming` replace `current` (absent: always)? */
export function wins(incoming: LwwValue, current: LwwValue | undefined): boolean {
  return current === undefined || compareStamps(incoming, current) > 0;
}

export function lwwText(v: LwwValue): string {
  return `@${v.time}/n${v.node}`;
}

/** Digest of a key's value (for Merkle leaves and convergence checks). */
export function lwwDigest(key: string, v: LwwValue): number {
  return hashText(`${key}=${v.time}/${v.node}:${v.value}`);
}
