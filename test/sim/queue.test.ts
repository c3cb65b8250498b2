import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, QueueBoundError } from '../../src/sim/queue';

function drain(queue: EventQueue): [number, number][] {
  const out: [number, number][] = [];
  while (queue.size > 0) {
    const slot = queue.pop();
    out.push([queue.at[slot]!, queue.a[slot]!]);
    queue.release(slot);
  }
  return out;
}

describe('event queue', () => {
  it('pops by time, and events due at the same time in the order they were pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const queue = new EventQueue(1_000, 4);
        times.forEach((at, i) => queue.push(at, 1, 0, i, 0, null));
        const expected = times
          .map((at, i) => [at, i] as [number, number])
          .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        expect(drain(queue)).toEqual(expected);
      }),
    );
  });

  it('recycles slots and keeps order when pushes and pops interleave', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { maxLength: 400 }),
        (ops) => {
          const queue = new EventQueue(1_000, 2);
          const model: [number, number][] = [];
          let label = 0;
          for (const [isPush, at] of ops) {
            if (isPush || model.length === 0) {
              queue.push(at, 1, 0, label, 0, null);
              model.push([at, label++]);
              model.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
            } else {
              const slot = queue.pop();
              expect([queue.at[slot], queue.a[slot]]).toEqual(model.shift());
              queue.release(slot);
            }
          }
          expect(queue.size).toBe(model.length);
        },
      ),
    );
  });

  it('restores a snapshot exactly, including the insertion counter', () => {
    const queue = new EventQueue(100, 2);
    for (let i = 0; i < 10; i++) queue.push(i % 3, 1, 0, i, 0, { i });
    const snapshot = queue.snapshot();
    const first = drain(queue);
    queue.restore(snapshot);
    queue.push(0, 1, 0, 99, 0, null);
    const again = drain(queue);
    expect(again.filter(([, a]) => a !== 99)).toEqual(first);
    expect(again.findIndex(([, a]) => a === 99)).toBe(4); // after the four earlier events due at 0
  });

  it('refuses to grow past its bound', () => {
    const queue = new EventQueue(8, 2);
    for (let i = 0; i < 8; i++) queue.push(i, 1, 0, 0, 0, null);
    expect(() => queue.push(9, 1, 0, 0, 0, null)).toThrow(QueueBoundError);
  });
});
