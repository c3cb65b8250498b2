/**
 * Session guarantees (Terry, Demers, Petersen, Spreitzer, Theimer and Welch, "Session Guarantees
 * for Weakly Consistent Replicated Data", 1994), judged per process and per key of a client
 * history:
 *  - read-your-writes: a read reflects every write its own process completed earlier on that key;
 *  - monotonic reads: a read reflects everything an earlier read of the same process (same key)
 *    reflected: successive reads never go back to an older state.
 *
 * What a read "reflects" needs an order of versions. It is inferred from the history, which works
 * when every written value is unique, as the KV workload makes them: a put or cas writes a fresh
 * tag `client:seq`, an append adds a fresh piece ` client:seq`.
 *
 * Explanations. A value read is explained as a chain: its base (the put or cas whose value is its
 * prefix, or the initial state) followed by the appends that made the rest, in order. Ops of
 * unknown outcome take part (they may have taken effect). A read that returns an array that no
 * one wrote is a set of siblings (Dynamo's vector-clock siblings): each element is explained and
 * the read reflects what any of them reflects. A value that cannot be explained (nobody wrote
 * it) is skipped; one that can be explained in more than one way makes the verdict "unknown"
 * unless a violation is found elsewhere.
 *
 * "Older". Version x is known to precede version y on a key when a path of this evidence leads
 * from x to y:
 *  - real time: x completed before y was invoked (reads included: a write observed by a read that
 *    completed before y began precedes y);
 *  - values: consecutive members of an explained chain, base first (an append applied after
 *    what it was appended to); the last member of a chain precedes the read that returned it;
 *  - cas: the chain of a cas's expected value precedes the cas.
 * The initial state precedes everything. This is stricter than Terry's definitions, which allow
 * a server to order writes against real time: here a value that was already complete (or already
 * read) before a process's write began counts as older than that write, so a last-writer-wins
 * store whose skewed clock lets an older write win shows up as a broken guarantee. Every
 * linearizable history keeps both guarantees (each piece of evidence agrees with the
 * linearization order); a history that is only sequentially consistent may not.
 *
 * A read reflects write w when w is a member of (one of) its chains, or when the chain's base is
 * a put or cas other than w that is not known to precede w: it may have overwritten w (the
 * benefit of the doubt). So a read misses w exactly when w is absent and the value is built on
 * the initial state or on a base known to be older than w: a lost acknowledged write, a stale
 * read, an append that vanished.
 *
 * Monotonic reads also remembers, per process and key, what the process itself has seen: after
 * reading a value built on put a and then one built on put b (b not known to precede a, so the
 * step forward is allowed), the process has assumed a precedes b, and a later read built on a
 * again is a step back. Without that, alternating between two concurrent values would pass.
 *
 * Writes applied twice. The inference assumes a write takes effect once. An append seen after two
 * different predecessors (or twice in one value) was applied twice, say by a retry; its value
 * edges and its completion time then prove nothing and are left out of the evidence. A put or
 * cas applied twice cannot be told from its values: when a retry brings an old value back after
 * newer writes, the checkers judge it as the old value returning, which is what a client sees.
 *
 * Ops of unknown outcome: an unknown read is never judged; an unknown write is never an
 * obligation of read-your-writes (it did not complete), but can be a chain member. Failed ops are
 * not in the history (they took no effect).
 *
 * Determinism: part of the kernel (src/sim); integer arithmetic only, no unordered iteration.
 */
import type { GuaranteeVerdict } from './guarantees';
import type { CheckBudget, WitnessOp } from './linearizability';
import type { Model, OpInput, Operation } from './models';

type Op = Operation<OpInput, unknown>;

/** Node 0 of every key's graph: the initial state. */
const INIT = 0;

const DEFAULT_MAX_STEPS = 50_000_000;

const isRead = (f: string): boolean => f === 'get' || f === 'read';
const isPut = (f: string): boolean => f === 'put' || f === 'write';

/** The value a write leaves (put, cas) or adds (append); null for other ops. */
function writtenValue(op: Op): { base: boolean; value: unknown } | null {
  const { f, value } = op.input;
  if (isPut(f)) return { base: true, value };
  if (f === 'cas')
    return Array.isArray(value) && value.length === 2 ? { base: true, value: value[1] } : null;
  if (f === 'append') return { base: false, value: String(value ?? '') };
  return null;
}

