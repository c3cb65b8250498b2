/**
 * A generic linearizability checker: given a history of operations (each with an invocation
 * time, a completion time and what it returned) and a sequential model, decide whether some
 * total order of the operations respects real time (an op that completed before another was
 * invoked comes first) and is accepted by the model step by step.
 *
 * The search is Wing & Gong's, in the just-in-time form of Lowe ("Testing for linearizability",
 * 2017), as porcupine also uses it:
 *  - the history becomes a list of call and return entries sorted by time (calls first on a tie);
 *  - walking the list, a call entry is an op that may be linearized now: if the model accepts it,
 *    its two entries are lifted out of the list, it is pushed on a stack, and the walk restarts;
 *  - reaching a return entry means that op's deadline passed before it could be placed: undo the
 *    last choice (pop, put its entries back) and try the next candidate after it;
 *  - every (set of linearized ops, model state) reached is memoised; reaching one again is a
 *    dead end, which cuts the search from exponential in the history to the number of distinct
 *    configurations. The set is a bitset (Uint32Array) whose two 32-bit hash lanes are updated
 *    incrementally (XOR of a per-op constant) as ops are linearized and undone; the memo is an
 *    open-addressing table over flat typed arrays keyed by those lanes mixed with model.hash,
 *    and a hit is confirmed by comparing the bitset words and model.equal (no false hits, no
 *    string keys);
 *  - an op the model calls read-only, once linearized, is never un-chosen for another candidate
 *    at its level: every op that must precede it is already in, so any linearization that places
 *    it later can place it here instead.
 *
 * An op of unknown outcome (return null: `info`, timed out, never completed) may take effect at
 * any time after its invocation or never: its return entry sits at +infinity, its output is not
 * checked, and the search succeeds as soon as every op of known outcome is linearized (the
 * others are left out). An unknown op the model calls read-only is dropped up front.
 *
 * Histories split per key when the model can partition them (linearizability is compositional),
 * and the parts are searched round-robin in slices of steps, so a failing key is found while the
 * others are still searching, deterministically. A step budget and a memo budget make the
 * checker answer "unknown" instead of running away.
 *
 * Determinism: this file is part of the kernel (src/sim) and uses integer arithmetic only.
 */
import type { HistoryEvent } from '../types';
import { mix32, type Model, type OpInput, type Operation } from './models';

export type Verdict = true | false | 'unknown';

export interface CheckBudget {
  /** Search steps (candidate ops tried + backtracks) over all partitions. Default 50,000,000. */
  readonly maxSteps?: number;
  /** Memoised configurations alive at once, over all partitions. Default 4,000,000. */
  readonly maxMemoEntries?: number;
  /** Approximate bytes of memo tables alive at once. Default 1 GiB. */
  readonly maxMemoBytes?: number;
  /** Split the history with model.partition (default true). */
  readonly split?: boolean;
  /**
   * Steps the search for a small witness may take (see Witness). Default 1,000,000; 0: do not
   * minimise (the witness is then every op of known outcome of the failing partition).
   */
  readonly maxWitnessSteps?: number;
  /**
   * Steps per partition per round of the round-robin: the first round gives each part 1,000
   * steps (or this, if smaller), and each round doubles that up to this. Default 65,536.
   */
  readonly sliceSteps?: number;
}

/** One op of a witness, as a UI would highlight it. */
export interface WitnessOp {
  readonly id: number;
  readonly process: number;
  readonly call: number;
  /** null: outcome unknown. */
  readonly return: number | null;
  readonly description: string;
}

