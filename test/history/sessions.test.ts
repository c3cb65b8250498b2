import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizable } from '../../src/sim/history/linearizability';
import {
  kvStoreModel,
  registerModel,
  type Model,
  type OpInput,
  type Operation,
} from '../../src/sim/history/models';
import { monotonicReads, readYourWrites } from '../../src/sim/history/sessions';

type Op = Operation<OpInput, unknown>;

const KV = kvStoreModel as Model<unknown>;
const BUDGET = { maxSteps: 1_000_000 };

let nextId = 0;
/** An op on key x by process p over [call, ret] (ret null: unknown outcome). */
function op(
  p: number,
  call: number,
  ret: number | null,
  f: string,
  value?: unknown,
  output?: unknown,
): Op {
  const input: OpInput = { f, key: 'x', ...(value === undefined ? {} : { value }) };
  const id = nextId++;
  return ret === null
    ? { id, process: p, call, return: null, input }
    : { id, process: p, call, return: ret, input, output };
}
const put = (p: number, call: number, ret: number | null, v: string) => op(p, call, ret, 'put', v);
const append = (p: number, call: number, ret: number | null, v: string) =>
  op(p, call, ret, 'append', v);
const cas = (p: number, call: number, ret: number | null, from: string, to: string) =>
  op(p, call, ret, 'cas', [from, to]);
const get = (p: number, call: number, ret: number | null, v?: unknown) =>
  op(p, call, ret, 'get', undefined, v);

const ryw = (...ops: Op[]) => readYourWrites(ops, KV, BUDGET);
const mr = (...ops: Op[]) => monotonicReads(ops, KV, BUDGET);

describe('read-your-writes: a read reflects the writes its own process completed earlier', () => {
  it('holds when a process reads back what it wrote', () => {
    expect(ryw(put(0, 0, 10, '0:1'), get(0, 20, 30, '0:1')).holds).toBe(true);
  });

  it('holds when another process may have overwritten the write (it was concurrent)', () => {
    const mine = put(0, 0, 10, '0:1');
    const theirs = put(1, 5, 15, '1:1');
    expect(ryw(mine, theirs, get(0, 20, 30, '1:1')).holds).toBe(true);
  });

  it('breaks when the read returns a value complete before the write began (a lost acknowledged write)', () => {
    const older = put(1, 0, 5, '1:1');
    const mine = put(0, 10, 20, '0:1');
    const read = get(0, 30, 35, '1:1');
    const verdict = ryw(older, mine, read);
    expect(verdict.holds).toBe(false);
    expect(verdict.key).toBe('x');
    expect(verdict.ops!.map((o) => o.id)).toEqual([older.id, mine.id, read.id]);
    expect(verdict.reason).toContain('does not reflect its own write');
    expect(verdict.reason).toContain('completed before it was invoked');
  });

  it('breaks when the process’s own append vanished from the value', () => {
    const base = put(0, 0, 5, '0:1');
    const lost = append(0, 10, 15, ' 0:2');
    const verdict = ryw(base, lost, get(0, 20, 25, '0:1'));
    expect(verdict.holds).toBe(false);
    expect(verdict.ops!.map((o) => o.id)).toContain(lost.id);
  });

  it('breaks when a process reads the initial state after its own write', () => {
    const verdict = ryw(put(0, 0, 5, '0:1'), get(0, 10, 15, ''));
    expect(verdict.holds).toBe(false);
    expect(verdict.reason).toContain('initial state');
  });

  it('a write of unknown outcome is no obligation (it may never have happened)', () => {
    expect(ryw(put(0, 0, null, '0:1'), get(0, 10, 15, '')).holds).toBe(true);
  });

  it('a read of unknown outcome is not judged', () => {
    expect(ryw(put(0, 0, 5, '0:1'), get(0, 10, null)).holds).toBe(true);
  });

  it('a cas is a write like a put; what its expected value shows is evidence of order', () => {
    const first = put(1, 0, 5, '1:1');
    const swapped = cas(0, 10, 15, '1:1', '0:2');
    expect(ryw(first, swapped, get(0, 20, 25, '0:2')).holds).toBe(true);
    expect(ryw(first, swapped, get(0, 20, 25, '1:1')).holds).toBe(false);
  });

  it('siblings reflect a write when any of them does, and break it when none does', () => {
    const a = put(1, 0, 5, '1:1');
    const b = put(2, 0, 5, '2:1');
    const mine = put(0, 10, 15, '0:1');
    expect(ryw(a, b, mine, get(0, 20, 25, ['0:1', '1:1'])).holds).toBe(true);
    const verdict = ryw(a, b, mine, get(0, 20, 25, ['1:1', '2:1']));
    expect(verdict.holds).toBe(false);
    expect(verdict.reason).toContain('none of its 2 siblings');
  });

  it('a value observed before the write began is older than it, even if its put had not completed', () => {
    const slow = put(1, 0, null, '1:1');
    const seen = get(2, 1, 3, '1:1');
    const mine = put(0, 10, 15, '0:1');
    expect(ryw(slow, seen, mine, get(0, 20, 25, '1:1')).holds).toBe(false);
  });
});

