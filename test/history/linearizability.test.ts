import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readOperations } from '../../src/cli/history-formats';
import {
  checkLinearizable,
  HistoryError,
  InvalidOperationError,
  operationsFromHistory,
  type CheckResult,
} from '../../src/sim/history/linearizability';
import {
  kvModel,
  kvStoreModel,
  registerModel,
  type Model,
  type OpInput,
  type Operation,
} from '../../src/sim/history/models';
import type { HistoryEvent } from '../../src/sim/types';

/** The shared histories, relative to the repository (/work/main -> /work/shared). */
const HISTORIES = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'histories');

type Op = Operation<OpInput, unknown>;

/** A hand-made op: [call, return] (null: unknown outcome), process defaults to the id. */
function op(
  id: number,
  call: number,
  ret: number | null,
  f: string,
  value?: unknown,
  output?: unknown,
  key?: string,
): Op {
  const input: OpInput =
    key === undefined ? { f, ...(value === undefined ? {} : { value }) } : { f, key, value };
  return ret === null
    ? { id, process: id, call, return: null, input }
    : { id, process: id, call, return: ret, input, output };
}
const w = (id: number, call: number, ret: number | null, v: unknown) =>
  op(id, call, ret, 'write', v, v);
const r = (id: number, call: number, ret: number | null, v: unknown) =>
  op(id, call, ret, 'read', null, v);
const cas = (id: number, call: number, ret: number | null, from: unknown, to: unknown) =>
  op(id, call, ret, 'cas', [from, to]);

function verdict(ops: Op[], model: Model<unknown> = registerModel): CheckResult['linearizable'] {
  return checkLinearizable(ops, model).linearizable;
}

describe('register model', () => {
  it('accepts a sequential history and rejects a stale read', () => {
    expect(verdict([w(0, 0, 1, 1), r(1, 2, 3, 1)])).toBe(true);
    expect(verdict([r(0, 0, 1, null)])).toBe(true); // nil is the initial value
    expect(verdict([w(0, 0, 1, 1), r(1, 2, 3, null)])).toBe(false);
    expect(verdict([w(0, 0, 1, 1), w(1, 2, 3, 2), r(2, 4, 5, 1)])).toBe(false);
  });

  it('orders overlapping ops any way that fits', () => {
    // w1 and w2 overlap: either may come last.
    expect(verdict([w(0, 0, 10, 1), w(1, 2, 8, 2), r(2, 12, 13, 1)])).toBe(true);
    expect(verdict([w(0, 0, 10, 1), w(1, 2, 8, 2), r(2, 12, 13, 2)])).toBe(true);
    // ...but not both ways at once: once 1 was read after 2, 2 cannot come back.
    expect(verdict([w(0, 0, 10, 1), w(1, 2, 8, 2), r(2, 12, 13, 2), r(3, 14, 15, 1)])).toBe(false);
    // A read overlapping a write may see the old or the new value.
    expect(verdict([w(0, 0, 1, 1), w(1, 2, 10, 2), r(2, 3, 4, 1), r(3, 5, 6, 2)])).toBe(true);
    expect(verdict([w(0, 0, 1, 1), w(1, 2, 10, 2), r(2, 3, 4, 2), r(3, 5, 6, 1)])).toBe(false);
  });

  it('applies cas only when the expected value is there', () => {
    expect(verdict([w(0, 0, 1, 1), cas(1, 2, 3, 1, 2), r(2, 4, 5, 2)])).toBe(true);
    expect(verdict([w(0, 0, 1, 0), cas(1, 2, 3, 1, 2)])).toBe(false);
    expect(verdict([cas(0, 0, 1, null, 5), r(1, 2, 3, 5)])).toBe(true);
    // Two concurrent cas from the same value: only one can win.
    expect(verdict([w(0, 0, 1, 1), cas(1, 2, 5, 1, 2), cas(2, 2, 5, 1, 3)])).toBe(false);
    expect(verdict([w(0, 0, 1, 1), cas(1, 2, 5, 1, 2), cas(2, 2, 5, 2, 3), r(3, 6, 7, 3)])).toBe(
      true,
    );
  });

  it('lets an op of unknown outcome take effect after its call, or never', () => {
    // Must be assumed to have happened: nothing else wrote 5.
    expect(verdict([w(0, 0, null, 5), r(1, 10, 11, 5)])).toBe(true);
    // ...but not before it was invoked.
    expect(verdict([w(0, 20, null, 5), r(1, 10, 11, 5)])).toBe(false);
    // Must be assumed NOT to have happened (or to happen after the read).
    expect(verdict([w(0, 0, 1, 1), w(1, 2, null, 2), r(2, 5, 6, 1)])).toBe(true);
    // It may take effect late: after a read of the old value, before a read of the new one.
    expect(verdict([w(0, 0, 1, 1), w(1, 2, null, 2), r(2, 5, 6, 1), r(3, 7, 8, 2)])).toBe(true);
    // A cas of unknown outcome whose expected value never appears simply did not happen.
    expect(verdict([w(0, 0, 1, 1), cas(1, 2, null, 7, 9), r(2, 5, 6, 1)])).toBe(true);
    // Reads of unknown outcome say nothing.
    expect(verdict([w(0, 0, 1, 1), r(1, 2, null, 42)])).toBe(true);
    // At most once: an unknown write cannot explain two separate appearances.
    expect(
      verdict([w(0, 0, 1, 1), w(1, 2, null, 2), r(2, 5, 6, 2), w(3, 7, 8, 1), r(4, 9, 10, 2)]),
    ).toBe(false);
  });

  it('rejects ops the model does not know, naming the op', () => {
    expect(() => checkLinearizable([op(3, 0, 1, 'frobnicate')], registerModel)).toThrow(
      InvalidOperationError,
    );
    expect(() => checkLinearizable([op(3, 0, 1, 'cas', 7)], registerModel)).toThrow(
      /op 3: cas takes \[expected new\]/,
    );
    expect(() => checkLinearizable([w(0, 5, 1, 1)], registerModel)).toThrow(/before its call/);
  });
});