/**
 * Why a history is not linearizable, within one partition (key).
 *
 * `ops` is the evidence: ops of known outcome that cannot be ordered even if every other op of
 * the partition were optional, that is, took effect within its own call..return window or not at
 * all (ops of unknown outcome keep theirs: any time after the call, or never). Reads outside the
 * set therefore constrain nothing. The set is found by cutting the history at the earliest
 * completion time where this already fails (binary search), then reducing the ops of known
 * outcome before the cut: reads by delta debugging, then writes one at a time. Every candidate
 * is checked, so `ops` is always a valid witness. When `minimal` is true it is 1-minimal: making
 * any one of its ops optional makes the rest linearizable. When the witness budget ran out (or a
 * trial did), `minimal` is false and `ops` is the smallest set verified so far.
 *
 * `linearized` and `stuck` show the search itself: the longest partial linearization it found
 * (in order), and the op whose completion came before it could be placed after it.
 */
export interface Witness {
  /** The partition that failed (the key for kv); null when the history was not split. */
  readonly key: string | null;
  readonly ops: readonly WitnessOp[];
  readonly minimal: boolean;
  readonly linearized: readonly WitnessOp[];
  readonly stuck: WitnessOp;
  /** The model state after `linearized`, when the model can describe it. */
  readonly stateAfterLinearized?: string;
}

export interface CheckResult {
  readonly linearizable: Verdict;
  /** Search steps taken by the verdict (not counting the witness search). */
  readonly steps: number;
  /** Number of independent parts checked (1 when not split). */
  readonly partitions: number;
  /** Ops searched: those given, less the reads of unknown outcome (they constrain nothing). */
  readonly ops: number;
  /** For "unknown": which budget ran out. */
  readonly reason?: string;
  readonly witness?: Witness;
  /** Largest number of memo entries alive at once (over all partitions). */
  readonly memoPeak: number;
}

/** An op the model cannot interpret (unknown `f`, malformed value). */
export class InvalidOperationError extends Error {
  constructor(
    readonly opId: number,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidOperationError';
  }
}

const DEFAULTS = {
  maxSteps: 50_000_000,
  maxMemoEntries: 4_000_000,
  maxMemoBytes: 1 << 30,
  maxWitnessSteps: 1_000_000,
  sliceSteps: 65_536,
};

// ---------------------------------------------------------------------------------------------

/** Check a history against a model. Throws InvalidOperationError for an op the model rejects. */
export function checkLinearizable<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  budget: CheckBudget = {},
): CheckResult {
  const maxSteps = budget.maxSteps ?? DEFAULTS.maxSteps;
  const maxMemoEntries = budget.maxMemoEntries ?? DEFAULTS.maxMemoEntries;
  const maxMemoBytes = budget.maxMemoBytes ?? DEFAULTS.maxMemoBytes;
  const maxSlice = Math.max(1, budget.sliceSteps ?? DEFAULTS.sliceSteps);
  // Small slices first: a part that fails fast is found before the others dig in.
  let slice = Math.min(1_000, maxSlice);
  const ops = withIds(history);
  for (const op of ops) {
    const problem = model.validate?.(op.input, op.output, op.return !== null) ?? null;
    if (problem !== null) throw new InvalidOperationError(op.id, `op ${op.id}: ${problem}`);
    if (!Number.isFinite(op.call) || (op.return !== null && !Number.isFinite(op.return)))
      throw new InvalidOperationError(op.id, `op ${op.id}: call and return must be finite times`);
    if (op.return !== null && op.return < op.call)
      throw new InvalidOperationError(
        op.id,
        `op ${op.id} returns (${op.return}) before its call (${op.call})`,
      );
  }
  const split = budget.split !== false && model.partition !== undefined;
  const parts = split
    ? model.partition!(ops).map((p) => ({
        key: p.key as string | null,
        ops: p.ops as IdOp<I, O>[],
        model: (p.model ?? model) as Model<unknown, I, O>,
      }))
    : [{ key: null as string | null, ops, model: model as Model<unknown, I, O> }];

  const searches = parts.map((p) => new Search(p.model, p.ops, p.key));
  let kept = 0;
  for (const s of searches) kept += s.n;
  let active = searches.filter((s) => s.verdict === null);
  let steps = 0;
  let memoPeak = 0;
  let failed: Search<unknown, I, O> | null = null;
  let reason: string | undefined;
  while (active.length > 0 && failed === null && reason === undefined) {
    let memo = 0;
    let bytes = 0;
    for (const s of active) {
      const quota = Math.min(slice, maxSteps - steps);
      if (quota <= 0) {
        reason = `step budget of ${maxSteps} exhausted`;
        break;
      }
      const before = s.steps;
      s.run(quota);
      steps += s.steps - before;
      memo += s.memoEntries();
      bytes += s.memoBytes();
      if (s.verdict === false) {
        failed = s;
        break;
      }
    }
    memoPeak = Math.max(memoPeak, memo);
    if (failed === null && reason === undefined) {
      if (memo > maxMemoEntries) reason = `memo budget of ${maxMemoEntries} entries exhausted`;
      else if (bytes > maxMemoBytes) reason = `memo budget of ${maxMemoBytes} bytes exhausted`;
    }
    for (const s of active) if (s.verdict !== null) s.release();
    active = active.filter((s) => s.verdict === null);
    slice = Math.min(slice * 2, maxSlice);
  }
  const base = { steps, partitions: parts.length, ops: kept, memoPeak };
  if (failed !== null) {
    const witness = buildWitness(failed, budget.maxWitnessSteps ?? DEFAULTS.maxWitnessSteps);
    return { linearizable: false, ...base, witness };
  }
  if (reason !== undefined) return { linearizable: 'unknown', ...base, reason };
  return { linearizable: true, ...base };
}

