/**
 * A generic sequential-consistency checker (Lamport, "How to make a multiprocessor computer that
 * correctly executes multiprocess programs", 1979): a history is sequentially consistent when
 * some total order of its operations respects each process's own order (not real time) and is
 * accepted by the model step by step. A stale read after another process's write is fine; a
 * process that reads its own older value after its own newer write is not.
 *
 * The search is depth-first over configurations: how many ops of each process are already
 * ordered (a vector of positions) and the model state they lead to. Every configuration reached
 * is memoised, so one reached again is a dead end; the number of configurations is bounded by
 * the product of the processes' lengths times the states, and deciding the question is
 * NP-complete in general (Gibbons and Korach, 1997), hence the budgets:
 *  - a read (an op the model calls read-only) at the head of its process that the current state
 *    accepts is ordered at once, with no alternative tried: any order that places it later can
 *    place it here instead (it reads the same state and changes nothing);
 *  - otherwise each process's head op is a candidate, tried in order of invocation time (the
 *    order a real system most likely took).
 *
 * An op of unknown outcome (return null: `info`, timed out, never completed) may have taken
 * effect or not: it is a candidate like any other, it may also be passed over (skipped) so the
 * ops after it in its process can go on, and the search succeeds once every op of known outcome
 * is ordered. Its output is not checked; one the model calls read-only is dropped up front. It
 * keeps its place in its process's order: in Jepsen's histories, and this kernel's, no op follows
 * it in its process (the client carries on as a new process), so this agrees with the
 * linearizability checker, which lets it take effect at any time after its call.
 *
 * A plain search that fails has to exhaust every order, and with appends (a value that records
 * the order of its writes) memoisation saves little. So several searches run round-robin, in
 * growing slices, and the first that settles the question answers (Runner):
 *  - the plain search of the whole history (settles both ways);
 *  - timed searches of the whole history, which look only at orders where the ops that write
 *    respect real time among themselves and no read sees an op invoked after the read returned
 *    (what a system with linearizable writes and stale reads produces). Any order they find is
 *    a valid order, so a success proves the history sequentially consistent; their deadlines cut
 *    dead ends short as the linearizability checker's do; a failure proves nothing. One tries ops
 *    of unknown outcome last, the other by time alone (each is faster on some histories);
 *  - for a model that splits into keys: each key alone (plain), whose failure proves the whole
 *    fails (see below).
 * Before them, for a model that splits, a quick way to a "yes" (mergeParts): an order of each
 * key alone (timed), merged into one order by a topological sort with each process's order.
 * When the keys' orders cannot be merged, they still guide the timed searches of the whole.
 *
 * Per key: sequential consistency is not compositional. A history can be sequentially
 * consistent on each key alone and not as a whole (two processes that each write one key and
 * then read the other key's initial value). So a split is used only where it is sound: the
 * projection of a valid order of the whole onto one key is a valid order of that key's ops (it
 * keeps each process's order, and a key's ops see only that key), so a key that fails proves
 * the whole fails; and orders of the keys that one order of all ops merges (keeping each
 * process's order) make that merged order valid, since keys never see each other's ops.
 *
 * Determinism: this file is part of the kernel (src/sim) and uses integer arithmetic only.
 */
import type { GuaranteeVerdict } from './guarantees';
import {
  InvalidOperationError,
  type CheckBudget,
  type Verdict,
  type WitnessOp,
} from './linearizability';
import { assert } from '../assert';
import { mix32, type Model, type OpInput, type Operation, type Partition } from './models';

/**
 * Why a history is not sequentially consistent. `ops` is the evidence: ops of known outcome
 * that no order explains even if every other op were optional (took effect or not, anywhere its
 * process's order allows; an optional read constrains nothing). It is found by taking the
 * shortest failing prefix of the ops in invocation order, then relaxing reads by delta debugging
 * and writes one at a time; every candidate is checked, so `ops` is always valid evidence, and
 * `minimal` says whether it is 1-minimal (the budget did not run out).
 */
export interface SequentialWitness {
  /** The key whose ops alone fail (kv); null when the whole history was needed. */
  readonly key: string | null;
  readonly ops: readonly WitnessOp[];
  readonly minimal: boolean;
  /** The longest order the search built, in order... */
  readonly placed: readonly WitnessOp[];
  /** ...and the ops of known outcome at the head of each process that could not follow it. */
  readonly stuck: readonly WitnessOp[];
  readonly stateAfterPlaced?: string;
}