describe('kv model', () => {
  const get = (id: number, call: number, ret: number | null, key: string, v: unknown) =>
    op(id, call, ret, 'get', null, v, key);
  const put = (id: number, call: number, ret: number | null, key: string, v: unknown) =>
    op(id, call, ret, 'put', v, v, key);
  const append = (id: number, call: number, ret: number | null, key: string, v: unknown) =>
    op(id, call, ret, 'append', v, v, key);

  it('keeps keys apart, appends, and reads an absent key as ""', () => {
    const ops = [
      get(0, 0, 1, 'a', ''),
      append(1, 2, 3, 'a', 'x'),
      append(2, 2, 5, 'b', 'y'),
      append(3, 4, 6, 'a', 'z'),
      get(4, 7, 8, 'a', 'xz'),
      get(5, 7, 8, 'b', 'y'),
      put(6, 9, 10, 'b', 'q'),
      get(7, 11, 12, 'b', 'q'),
    ];
    const split = checkLinearizable(ops, kvStoreModel);
    expect(split).toMatchObject({ linearizable: true, partitions: 2 });
    expect(checkLinearizable(ops, kvStoreModel, { split: false })).toMatchObject({
      linearizable: true,
      partitions: 1,
    });
    expect(verdict([append(0, 0, 1, 'a', 'x'), get(1, 2, 3, 'a', 'zx')], kvStoreModel)).toBe(false);
    // The absent value is a model parameter.
    expect(verdict([get(0, 0, 1, 'a', null)], kvModel({ absent: null }))).toBe(true);
    expect(verdict([get(0, 0, 1, 'a', null)], kvStoreModel)).toBe(false);
  });

  it('names the key that fails, split or not', () => {
    const ops = [
      append(0, 0, 1, 'a', 'x'),
      get(1, 2, 3, 'a', 'x'),
      append(2, 0, 1, 'b', 'y'),
      get(3, 2, 3, 'b', ''),
    ];
    const split = checkLinearizable(ops, kvStoreModel);
    expect(split.linearizable).toBe(false);
    expect(split.witness?.key).toBe('b');
    expect(split.witness?.ops.map((o) => o.id)).toEqual([2, 3]);
    const whole = checkLinearizable(ops, kvStoreModel, { split: false });
    expect(whole.linearizable).toBe(false);
    expect(whole.witness?.key).toBeNull();
    expect(whole.witness?.ops.map((o) => o.id)).toEqual([2, 3]);
  });
});