type IdOp<I, O> = Operation<I, O> & { readonly id: number };

function withIds<I, O>(ops: readonly Operation<I, O>[]): IdOp<I, O>[] {
  return ops.map((op, index) => (op.id === undefined ? { ...op, id: index } : (op as IdOp<I, O>)));
}

// ---------------------------------------------------------------------------------------------
// One partition's search, resumable in slices.

const NIL = -1;

class Search<S, I, O> {
  readonly n: number;
  readonly ops: IdOp<I, O>[];
  verdict: boolean | null = null;
  steps = 0;

  // The entry list: entries 0 .. 2n-1 in time order, `head` = 2n is the sentinel.
  private readonly head: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly entOp: Int32Array;
  private readonly entIsCall: Uint8Array;
  private readonly callEntry: Int32Array;
  private readonly retEntry: Int32Array;
  /** 1: outcome unknown (return at +infinity); 2: optional (may be left out, else in its window). */
  private readonly kind: Uint8Array;
  /** 1: the model says the op never changes the state. */
  private readonly readOnly: Uint8Array;
  // Each op's input and output in flat arrays (the op objects come in many shapes).
  private readonly inputs: I[];
  private readonly outputs: (O | undefined)[];

  // The set of decided ops, its hash lanes, and each op's contribution to them.
  private readonly bits: Uint32Array;
  private h1 = 0;
  private h2 = 0;
  private readonly opH1: Int32Array;
  private readonly opH2: Int32Array;

  private readonly stackOp: Int32Array;
  private readonly stackOmitted: Uint8Array;
  private readonly stackState: S[];
  private depth = 0;
  private state: S;
  private cursor: number;
  private memo: MemoSet<S>;

  // The deepest failure: the stack then, and the op whose return entry stopped it.
  bestDepth = -1;
  bestPrefix: Int32Array = new Int32Array(0);
  bestStuck = -1;
  bestState: S;