function valueKey(value: unknown): string {
  return typeof value === 'string' ? `s${value}` : `j${JSON.stringify(value ?? null)}`;
}

class BudgetExceeded extends Error {}

/** A read's value, explained: one chain per sibling (node indices, base first). */
interface Explanation {
  readonly chains: readonly (readonly number[])[];
  readonly members: ReadonlySet<number>;
}
type Explained = Explanation | 'unexplained' | 'ambiguous';

/** Everything known about one key: its ops as graph nodes, the values, the evidence. */
class KeyIndex {
  /** nodes[i] for i >= 1 is an op; node 0 is the initial state. Sorted by call time. */
  readonly nodes: (Op | null)[] = [null];
  private readonly calls: number[] = [Number.MIN_SAFE_INTEGER];
  private readonly bases = new Map<string, number>();
  private readonly pieces = new Map<string, number>();
  private readonly baseLengths: number[] = [];
  private readonly pieceLengths: number[] = [];
  /** Chain and cas edges (real-time edges are implicit). */
  private readonly next: number[][] = [[]];
  private readonly explained = new Map<string, Explained>();
  private readonly reachMemo = new Map<number, Uint32Array>();
  /** Appends the history shows applied twice (see markAppliedTwice). */
  readonly appliedTwice = new Set<number>();
  /** Two writes wrote the same value: chains cannot be trusted. */
  duplicateValues = false;
  private readonly initAccepts: (value: unknown) => boolean;

  constructor(
    readonly key: string,
    ops: readonly Op[],
    model: Model<unknown>,
    private readonly steps: { left: number },
  ) {
    const sorted = [...ops].sort((a, b) => a.call - b.call || (a.id ?? 0) - (b.id ?? 0));
    const init = model.init();
    const probe = sorted.find((op) => isRead(op.input.f))?.input ?? { f: 'get', key };
    const accepted = new Map<string, boolean>();
    this.initAccepts = (value) => {
      const k = valueKey(value);
      let ok = accepted.get(k);
      if (ok === undefined) accepted.set(k, (ok = model.step(init, probe, value, true).ok));
      return ok;
    };
    for (const op of sorted) this.addNode(op);
    const observed: [number, readonly (readonly number[])[]][] = [];
    for (let node = 1; node < this.nodes.length; node++) {
      const chains = this.observedChains(node);
      if (chains !== null) observed.push([node, chains]);
    }
    this.markAppliedTwice(observed);
    for (const [node, chains] of observed) this.addValueEdges(node, chains);
  }

  private addNode(op: Op): void {
    const node = this.nodes.length;
    this.nodes.push(op);
    this.calls.push(op.call);
    this.next.push([]);
    const written = writtenValue(op);
    if (written === null) return;
    const map = written.base ? this.bases : this.pieces;
    const k = valueKey(written.value);
    if (map.has(k) || (written.base && this.initAccepts(written.value)))
      this.duplicateValues = true;
    map.set(k, node);
    const lengths = written.base ? this.baseLengths : this.pieceLengths;
    if (typeof written.value === 'string' && !lengths.includes(written.value.length))
      lengths.push(written.value.length);
  }

  /** The chains a read's value (or a cas's expected value) shows, or null. */
  private observedChains(node: number): readonly (readonly number[])[] | null {
    const op = this.nodes[node]!;
    let seen: unknown;
    if (isRead(op.input.f) && op.return !== null) seen = op.output;
    else if (op.input.f === 'cas' && Array.isArray(op.input.value)) seen = op.input.value[0];
    else return null;
    const explanation = this.explain(seen);
    return typeof explanation === 'string' ? null : explanation.chains;
  }

  /**
   * An append seen after two different predecessors (or twice in one value) took effect twice: a
   * retried write applied again. The order its values show then contradicts itself, and its
   * completion time says nothing of when the second application happened, so the evidence
   * ignores it (no value edges, no real-time edges out of it).
   */
  private markAppliedTwice(observed: readonly [number, readonly (readonly number[])[]][]): void {
    const before = new Map<number, number>();
    for (const [, chains] of observed) {
      for (const chain of chains) {
        for (let i = 1; i < chain.length; i++) {
          const node = chain[i]!;
          const previous = before.get(node);
          if (chain.indexOf(node) !== i || (previous !== undefined && previous !== chain[i - 1]))
            this.appliedTwice.add(node);
          before.set(node, chain[i - 1]!);
        }
      }
    }
  }

