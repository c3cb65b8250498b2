import { assert } from './assert';
import { TraceHasher } from './hash';
import type { Micros } from './types';

/** Kinds of trace records. */
export const REC = {
  send: 1,
  deliver: 2,
  drop: 3,
  timer: 4,
  crash: 5,
  restart: 6,
  amnesia: 7,
  pause: 8,
  resume: 9,
  partition: 10,
  heal: 11,
  cut: 12,
  uncut: 13,
  loss: 14,
  latency: 15,
  clock: 16,
  note: 17,
  invoke: 18,
  ok: 19,
  fail: 20,
  info: 21,
  request: 22,
  reply: 23,
  violation: 24,
  quiet: 25,
  reorder: 26,
  command: 27,
} as const;
export type RecordKind = (typeof REC)[keyof typeof REC];
export const REC_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [name, kind] of Object.entries(REC)) names[kind] = name;
  return names;
})();

export type TraceMode = 'full' | 'hash' | 'off';

/** Bytes one record keeps in memory in "full" mode: the columns below. */
export const TRACE_BYTES_PER_RECORD = 1 + 8 + 2 + 2 + 2 + 8 + 8;

export class TraceBoundError extends Error {
  constructor(bound: number) {
    super(
      `trace bound reached: more than ${bound} records (use trace mode "hash" for longer runs)`,
    );
    this.name = 'TraceBoundError';
  }
}

export interface TraceRecord {
  readonly kind: string;
  readonly at: Micros;
  readonly node: number;
  readonly peer: number;
  readonly name: string;
  readonly value: number;
  readonly extra: number;
}

/**
 * The trace: one compact record per thing that happened, in columns of typed arrays.
 * `node` is the node it happened at (-1: none), `peer` the other end of a message (or a client),
 * `name` an interned string (message type, timer, note, drop reason), `value` and `extra` two
 * numbers whose meaning depends on the kind (message id and delivery time for a send...).
 * Every record is also mixed into a stable hash.
 */
export class Trace {
  length = 0;
  /** Records past `length` that are still valid (the future of the current timeline). */
  private highWater = 0;
  kind = new Uint8Array(0);
  at = new Float64Array(0);
  node = new Int16Array(0);
  peer = new Int16Array(0);
  name = new Uint16Array(0);
  value = new Float64Array(0);
  extra = new Float64Array(0);
  readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  private readonly nameHashes: number[] = [];
  private readonly hasher = new TraceHasher();

  constructor(
    readonly mode: TraceMode,
    private readonly bound: number,
  ) {}

  intern(text: string): number {
    let id = this.nameIds.get(text);
    if (id === undefined) {
      id = this.names.length;
      assert(id < 65_536, 'more than 65,536 distinct trace names');
      this.names.push(text);
      this.nameIds.set(text, id);
      const hasher = new TraceHasher();
      hasher.addString(text);
      this.nameHashes.push(Number.parseInt(hasher.digest().slice(0, 8), 16));
    }
    return id;
  }

  record(
    kind: RecordKind,
    at: Micros,
    node: number,
    peer: number,
    name: number,
    value: number,
    extra: number,
  ): void {
    if (this.mode === 'off') return;
    const hasher = this.hasher;
    hasher.addSmall(kind);
    hasher.add(at);
    hasher.addSmall(node);
    hasher.addSmall(peer);
    hasher.addSmall(this.nameHashes[name]!);
    hasher.add(value);
    hasher.add(extra);
    if (this.length === this.highWater) this.highWater++;
    if (this.mode === 'hash') {
      this.length++;
      return;
    }
    if (this.length === this.kind.length) this.grow();
    const i = this.length++;
    this.kind[i] = kind;
    this.at[i] = at;
    this.node[i] = node;
    this.peer[i] = peer;
    this.name[i] = name;
    this.value[i] = value;
    this.extra[i] = extra;
  }

  /** Mix a string that belongs to the run's outcome (a fault's description) into the hash. */
  hashString(text: string): void {
    if (this.mode !== 'off') this.hasher.addString(text);
  }

  /** Mix a client op's value or result into the hash. */
  hashValue(value: unknown): void {
    if (this.mode !== 'off') this.hasher.addValue(value);
  }

  digest(): string {
    return this.hasher.digest();
  }

  /** Records [from, to) as plain objects, for JSON export. */
  slice(from = 0, to = this.length): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.length); i++) out.push(this.get(i));
    return out;
  }

  get(i: number): TraceRecord {
    assert(this.mode === 'full' && i >= 0 && i < this.length, 'no such trace record', i);
    return {
      kind: REC_NAMES[this.kind[i]!]!,
      at: this.at[i]!,
      node: this.node[i]!,
      peer: this.peer[i]!,
      name: this.names[this.name[i]!]!,
      value: this.value[i]!,
      extra: this.extra[i]!,
    };
  }

  save(): { length: number; hash: [number, number] } {
    return { length: this.length, hash: this.hasher.save() };
  }

  /** Move to a saved point: back, or forward while the records past the cursor are valid. */
  restore(saved: { length: number; hash: readonly [number, number] }): void {
    assert(
      this.canRestore(saved.length),
      'trace records past the cursor are unknown',
      saved.length,
    );
    this.length = saved.length;
    this.hasher.restore(saved.hash);
  }

  canRestore(length: number): boolean {
    return length <= this.highWater;
  }

  /** The records after the cursor no longer belong to this run (an input changed the future). */
  fork(): void {
    this.highWater = this.length;
  }

  retainedBytes(): number {
    return this.kind.length * TRACE_BYTES_PER_RECORD;
  }

  private grow(): void {
    const old = this.kind.length;
    if (old >= this.bound) throw new TraceBoundError(this.bound);
    const capacity = Math.min(Math.max(32_768, old * 2), this.bound);
    this.kind = grown(new Uint8Array(capacity), this.kind);
    this.at = grown(new Float64Array(capacity), this.at);
    this.node = grown(new Int16Array(capacity), this.node);
    this.peer = grown(new Int16Array(capacity), this.peer);
    this.name = grown(new Uint16Array(capacity), this.name);
    this.value = grown(new Float64Array(capacity), this.value);
    this.extra = grown(new Float64Array(capacity), this.extra);
  }
}

function grown<T extends Uint8Array | Int16Array | Uint16Array | Float64Array>(
  target: T,
  source: T,
): T {
  target.set(source as never);
  return target;
}
