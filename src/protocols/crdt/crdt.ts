import type {
  InspectSection,
  Micros,
  NodeId,
  Rng,
  VariantInfo,
  WorkloadSpec,
} from '../../sim/types';

/**
 * A state-based CRDT written once as a pure data type (Shapiro, Preguiça, Baquero, Zawirski,
 * "Conflict-free Replicated Data Types", 2011; deltas after Almeida et al., 2018): a state, the
 * local updates (each returns its delta, itself a state of the same lattice), a join that is
 * commutative, associative and idempotent, and a value. The gossip protocol in gossip.ts turns
 * any of them into a ProtocolModule; the property tests check the laws on all of them.
 */

/** A client update or read, as the data type sees it. */
export interface CrdtOp {
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
}

/** Where and when a local update happens. */
export interface UpdateContext {
  readonly replica: NodeId;
  readonly nodes: number;
  /** The replica's local clock (LWW timestamps are read from it; skew matters). */
  readonly nowMicros: Micros;
  /** The buggy variant switched on, or null. */
  readonly variant: string | null;
}

export type UpdateResult<S> =
  /** The update took effect: the state was changed in place, and `delta` is its delta-state. */
  | { readonly ok: true; readonly delta: S; readonly reply?: unknown }
  /** The update's precondition does not hold here (e.g. removing an absent element). */
  | { readonly ok: false; readonly error: string };

/** One client op of the history, paired with its outcome, for the sequential spec checks. */
export interface OpRecord {
  readonly f: string;
  readonly key?: string;
  /** What the client asked for (the invoke's value). */
  readonly value: unknown;
  /** pending: invoked, never answered (counted as info). */
  readonly result: 'ok' | 'fail' | 'info' | 'pending';
  /** What an ok answered. */
  readonly reply: unknown;
  readonly invokedAt: Micros;
  /** Infinity while pending. */
  readonly completedAt: Micros;
}

export interface CrdtType<S> {
  /** The protocol id (CLI, URL, registry). */
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  /**
   * True when deltas must be joined in causal order (delta mode then checks the sender's version
   * vector before joining): the OR-Set keeps its causal context compact that way, and RGA never
   * sees an element before the one it was inserted after.
   */
  readonly causal: boolean;
  readonly variants: Readonly<Record<string, VariantInfo>>;
  /** Ops answered from the local state without changing it. */
  readonly readOps: readonly string[];
  /** The ops the client workload issues, and their weights. */
  readonly defaultMix: Readonly<Record<string, number>>;
  nextOp(rng: Rng, client: number, seq: number, f: string): CrdtOp;
  empty(nodes: number): S;
  /** Apply a local update in place; its delta-state d satisfies update(X) = X ⊔ d. */
  update(state: S, op: CrdtOp, at: UpdateContext): UpdateResult<S>;
  /** Answer a read op from the local state. */
  read(state: S, op: CrdtOp, variant: string | null): unknown;
  /** target := target ⊔ source, in place. True when target changed. */
  join(target: S, source: S, variant: string | null): boolean;
  /** The value as plain data (a number, a sorted list, a string...), as the variant reads it. */
  value(state: S, variant: string | null): unknown;
  /** A stable text of the whole state: equal states, equal texts. */
  canonical(state: S): string;
  /** The replica's short badge ("count 17"). */
  badge(state: S, variant: string | null): string;
  /** The state laid out for the inspector. */
  inspect(state: S, variant: string | null): InspectSection[];
  /** Liveness, once converged: the converged state against the sequential spec of the history. */
  spec(ops: readonly OpRecord[], state: S): string | null;
  /** What `spec` checks, in one line. */
  readonly specRule: string;
  /** A structural rule every reachable state keeps, checked after every event. */
  readonly wellFormed?: { readonly rule: string; check(state: S): string | null };
}

/** State and value together: two replicas agree when these are equal. */
export function fingerprint<S>(type: CrdtType<S>, state: S, variant: string | null = null): string {
  return `${type.canonical(state)}|${JSON.stringify(type.value(state, variant))}`;
}

/** The join of copies of all the states (the faithful join, whatever the variant). */
export function joinAll<S>(type: CrdtType<S>, states: readonly S[], nodes: number): S {
  const out = type.empty(nodes);
  for (const state of states) type.join(out, structuredClone(state), null);
  return out;
}

/** The pure join: a new state, a ⊔ b. */
export function joined<S>(type: CrdtType<S>, a: S, b: S, variant: string | null = null): S {
  const out = structuredClone(a);
  type.join(out, structuredClone(b), variant);
  return out;
}

/** a ⊑ b in the type's lattice: joining a into b changes nothing. */
export function lessOrEqual<S>(
  type: CrdtType<S>,
  a: S,
  b: S,
  variant: string | null = null,
): boolean {
  return fingerprint(type, joined(type, b, a, variant)) === fingerprint(type, b);
}

/** The workload a type offers, as the kernel asks for it. */
export function workloadOf<S>(type: CrdtType<S>): WorkloadSpec {
  return {
    defaultMix: type.defaultMix,
    nextOp(rng, client, seq, f) {
      return type.nextOp(rng, client, seq, f ?? Object.keys(type.defaultMix)[0]!);
    },
  };
}

/** Sorted numbers, for canonical texts and values. */
export function sortedNumbers(values: Iterable<number>): number[] {
  return [...values].sort((x, y) => x - y);
}

/** A short text, cut with an ellipsis past `max` characters. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A non-negative integer op value below `bound`, or null (untrusted input). */
export function intValue(value: unknown, bound: number): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < bound
    ? value
    : null;
}

/** A short string op value, or null. */
export function textValue(value: unknown, maxLength: number): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : null;
}
