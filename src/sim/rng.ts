import seedrandom from 'seedrandom';
import { assert } from './assert';
import type { Rng } from './types';

const TWO_POW_32 = 4_294_967_296;
const PPM = 1_000_000;

export type RngState = seedrandom.State.Tychei;

/**
 * A named random stream: a seedrandom generator (tychei: integer-only, small state) seeded
 * from the run seed and the stream's label, so that adding a consumer of one stream never
 * reshuffles another. Every draw uses integer arithmetic and + - * / only, so the same seed
 * gives the same numbers in every JavaScript engine.
 */
export class Stream implements Rng {
  private generator: seedrandom.StatefulPRNG<RngState>;

  constructor(seed: string, label: string, state?: RngState) {
    this.generator = seedrandom.tychei(`${seed}\u0000${label}`, { state: state ?? true });
  }

  /** An unsigned 32-bit integer. */
  uint32(): number {
    return this.generator.int32() >>> 0;
  }

  int(bound: number): number {
    assert(
      Number.isInteger(bound) && bound >= 1 && bound <= TWO_POW_32,
      'rng bound out of range',
      bound,
    );
    // Rejection sampling: draws at or above the largest multiple of `bound` are redrawn, so
    // every residue is equally likely.
    const limit = Math.floor(TWO_POW_32 / bound) * bound;
    let draw = this.uint32();
    while (draw >= limit) draw = this.uint32();
    return draw % bound;
  }

  range(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max), 'rng range needs integers', min, max);
    assert(min <= max && max - min < TWO_POW_32, 'rng range is empty or too wide', min, max);
    return min + this.int(max - min + 1);
  }

  chancePpm(ppm: number): boolean {
    if (ppm <= 0) return false;
    if (ppm >= PPM) return true;
    return this.int(PPM) < ppm;
  }

  /** Pick one element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick from an empty array');
    return items[this.int(items.length)] as T;
  }

  save(): RngState {
    return this.generator.state();
  }

  restore(state: RngState): void {
    this.generator = seedrandom.tychei('', { state });
  }
}

/** All named streams of one run, created on first use. */
export class Streams {
  private readonly byLabel = new Map<string, Stream>();

  constructor(private readonly seed: string) {}

  get(label: string): Stream {
    let stream = this.byLabel.get(label);
    if (stream === undefined) {
      stream = new Stream(this.seed, label);
      this.byLabel.set(label, stream);
    }
    return stream;
  }

  save(): Map<string, RngState> {
    const saved = new Map<string, RngState>();
    for (const [label, stream] of this.byLabel) saved.set(label, stream.save());
    return saved;
  }

  restore(saved: ReadonlyMap<string, RngState>): void {
    // A stream first used after the checkpoint starts again from its seed.
    for (const label of [...this.byLabel.keys()]) {
      if (!saved.has(label)) this.byLabel.delete(label);
    }
    for (const [label, state] of saved) {
      const stream = this.get(label);
      stream.restore(state);
    }
  }
}
