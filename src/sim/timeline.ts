import { assert } from './assert';

/**
 * An append-only list that can be rewound and replayed: `items` is the list up to the cursor;
 * entries past the cursor stay known (in `known`) until the timeline forks, so seeking forward
 * to a checkpoint can bring them back without replaying.
 */
export class Timeline<T> {
  /** The entries up to the cursor. */
  readonly items: T[] = [];
  private readonly known: T[] = [];

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.known.length) this.known.push(item);
  }

  get length(): number {
    return this.items.length;
  }

  /** Can the cursor move to `length`? Always backwards; forwards while the entries are known. */
  canMoveTo(length: number): boolean {
    return length <= this.known.length;
  }

  moveTo(length: number): void {
    assert(this.canMoveTo(length), 'timeline entries past the cursor are unknown', length);
    if (length <= this.items.length) {
      this.items.length = length;
      return;
    }
    for (let i = this.items.length; i < length; i++) this.items.push(this.known[i]!);
  }

  /** The future after the cursor is forgotten (an input changed it). */
  fork(): void {
    this.known.length = this.items.length;
  }
}