  /**
   * `optional` ops (of known outcome) may also be left out: the witness search relaxes ops this
   * way. Ops of unknown outcome that the model calls read-only are dropped.
   */
  constructor(
    readonly model: Model<S, I, O>,
    all: readonly IdOp<I, O>[],
    readonly key: string | null,
    optional: ReadonlySet<IdOp<I, O>> | null = null,
  ) {
    const readOnly = model.readOnly;
    this.ops = all.filter(
      (op) =>
        (op.return !== null && optional?.has(op) !== true) ||
        readOnly === undefined ||
        !readOnly(op.input),
    );
    const n = (this.n = this.ops.length);
    this.head = 2 * n;
    this.next = new Int32Array(2 * n + 1);
    this.prev = new Int32Array(2 * n + 1);
    this.entOp = new Int32Array(2 * n);
    this.entIsCall = new Uint8Array(2 * n);
    this.callEntry = new Int32Array(n);
    this.retEntry = new Int32Array(n);
    this.kind = new Uint8Array(n);
    this.readOnly = new Uint8Array(n);
    this.inputs = this.ops.map((op) => op.input);
    this.outputs = this.ops.map((op) => (op.return === null ? undefined : op.output));
    this.bits = new Uint32Array((n + 31) >>> 5);
    this.opH1 = new Int32Array(n);
    this.opH2 = new Int32Array(n);
    this.stackOp = new Int32Array(n);
    this.stackOmitted = new Uint8Array(n);
    this.stackState = new Array<S>(n);
    this.memo = new MemoSet(this.bits.length, model);

    // Sort the 2n entries: by time, calls before returns on a tie, then by op. Returns of unknown
    // outcome go last, after every finite time.
    const order = new Array<number>(2 * n);
    for (let i = 0; i < 2 * n; i++) order[i] = i;
    const time = (e: number): number => {
      const op = this.ops[e >>> 1]!;
      return (e & 1) === 0 ? op.call : (op.return ?? Number.MAX_VALUE);
    };
    order.sort((a, b) => {
      const ta = time(a);
      const tb = time(b);
      return ta < tb ? -1 : ta > tb ? 1 : (a & 1) - (b & 1) || a - b;
    });
    for (let pos = 0; pos < 2 * n; pos++) {
      const e = order[pos]!;
      const op = e >>> 1;
      this.entOp[pos] = op;
      this.entIsCall[pos] = (e & 1) === 0 ? 1 : 0;
      if ((e & 1) === 0) this.callEntry[op] = pos;
      else this.retEntry[op] = pos;
      this.next[pos] = pos + 1 < 2 * n ? pos + 1 : NIL;
      this.prev[pos] = pos === 0 ? this.head : pos - 1;
    }
    this.next[this.head] = n > 0 ? 0 : NIL;
    this.prev[this.head] = NIL;
    for (let op = 0; op < n; op++) {
      const o = this.ops[op]!;
      this.kind[op] = o.return === null ? 1 : optional?.has(o) === true ? 2 : 0;
      this.readOnly[op] = readOnly !== undefined && readOnly(o.input) ? 1 : 0;
      this.opH1[op] = mix32(Math.imul(op + 1, 0x9e3779b1));
      this.opH2[op] = mix32(Math.imul(op + 1, 0x85ebca77) ^ 0x5bd1e995);
    }
    this.state = this.bestState = model.init();
    this.cursor = this.next[this.head]!;
    if (n === 0) this.verdict = true;
  }

  memoEntries(): number {
    return this.memo.count;
  }

  memoBytes(): number {
    return this.memo.bytes();
  }

  /** Drop the memo once a verdict is in. */
  release(): void {
    this.memo = new MemoSet(1, this.model);
  }