describe('witness', () => {
  it('is the smallest set of ops that cannot be ordered, with times and processes', () => {
    // Noise around a stale read: w1 then w2 complete, then a read still sees 1.
    const ops = [
      w(0, 0, 1, 1),
      r(1, 0, 2, 1),
      w(2, 3, 4, 2),
      r(3, 5, 6, 2),
      w(4, 5, 9, 3),
      r(5, 10, 11, 1), // stale: nothing wrote 1 after 2 was read
      r(6, 12, 13, 3),
    ].map((o, i) => ({ ...o, process: 100 + i }));
    const result = checkLinearizable(ops, registerModel);
    expect(result.linearizable).toBe(false);
    const witness = result.witness!;
    expect(witness.minimal).toBe(true);
    // Even with every other op optional, "w 3 done by 9" or "2 read at 5..6" contradicts the
    // read of 1 at 10..11; the smallest such set is {write 3, read 1}.
    expect(witness.ops).toEqual([
      { id: 4, process: 104, call: 5, return: 9, description: 'write 3' },
      { id: 5, process: 105, call: 10, return: 11, description: 'read -> 1' },
    ]);
    expect(witness.key).toBeNull();
    expect(witness.stuck).toMatchObject({ id: 5, description: 'read -> 1' });
    expect(witness.linearized.map((o) => o.id)).toEqual([0, 1, 2, 3, 4]);
    expect(witness.stateAfterLinearized).toBe('3');
  });

  it('includes the write a read contradicts, not the unrelated ops', () => {
    const ops = [w(0, 0, 1, 1), r(1, 2, 3, 1), w(2, 4, 5, 2), r(3, 4, 5, 1), r(4, 6, 7, 1)];
    const { witness } = checkLinearizable(ops, registerModel);
    expect(witness?.ops.map((o) => o.id)).toEqual([2, 4]);
    expect(witness?.minimal).toBe(true);
  });

  it('falls back to the unminimised ops when asked not to minimise', () => {
    const ops = [w(0, 0, 1, 1), w(1, 2, 3, 2), r(2, 4, 5, 1)];
    const { witness } = checkLinearizable(ops, registerModel, { maxWitnessSteps: 0 });
    expect(witness?.minimal).toBe(false);
    expect(witness?.ops.map((o) => o.id)).toEqual([0, 1, 2]);
  });
});

describe('budget', () => {
  it('answers "unknown" when the steps or the memo run out', () => {
    // Many concurrent writes and reads: lots of configurations before an answer.
    const ops: Op[] = [];
    for (let i = 0; i < 12; i++) ops.push(w(i, 0, 100, i));
    ops.push(r(12, 101, 102, 99));
    const steps = checkLinearizable(ops, registerModel, { maxSteps: 1_000 });
    expect(steps.linearizable).toBe('unknown');
    expect(steps.reason).toMatch(/step budget of 1000/);
    expect(steps.steps).toBeLessThanOrEqual(1_000);
    const memo = checkLinearizable(ops, registerModel, { maxMemoEntries: 500, sliceSteps: 100 });
    expect(memo.linearizable).toBe('unknown');
    expect(memo.reason).toMatch(/memo budget/);
    // With the default budget the same history gets its real answer.
    expect(checkLinearizable(ops, registerModel).linearizable).toBe(false);
  });
});