  /** Chain edges of what a read (or a cas) observed, the last member into the op itself. */
  private addValueEdges(node: number, chains: readonly (readonly number[])[]): void {
    const link = (from: number, to: number): void => {
      if (!this.appliedTwice.has(from) && !this.appliedTwice.has(to)) this.next[from]!.push(to);
    };
    for (const chain of chains) {
      for (let i = 1; i < chain.length; i++) link(chain[i - 1]!, chain[i]!);
      link(chain[chain.length - 1]!, node);
    }
  }

  /** The chains that make `value` (cached per value). */
  explain(value: unknown): Explained {
    const k = valueKey(value);
    let result = this.explained.get(k);
    if (result === undefined) {
      result = this.explainUncached(value, k);
      this.explained.set(k, result);
    }
    return result;
  }

  private explainUncached(value: unknown, k: string): Explained {
    if (Array.isArray(value) && !this.bases.has(k) && value.length > 0) {
      const chains: number[][] = [];
      for (const sibling of value) {
        const one = this.explainOne(sibling);
        if (typeof one === 'string') return one;
        chains.push(one);
      }
      return withMembers(chains);
    }
    const one = this.explainOne(value);
    return typeof one === 'string' ? one : withMembers([one]);
  }

  /** The unique chain that makes one value, or why there is none. */
  private explainOne(value: unknown): number[] | 'unexplained' | 'ambiguous' {
    const candidates: number[][] = [];
    if (this.initAccepts(value)) candidates.push([INIT]);
    if (typeof value !== 'string') {
      const base = this.bases.get(valueKey(value));
      if (base !== undefined) candidates.push([base]);
    } else {
      const ways = this.appendWays(value);
      if (value.length > 0 && this.initAccepts('') && ways[0]! > 0)
        candidates.push(...this.chainsFrom(value, 0, INIT, ways));
      for (const length of this.baseLengths) {
        if (length > value.length || ways[length] === 0) continue;
        const base = this.bases.get(valueKey(value.slice(0, length)));
        if (base !== undefined) candidates.push(...this.chainsFrom(value, length, base, ways));
      }
    }
    if (candidates.length === 0) return 'unexplained';
    return candidates.length === 1 ? candidates[0]! : 'ambiguous';
  }

  /** ways[i]: how many ways (0, 1 or 2 meaning "several") value[i..] splits into appends. */
  private appendWays(value: string): number[] {
    const ways = new Array<number>(value.length + 1).fill(0);
    ways[value.length] = 1;
    for (let i = value.length - 1; i >= 0; i--) {
      let count = 0;
      for (const length of this.pieceLengths) {
        if (i + length > value.length || ways[i + length] === 0) continue;
        if (this.pieces.has(valueKey(value.slice(i, i + length)))) count += ways[i + length]!;
      }
      ways[i] = Math.min(count, 2);
    }
    return ways;
  }

  /** The chain(s) from `start`: one, or two when the split is not unique (ambiguous). */
  private chainsFrom(value: string, start: number, base: number, ways: number[]): number[][] {
    if (ways[start]! > 1) return [[base], [base]];
    const chain = [base];
    for (let i = start; i < value.length;) {
      const length = this.pieceLengths.find(
        (l) =>
          i + l <= value.length &&
          ways[i + l]! > 0 &&
          this.pieces.has(valueKey(value.slice(i, i + l))),
      )!;
      chain.push(this.pieces.get(valueKey(value.slice(i, i + length)))!);
      i += length;
    }
    return [chain];
  }

  /** When a node's op completed, for real-time evidence (null: unknown, or not to be trusted). */
  private returnOf(node: number): number | null {
    return this.appliedTwice.has(node) ? null : this.nodes[node]!.return;
  }

  /** The first node invoked after `at` (nodes are sorted by call). */
  private firstCallAfter(at: number): number {
    let lo = 1;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.calls[mid]! > at) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Every node a path of evidence reaches from `from` (a bitset), memoised. */
  reachable(from: number): Uint32Array {
    let seen = this.reachMemo.get(from);
    if (seen !== undefined) return seen;
    const n = this.nodes.length;
    seen = new Uint32Array((n + 31) >> 5);
    if (from === INIT) {
      for (let node = 1; node < n; node++) setBit(seen, node);
    } else this.search(from, seen);
    this.reachMemo.set(from, seen);
    return seen;
  }