  /** Search for up to `limit` steps; sets `verdict` when done. */
  run(limit: number): void {
    if (this.verdict !== null) return;
    const model = this.model;
    const inputs = this.inputs;
    const outputs = this.outputs;
    const next = this.next;
    const prev = this.prev;
    const entOp = this.entOp;
    const entIsCall = this.entIsCall;
    const callEntry = this.callEntry;
    const retEntry = this.retEntry;
    const kind = this.kind;
    const readOnly = this.readOnly;
    const bits = this.bits;
    const opH1 = this.opH1;
    const opH2 = this.opH2;
    const stackOp = this.stackOp;
    const stackOmitted = this.stackOmitted;
    const stackState = this.stackState;
    const head = this.head;
    const memo = this.memo;
    let entry = this.cursor;
    let state = this.state;
    let depth = this.depth;
    let h1 = this.h1;
    let h2 = this.h2;
    let steps = 0;
    while (steps < limit) {
      if (entry === NIL) {
        this.verdict = true;
        break;
      }
      const op = entOp[entry]!;
      const isCall = entIsCall[entry] === 1;
      if (!isCall && kind[op] === 1) {
        // The first return entry of an unknown op: every op with a deadline is decided.
        this.verdict = true;
        break;
      }
      if (isCall || kind[op] === 2) {
        // A call entry: try to linearize the op now. The return entry of an optional op: leave
        // it out. Either way the op is decided; go on unless that configuration was seen.
        steps++;
        let after = state;
        let ok = true;
        if (isCall) {
          const result = model.step(state, inputs[op]!, outputs[op], kind[op] !== 1);
          ok = result.ok;
          after = result.state;
        }
        if (ok) {
          const w = op >>> 5;
          const bit = 1 << (op & 31);
          bits[w] = bits[w]! | bit;
          h1 ^= opH1[op]!;
          h2 ^= opH2[op]!;
          if (memo.add(bits, h1, h2, after)) {
            stackOp[depth] = op;
            stackOmitted[depth] = isCall ? 0 : 1;
            stackState[depth] = state;
            depth++;
            state = after;
            // Lift the op: unlink its call entry, then its return entry.
            const c = callEntry[op]!;
            next[prev[c]!] = next[c]!;
            if (next[c]! !== NIL) prev[next[c]!] = prev[c]!;
            const r = retEntry[op]!;
            next[prev[r]!] = next[r]!;
            if (next[r]! !== NIL) prev[next[r]!] = prev[r]!;
            entry = next[head]!;
            continue;
          }
          bits[w] = bits[w]! & ~bit;
          h1 ^= opH1[op]!;
          h2 ^= opH2[op]!;
        }
        if (isCall) {
          entry = next[entry]!;
          continue;
        }
      }
      // A deadline passed with the op undecided: this configuration fails.
      if (depth > this.bestDepth && kind[op] === 0) {
        this.bestDepth = depth;
        this.bestPrefix = stackOp.slice(0, depth);
        this.bestStuck = op;
        this.bestState = state;
      }
      // Undo the last choice. Leaving an op out was the last option of its configuration, so
      // undoing one means that configuration failed too: keep undoing. The same holds for a
      // read-only op: it was a candidate, so every op that must precede it was linearized, and
      // any linearization that places it later can place it there instead (it reads the same
      // state and changes nothing), so no other choice at its level can succeed either.
      let resumed = false;
      while (depth > 0) {
        steps++;
        depth--;
        const top = stackOp[depth]!;
        state = stackState[depth]!;
        stackState[depth] = undefined as S;
        const w = top >>> 5;
        bits[w] = bits[w]! & ~(1 << (top & 31));
        h1 ^= opH1[top]!;
        h2 ^= opH2[top]!;
        // Put the entries back in reverse order: the return entry, then the call entry.
        const r = retEntry[top]!;
        next[prev[r]!] = r;
        if (next[r]! !== NIL) prev[next[r]!] = r;
        const c = callEntry[top]!;
        next[prev[c]!] = c;
        if (next[c]! !== NIL) prev[next[c]!] = c;
        if (stackOmitted[depth] === 0 && readOnly[top] === 0) {
          entry = next[c]!;
          resumed = true;
          break;
        }
      }
      if (!resumed) {
        this.verdict = false;
        break;
      }
    }
    this.cursor = entry;
    this.state = state;
    this.depth = depth;
    this.h1 = h1;
    this.h2 = h2;
    this.steps += steps;
  }
}