describe('operationsFromHistory', () => {
  const ev = (
    process: number,
    type: HistoryEvent['type'],
    f: string,
    at: number,
    value?: unknown,
  ): HistoryEvent => ({ process, type, f, at, ...(value === undefined ? {} : { value }) });

  it('pairs invokes with completions per process', () => {
    const ops = operationsFromHistory([
      ev(0, 'invoke', 'write', 10, 1),
      ev(1, 'invoke', 'read', 11),
      ev(0, 'ok', 'write', 12, 1),
      ev(1, 'ok', 'read', 13, 1),
      ev(2, 'invoke', 'cas', 14, [1, 2]),
      ev(2, 'fail', 'cas', 15, [1, 2]), // did not happen: dropped
      ev(3, 'invoke', 'write', 16, 3),
      ev(3, 'info', 'write', 17), // unknown outcome
      ev(4, 'invoke', 'write', 18, 4), // never completed: unknown too
    ]);
    expect(ops).toEqual([
      { id: 0, process: 0, call: 10, return: 12, input: { f: 'write', value: 1 }, output: 1 },
      { id: 1, process: 1, call: 11, return: 13, input: { f: 'read' }, output: 1 },
      { id: 6, process: 3, call: 16, return: null, input: { f: 'write', value: 3 } },
      { id: 8, process: 4, call: 18, return: null, input: { f: 'write', value: 4 } },
    ]);
    expect(checkLinearizable(ops, registerModel).linearizable).toBe(true);
  });

  it('names the event that does not pair up', () => {
    const bad = (events: HistoryEvent[]) => {
      try {
        operationsFromHistory(events);
      } catch (error) {
        expect(error).toBeInstanceOf(HistoryError);
        return [(error as HistoryError).index, (error as Error).message];
      }
      return null;
    };
    expect(bad([ev(0, 'ok', 'read', 1)])).toEqual([
      0,
      'process 0 completes read (ok) with no open invoke',
    ]);
    expect(bad([ev(0, 'invoke', 'read', 1), ev(0, 'invoke', 'write', 2, 1)])).toEqual([
      1,
      'process 0 invokes write while its read (event 0) is still open',
    ]);
    expect(bad([ev(0, 'invoke', 'read', 1), ev(0, 'ok', 'write', 2, 1)])?.[1]).toMatch(
      /completes write but invoked read/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Histories recorded by Jepsen against real systems (porcupine's test data).

describe('the shared Jepsen histories', () => {
  const present = existsSync(join(HISTORIES, 'expected.json'));
  it('are there', () => {
    expect(
      present,
      `missing ${HISTORIES}/expected.json: the shared history data set must sit next to the repository (../shared/data/histories)`,
    ).toBe(true);
  });
  if (!present) return;
  const expected = JSON.parse(readFileSync(join(HISTORIES, 'expected.json'), 'utf8')) as {
    'jepsen-etcd': Record<string, boolean>;
    kv: Record<string, boolean>;
  };
  const etcd = readdirSync(join(HISTORIES, 'jepsen-etcd')).filter((f) => f.endsWith('.log'));
  const kv = readdirSync(join(HISTORIES, 'kv')).filter((f) => f.endsWith('.txt'));

  it('all have an expected verdict', () => {
    expect(etcd.length).toBeGreaterThanOrEqual(50);
    expect(kv.length).toBeGreaterThanOrEqual(6);
    expect(etcd.sort()).toEqual(Object.keys(expected['jepsen-etcd']).sort());
    expect(kv.sort()).toEqual(Object.keys(expected.kv).sort());
  });

  const check = (dir: string, file: string, model: typeof registerModel | typeof kvStoreModel) => {
    const { ops } = readOperations(readFileSync(join(HISTORIES, dir, file), 'utf8'));
    return { ops, result: checkLinearizable(ops, model as Model<unknown>) };
  };

  it('etcd logs (register): every verdict as expected, with a sound-looking witness', () => {
    const wrong: string[] = [];
    for (const file of etcd) {
      const { ops, result } = check('jepsen-etcd', file, registerModel);
      if (result.linearizable !== expected['jepsen-etcd'][file])
        wrong.push(`${file}: ${result.linearizable}`);
      if (result.linearizable === false) {
        const w = result.witness!;
        expect(w.ops.length, file).toBeGreaterThan(0);
        const byId = new Map(ops.map((o) => [o.id, o]));
        for (const o of [...w.ops, w.stuck, ...w.linearized]) {
          const source = byId.get(o.id)!;
          expect(source, file).toBeDefined();
          expect([o.call, o.return, o.process]).toEqual([
            source.call,
            source.return,
            source.process,
          ]);
        }
        // Ops of known outcome only: they are the evidence.
        expect(w.ops.every((o) => o.return !== null)).toBe(true);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('kv histories (split per key): every verdict as expected', () => {
    for (const file of kv) {
      const { result } = check('kv', file, kvStoreModel);
      expect(result.linearizable, file).toBe(expected.kv[file]);
      expect(result.partitions, file).toBeGreaterThan(1);
      if (result.linearizable === false) expect(result.witness?.key, file).toMatch(/^\d+$/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: a history made by running the model sequentially, with any timing consistent with
// that order, is linearizable; corrupting one read to a value never written makes it not.

interface Spec {
  /** Which op, with its parameters. */
  kind: number;
  key: number;
  value: number;
  /** Window around the op's linearization point. */
  before: number;
  after: number;
  unknown: boolean;
}

const spec = fc.record({
  kind: fc.nat(3),
  key: fc.nat(1),
  value: fc.nat(3),
  before: fc.nat(40),
  after: fc.nat(40),
  unknown: fc.boolean(),
});

/** Run the ops sequentially; op i takes effect at 10 i and its window surrounds that point. */
function sequentialRegister(specs: Spec[]): Op[] {
  let state: number | null = null;
  const ops: Op[] = [];
  specs.forEach((s, i) => {
    const at = 10 * i + 100;
    const call = at - s.before;
    const ret = s.unknown ? null : at + s.after;
    if (s.kind === 0) ops.push(r(i, call, ret, state));
    else if (s.kind === 2) {
      // A cas that succeeds: one that would not is a `fail`, absent from the history.
      ops.push(cas(i, call, ret, state, s.value));
      state = s.value;
    } else {
      state = s.value;
      ops.push(w(i, call, ret, s.value));
    }
  });
  return ops;
}

function sequentialKv(specs: Spec[]): Op[] {
  const state = new Map<string, string>();
  const ops: Op[] = [];
  specs.forEach((s, i) => {
    const at = 10 * i + 100;
    const call = at - s.before;
    const ret = s.unknown ? null : at + s.after;
    const key = `k${s.key}`;
    const current = state.get(key) ?? '';
    if (s.kind === 0) ops.push(op(i, call, ret, 'get', null, current, key));
    else if (s.kind === 1) {
      state.set(key, `v${s.value}`);
      ops.push(op(i, call, ret, 'put', `v${s.value}`, `v${s.value}`, key));
    } else {
      state.set(key, `${current}${s.value}`);
      ops.push(op(i, call, ret, 'append', `${s.value}`, `${s.value}`, key));
    }
  });
  return ops;
}

/** Corrupt the `pick`-th read of known outcome to `bogus`; null when there is none. */
function corrupt(ops: Op[], pick: number, bogus: unknown): { ops: Op[]; id: number } | null {
  const reads = ops.filter(
    (o) => (o.input.f === 'read' || o.input.f === 'get') && o.return !== null,
  );
  if (reads.length === 0) return null;
  const target = reads[pick % reads.length]!;
  return { ops: ops.map((o) => (o === target ? { ...o, output: bogus } : o)), id: target.id! };
}

describe('witness regressions', () => {
  it('a kv read of a value no op can produce is the whole witness, even among optional appends', () => {
    // Found by the property below: with the witness trial capped at 10,000 steps, relaxing the
    // append before the read ran out of steps and the append stayed in the witness.
    const ops = [
      op(0, 100, null, 'append', '1', undefined, 'k1'),
      op(1, 110, null, 'append', '2', undefined, 'k1'),
      op(2, 120, 120, 'put', 'v1', 'v1', 'k1'),
      op(3, 130, 130, 'put', 'v0', 'v0', 'k1'),
      op(4, 120, null, 'append', '0', undefined, 'k1'),
      op(5, 120, 150, 'append', '1', '1', 'k1'),
      op(6, 150, null, 'append', '0', undefined, 'k1'),
      op(7, 170, 171, 'append', '0', '0', 'k1'),
      op(8, 171, 180, 'get', null, 'never written', 'k1'),
      op(9, 190, 190, 'get', null, '', 'k0'),
    ];
    const result = checkLinearizable(ops, kvStoreModel);
    expect(result.linearizable).toBe(false);
    expect(result.witness?.ops.map((o) => o.id)).toEqual([8]);
    expect(result.witness?.minimal).toBe(true);
  });
});

describe('properties', () => {
  const histories = fc.array(spec, { minLength: 1, maxLength: 14 });

  it('a sequential register run with consistent timings is linearizable', () => {
    fc.assert(
      fc.property(histories, (specs) => {
        expect(checkLinearizable(sequentialRegister(specs), registerModel).linearizable).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a sequential kv run with consistent timings is linearizable, split or not', () => {
    fc.assert(
      fc.property(histories, (specs) => {
        const ops = sequentialKv(specs);
        expect(checkLinearizable(ops, kvStoreModel).linearizable).toBe(true);
        expect(checkLinearizable(ops, kvStoreModel, { split: false }).linearizable).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('one read of a value never written breaks it, and the witness is that read', () => {
    fc.assert(
      fc.property(histories, fc.nat(), (specs, pick) => {
        const bad = corrupt(sequentialRegister(specs), pick, 99);
        if (bad === null) return;
        const result = checkLinearizable(bad.ops, registerModel);
        expect(result.linearizable).toBe(false);
        expect(result.witness?.ops.map((o) => o.id)).toEqual([bad.id]);
        expect(result.witness?.minimal).toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(histories, fc.nat(), (specs, pick) => {
        const bad = corrupt(sequentialKv(specs), pick, 'never written');
        if (bad === null) return;
        const result = checkLinearizable(bad.ops, kvStoreModel);
        expect(result.linearizable).toBe(false);
        expect(result.witness?.ops.map((o) => o.id)).toEqual([bad.id]);
      }),
      { numRuns: 300 },
    );
  });
});
