import fc from 'fast-check';
import type { CrdtOp, CrdtType, OpRecord } from '../../../src/protocols/crdt/crdt';
import { fingerprint, joined } from '../../../src/protocols/crdt/crdt';
import type { Rng } from '../../../src/sim/types';

/**
 * Random reachable states for the property tests: a script of local updates (drawn by the type's
 * own workload generator) and merges between a few replicas, run through the pure data type.
 * Every replica state along the way, and every delta an update produced, is a state of the
 * lattice; the laws must hold on all of them.
 */

export const REPLICAS = 3;

export type Step =
  | {
      readonly kind: 'update';
      readonly replica: number;
      /** Index into the type's update ops. */
      readonly op: number;
      /** Randomness for the type's op generator. */
      readonly draws: readonly number[];
      /** The replica's clock in ms: a few values only, so LWW stamps tie. */
      readonly clockMillis: number;
    }
  | { readonly kind: 'merge'; readonly from: number; readonly to: number };

const replica = fc.integer({ min: 0, max: REPLICAS - 1 });

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      replica,
      op: fc.nat({ max: 7 }),
      draws: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 4, maxLength: 4 }),
      clockMillis: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('merge' as const), from: replica, to: replica }),
  },
);

export const scriptArb = fc.array(stepArb, { minLength: 1, maxLength: 30 });

/** An Rng fed by the script's numbers (the type's workload generator draws from it). */
function scriptedRng(draws: readonly number[]): Rng {
  let i = 0;
  const next = () => draws[i++ % draws.length]!;
  return {
    int: (bound) => next() % bound,
    range: (min, max) => min + (next() % (max - min + 1)),
    chancePpm: (ppm) => next() < ppm,
  };
}

/** The update ops a type offers (its workload mix without the reads). */
export function updateOps<S>(type: CrdtType<S>): string[] {
  return Object.keys(type.defaultMix).filter((f) => !type.readOps.includes(f));
}

export interface Run<S> {
  /** Each replica's final state. */
  readonly replicas: S[];
  /** Every state seen: replica states after each step, and every delta. */
  readonly pool: S[];
  /** The updates that took effect, as history records (time = step index). */
  readonly applied: OpRecord[];
}

export function opFor<S>(type: CrdtType<S>, step: Extract<Step, { kind: 'update' }>, seq: number) {
  const ops = updateOps(type);
  const f = ops[step.op % ops.length]!;
  return type.nextOp(scriptedRng(step.draws), step.replica, seq, f);
}

/** Run a script through the type. */
export function runScript<S>(
  type: CrdtType<S>,
  script: readonly Step[],
  variant: string | null = null,
): Run<S> {
  const replicas = Array.from({ length: REPLICAS }, () => type.empty(REPLICAS));
  const pool: S[] = [type.empty(REPLICAS)];
  const applied: OpRecord[] = [];
  script.forEach((step, time) => {
    if (step.kind === 'merge') {
      if (step.from !== step.to)
        type.join(replicas[step.to]!, structuredClone(replicas[step.from]!), variant);
      pool.push(structuredClone(replicas[step.to]!));
      return;
    }
    const op = opFor(type, step, time);
    const result = update(type, replicas[step.replica]!, op, step, variant);
    if (!result.ok) return;
    pool.push(structuredClone(result.delta), structuredClone(replicas[step.replica]!));
    applied.push(record(op, result.reply, time));
  });
  return { replicas, pool, applied };
}

export function update<S>(
  type: CrdtType<S>,
  state: S,
  op: CrdtOp,
  step: Extract<Step, { kind: 'update' }>,
  variant: string | null,
) {
  const at = {
    replica: step.replica,
    nodes: REPLICAS,
    nowMicros: step.clockMillis * 1_000,
    variant,
  };
  return type.update(state, op, at);
}

function record(op: CrdtOp, reply: unknown, time: number): OpRecord {
  return {
    f: op.f,
    ...(op.key === undefined ? {} : { key: op.key }),
    value: op.value,
    result: 'ok',
    reply: reply ?? op.value,
    invokedAt: time,
    completedAt: time,
  };
}

/** Join every replica into one, in the given order. */
export function mergeAll<S>(
  type: CrdtType<S>,
  states: readonly S[],
  variant: string | null = null,
): S {
  let out: S = structuredClone(states[0] as S);
  for (const state of states.slice(1)) out = joined(type, out, state, variant);
  return out;
}

export function same<S>(type: CrdtType<S>, a: S, b: S, variant: string | null = null): boolean {
  return fingerprint(type, a, variant) === fingerprint(type, b, variant);
}

/** Three indices into a pool of states. */
export const pickArb = fc.tuple(fc.nat(), fc.nat(), fc.nat());

export function pick<S>(pool: readonly S[], index: number): S {
  return pool[index % pool.length] as S;
}
