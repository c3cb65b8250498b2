/**
 * Sequential specifications for the linearizability checker (./linearizability.ts).
 *
 * A model says what one operation does to a state when it runs alone. The checker knows nothing
 * else about the system under test: it searches for an order of the history's operations, one
 * that respects real time, in which every step the model takes is accepted.
 *
 * The shape follows the one popularised by porcupine (init / step / equal / partition /
 * describe); the code is this project's own.
 */

/** One operation as the checker sees it: an invocation paired with its completion. */
export interface Operation<Input = OpInput, Output = unknown> {
  /** A stable identifier (for a converted history: the index of the invoke event). */
  readonly id?: number;
  /** The client process that issued the op (for a UI; the checker does not need it). */
  readonly process: number;
  /** Invocation time. */
  readonly call: number;
  /**
   * Completion time, or null when the outcome is unknown (a timeout, an `info`, an op still open
   * at the end): the op may have taken effect at any point after `call`, or never.
   */
  readonly return: number | null;
  readonly input: Input;
  /** What the op returned (a read's value). Ignored when `return` is null. */
  readonly output?: Output;
}

/** The input of the models below: a Jepsen-style `f` with an optional key and value. */
export interface OpInput {
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
}

export interface StepResult<State> {
  /** False when the op cannot have run in this state with this output. */
  readonly ok: boolean;
  /** The state after the op (meaningful only when ok). */
  readonly state: State;
}

/** A group of ops that can be checked on its own (P-compositionality: one key of a map). */
export interface Partition<Input, Output> {
  /** A label for reports, e.g. the key. */
  readonly key: string;
  readonly ops: readonly Operation<Input, Output>[];
  /** A simpler model for this part alone (say, one key's value instead of the whole map). */
  readonly model?: Model<unknown, Input, Output>;
}

/**
 * A sequential specification. States must be treated as immutable: `step` returns a new state
 * (or the same one) and never changes the one it was given, because the checker memoises them.
 */
export interface Model<State, Input = OpInput, Output = unknown> {
  readonly name: string;
  init(): State;
  /**
   * Run one op. `outputKnown` is false for an op of unknown outcome: then any output is
   * acceptable, and `ok` says only whether the op can take effect in `state` at all.
   */
  step(
    state: State,
    input: Input,
    output: Output | undefined,
    outputKnown: boolean,
  ): StepResult<State>;
  equal(a: State, b: State): boolean;
  /**
   * A 32-bit hash consistent with `equal` (equal states, equal hashes). The checker mixes it into
   * the memo key next to the set of linearized ops, once per step: it should be O(1) where it can
   * (see ValueCell) yet tell apart the states one set of ops can reach in different orders.
   */
  hash(state: State): number;
  /** Split a history into independent parts (keys), when the model allows it. */
  partition?(ops: readonly Operation<Input, Output>[]): Partition<Input, Output>[];
  /**
   * True for an op that never changes the state, whatever the state. The checker drops such ops
   * of unknown outcome, and never backtracks to try other ops in place of one it linearized.
   */
  readOnly?(input: Input): boolean;
  /** A message when the model cannot interpret the op (unknown `f`, malformed value), else null. */
  validate?(input: Input, output: Output | undefined, outputKnown: boolean): string | null;
  /** One short line, e.g. `write 3`, `read -> nil`, `cas 1 -> 2`, `append "k" "x"`. */
  describeOperation(input: Input, output: Output | undefined, outputKnown: boolean): string;
  describeState?(state: State): string;
}

// ---------------------------------------------------------------------------------------------
// Values: structural equality and hashing of plain data (numbers, strings, booleans, nil, arrays,
// plain objects). `null` and `undefined` are both "nil".

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !sameValue(ra[k], rb[k])) return false;
  }
  return true;
}