export interface SequentialResult {
  readonly sequential: Verdict;
  /** Search steps taken by the verdict (not counting the witness search). */
  readonly steps: number;
  /** Keys searched alone before the whole history (0 when the model does not split). */
  readonly partitions: number;
  readonly processes: number;
  /** Ops searched: those given, less the reads of unknown outcome. */
  readonly ops: number;
  /** For "unknown": which budget ran out. */
  readonly reason?: string;
  readonly witness?: SequentialWitness;
  readonly memoPeak: number;
}

const DEFAULTS = {
  maxSteps: 50_000_000,
  maxMemoEntries: 4_000_000,
  maxMemoBytes: 1 << 30,
  /** Lower than for linearizability: a trial with many optional writes branches a lot. */
  maxWitnessSteps: 200_000,
  sliceSteps: 65_536,
};

type IdOp<I, O> = Operation<I, O> & { readonly id: number };

/** Check a history for sequential consistency. Throws InvalidOperationError for a bad op. */
export function checkSequential<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  budget: CheckBudget = {},
): SequentialResult {
  const ops = history.map((op, index) =>
    op.id === undefined ? { ...op, id: index } : (op as IdOp<I, O>),
  );
  for (const op of ops) {
    const problem = model.validate?.(op.input, op.output, op.return !== null) ?? null;
    if (problem !== null) throw new InvalidOperationError(op.id, `op ${op.id}: ${problem}`);
  }
  const whole = model as Model<unknown, I, O>;
  const parts = budget.split !== false && model.partition !== undefined ? model.partition(ops) : [];
  const maxSteps = budget.maxSteps ?? DEFAULTS.maxSteps;
  // The quick way first (keys merged), with both orderings; then the portfolio.
  const merges: Merged<I, O>[] = [];
  for (const unknownLast of parts.length > 1 ? [true, false] : []) {
    const share = { ...budget, maxSteps: Math.max(1, Math.floor(maxSteps / 8)) };
    merges.push(mergeParts(parts, model, share, unknownLast));
    if (merges[merges.length - 1]!.ok) break;
  }
  const searches: Search<unknown, I, O>[] = [
    new Search(whole, ops, null, 'both'),
    new Search(whole, ops, null, 'success', { times: merges[0]?.times, unknownLast: true }),
    new Search(whole, ops, null, 'success', { times: merges[1]?.times, unknownLast: false }),
  ];
  if (parts.length > 1) {
    for (const p of parts) {
      const partModel = (p.model ?? model) as Model<unknown, I, O>;
      searches.push(new Search(partModel, p.ops as IdOp<I, O>[], p.key, 'failure'));
    }
  }
  let spent = 0;
  let memoPeak = 0;
  for (const m of merges) {
    spent += m.steps;
    memoPeak = Math.max(memoPeak, m.memoPeak);
  }
  const merged = merges.some((m) => m.ok);
  const runner = new Runner({ ...budget, maxSteps: Math.max(1, maxSteps - spent) });
  const verdict = merged ? null : runner.run(searches);
  const base = {
    steps: spent + runner.steps,
    partitions: parts.length > 1 ? parts.length : 0,
    processes: searches[0]!.k,
    ops: searches[0]!.n,
    memoPeak: Math.max(memoPeak, runner.memoPeak),
  };
  if (merged || verdict?.verdict === true) return { sequential: true, ...base };
  if (verdict !== null) {
    const witness = buildWitness(verdict, budget.maxWitnessSteps ?? DEFAULTS.maxWitnessSteps);
    return { sequential: false, ...base, witness };
  }
  return { sequential: 'unknown', ...base, reason: runner.reason ?? '' };
}

/** The guarantee checker (see guarantees.ts): sequential consistency of the whole history. */
export function sequentialGuarantee(
  ops: readonly Operation<OpInput, unknown>[],
  model: Model<unknown>,
  budget: CheckBudget,
): GuaranteeVerdict {
  const result = checkSequential(ops, model, budget);
  if (result.sequential === true) return { holds: true };
  if (result.sequential === 'unknown') return { holds: 'unknown', reason: result.reason ?? '' };
  const witness = result.witness!;
  const listed = witness.ops.slice(0, REASON_OPS);
  let evidence = listed.map((op) => `p${op.process} ${op.description}`).join('; ') || 'no witness';
  if (witness.ops.length > listed.length)
    evidence += `; and ${witness.ops.length - listed.length} more (${witness.minimal ? 'all needed' : 'not minimised: the witness budget ran out'})`;
  const where = witness.key === null ? '' : `key ${JSON.stringify(witness.key)}: `;
  return {
    holds: false,
    reason: `${where}no order of these ops keeps each process's own order: ${evidence}`,
    ops: witness.ops,
    key: witness.key,
  };
}

