import { assert } from './assert';
import type { Micros } from './types';

/** Thrown when more events wait at once than the queue's bound allows. */
export class QueueBoundError extends Error {
  constructor(bound: number) {
    super(`event queue bound reached: more than ${bound} events waiting at once`);
    this.name = 'QueueBoundError';
  }
}

export interface QueueSnapshot {
  readonly size: number;
  readonly nextSeq: number;
  readonly heap: Int32Array;
  readonly at: Float64Array;
  readonly seq: Float64Array;
  readonly kind: Uint8Array;
  readonly node: Int32Array;
  readonly a: Int32Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly d: Int32Array;
  readonly payload: unknown[];
  readonly freeSlots: Int32Array;
  readonly freeCount: number;
  readonly capacity: number;
}

/**
 * The event queue: a binary min-heap ordered by (at, seq), where seq is a global insertion
 * counter, so events due at the same time pop in the order they were scheduled.
 * Events live in recycled slots of typed arrays (no allocation per event); the heap holds
 * slot numbers. After `pop()`, read the slot's fields, then `release()` it.
 */
export class EventQueue {
  at!: Float64Array;
  seq!: Float64Array;
  kind!: Uint8Array;
  node!: Int32Array;
  a!: Int32Array;
  b!: Float64Array;
  /** Two spare columns a caller may fill after push (a message's send time and type). */
  c!: Float64Array;
  d!: Int32Array;
  payload!: unknown[];
  private heap!: Int32Array;
  private heapAt!: Float64Array;
  private heapSeq!: Float64Array;
  private freeSlots!: Int32Array;
  private freeCount = 0;
  private capacity = 0;
  size = 0;
  private nextSeq = 0;

  constructor(
    private readonly bound: number,
    initialCapacity = 1024,
  ) {
    assert(initialCapacity >= 1 && bound >= initialCapacity, 'queue capacity');
    this.allocate(initialCapacity);
  }

  /** Time of the next event, or Infinity when empty. */
  peekAt(): Micros {
    return this.size === 0 ? Infinity : this.heapAt[0]!;
  }