/** murmur3's 32-bit finaliser. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

export function hashString(text: string): number {
  let h = 0x811c9dc5 ^ text.length;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

export function hashValue(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return hashString(value);
    case 'number':
      return Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff
        ? mix32(value ^ 0x3c6ef372)
        : hashString(`n${value}`);
    case 'boolean':
      return value ? 0x2545f491 : 0x5bd1e995;
    case 'undefined':
      return 0x1b873593;
    case 'object': {
      if (value === null) return 0x1b873593;
      let h = Array.isArray(value) ? 0x61c88647 : 0x7f4a7c15;
      if (Array.isArray(value)) {
        for (const item of value) h = mix32(Math.imul(h, 31) + hashValue(item));
      } else {
        const record = value as Record<string, unknown>;
        for (const k of Object.keys(record).sort())
          h = mix32(Math.imul(h, 31) + hashString(k) + Math.imul(hashValue(record[k]), 17));
      }
      return h;
    }
    default:
      return hashString(String(value));
  }
}

/** `nil` for nil, a number as itself, a string quoted, anything else as JSON. */
export function describeValue(value: unknown): string {
  if (value == null) return 'nil';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(' ')}]`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

const READ_FS = { has: (f: string): boolean => f === 'read' || f === 'get' };
const WRITE_FS = { has: (f: string): boolean => f === 'write' || f === 'put' };

function casArgs(value: unknown): readonly [unknown, unknown] | null {
  return Array.isArray(value) && value.length === 2 ? [value[0], value[1]] : null;
}

const ACCEPT = <S>(state: S): StepResult<S> => ({ ok: true, state });
/** One shared answer for every rejection: its state is never read. */
const REJECTED_STEP: StepResult<never> = Object.freeze({ ok: false, state: undefined as never });
const REJECT = <S>(_state: S): StepResult<S> => REJECTED_STEP;

// ---------------------------------------------------------------------------------------------
// A value with its hash. Appends build long strings; the cell carries a hash updated with each
// appended piece, so hashing a state never walks the whole string (nor flattens V8's ropes).

export interface ValueCell {
  /** The value; nil is null. */
  readonly v: unknown;
  /** For a string: FNV-1a over its characters; otherwise hashValue. */
  readonly h: number;
  /** For a string: its length; otherwise -1. */
  readonly n: number;
}

const FNV_SEED = 0x811c9dc5 | 0;

function foldString(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The hashes of the strings that ops carry (written values, values read), so that a read compared
 * in many states hashes its value once. Bounded; a cache only, so results never depend on it.
 */
const stringHashes = new Map<string, number>();

function stringHash(text: string): number {
  let h = stringHashes.get(text);
  if (h === undefined) {
    if (stringHashes.size >= 100_000) stringHashes.clear();
    h = foldString(FNV_SEED, text);
    stringHashes.set(text, h);
  }
  return h;
}

export function cellOf(value: unknown): ValueCell {
  if (typeof value === 'string') return { v: value, h: stringHash(value), n: value.length };
  return { v: value ?? null, h: hashValue(value), n: -1 };
}

/** Append to a string value; a nil value becomes the piece itself. */
function appendCell(cell: ValueCell, piece: unknown): ValueCell {
  if (cell.v == null) return cellOf(piece);
  const text = String(piece ?? '');
  if (cell.n < 0) return cellOf(String(cell.v) + text);
  return { v: (cell.v as string) + text, h: foldString(cell.h, text), n: cell.n + text.length };
}

/** Does the cell hold `value`? */
function cellIs(cell: ValueCell, value: unknown): boolean {
  // Length and hash first: comparing the text would flatten a long rope of appends.
  if (typeof value === 'string')
    return cell.n === value.length && cell.h === stringHash(value) && cell.v === value;
  return sameValue(cell.v, value);
}

export function cellEqual(a: ValueCell, b: ValueCell): boolean {
  return a === b || (a.h === b.h && a.n === b.n && sameValue(a.v, b.v));
}

export function cellHash(cell: ValueCell): number {
  return mix32(cell.h ^ Math.imul(cell.n, 0x9e3779b1));
}

const NIL_CELL = cellOf(null);

/** One op on one value: the next value, or null when the op cannot happen. */
function stepCell(
  cell: ValueCell,
  input: OpInput,
  output: unknown,
  outputKnown: boolean,
): ValueCell | null {
  if (READ_FS.has(input.f)) return !outputKnown || cellIs(cell, output) ? cell : null;
  if (WRITE_FS.has(input.f)) return cellOf(input.value);
  if (input.f === 'append') return appendCell(cell, input.value);
  const cas = casArgs(input.value);
  if (input.f === 'cas' && cas !== null) return cellIs(cell, cas[0]) ? cellOf(cas[1]) : null;
  return null;
}

// ---------------------------------------------------------------------------------------------
// register: one value, initially nil. read (alias get) returns it; write (alias put) sets it;
// cas [expected new] sets it to `new` when it equals `expected` (a cas that did not swap is a
// `fail` in the history, so it never reaches the model).

export const registerModel: Model<ValueCell> = {
  name: 'register',
  init: () => NIL_CELL,
  step(state, input, output, outputKnown) {
    if (input.f === 'append') return REJECT(state);
    const next = stepCell(state, input, output, outputKnown);
    return next === null ? REJECT(state) : ACCEPT(next);
  },
  equal: cellEqual,
  hash: cellHash,
  readOnly: (input) => READ_FS.has(input.f),
  validate(input) {
    if (READ_FS.has(input.f) || WRITE_FS.has(input.f)) return null;
    if (input.f === 'cas')
      return casArgs(input.value) === null
        ? `cas takes [expected new] (got ${describeValue(input.value)})`
        : null;
    return `the register model has no operation "${input.f}" (read, write, cas)`;
  },
  describeOperation(input, output, outputKnown) {
    if (READ_FS.has(input.f)) return `${input.f} -> ${outputKnown ? describeValue(output) : '?'}`;
    const cas = casArgs(input.value);
    if (input.f === 'cas' && cas !== null)
      return `cas ${describeValue(cas[0])} -> ${describeValue(cas[1])}`;
    return `${input.f} ${describeValue(input.value)}`;
  },
  describeState: (state) => describeValue(state.v),
};

// ---------------------------------------------------------------------------------------------
// kv: a map from string keys to values. get (alias read) returns the key's value, or `absent`
// for a key never written ("" by default, as in Jepsen's EDN histories); put (alias write) sets
// it; append concatenates a string to it; cas [expected new] as for the register. Keys are
// independent, so the history splits per key.

export type KvState = ReadonlyMap<string, ValueCell>;

export interface KvOptions {
  /** What a get of a never-written key returns. Default "". */
  readonly absent?: unknown;
}

function validateKv(input: OpInput): string | null {
  if (READ_FS.has(input.f) || WRITE_FS.has(input.f)) return null;
  if (input.f === 'append')
    return input.value == null || typeof input.value === 'object'
      ? `append takes a string or a number (got ${describeValue(input.value)})`
      : null;
  if (input.f === 'cas')
    return casArgs(input.value) === null
      ? `cas takes [expected new] (got ${describeValue(input.value)})`
      : null;
  return `the kv model has no operation "${input.f}" (get, put, append, cas)`;
}

function describeKv(input: OpInput, output: unknown, outputKnown: boolean): string {
  const key = JSON.stringify(input.key ?? '');
  if (READ_FS.has(input.f))
    return `${input.f} ${key} -> ${outputKnown ? describeValue(output) : '?'}`;
  const cas = casArgs(input.value);
  if (input.f === 'cas' && cas !== null)
    return `cas ${key} ${describeValue(cas[0])} -> ${describeValue(cas[1])}`;
  return `${input.f} ${key} ${describeValue(input.value)}`;
}

/** The model of one key alone: the state is the key's value. */
function kvKeyModel(absent: ValueCell): Model<ValueCell> {
  return {
    name: 'kv-key',
    init: () => absent,
    step(state, input, output, outputKnown) {
      const next = stepCell(state, input, output, outputKnown);
      return next === null ? REJECT(state) : ACCEPT(next);
    },
    equal: cellEqual,
    hash: cellHash,
    readOnly: (input) => READ_FS.has(input.f),
    validate: validateKv,
    describeOperation: describeKv,
    describeState: (state) => describeValue(state.v),
  };
}

/**
 * The whole map. Its partition splits the history per key, each part with the model of one key
 * (whose state is just the value).
 */
export function kvModel(options: KvOptions = {}): Model<KvState> {
  const absent = cellOf(options.absent === undefined ? '' : options.absent);
  const keyModel = kvKeyModel(absent) as Model<unknown>;
  const current = (state: KvState, key: string): ValueCell => state.get(key) ?? absent;
  return {
    name: 'kv',
    init: () => new Map<string, ValueCell>(),
    step(state, input, output, outputKnown) {
      const key = input.key ?? '';
      const before = current(state, key);
      const after = stepCell(before, input, output, outputKnown);
      if (after === null) return REJECT(state);
      if (after === before) return ACCEPT(state);
      const next = new Map(state);
      next.set(key, after);
      return ACCEPT(next);
    },
    equal(a, b) {
      if (a === b) return true;
      // A key holding `absent` is the same as a key never written.
      for (const [k, v] of a) if (!cellEqual(v, current(b, k))) return false;
      for (const [k, v] of b) if (!cellEqual(v, current(a, k))) return false;
      return true;
    },
    hash(state) {
      // Order-independent, and blind to keys holding `absent` (see equal).
      let h = 0;
      for (const [k, v] of state)
        if (!cellEqual(v, absent)) h = (h + mix32(hashString(k) ^ cellHash(v))) | 0;
      return mix32(h);
    },
    partition(ops) {
      const groups = new Map<string, Operation<OpInput, unknown>[]>();
      for (const op of ops) {
        const key = op.input.key ?? '';
        let group = groups.get(key);
        if (group === undefined) groups.set(key, (group = []));
        group.push(op);
      }
      return [...groups].map(([key, group]) => ({ key, ops: group, model: keyModel }));
    },
    readOnly: (input) => READ_FS.has(input.f),
    validate: validateKv,
    describeOperation: describeKv,
    describeState(state) {
      const keys = [...state.keys()].sort();
      return `{${keys.map((k) => `${JSON.stringify(k)} ${describeValue(state.get(k)!.v)}`).join(', ')}}`;
    },
  };
}

/** The kv model with absent keys reading as "" (Jepsen's EDN histories). */
export const kvStoreModel: Model<KvState> = kvModel();

/** The models the command line offers, by name. */
export const MODELS = { register: registerModel, kv: kvStoreModel } as const;
export type ModelName = keyof typeof MODELS;