// ---------------------------------------------------------------------------------------------
// The memo: a hash set of (set of decided ops, model state), open addressing; the sets live in
// one flat Uint32Array, the hashes in Int32Arrays, the states in an array.

class MemoSet<S> {
  count = 0;
  private mask: number;
  private slots: Int32Array;
  private k1: Int32Array;
  private k2: Int32Array;
  private words: Uint32Array;
  private states: S[] = [];

  constructor(
    private readonly w: number,
    private readonly model: Model<S, unknown, unknown>,
  ) {
    const capacity = 1024;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity);
    this.k1 = new Int32Array(capacity >>> 1);
    this.k2 = new Int32Array(capacity >>> 1);
    this.words = new Uint32Array((capacity >>> 1) * w);
  }

  bytes(): number {
    return this.slots.length * 4 + this.k1.length * 16 + this.words.length * 4;
  }

  /** Add the configuration; false when it was already there. */
  add(bits: Uint32Array, h1: number, h2: number, state: S): boolean {
    const hs = this.model.hash(state);
    const a = h1 ^ Math.imul(hs, 0x27d4eb2f);
    const b = h2;
    const w = this.w;
    const slots = this.slots;
    const mask = this.mask;
    let i = (a ^ (a >>> 15)) & mask;
    for (;;) {
      const s = slots[i]!;
      if (s === 0) break;
      const e = s - 1;
      if (this.k1[e] === a && this.k2[e] === b) {
        const words = this.words;
        const base = e * w;
        let same = true;
        for (let j = 0; j < w; j++) {
          if (words[base + j] !== bits[j]) {
            same = false;
            break;
          }
        }
        if (same && this.model.equal(this.states[e]!, state)) return false;
      }
      i = (i + 1) & mask;
    }
    const e = this.count++;
    if (e >= this.k1.length) this.growEntries();
    this.k1[e] = a;
    this.k2[e] = b;
    this.words.set(bits, e * w);
    this.states.push(state);
    slots[i] = e + 1;
    if (this.count * 2 > slots.length) this.growSlots();
    return true;
  }

  private growEntries(): void {
    const capacity = this.k1.length * 2;
    const k1 = new Int32Array(capacity);
    k1.set(this.k1);
    this.k1 = k1;
    const k2 = new Int32Array(capacity);
    k2.set(this.k2);
    this.k2 = k2;
    const words = new Uint32Array(capacity * this.w);
    words.set(this.words);
    this.words = words;
  }

  private growSlots(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      const a = this.k1[e]!;
      let i = (a ^ (a >>> 15)) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

// ---------------------------------------------------------------------------------------------
// Witness: cut at the earliest failing completion, then delta-debug the ops of known outcome.

function buildWitness<I, O>(failed: Search<unknown, I, O>, maxWitnessSteps: number): Witness {
  const model = failed.model;
  const describe = (op: IdOp<I, O>): WitnessOp => ({
    id: op.id,
    process: op.process,
    call: op.call,
    return: op.return,
    description: model.describeOperation(op.input, op.output, op.return !== null),
  });
  const linearized = [...failed.bestPrefix].map((i) => describe(failed.ops[i]!));
  const stuck = describe(failed.ops[failed.bestStuck]!);
  const stateAfterLinearized = model.describeState?.(failed.bestState);
  const { ops, minimal } = minimise(model, failed.ops, maxWitnessSteps);
  const witness: Witness = {
    key: failed.key,
    ops: ops.map(describe),
    minimal,
    linearized,
    stuck,
  };
  return stateAfterLinearized === undefined ? witness : { ...witness, stateAfterLinearized };
}

/**
 * The evidence of a failing partition (see Witness). `check(keep, cut)` runs the ops invoked by
 * time `cut`, where only the ops in `keep` that complete by `cut` keep their outcome: every other
 * op of known outcome is optional (it took effect within its own window, or never; an optional
 * read constrains nothing and is dropped). Ops invoked after `cut` can only come after every kept
 * op's completion, so as optional ops they could never help: leaving them out changes nothing.
 * Relaxing ops or moving the cut earlier only ever turns "fails" into "passes", never back (a
 * linearization of the bigger history, cut after its last kept op, serves the smaller one), which
 * is what the binary search and the reductions rely on.
 */
function minimise<S, I, O>(
  model: Model<S, I, O>,
  all: readonly IdOp<I, O>[],
  maxSteps: number,
): { ops: IdOp<I, O>[]; minimal: boolean } {
  const definite = all.filter((op) => op.return !== null);
  if (maxSteps <= 0 || definite.length === 0) return { ops: definite, minimal: false };
  let left = maxSteps;
  let conclusive = true;
  /** True: still not linearizable. False: linearizable, or the trial ran out of steps. */
  const check = (keep: ReadonlySet<IdOp<I, O>>, cut: number, cap: number): boolean => {
    const ops: IdOp<I, O>[] = [];
    const optional = new Set<IdOp<I, O>>();
    for (const op of all) {
      if (op.call > cut) continue;
      ops.push(op);
      if (op.return !== null && (op.return > cut || !keep.has(op))) optional.add(op);
    }
    const search = new Search(model, ops, null, optional);
    search.run(Math.min(cap, left));
    left -= search.steps;
    if (search.verdict === null) conclusive = false;
    lastSteps = search.steps;
    return search.verdict === false;
  };
  let lastSteps = 0;

  // 1. The earliest failing cut, by binary search over completion times.
  const everything = new Set(definite);
  const cuts = [...new Set(definite.map((op) => op.return!))].sort((a, b) => a - b);
  let lo = 0;
  let hi = cuts.length - 1;
  let baseSteps = 0;
  while (lo < hi && left > 0) {
    const mid = (lo + hi) >>> 1;
    if (check(everything, cuts[mid]!, left)) {
      hi = mid;
      baseSteps = lastSteps;
    } else lo = mid + 1;
  }
  if (lo < hi) return { ops: definite, minimal: false };
  const cut = cuts[hi]!;
  // A trial may cost more than the verified prefix (optional ops add choices), within reason.
  const cap = Math.max(100_000, 4 * baseSteps);

  // 2. ddmin: make chunks optional while the rest still fails, with finer chunks when no chunk
  // can go. Reads first (relaxing them only shrinks the search), then the ops that write.
  const readOnly = model.readOnly;
  const inPrefix = definite.filter((op) => op.return! <= cut);
  const reads = inPrefix.filter((op) => readOnly !== undefined && readOnly(op.input));
  const writes = inPrefix.filter((op) => !(readOnly !== undefined && readOnly(op.input)));
  let minimal = true;
  // ddmin for the reads: relaxing a read only shrinks the search, so big chunks are cheap.
  const ddmin = (candidates: IdOp<I, O>[], fixed: readonly IdOp<I, O>[]): IdOp<I, O>[] => {
    let current = candidates;
    let granularity = 2;
    while (current.length >= 1) {
      const size = Math.max(1, Math.ceil(current.length / granularity));
      let reduced = false;
      conclusive = true;
      for (let start = 0; start < current.length && left > 0; start += size) {
        const candidate = current.slice(0, start).concat(current.slice(start + size));
        if (check(new Set([...fixed, ...candidate]), cut, cap)) {
          current = candidate;
          granularity = Math.max(granularity - 1, 2);
          reduced = true;
          break;
        }
      }
      if (left <= 0) conclusive = false;
      if (reduced && left > 0) continue;
      if (granularity >= current.length || left <= 0) break;
      granularity = Math.min(granularity * 2, current.length);
    }
    // 1-minimal when the last round (one op at a time) was conclusive throughout.
    if (!conclusive) minimal = false;
    return current;
  };
  // One at a time, earliest first, for the ops that write: each optional write adds choices to
  // the search, so relaxing many at once is what gets expensive. A single pass is 1-minimal:
  // an op that had to stay still has to once others are relaxed (relaxing only helps).
  const oneByOne = (candidates: IdOp<I, O>[], fixed: readonly IdOp<I, O>[]): IdOp<I, O>[] => {
    const kept = new Set(candidates);
    for (const op of candidates) {
      if (left <= 0) {
        minimal = false;
        break;
      }
      kept.delete(op);
      conclusive = true;
      if (!check(new Set([...fixed, ...kept]), cut, cap)) {
        kept.add(op);
        if (!conclusive) minimal = false;
      }
    }
    return candidates.filter((op) => kept.has(op));
  };
  const keptReads = ddmin(reads, writes);
  const keptWrites = oneByOne(writes, keptReads);
  const ops = [...keptReads, ...keptWrites].sort((a, b) => a.call - b.call || a.id - b.id);
  return { ops, minimal };
}

// ---------------------------------------------------------------------------------------------
// From the kernel's history to operations.

/** A history that does not pair up: `index` is the offending event. */
export class HistoryError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'HistoryError';
  }
}

