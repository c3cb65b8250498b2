import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGuarantees } from '../../src/sim/history/guarantees';
import { checkLinearizable, InvalidOperationError } from '../../src/sim/history/linearizability';
import {
  kvStoreModel,
  registerModel,
  type Model,
  type OpInput,
  type Operation,
} from '../../src/sim/history/models';
import { checkSequential, sequentialGuarantee } from '../../src/sim/history/sequential';
import type { HistoryEvent } from '../../src/sim/types';

type Op = Operation<OpInput, unknown>;

/** A hand-made op of process `process`: [call, return] (null: unknown outcome). */
function op(
  id: number,
  process: number,
  call: number,
  ret: number | null,
  f: string,
  value?: unknown,
  output?: unknown,
  key?: string,
): Op {
  const input: OpInput = {
    f,
    ...(key === undefined ? {} : { key }),
    ...(value === undefined ? {} : { value }),
  };
  return ret === null
    ? { id, process, call, return: null, input }
    : { id, process, call, return: ret, input, output };
}
const write = (id: number, p: number, call: number, ret: number | null, v: unknown) =>
  op(id, p, call, ret, 'write', v, v);
const read = (id: number, p: number, call: number, ret: number | null, v: unknown) =>
  op(id, p, call, ret, 'read', undefined, v);
const put = (id: number, p: number, call: number, key: string, v: string) =>
  op(id, p, call, call + 5, 'put', v, v, key);
const get = (id: number, p: number, call: number, key: string, v: string) =>
  op(id, p, call, call + 5, 'get', undefined, v, key);

