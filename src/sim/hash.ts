/**
 * A stable, incremental 64-bit hash (two murmur3-style 32-bit lanes) built on Math.imul and
 * bit operations only, so Node and every browser compute the same value.
 */
export class TraceHasher {
  private h1 = 0x9747b28c;
  private h2 = 0x1b873593;

  /** Mix one integer in 0 .. 2^53 (or a negative int32). */
  add(value: number): void {
    const low = value | 0;
    const high =
      value > 0x7fffffff || value < -0x80000000 ? Math.floor(value / 4_294_967_296) | 0 : 0;
    this.mix(low);
    this.mix(high);
  }

  /** Mix a value from 0 .. 2^31 - 1 (or any int32): one word, not two. */
  addSmall(value: number): void {
    this.mix(value | 0);
  }

  /**
   * Mix a plain value (a client op's value or result): numbers, strings, booleans, null and
   * arrays of them directly, anything else as its JSON text.
   */
  addValue(value: unknown): void {
    if (typeof value === 'number') {
      this.mix(1);
      if (Number.isSafeInteger(value)) this.add(value);
      else this.addString(String(value));
    } else if (typeof value === 'string') {
      this.mix(2);
      this.addString(value);
    } else if (Array.isArray(value)) {
      this.mix(3);
      this.add(value.length);
      for (const item of value) this.addValue(item);
    } else if (typeof value === 'boolean' || value === null || value === undefined) {
      this.mix(value === true ? 4 : value === false ? 5 : value === null ? 6 : 7);
    } else {
      this.mix(8);
      this.addString(JSON.stringify(value));
    }
  }

  addString(text: string): void {
    this.add(text.length);
    for (let i = 0; i < text.length; i++) this.mix(text.charCodeAt(i));
  }

  private mix(word: number): void {
    let k = Math.imul(word, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let h1 = this.h1 ^ k;
    h1 = (h1 << 13) | (h1 >>> 19);
    this.h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let h2 = this.h2 ^ Math.imul(k, 0x85ebca6b);
    h2 = (h2 << 17) | (h2 >>> 15);
    this.h2 = (Math.imul(h2, 9) + 0x38b34ae5 + this.h1) | 0;
  }

  /** 16 lowercase hex digits. */
  digest(): string {
    return hex(finalize(this.h1 ^ this.h2)) + hex(finalize(this.h2 + this.h1));
  }

  save(): [number, number] {
    return [this.h1, this.h2];
  }

  restore(state: readonly [number, number]): void {
    this.h1 = state[0];
    this.h2 = state[1];
  }
}

function finalize(value: number): number {
  let h = value ^ (value >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