describe('monotonic reads: a process never reads an older state after a newer one', () => {
  it('holds while appends accumulate', () => {
    const a = append(1, 0, 5, ' 1:1');
    const b = append(2, 10, 15, ' 2:1');
    expect(mr(a, b, get(0, 6, 8, ' 1:1'), get(0, 20, 25, ' 1:1 2:1')).holds).toBe(true);
  });

  it('breaks when a later read lost an append an earlier read saw', () => {
    const a = append(1, 0, 5, ' 1:1');
    const b = append(2, 10, 15, ' 2:1');
    const newer = get(0, 20, 25, ' 1:1 2:1');
    const older = get(0, 30, 35, ' 1:1');
    const verdict = mr(a, b, newer, older);
    expect(verdict.holds).toBe(false);
    expect(verdict.ops!.map((o) => o.id)).toEqual(
      expect.arrayContaining([b.id, newer.id, older.id]),
    );
    expect(verdict.reason).toContain('went back');
  });

  it('breaks when a later read returns a put that completed before the earlier read’s put began', () => {
    const a = put(1, 0, 5, '1:1');
    const b = put(2, 10, 15, '2:1');
    expect(mr(a, b, get(0, 20, 25, '2:1'), get(0, 30, 35, '1:1')).holds).toBe(false);
  });

  it('holds when the process moves between two concurrent puts once', () => {
    const a = put(1, 0, 100, '1:1');
    const b = put(2, 0, 100, '2:1');
    expect(mr(a, b, get(0, 10, 20, '1:1'), get(0, 30, 40, '2:1')).holds).toBe(true);
  });

  it('breaks when the process flips back: having moved from a to b, it cannot see a again', () => {
    const a = put(1, 0, 100, '1:1');
    const b = put(2, 0, 100, '2:1');
    const reads = [get(0, 10, 20, '1:1'), get(0, 30, 40, '2:1'), get(0, 50, 60, '1:1')];
    expect(mr(a, b, ...reads).holds).toBe(false);
  });

  it('each process has its own session: another process reading older is no violation', () => {
    const a = put(1, 0, 5, '1:1');
    const b = put(2, 10, 15, '2:1');
    expect(mr(a, b, get(0, 20, 25, '2:1'), get(3, 30, 35, '1:1')).holds).toBe(true);
  });

  it('answers unknown when written values are not unique', () => {
    const verdict = mr(put(1, 0, 5, 'v'), put(2, 10, 15, 'v'), get(0, 20, 25, 'v'));
    expect(verdict.holds).toBe('unknown');
  });

  it('works on the register model (no keys, no appends, nil initial value)', () => {
    const model = registerModel as Model<unknown>;
    const w = (p: number, call: number, ret: number, v: number): Op => ({
      id: nextId++,
      process: p,
      call,
      return: ret,
      input: { f: 'write', value: v },
      output: v,
    });
    const r = (p: number, call: number, ret: number, v: number | null): Op => ({
      id: nextId++,
      process: p,
      call,
      return: ret,
      input: { f: 'read' },
      output: v,
    });
    const ops = [w(1, 0, 5, 1), w(2, 10, 15, 2), r(0, 20, 25, 2), r(0, 30, 35, 1)];
    expect(monotonicReads(ops, model, BUDGET).holds).toBe(false);
    expect(readYourWrites([w(0, 0, 5, 1), r(0, 10, 15, null)], model, BUDGET).holds).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: a linearizable execution keeps both guarantees.

interface Step {
  readonly process: number;
  readonly kind: number;
  readonly key: number;
  readonly before: number;
  readonly after: number;
  readonly unknown: boolean;
  readonly applied: boolean;
}

const stepArb = fc.record({
  process: fc.nat(3),
  kind: fc.nat(3),
  key: fc.nat(1),
  before: fc.nat(30),
  after: fc.nat(30),
  unknown: fc.boolean(),
  applied: fc.boolean(),
});

/**
 * Run the steps one at a time on a real map (step i takes effect at time 100 * i), each op's
 * interval around its effect, processes sequential; a few writes end with an unknown outcome
 * (applied or not) and their process carries on under a new number, as in Jepsen.
 */
function linearizableHistory(steps: readonly Step[]): Op[] {
  const store = new Map<string, string>();
  const free = new Map<number, number>();
  const renamed = new Map<number, number>();
  const ops: Op[] = [];
  steps.forEach((step, i) => {
    const at = 100 * (i + 1);
    const process = renamed.get(step.process) ?? step.process;
    const call = Math.max(at - step.before, (free.get(process) ?? -1) + 1);
    if (call > at) return;
    const key = step.key === 0 ? 'x' : 'y';
    const current = store.get(key) ?? '';
    const tag = `${process}:${i}`;
    const input: OpInput =
      step.kind === 0
        ? { f: 'get', key }
        : step.kind === 1
          ? { f: 'put', key, value: tag }
          : step.kind === 2
            ? { f: 'append', key, value: ` ${tag}` }
            : { f: 'cas', key, value: [current, tag] };
    const unknown = step.unknown && step.kind !== 0 && i % 5 === 0;
    if (!unknown || step.applied) {
      if (step.kind === 1 || step.kind === 3) store.set(key, tag);
      if (step.kind === 2) store.set(key, current + ` ${tag}`);
    }
    const ret = at + step.after;
    if (unknown) {
      ops.push({ id: ops.length, process, call, return: null, input });
      renamed.set(step.process, 100 + i);
    } else {
      const output = step.kind === 0 ? current : input.value;
      ops.push({ id: ops.length, process, call, return: ret, input, output });
      free.set(process, ret);
    }
  });
  return ops;
}

describe('a linearizable execution keeps both session guarantees (property)', () => {
  it('holds for random executions of get, put, append and cas, with unknown outcomes', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const ops = linearizableHistory(steps);
        expect(checkLinearizable(ops, KV).linearizable).toBe(true);
        expect(readYourWrites(ops, KV, BUDGET).holds).toBe(true);
        expect(monotonicReads(ops, KV, BUDGET).holds).toBe(true);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