  private search(from: number, seen: Uint32Array): void {
    const queue = [from];
    let realTimeLow = this.nodes.length;
    for (let head = 0; head < queue.length; head++) {
      if (--this.steps.left < 0) throw new BudgetExceeded();
      const node = queue[head]!;
      const ret = this.returnOf(node);
      if (ret !== null) {
        const first = this.firstCallAfter(ret);
        for (let other = first; other < realTimeLow; other++) visit(other);
        realTimeLow = Math.min(realTimeLow, first);
      }
      for (const other of this.next[node]!) visit(other);
    }
    function visit(node: number): void {
      if (hasBit(seen, node)) return;
      setBit(seen, node);
      queue.push(node);
    }
  }

  /**
   * A shortest chain of evidence from `from` to `to`: each step with how it is known ('time': the
   * earlier completed before the later began; 'value': a value or a cas shows the order). Null
   * when there is none in the history's own evidence.
   */
  evidencePath(from: number, to: number): { node: number; how: 'time' | 'value' }[] | null {
    const n = this.nodes.length;
    const parent = new Int32Array(n).fill(-1);
    const how = new Uint8Array(n);
    const queue = [from];
    parent[from] = from;
    for (let head = 0; head < queue.length && parent[to] === -1; head++) {
      const node = queue[head]!;
      const ret = this.returnOf(node);
      const reach = (other: number, byValue: number): void => {
        if (parent[other] !== -1) return;
        parent[other] = node;
        how[other] = byValue;
        queue.push(other);
      };
      for (const other of this.next[node]!) reach(other, 1);
      if (ret !== null)
        for (let other = this.firstCallAfter(ret); other < n; other++) reach(other, 0);
    }
    if (parent[to] === -1) return null;
    const path: { node: number; how: 'time' | 'value' }[] = [];
    for (let node = to; node !== from; node = parent[node]!)
      path.unshift({ node, how: how[node] === 1 ? 'value' : 'time' });
    return [{ node: from, how: 'time' }, ...path];
  }

  /** Is x known to precede y, given the evidence and a process's own assumed steps? */
  precedes(x: number, y: number, assumed: readonly (readonly [number, number])[]): boolean {
    if (x === y) return false;
    if (x === INIT) return true;
    if (y === INIT) return false;
    if (assumed.length === 0) return hasBit(this.reachable(x), y);
    const set = Uint32Array.from(this.reachable(x));
    setBit(set, x);
    for (let changed = true; changed;) {
      changed = false;
      for (const [u, v] of assumed) {
        if (!hasBit(set, u) || hasBit(set, v)) continue;
        setBit(set, v);
        const more = this.reachable(v);
        for (let i = 0; i < set.length; i++) set[i]! |= more[i]!;
        changed = true;
      }
    }
    return hasBit(set, y);
  }
}

function withMembers(chains: number[][]): Explanation {
  const members = new Set<number>();
  for (const chain of chains) for (const node of chain) if (node !== INIT) members.add(node);
  return { chains, members };
}

function hasBit(set: Uint32Array, bit: number): boolean {
  return (set[bit >> 5]! & (1 << (bit & 31))) !== 0;
}

function setBit(set: Uint32Array, bit: number): void {
  set[bit >> 5]! |= 1 << (bit & 31);
}

// ---------------------------------------------------------------------------------------------
// The analysis of one history, shared by both checkers (checkGuarantees passes them one array).

interface Analysis {
  readonly keys: readonly KeyIndex[];
  readonly model: Model<unknown>;
  /** The steps left to the checker running now (each checker starts with its own budget). */
  readonly steps: { left: number };
}

const analyses = new WeakMap<readonly Op[], Analysis>();

function analyse(ops: readonly Op[], model: Model<unknown>, budget: CheckBudget): Analysis {
  const maxSteps = budget.maxSteps ?? DEFAULT_MAX_STEPS;
  const cached = analyses.get(ops);
  if (cached !== undefined && cached.model === model) {
    cached.steps.left = maxSteps;
    return cached;
  }
  const steps = { left: maxSteps };
  const byKey = new Map<string, Op[]>();
  for (const op of ops) {
    if (!isRead(op.input.f) && writtenValue(op) === null) continue;
    const key = op.input.key ?? '';
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    list.push(op);
  }
  const keys = [...byKey].map(([key, list]) => new KeyIndex(key, list, model, steps));
  const analysis = { keys, model, steps };
  analyses.set(ops, analysis);
  return analysis;
}