/**
 * Pair each process's invoke with its completion: `ok` gives the op its return time and output
 * (a read's value), `fail` means it did not happen (dropped), `info` means the outcome is
 * unknown (return null), and so does an invoke never completed. An op's id is the index of its
 * invoke event; ops come out in invocation order. Throws HistoryError when the events do not
 * pair up (a completion with no open invoke, a second invoke while one is open, a completion
 * whose f or key differs from its invoke's).
 */
export function operationsFromHistory(
  events: readonly HistoryEvent[],
): Operation<OpInput, unknown>[] {
  interface Open {
    readonly index: number;
    readonly event: HistoryEvent;
  }
  const open = new Map<number, Open>();
  const done: { index: number; op: Operation<OpInput, unknown> }[] = [];
  const input = (e: HistoryEvent): OpInput => {
    const base: { f: string; key?: string; value?: unknown } = { f: e.f };
    if (e.key !== undefined) base.key = e.key;
    if (e.value !== undefined) base.value = e.value;
    return base;
  };
  events.forEach((e, index) => {
    const pending = open.get(e.process);
    if (e.type === 'invoke') {
      if (pending !== undefined)
        throw new HistoryError(
          index,
          `process ${e.process} invokes ${e.f} while its ${pending.event.f} (event ${pending.index}) is still open`,
        );
      open.set(e.process, { index, event: e });
      return;
    }
    if (pending === undefined)
      throw new HistoryError(
        index,
        `process ${e.process} completes ${e.f} (${e.type}) with no open invoke`,
      );
    if (pending.event.f !== e.f || pending.event.key !== e.key)
      throw new HistoryError(
        index,
        `process ${e.process} completes ${e.f}${e.key === undefined ? '' : ` ${JSON.stringify(e.key)}`} but invoked ${pending.event.f}${pending.event.key === undefined ? '' : ` ${JSON.stringify(pending.event.key)}`} (event ${pending.index})`,
      );
    open.delete(e.process);
    if (e.type === 'fail') return;
    const inv = pending.event;
    const op: Operation<OpInput, unknown> =
      e.type === 'ok'
        ? {
            id: pending.index,
            process: e.process,
            call: inv.at,
            return: e.at,
            input: input(inv),
            output: e.value,
          }
        : { id: pending.index, process: e.process, call: inv.at, return: null, input: input(inv) };
    done.push({ index: pending.index, op });
  });
  for (const pending of open.values()) {
    const inv = pending.event;
    done.push({
      index: pending.index,
      op: {
        id: pending.index,
        process: inv.process,
        call: inv.at,
        return: null,
        input: input(inv),
      },
    });
  }
  done.sort((a, b) => a.index - b.index);
  return done.map((d) => d.op);
}