/** The reason line names at most this many ops (the UI highlights them all). */
const REASON_OPS = 12;

// ---------------------------------------------------------------------------------------------
// Running searches round-robin in growing slices, within the step and memo budgets.

class Runner {
  steps = 0;
  memoPeak = 0;
  reason: string | undefined;
  private readonly maxSteps: number;
  private readonly maxMemoEntries: number;
  private readonly maxMemoBytes: number;
  private readonly maxSlice: number;

  constructor(budget: CheckBudget) {
    this.maxSteps = budget.maxSteps ?? DEFAULTS.maxSteps;
    this.maxMemoEntries = budget.maxMemoEntries ?? DEFAULTS.maxMemoEntries;
    this.maxMemoBytes = budget.maxMemoBytes ?? DEFAULTS.maxMemoBytes;
    this.maxSlice = Math.max(1, budget.sliceSteps ?? DEFAULTS.sliceSteps);
  }

  /**
   * Run the searches round-robin until one reaches a verdict that proves something (see
   * Proves): that search is returned. Null when a budget ran out (`reason`) or none could.
   */
  run<I, O>(searches: Search<unknown, I, O>[]): Search<unknown, I, O> | null {
    let slice = Math.min(1_000, this.maxSlice);
    let active = searches.filter((s) => s.verdict === null);
    const decisive = searches.find((s) => s.verdict !== null && s.proves(s.verdict));
    if (decisive !== undefined) return decisive;
    while (active.length > 0) {
      let memo = 0;
      let bytes = 0;
      for (const s of active) {
        const quota = Math.min(slice, this.maxSteps - this.steps);
        if (quota <= 0) {
          this.reason = `step budget of ${this.maxSteps} exhausted`;
          return null;
        }
        const before = s.steps;
        s.run(quota);
        this.steps += s.steps - before;
        if (s.verdict !== null && s.proves(s.verdict)) return s;
        memo += s.memoEntries();
        bytes += s.memoBytes();
      }
      this.memoPeak = Math.max(this.memoPeak, memo);
      if (memo > this.maxMemoEntries) {
        this.reason = `memo budget of ${this.maxMemoEntries} entries exhausted`;
        return null;
      }
      if (bytes > this.maxMemoBytes) {
        this.reason = `memo budget of ${this.maxMemoBytes} bytes exhausted`;
        return null;
      }
      for (const s of active) if (s.verdict !== null) s.release();
      active = active.filter((s) => s.verdict === null);
      slice = Math.min(slice * 2, this.maxSlice);
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// One search, resumable in slices.

interface SearchOptions<I, O> {
  /** Ops of known outcome treated as of unknown outcome (the witness search). */
  readonly optional?: ReadonlySet<IdOp<I, O>> | null;
  /** A time per op to try ops by, instead of their invocation (see mergeParts). */
  readonly times?: ReadonlyMap<IdOp<I, O>, number> | null;
  /**
   * Try ops of unknown outcome after the others (default), or by time alone: which is faster
   * depends on the history (an op of unknown outcome that took effect most likely did so soon
   * after its call), so the checker runs both.
   */
  readonly unknownLast?: boolean;
}

/** A move: (process << 1) | 1 to pass over its head op (unknown outcome), | 0 to order it. */
const SKIP = 1;

/**
 * What a search's verdict proves. "both": the plain search, complete. "failure": one key's ops
 * alone; only a failure says something of the whole (see the file comment). "success": the
 * timed search (see Search), which looks only at orders where ops that write respect real
 * time among themselves and no read sees an op invoked after the read returned; an order it
 * finds is a valid order (so success proves the history sequentially consistent) and its
 * deadlines prune dead ends as the linearizability checker's do, but a failure proves nothing.
 * "order": the timed search on one key, for its order (see mergeParts); it proves nothing.
 */
type Proves = 'both' | 'failure' | 'success' | 'order';

class Search<S, I, O> {
  /** Ops kept (reads of unknown outcome dropped), grouped by process in invocation order. */
  readonly ops: IdOp<I, O>[];
  readonly n: number;
  /** Number of processes. */
  readonly k: number;
  verdict: boolean | null = null;
  steps = 0;

  private readonly inputs: I[];
  private readonly outputs: (O | undefined)[];
  private readonly known: Uint8Array;
  private readonly readOnly: Uint8Array;
  /** The time ops are tried by: their invocation, or a hint (see mergeParts). */
  private readonly time: number[];
  private readonly unknownLast: boolean;
  /** Per process: where its ops start in `ops`, how many, the index of its last known op. */
  private readonly start: Int32Array;
  private readonly len: Int32Array;
  private readonly lastKnown: Int32Array;

  // The configuration: positions, their hash lanes, the state, known ops still to order.
  private readonly pos: Int32Array;
  private h1 = 0;
  private h2 = 0;
  private state: S;
  private knownLeft = 0;
  /** The order built so far (op indices), for the witness. */
  private readonly placed: Int32Array;
  private placedLen = 0;

  // The depth-first stack. Frame d > 0 was entered by one move from frame d - 1; it holds what
  // undoes that move (undo-log length, state, order length, known count) and its own candidates.
  private depth = 0;
  private undoLog = new Int32Array(64);
  private undoLen = 0;
  private readonly frameUndo: number[] = [];
  private readonly frameState: S[] = [];
  private readonly framePlaced: number[] = [];
  private readonly frameKnown: number[] = [];
  private readonly frameMoves: Int32Array[] = [];
  private readonly frameNext: number[] = [];
  private memo: ConfigMemo<S>;

  // The deepest configuration seen: its order, its stuck heads, its state.
  private bestDepth = -1;
  bestPlaced: Int32Array = new Int32Array(0);
  bestStuck: number[] = [];
  /** Once the verdict is true: the ops in the order found (those passed over left out). */
  solution: IdOp<I, O>[] = [];
  bestState: S;

  constructor(
    readonly model: Model<S, I, O>,
    all: readonly IdOp<I, O>[],
    readonly key: string | null,
    private readonly goal: Proves,
    options: SearchOptions<I, O> = {},
  ) {
    const { optional, times } = options;
    this.unknownLast = options.unknownLast !== false;
    const isKnown = (op: IdOp<I, O>): boolean => op.return !== null && optional?.has(op) !== true;
    const isRead = (op: IdOp<I, O>): boolean => model.readOnly?.(op.input) === true;
    const byProcess = new Map<number, IdOp<I, O>[]>();
    for (const op of all) {
      if (!isKnown(op) && isRead(op)) continue;
      let list = byProcess.get(op.process);
      if (list === undefined) byProcess.set(op.process, (list = []));
      list.push(op);
    }
    const processes = [...byProcess.keys()].sort((a, b) => a - b);
    this.k = processes.length;
    this.start = new Int32Array(this.k);
    this.len = new Int32Array(this.k);
    this.lastKnown = new Int32Array(this.k);
    this.ops = [];
    processes.forEach((process, p) => {
      const list = byProcess.get(process)!.sort((a, b) => a.call - b.call || a.id - b.id);
      this.start[p] = this.ops.length;
      this.len[p] = list.length;
      this.lastKnown[p] = -1;
      list.forEach((op, j) => {
        if (isKnown(op)) this.lastKnown[p] = j;
      });
      this.ops.push(...list);
    });
    const n = (this.n = this.ops.length);
    this.inputs = this.ops.map((op) => op.input);
    this.outputs = this.ops.map((op) => (isKnown(op) ? op.output : undefined));
    this.known = Uint8Array.from(this.ops, (op) => (isKnown(op) ? 1 : 0));
    this.readOnly = Uint8Array.from(this.ops, (op) => (isRead(op) ? 1 : 0));
    this.time = this.ops.map((op) => times?.get(op) ?? op.call);
    for (let i = 0; i < n; i++) this.knownLeft += this.known[i]!;
    this.pos = new Int32Array(this.k);
    for (let p = 0; p < this.k; p++) {
      this.h1 ^= lane1(p, 0);
      this.h2 ^= lane2(p, 0);
    }
    this.placed = new Int32Array(n);
    this.memo = new ConfigMemo(this.k, model);
    this.state = this.bestState = model.init();
    this.enterRoot();
  }

  /** Whether this verdict settles the question for the whole history. */
  proves(verdict: boolean): boolean {
    return this.goal === 'both' || (verdict ? this.goal === 'success' : this.goal === 'failure');
  }

  memoEntries(): number {
    return this.memo.count;
  }

  memoBytes(): number {
    return this.memo.bytes();
  }

  /** Drop the memo once a verdict is in. */
  release(): void {
    this.memo = new ConfigMemo(0, this.model);
  }

  private head(p: number): number {
    return this.start[p]! + this.pos[p]!;
  }

  /** Move process p past its head op. */
  private advance(p: number): void {
    const j = this.pos[p]!;
    this.h1 ^= lane1(p, j) ^ lane1(p, j + 1);
    this.h2 ^= lane2(p, j) ^ lane2(p, j + 1);
    this.pos[p] = j + 1;
    if (this.undoLen === this.undoLog.length) {
      const grown = new Int32Array(this.undoLog.length * 2);
      grown.set(this.undoLog);
      this.undoLog = grown;
    }
    this.undoLog[this.undoLen++] = p;
  }

  /** Order every read at a process head that the state accepts (they change nothing). */
  private orderReads(): void {
    const { model, state } = this;
    for (let p = 0; p < this.k; p++) {
      while (this.pos[p]! < this.len[p]!) {
        const op = this.head(p);
        if (this.readOnly[op] === 0) break;
        if (!model.step(state, this.inputs[op]!, this.outputs[op], true).ok) break;
        this.placed[this.placedLen++] = op;
        this.knownLeft--;
        this.advance(p);
      }
    }
  }

  /**
   * The moves from the current configuration, most likely first: by invocation time (or the
   * hinted time), ops of unknown outcome after the others if `unknownLast`, passing over an op
   * last. In the timed search an op that writes may go only
   * when no op of known outcome that returned before its call is left.
   */
  private moves(): Int32Array {
    const timed = this.goal === 'success' || this.goal === 'order';
    const deadline = timed ? this.earliestReturn() : Infinity;
    const list: number[] = [];
    for (let p = 0; p < this.k; p++) {
      const j = this.pos[p]!;
      if (j >= this.len[p]!) continue;
      const op = this.head(p);
      if (this.readOnly[op] === 0 && this.ops[op]!.call <= deadline) list.push(p << 1);
      if (this.known[op] === 0 && this.lastKnown[p]! > j) list.push((p << 1) | SKIP);
    }
    const rank = (move: number): number =>
      (move & SKIP) * 2 + (this.unknownLast ? 1 - this.known[this.head(move >> 1)]! : 0);
    list.sort((a, b) => {
      const oa = this.head(a >> 1);
      const ob = this.head(b >> 1);
      return rank(a) - rank(b) || this.time[oa]! - this.time[ob]! || oa - ob;
    });
    return Int32Array.from(list);
  }

  /** The earliest return among the ops of known outcome not ordered yet. */
  private earliestReturn(): number {
    let earliest = Infinity;
    for (let p = 0; p < this.k; p++) {
      if (this.pos[p]! > this.lastKnown[p]!) continue;
      let j = this.start[p]! + this.pos[p]!;
      while (this.known[j] === 0) j++;
      // Ops of one process do not overlap: its first known op left returns first.
      earliest = Math.min(earliest, this.ops[j]!.return!);
    }
    return earliest;
  }

  private succeed(): void {
    this.verdict = true;
    this.solution = [...this.placed.subarray(0, this.placedLen)].map((i) => this.ops[i]!);
  }

  private enterRoot(): void {
    this.orderReads();
    if (this.knownLeft === 0) {
      this.succeed();
      return;
    }
    this.memo.add(this.pos, this.h1, this.h2, this.state);
    this.noteDepth();
    this.frameMoves[0] = this.moves();
    this.frameNext[0] = 0;
    this.depth = 1;
  }

  /** Undo the move that entered frame d. */
  private leave(d: number): void {
    const undoTo = this.frameUndo[d]!;
    while (this.undoLen > undoTo) {
      const p = this.undoLog[--this.undoLen]!;
      const j = this.pos[p]!;
      this.h1 ^= lane1(p, j) ^ lane1(p, j - 1);
      this.h2 ^= lane2(p, j) ^ lane2(p, j - 1);
      this.pos[p] = j - 1;
    }
    this.state = this.frameState[d]!;
    this.frameState[d] = undefined as S;
    this.placedLen = this.framePlaced[d]!;
    this.knownLeft = this.frameKnown[d]!;
  }

  /** Try one move from the top frame; true when it entered a new configuration. */
  private tryMove(move: number): boolean {
    const p = move >> 1;
    const op = this.head(p);
    let after = this.state;
    if ((move & SKIP) === 0) {
      const result = this.model.step(
        this.state,
        this.inputs[op]!,
        this.outputs[op],
        this.known[op] === 1,
      );
      if (!result.ok) return false;
      after = result.state;
    }
    const d = this.depth;
    this.frameUndo[d] = this.undoLen;
    this.frameState[d] = this.state;
    this.framePlaced[d] = this.placedLen;
    this.frameKnown[d] = this.knownLeft;
    if ((move & SKIP) === 0) this.placed[this.placedLen++] = op;
    this.knownLeft -= this.known[op]!;
    this.advance(p);
    this.state = after;
    this.orderReads();
    if (this.knownLeft === 0) {
      this.succeed();
      return true;
    }
    if (!this.memo.add(this.pos, this.h1, this.h2, this.state)) {
      this.leave(d);
      return false;
    }
    this.noteDepth();
    this.frameMoves[d] = this.moves();
    this.frameNext[d] = 0;
    this.depth = d + 1;
    return true;
  }

  private noteDepth(): void {
    if (this.placedLen <= this.bestDepth) return;
    this.bestDepth = this.placedLen;
    this.bestPlaced = this.placed.slice(0, this.placedLen);
    this.bestState = this.state;
    this.bestStuck = [];
    for (let p = 0; p < this.k; p++) {
      if (this.pos[p]! <= this.lastKnown[p]!) {
        let j = this.pos[p]!;
        while (this.known[this.start[p]! + j] === 0) j++;
        this.bestStuck.push(this.start[p]! + j);
      }
    }
  }

  /** Search for up to `limit` steps; sets `verdict` when done. */
  run(limit: number): void {
    let steps = 0;
    while (this.verdict === null && steps < limit) {
      const top = this.depth - 1;
      const moves = this.frameMoves[top]!;
      steps++;
      if (this.frameNext[top]! < moves.length) {
        this.tryMove(moves[this.frameNext[top]!++]!);
        continue;
      }
      // Every move from this configuration failed: undo the move that led here.
      if (top === 0) {
        this.verdict = false;
        break;
      }
      this.frameMoves[top] = EMPTY_MOVES;
      this.leave(top);
      this.depth = top;
    }
    this.steps += steps;
  }
}

const EMPTY_MOVES = new Int32Array(0);

/** The hash lanes of "process p is at position j" (a configuration XORs one per process). */
function lane1(p: number, j: number): number {
  return mix32(Math.imul(p + 1, 0x9e3779b1) ^ Math.imul(j + 1, 0x27d4eb2f));
}

function lane2(p: number, j: number): number {
  return mix32(Math.imul(j + 1, 0x85ebca77) ^ Math.imul(p + 1, 0x165667b1) ^ 0x5bd1e995);
}

// ---------------------------------------------------------------------------------------------
// The memo: a hash set of (positions, model state). Positions live in one flat Int32Array, k
// words per entry; slots index entries (open addressing, linear probing).

class ConfigMemo<S> {
  count = 0;
  private slots = new Int32Array(1024);
  private lanes = new Int32Array(1024);
  private positions: Int32Array;
  private states: S[] = [];

  constructor(
    private readonly k: number,
    private readonly model: Model<S, unknown, unknown>,
  ) {
    this.positions = new Int32Array(512 * k);
  }

  bytes(): number {
    return this.slots.length * 4 + this.lanes.length * 4 + this.positions.length * 4;
  }

  /** Add the configuration; false when it was already there. */
  add(pos: Int32Array, h1: number, h2: number, state: S): boolean {
    const a = h1 ^ Math.imul(this.model.hash(state), 0x27d4eb2f);
    const mask = this.slots.length - 1;
    let i = (a ^ (a >>> 15) ^ h2) & mask;
    for (let s = this.slots[i]!; s !== 0; s = this.slots[i]!) {
      const e = s - 1;
      if (this.lanes[2 * e] === a && this.lanes[2 * e + 1] === h2 && this.same(e, pos, state))
        return false;
      i = (i + 1) & mask;
    }
    const e = this.count++;
    if ((e + 1) * this.k > this.positions.length || 2 * e + 2 > this.lanes.length) this.grow();
    this.lanes[2 * e] = a;
    this.lanes[2 * e + 1] = h2;
    this.positions.set(pos, e * this.k);
    this.states.push(state);
    this.slots[i] = e + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private same(e: number, pos: Int32Array, state: S): boolean {
    const base = e * this.k;
    for (let p = 0; p < this.k; p++) if (this.positions[base + p] !== pos[p]) return false;
    return this.model.equal(this.states[e]!, state);
  }

  private grow(): void {
    const positions = new Int32Array(
      Math.max(this.positions.length * 2, (this.count + 1) * this.k),
    );
    positions.set(this.positions);
    this.positions = positions;
    const lanes = new Int32Array(Math.max(this.lanes.length * 2, 2 * this.count + 2));
    lanes.set(this.lanes);
    this.lanes = lanes;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      const a = this.lanes[2 * e]!;
      let i = (a ^ (a >>> 15) ^ this.lanes[2 * e + 1]!) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = e + 1;
    }
    this.slots = slots;
  }
}

// ---------------------------------------------------------------------------------------------
// Merging the keys' orders.

/**
 * A quick way to a "yes" for a history the model splits into independent keys: find an order
 * of each key's ops alone (the timed search), then one order of all ops that keeps each key's
 * order and each process's order, by a topological sort. Within a key only what a read saw is
 * kept: the write before it and the write after it (reads between the same two writes may go
 * in any order, they see the same value). Keys never see each other's ops, so every key sees
 * in the merged order exactly what it saw alone: the merged order is valid. When a key has no
 * order this way, or the orders cannot be merged (a cycle), this proves nothing.
 */
interface Merged<I, O> {
  readonly ok: boolean;
  readonly steps: number;
  readonly memoPeak: number;
  /**
   * When every key has an order: per op, a time that follows its key's order (the key's call
   * times, sorted, handed out in that order), for the whole search to try ops by.
   */
  readonly times: ReadonlyMap<IdOp<I, O>, number> | null;
}

function mergeParts<I, O>(
  parts: readonly Partition<I, O>[],
  model: Model<unknown, I, O>,
  budget: CheckBudget,
  unknownLast: boolean,
): Merged<I, O> {
  const searches = parts.map((p) => {
    const partModel = (p.model ?? model) as Model<unknown, I, O>;
    return new Search(partModel, p.ops as IdOp<I, O>[], p.key, 'order', { unknownLast });
  });
  const runner = new Runner(budget);
  runner.run(searches);
  const done = { steps: runner.steps, memoPeak: runner.memoPeak };
  if (!searches.every((s) => s.verdict === true)) return { ok: false, ...done, times: null };
  const times = new Map<IdOp<I, O>, number>();
  for (const s of searches) {
    const calls = s.solution.map((op) => op.call).sort((a, b) => a - b);
    s.solution.forEach((op, k) => times.set(op, calls[k]!));
  }
  const isRead = (op: IdOp<I, O>): boolean => model.readOnly?.(op.input) === true;
  const graph = new OrderGraph<IdOp<I, O>>();
  for (const s of searches) {
    let lastWrite: IdOp<I, O> | null = null;
    let reads: IdOp<I, O>[] = [];
    for (const op of s.solution) {
      graph.add(op);
      if (lastWrite !== null) graph.edge(lastWrite, op);
      if (isRead(op)) {
        reads.push(op);
        continue;
      }
      for (const read of reads) graph.edge(read, op);
      reads = [];
      lastWrite = op;
    }
  }
  const byProcess = new Map<number, IdOp<I, O>[]>();
  for (const op of graph.nodes()) {
    const list = byProcess.get(op.process);
    if (list === undefined) byProcess.set(op.process, [op]);
    else list.push(op);
  }
  for (const list of byProcess.values()) {
    list.sort((a, b) => a.call - b.call || a.id - b.id);
    for (let i = 1; i < list.length; i++) graph.edge(list[i - 1]!, list[i]!);
  }
  return { ok: graph.acyclic(), ...done, times };
}

/** A directed graph over ops, for a topological sort (Kahn's algorithm). */
class OrderGraph<T> {
  private readonly index = new Map<T, number>();
  private readonly out: number[][] = [];
  private readonly indegree: number[] = [];

  add(node: T): void {
    if (this.index.has(node)) return;
    this.index.set(node, this.out.length);
    this.out.push([]);
    this.indegree.push(0);
  }

  nodes(): T[] {
    return [...this.index.keys()];
  }

  edge(from: T, to: T): void {
    const a = this.index.get(from);
    const b = this.index.get(to);
    assert(a !== undefined && b !== undefined, 'an edge between ops not in the graph');
    this.out[a]!.push(b);
    this.indegree[b]!++;
  }

  /** Whether every node can be placed after all its predecessors (no cycle). */
  acyclic(): boolean {
    const indegree = [...this.indegree];
    const ready: number[] = [];
    indegree.forEach((d, node) => {
      if (d === 0) ready.push(node);
    });
    let placed = 0;
    while (ready.length > 0) {
      const node = ready.pop()!;
      placed++;
      for (const next of this.out[node]!) if (--indegree[next]! === 0) ready.push(next);
    }
    return placed === this.out.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Witness: the shortest failing prefix in invocation order, then relax what can be relaxed.

function buildWitness<I, O>(
  failed: Search<unknown, I, O>,
  maxWitnessSteps: number,
): SequentialWitness {
  const model = failed.model;
  const describe = (op: IdOp<I, O>): WitnessOp => ({
    id: op.id,
    process: op.process,
    call: op.call,
    return: op.return,
    description: model.describeOperation(op.input, op.output, op.return !== null),
  });
  const { ops, minimal } = minimise(model, failed.ops, maxWitnessSteps);
  const witness: SequentialWitness = {
    key: failed.key,
    ops: ops.map(describe),
    minimal,
    placed: [...failed.bestPlaced].map((i) => describe(failed.ops[i]!)),
    stuck: failed.bestStuck.map((i) => describe(failed.ops[i]!)),
  };
  const state = model.describeState?.(failed.bestState);
  return state === undefined ? witness : { ...witness, stateAfterPlaced: state };
}

/**
 * The evidence (see SequentialWitness). `fails(keep)` searches the ops with only those in
 * `keep` keeping their outcome; relaxing more ops only turns "fails" into "passes" (a valid
 * order of the stricter history serves the looser one), which the prefix search and the
 * reductions rely on. A trial that runs out of steps counts as "passes", so a reduction is
 * only ever accepted on proof.
 */
function minimise<S, I, O>(
  model: Model<S, I, O>,
  all: readonly IdOp<I, O>[],
  maxSteps: number,
): { ops: IdOp<I, O>[]; minimal: boolean } {
  const definite = all
    .filter((op) => op.return !== null)
    .sort((a, b) => a.call - b.call || a.id - b.id);
  if (maxSteps <= 0 || definite.length === 0) return { ops: definite, minimal: false };
  let left = maxSteps;
  let conclusive = true;
  let lastSteps = 0;
  const fails = (keep: ReadonlySet<IdOp<I, O>>, cap: number): boolean => {
    const optional = new Set(all.filter((op) => !keep.has(op)));
    const search = new Search(model, all, null, 'both', { optional });
    search.run(Math.min(cap, left));
    left -= search.steps;
    lastSteps = search.steps;
    if (search.verdict === null) conclusive = false;
    return search.verdict === false;
  };

  // 1. The shortest failing prefix, by binary search on its length.
  let lo = 1;
  let hi = definite.length;
  let baseSteps = 0;
  while (lo < hi && left > 0) {
    const mid = (lo + hi) >>> 1;
    if (fails(new Set(definite.slice(0, mid)), left)) {
      hi = mid;
      baseSteps = lastSteps;
    } else lo = mid + 1;
  }
  if (lo < hi) return { ops: definite, minimal: false };
  const cap = Math.max(10_000, 4 * baseSteps);
  const prefix = definite.slice(0, hi);

  // 2. Reads by delta debugging (relaxing one drops it), then the others one at a time.
  const isRead = (op: IdOp<I, O>): boolean => model.readOnly?.(op.input) === true;
  let minimal = true;
  let reads = prefix.filter(isRead);
  const writes = prefix.filter((op) => !isRead(op));
  let chunks = 2;
  while (reads.length > 0 && left > 0) {
    const size = Math.ceil(reads.length / chunks);
    let reduced = false;
    conclusive = true;
    for (let from = 0; from < reads.length && left > 0; from += size) {
      const rest = reads.slice(0, from).concat(reads.slice(from + size));
      if (fails(new Set([...writes, ...rest]), cap)) {
        reads = rest;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (chunks >= reads.length) break;
    chunks = Math.min(chunks * 2, reads.length);
  }
  if (!conclusive || left <= 0) minimal = false;
  const kept = new Set(writes);
  for (const op of writes) {
    if (left <= 0) {
      minimal = false;
      break;
    }
    kept.delete(op);
    conclusive = true;
    if (!fails(new Set([...reads, ...kept]), cap)) {
      kept.add(op);
      if (!conclusive) minimal = false;
    }
  }
  const ops = [...reads, ...kept].sort((a, b) => a.call - b.call || a.id - b.id);
  return { ops, minimal };
}