describe('sequential consistency: one order that keeps each process’s own order', () => {
  it('a stale read after another process’s write is sequentially consistent (not linearizable)', () => {
    const ops = [write(0, 0, 0, 10, 1), read(1, 1, 20, 30, null)];
    expect(checkLinearizable(ops, registerModel).linearizable).toBe(false);
    expect(checkSequential(ops, registerModel).sequential).toBe(true);
  });

  it('a process that reads its own older value after its own newer write is not', () => {
    const ops = [write(0, 0, 0, 10, 1), write(1, 0, 20, 30, 2), read(2, 0, 40, 50, 1)];
    const result = checkSequential(ops, registerModel);
    expect(result.sequential).toBe(false);
    // Writing 1 may stay optional: once 2 is written, the process can never read 1 again.
    expect(result.witness?.ops.map((o) => o.id)).toEqual([1, 2]);
    expect(result.witness?.minimal).toBe(true);
  });

  it('a cycle across two processes is not (each reads the other’s value before its own)', () => {
    const ops = [
      write(0, 0, 0, 10, 1),
      read(1, 0, 20, 30, 2),
      write(2, 1, 0, 10, 2),
      read(3, 1, 20, 30, 1),
    ];
    const result = checkSequential(ops, registerModel);
    expect(result.sequential).toBe(false);
    // The reads alone are the evidence: only those writes write 1 and 2, so both happened.
    expect(result.witness?.ops.map((o) => o.id).sort()).toEqual([1, 3]);
  });

  it('is not compositional: each key alone passes, the whole (Dekker’s two flags) fails', () => {
    const ops = [put(0, 0, 0, 'x', '1'), get(1, 0, 10, 'y', ''), put(2, 1, 0, 'y', '1')];
    ops.push(get(3, 1, 10, 'x', ''));
    const result = checkSequential(ops, kvStoreModel);
    expect(result.partitions).toBe(2);
    expect(result.sequential).toBe(false);
    expect(result.witness?.key).toBeNull();
    expect(result.witness?.ops.map((o) => o.id).sort()).toEqual([0, 1, 2, 3]);
    for (const key of ['x', 'y']) {
      const part = ops.filter((o) => o.input.key === key);
      expect(checkSequential(part, kvStoreModel).sequential).toBe(true);
    }
  });

  it('a key that fails alone fails the whole, and the witness holds only that key’s ops', () => {
    const ops = [put(0, 0, 0, 'x', 'a'), put(1, 0, 10, 'x', 'b'), get(2, 0, 20, 'x', 'a')];
    ops.push(put(3, 1, 0, 'y', 'c'), get(4, 1, 10, 'y', 'c'));
    const result = checkSequential(ops, kvStoreModel);
    expect(result.sequential).toBe(false);
    expect(result.witness?.ops.map((o) => o.id)).toEqual([1, 2]);
    expect([null, 'x']).toContain(result.witness?.key);
  });

  it('an op of unknown outcome may take effect, or not, but only once', () => {
    const unknown = write(0, 0, 0, null, 1);
    expect(checkSequential([unknown, read(1, 1, 5, 9, 1)], registerModel).sequential).toBe(true);
    expect(checkSequential([unknown, read(1, 1, 5, 9, null)], registerModel).sequential).toBe(true);
    const both = [unknown, read(1, 1, 5, 9, 1), read(2, 1, 10, 12, null)];
    expect(checkSequential(both, registerModel).sequential).toBe(false);
  });

  it('an op of unknown outcome in the middle of a process can be passed over', () => {
    const ops = [write(0, 0, 0, null, 1), write(1, 0, 10, 20, 2), read(2, 1, 0, 5, 2)];
    ops.push(read(3, 1, 6, 7, 2));
    expect(checkSequential(ops, registerModel).sequential).toBe(true);
  });

  it('answers unknown when the step or memo budget runs out', () => {
    const ops = [
      write(0, 0, 0, 10, 1),
      read(1, 0, 20, 30, 2),
      write(2, 1, 0, 10, 2),
      read(3, 1, 20, 30, 1),
    ];
    const steps = checkSequential(ops, registerModel, { maxSteps: 2 });
    expect(steps.sequential).toBe('unknown');
    expect(steps.reason).toMatch(/step budget of 2/);
    const wide = Array.from({ length: 8 }, (_, p) => [
      write(3 * p, p, 0, 1, p),
      write(3 * p + 1, p, 2, 3, 100 + p),
      read(3 * p + 2, p, 4, 5, -1),
    ]).flat();
    const memo = checkSequential(wide, registerModel, { maxMemoEntries: 50, sliceSteps: 10 });
    expect(memo.sequential).toBe('unknown');
    expect(memo.reason).toMatch(/memo budget of 50 entries/);
  });

  it('rejects an op the model cannot interpret', () => {
    expect(() => checkSequential([op(0, 0, 0, 1, 'frobnicate')], registerModel)).toThrow(
      InvalidOperationError,
    );
  });

  it('as a guarantee checker: a stale read holds sequential, breaks linearizable', () => {
    const history: HistoryEvent[] = [
      { process: 0, type: 'invoke', f: 'write', value: 1, at: 0 },
      { process: 0, type: 'ok', f: 'write', value: 1, at: 10 },
      { process: 1, type: 'invoke', f: 'read', at: 20 },
      { process: 1, type: 'ok', f: 'read', value: null, at: 30 },
    ];
    const results = checkGuarantees(history, 'register', ['sequential'], { maxSteps: 10_000 });
    const result = (g: string) => results.find((r) => r.guarantee === g);
    expect(result('linearizable')).toMatchObject({ claimed: false, holds: false });
    expect(result('sequential')).toMatchObject({ claimed: true, holds: true });
    const own = [write(0, 0, 0, 10, 1), write(1, 0, 20, 30, 2), read(2, 0, 40, 50, 1)];
    const verdict = sequentialGuarantee(own, registerModel as Model<unknown>, {});
    expect(verdict.holds).toBe(false);
    expect(verdict.reason).toBe(
      "no order of these ops keeps each process's own order: p0 write 2; p0 read -> 1",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Properties.

interface Step {
  process: number;
  kind: number;
  value: number;
  unknown: boolean;
}

const step = fc.record({
  process: fc.nat(3),
  kind: fc.nat(3),
  value: fc.nat(3),
  unknown: fc.boolean(),
});

/**
 * Run the steps one after another in the order given (a random interleaving of the processes)
 * against a register, recording what each read saw. Each process's times increase, but are
 * otherwise unrelated to the interleaving, so real time does not follow the order. An op of
 * unknown outcome ends its process (as in Jepsen); `applied` says whether it took effect.
 */
function interleaved(steps: Step[]): Op[] {
  let state: number | null = null;
  const clock = new Map<number, number>();
  const ended = new Set<number>();
  const ops: Op[] = [];
  steps.forEach((s, i) => {
    if (ended.has(s.process)) return;
    const call = (clock.get(s.process) ?? s.process * 7) + 3 + ((i * 13) % 11);
    clock.set(s.process, call + 2);
    const ret = s.unknown && s.kind !== 0 ? null : call + 1;
    if (ret === null) ended.add(s.process);
    if (s.kind === 0) ops.push(read(i, s.process, call, ret, state));
    else if (s.kind === 1 && s.value === 0 && ret === null) {
      ops.push(write(i, s.process, call, ret, 10 + i)); // timed out before it took effect
    } else if (s.kind === 2) {
      ops.push(op(i, s.process, call, ret, 'cas', [state, s.value]));
      state = s.value;
    } else {
      ops.push(write(i, s.process, call, ret, s.value));
      state = s.value;
    }
  });
  return ops;
}

/** Every order of the ops that keeps each process's order; unknown ops in or out. */
function bruteForce(ops: Op[], model: Model<unknown>): boolean {
  const byProcess = new Map<number, Op[]>();
  for (const o of ops) {
    if (o.return === null && model.readOnly?.(o.input) === true) continue;
    byProcess.set(o.process, [...(byProcess.get(o.process) ?? []), o]);
  }
  const lists = [...byProcess.values()].map((l) => l.sort((a, b) => a.call - b.call));
  const search = (pos: number[], state: unknown): boolean => {
    if (lists.every((l, p) => l.slice(pos[p]).every((o) => o.return === null))) return true;
    return lists.some((l, p) => {
      const o = l[pos[p]!];
      if (o === undefined) return false;
      const next = pos.map((j, q) => (q === p ? j + 1 : j));
      const r = model.step(state, o.input, o.output, o.return !== null);
      return (r.ok && search(next, r.state)) || (o.return === null && search(next, state));
    });
  };
  return search(
    lists.map(() => 0),
    model.init(),
  );
}

interface RandomOp {
  process: number;
  read: boolean;
  value: number;
  unknown: number;
  call: number;
  length: number;
}

/** Random ops with random outputs on a register: mostly not consistent at all. */
const randomOp: fc.Arbitrary<RandomOp> = fc.record({
  process: fc.nat(2),
  read: fc.boolean(),
  value: fc.nat(2),
  unknown: fc.nat(5),
  call: fc.nat(30),
  length: fc.nat(30),
});

/**
 * As in Jepsen, a process whose op has an unknown outcome issues no further op: its client goes
 * on as a new process (here process + 10 per op of unknown outcome so far).
 */
function randomHistory(specs: RandomOp[]): Op[] {
  const last = new Map<number, number>();
  const renamed = new Map<number, number>();
  return specs.map((s, i) => {
    const process = renamed.get(s.process) ?? s.process;
    const call = Math.max(s.call, last.get(process) ?? 0);
    const ret = s.unknown === 0 ? null : call + s.length;
    last.set(process, (ret ?? call) + 1);
    if (ret === null) renamed.set(s.process, process + 10);
    return s.read
      ? read(i, process, call, ret, s.value === 2 ? null : s.value)
      : write(i, process, call, ret, s.value);
  });
}

describe('properties', () => {
  it('ops executed sequentially in any interleaving form a sequentially consistent history', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 24 }), (steps) => {
        const ops = interleaved(steps);
        expect(checkSequential(ops, registerModel).sequential).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('every linearizable history is sequentially consistent', () => {
    fc.assert(
      fc.property(fc.array(randomOp, { minLength: 1, maxLength: 8 }), (specs) => {
        const ops = randomHistory(specs);
        if (checkLinearizable(ops, registerModel).linearizable !== true) return;
        expect(checkSequential(ops, registerModel).sequential).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('agrees with trying every order, on small histories', () => {
    fc.assert(
      fc.property(fc.array(randomOp, { minLength: 1, maxLength: 7 }), (specs) => {
        const ops = randomHistory(specs);
        const expected = bruteForce(ops, registerModel as Model<unknown>);
        const result = checkSequential(ops, registerModel);
        expect(result.sequential).toBe(expected);
        if (!expected) {
          // The witness is evidence on its own: those ops, every other op optional, still fail.
          const kept = new Set(result.witness!.ops.map((o) => o.id));
          const relaxed = ops.map((o) => (kept.has(o.id!) ? o : { ...o, return: null }));
          expect(bruteForce(relaxed, registerModel as Model<unknown>)).toBe(false);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
