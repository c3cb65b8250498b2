import { describe, expect, it } from 'vitest';
import { formatCount, formatMicros } from './format';

describe('formatMicros', () => {
  it('shows seconds with millisecond precision, truncating', () => {
    expect(formatMicros(0)).toBe('0.000 s');
    expect(formatMicros(999)).toBe('0.000 s');
    expect(formatMicros(1_000)).toBe('0.001 s');
    expect(formatMicros(1_234_567)).toBe('1.234 s');
    expect(formatMicros(60_000_000)).toBe('60.000 s');
    expect(formatMicros(-1_500_000)).toBe('-1.500 s');
  });
});

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234567)).toBe('1\u2009234\u2009567');
  });
});