  push(at: Micros, kind: number, node: number, a: number, b: number, payload: unknown): number {
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount]!;
    const seq = this.nextSeq++;
    this.at[slot] = at;
    this.seq[slot] = seq;
    this.kind[slot] = kind;
    this.node[slot] = node;
    this.a[slot] = a;
    this.b[slot] = b;
    this.payload[slot] = payload;
    this.siftUp(this.size++, at, seq, slot);
    return slot;
  }

  /** Remove the earliest event and return its slot. The queue must not be empty. */
  pop(): number {
    assert(this.size > 0, 'pop from an empty event queue');
    const top = this.heap[0]!;
    const last = --this.size;
    if (last > 0) this.siftDown(this.heapAt[last]!, this.heapSeq[last]!, this.heap[last]!);
    return top;
  }

  release(slot: number): void {
    this.payload[slot] = undefined;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Slots of all waiting events, in heap order (not time order). */
  slots(): Int32Array {
    return this.heap.subarray(0, this.size);
  }

  snapshot(): QueueSnapshot {
    return {
      size: this.size,
      nextSeq: this.nextSeq,
      heap: this.heap.slice(0, this.size),
      at: this.at.slice(),
      seq: this.seq.slice(),
      kind: this.kind.slice(),
      node: this.node.slice(),
      a: this.a.slice(),
      b: this.b.slice(),
      c: this.c.slice(),
      d: this.d.slice(),
      payload: this.payload.slice(),
      freeSlots: this.freeSlots.slice(0, this.freeCount),
      freeCount: this.freeCount,
      capacity: this.capacity,
    };
  }

  restore(s: QueueSnapshot): void {
    this.allocate(s.capacity);
    this.heap.set(s.heap);
    for (let i = 0; i < s.size; i++) {
      this.heapAt[i] = s.at[s.heap[i]!]!;
      this.heapSeq[i] = s.seq[s.heap[i]!]!;
    }
    this.at.set(s.at);
    this.seq.set(s.seq);
    this.kind.set(s.kind);
    this.node.set(s.node);
    this.a.set(s.a);
    this.b.set(s.b);
    this.c.set(s.c);
    this.d.set(s.d);
    for (let i = 0; i < s.capacity; i++) this.payload[i] = s.payload[i];
    this.freeSlots.set(s.freeSlots);
    this.freeCount = s.freeCount;
    this.size = s.size;
    this.nextSeq = s.nextSeq;
  }

  // The heap keeps each entry's (at, seq) key beside its slot, so comparisons read contiguous
  // memory instead of following slot numbers.

  private siftUp(index: number, at: Micros, seq: number, slot: number): void {
    const heap = this.heap;
    const heapAt = this.heapAt;
    const heapSeq = this.heapSeq;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentAt = heapAt[parent]!;
      if (parentAt < at || (parentAt === at && heapSeq[parent]! < seq)) break;
      heap[index] = heap[parent]!;
      heapAt[index] = parentAt;
      heapSeq[index] = heapSeq[parent]!;
      index = parent;
    }
    heap[index] = slot;
    heapAt[index] = at;
    heapSeq[index] = seq;
  }

  /** Place (at, seq, slot) starting from the root, moving smaller children up. */
  private siftDown(at: Micros, seq: number, slot: number): void {
    const heap = this.heap;
    const heapAt = this.heapAt;
    const heapSeq = this.heapSeq;
    const size = this.size;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      let childAt = heapAt[child]!;
      let childSeq = heapSeq[child]!;
      const right = child + 1;
      if (right < size) {
        const rightAt = heapAt[right]!;
        if (rightAt < childAt || (rightAt === childAt && heapSeq[right]! < childSeq)) {
          child = right;
          childAt = rightAt;
          childSeq = heapSeq[right]!;
        }
      }
      if (at < childAt || (at === childAt && seq < childSeq)) break;
      heap[index] = heap[child]!;
      heapAt[index] = childAt;
      heapSeq[index] = childSeq;
      index = child;
    }
    heap[index] = slot;
    heapAt[index] = at;
    heapSeq[index] = seq;
  }

  private allocate(capacity: number): void {
    this.capacity = capacity;
    this.heap = new Int32Array(capacity);
    this.heapAt = new Float64Array(capacity);
    this.heapSeq = new Float64Array(capacity);
    this.at = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.node = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Float64Array(capacity);
    this.c = new Float64Array(capacity);
    this.d = new Int32Array(capacity);
    this.payload = new Array<unknown>(capacity).fill(undefined);
    this.freeSlots = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i;
    this.freeCount = capacity;
    this.size = 0;
  }

  private grow(): void {
    const old = this.capacity;
    if (old >= this.bound) throw new QueueBoundError(this.bound);
    const capacity = Math.min(old * 2, this.bound);
    this.at = copyInto(new Float64Array(capacity), this.at);
    this.seq = copyInto(new Float64Array(capacity), this.seq);
    this.kind = copyInto(new Uint8Array(capacity), this.kind);
    this.node = copyInto(new Int32Array(capacity), this.node);
    this.a = copyInto(new Int32Array(capacity), this.a);
    this.b = copyInto(new Float64Array(capacity), this.b);
    this.c = copyInto(new Float64Array(capacity), this.c);
    this.d = copyInto(new Int32Array(capacity), this.d);
    this.heap = copyInto(new Int32Array(capacity), this.heap);
    this.heapAt = copyInto(new Float64Array(capacity), this.heapAt);
    this.heapSeq = copyInto(new Float64Array(capacity), this.heapSeq);
    for (let i = old; i < capacity; i++) this.payload.push(undefined);
    const freeSlots = new Int32Array(capacity);
    for (let i = 0; i < capacity - old; i++) freeSlots[i] = capacity - 1 - i;
    this.freeSlots = freeSlots;
    this.freeCount = capacity - old;
    this.capacity = capacity;
  }
}

function copyInto<T extends Float64Array | Int32Array | Uint8Array>(target: T, source: T): T {
  target.set(source as never);
  return target;
}