/** A read of known outcome, with where it sits in its key's graph and how it is explained. */
interface JudgedRead {
  readonly index: KeyIndex;
  readonly node: number;
  readonly op: Op;
  readonly explanation: Explanation;
}

/** Every read of known outcome that can be explained, in invocation order; and the doubtful. */
function readsOf(analysis: Analysis): { reads: JudgedRead[]; ambiguous: number } {
  const reads: JudgedRead[] = [];
  let ambiguous = 0;
  for (const index of analysis.keys) {
    index.nodes.forEach((op, node) => {
      if (op === null || !isRead(op.input.f) || op.return === null) return;
      const explanation = index.explain(op.output);
      if (explanation === 'ambiguous' || index.duplicateValues) ambiguous++;
      else if (explanation !== 'unexplained') reads.push({ index, node, op, explanation });
    });
  }
  reads.sort((a, b) => a.op.call - b.op.call || (a.op.id ?? 0) - (b.op.id ?? 0));
  return { reads, ambiguous };
}

/** Does the read reflect node w (see the header)? */
function reflects(
  read: JudgedRead,
  w: number,
  assumed: readonly (readonly [number, number])[],
): boolean {
  if (read.explanation.members.has(w)) return true;
  for (const chain of read.explanation.chains) {
    const base = chain[0]!;
    if (base !== INIT && base !== w && !read.index.precedes(base, w, assumed)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Reports.

function describeOp(model: Model<unknown>, op: Op): string {
  return model.describeOperation(op.input, op.output, op.return !== null);
}

function witnessOf(model: Model<unknown>, op: Op): WitnessOp {
  return {
    id: op.id ?? -1,
    process: op.process,
    call: op.call,
    return: op.return,
    description: describeOp(model, op),
  };
}

/** Why `read` misses `w`: what its value is built on, and why that is older than w. */
function whyMissing(model: Model<unknown>, read: JudgedRead, w: number): string {
  const chains = read.explanation.chains;
  const parts = chains.map((chain) => {
    const base = chain[0]!;
    if (base === INIT) return 'is built on the initial state, older than every write';
    const baseOp = read.index.nodes[base]!;
    const wOp = read.index.nodes[w]!;
    if (baseOp === wOp) return 'lacks it';
    const how =
      baseOp.return !== null && baseOp.return < wOp.call
        ? 'which completed before it was invoked'
        : `which the history shows came before it (${evidenceText(model, read.index, base, w)})`;
    return `is built on ${describeOp(model, baseOp)}, ${how}`;
  });
  const siblings = chains.length > 1 ? `none of its ${chains.length} siblings has it: ` : '';
  return siblings + [...new Set(parts)].join('; ');
}

/** The evidence that `from` precedes `to`, as text: "a, then (value) b, then (time) c". */
function evidenceText(model: Model<unknown>, index: KeyIndex, from: number, to: number): string {
  const path = index.evidencePath(from, to);
  if (path === null) return 'this process saw them in that order';
  const steps = path.slice(0, 6).map(({ node, how }, i) => {
    const text = describeOp(model, index.nodes[node]!);
    if (i === 0) return text;
    return how === 'value' ? `whose value leads to ${text}` : `complete before ${text} began`;
  });
  return steps.join(', ') + (path.length > 6 ? ', …' : '');
}

function evidence(model: Model<unknown>, read: JudgedRead, ...others: Op[]): WitnessOp[] {
  const ops = [...others, read.op];
  for (const chain of read.explanation.chains) {
    const base = read.index.nodes[chain[0]!];
    if (base != null && !ops.includes(base)) ops.push(base);
  }
  return ops.map((op) => witnessOf(model, op)).sort((a, b) => a.call - b.call || a.id - b.id);
}

function unknown(reason: string): GuaranteeVerdict {
  return { holds: 'unknown', reason };
}

function heldVerdict(ambiguous: number, reads: number): GuaranteeVerdict {
  if (ambiguous > 0)
    return unknown(
      `${ambiguous} reads return a value that more than one sequence of writes explains (written values are not unique)`,
    );
  return { holds: true, reason: `${reads} reads judged` };
}

// ---------------------------------------------------------------------------------------------
// Read-your-writes.

/** Each process's completed writes per key, in order: "process key" -> [node]. */
function ownWrites(analysis: Analysis): Map<string, { index: KeyIndex; node: number }[]> {
  const writes = new Map<string, { index: KeyIndex; node: number }[]>();
  for (const index of analysis.keys) {
    index.nodes.forEach((op, node) => {
      if (op === null || op.return === null || writtenValue(op) === null) return;
      const slot = `${op.process} ${index.key}`;
      let list = writes.get(slot);
      if (list === undefined) writes.set(slot, (list = []));
      list.push({ index, node });
    });
  }
  return writes;
}

/** Read-your-writes: each read reflects every write its process completed earlier on the key. */
export function readYourWrites(
  ops: readonly Op[],
  model: Model<unknown>,
  budget: CheckBudget,
): GuaranteeVerdict {
  try {
    const analysis = analyse(ops, model, budget);
    const { reads, ambiguous } = readsOf(analysis);
    const writes = ownWrites(analysis);
    for (const read of reads) {
      for (const { index, node } of writes.get(`${read.op.process} ${read.index.key}`) ?? []) {
        const w = index.nodes[node]!;
        if (w.return! >= read.op.call) break;
        if (reflects(read, node, [])) continue;
        return {
          holds: false,
          reason: `process ${read.op.process} did ${describeOp(model, w)} (ok at ${w.return} µs), then ${describeOp(model, read.op)} (invoked at ${read.op.call} µs), which does not reflect its own write: the value ${whyMissing(model, read, node)}`,
          ops: evidence(model, read, w),
          key: read.index.key,
        };
      }
    }
    return heldVerdict(ambiguous, reads.length);
  } catch (error) {
    if (error instanceof BudgetExceeded) return unknown('step budget exhausted');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Monotonic reads.

/** What one process has read of one key so far, and the order it has assumed. */
interface SessionView {
  readonly reads: JudgedRead[];
  readonly assumed: [number, number][];
}

/** The first member of an earlier read that a later one does not reflect, or -1. */
function firstMissing(earlier: JudgedRead, later: JudgedRead, assumed: SessionView['assumed']) {
  for (const member of earlier.explanation.members)
    if (!reflects(later, member, assumed)) return member;
  return -1;
}

/** Record that a process stepped from one single-valued read's base to another's. */
function assumeStep(session: SessionView, earlier: JudgedRead, later: JudgedRead): void {
  if (earlier.explanation.chains.length !== 1 || later.explanation.chains.length !== 1) return;
  const from = earlier.explanation.chains[0]![0]!;
  const to = later.explanation.chains[0]![0]!;
  if (from === to || from === INIT || later.explanation.members.has(from)) return;
  if (!session.assumed.some(([u, v]) => u === from && v === to)) session.assumed.push([from, to]);
}

/** Monotonic reads: no read of a process misses what an earlier read of the key reflected. */
export function monotonicReads(
  ops: readonly Op[],
  model: Model<unknown>,
  budget: CheckBudget,
): GuaranteeVerdict {
  try {
    const analysis = analyse(ops, model, budget);
    const { reads, ambiguous } = readsOf(analysis);
    const sessions = new Map<string, SessionView>();
    for (const read of reads) {
      const slot = `${read.op.process} ${read.index.key}`;
      let session = sessions.get(slot);
      if (session === undefined) sessions.set(slot, (session = { reads: [], assumed: [] }));
      for (const earlier of session.reads) {
        if (earlier.explanation === read.explanation) continue;
        const missing = firstMissing(earlier, read, session.assumed);
        if (missing < 0) continue;
        const lost = read.index.nodes[missing]!;
        return {
          holds: false,
          reason: `process ${read.op.process} read ${describeOp(model, earlier.op)} (ok at ${earlier.op.return} µs), then ${describeOp(model, read.op)} (invoked at ${read.op.call} µs), which went back: it does not reflect ${describeOp(model, lost)}, which the earlier read did; the later value ${whyMissing(model, read, missing)}`,
          ops: evidence(model, read, earlier.op, lost),
          key: read.index.key,
        };
      }
      const last = session.reads[session.reads.length - 1];
      if (last !== undefined) assumeStep(session, last, read);
      session.reads.push(read);
    }
    return heldVerdict(ambiguous, reads.length);
  } catch (error) {
    if (error instanceof BudgetExceeded) return unknown('step budget exhausted');
    throw error;
  }
}
