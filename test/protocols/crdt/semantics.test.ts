import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gcounterType, pncounterType } from '../../../src/protocols/crdt/counters';
import type { CrdtType } from '../../../src/protocols/crdt/crdt';
import { lwwMapType } from '../../../src/protocols/crdt/lwwmap';
import { orsetType } from '../../../src/protocols/crdt/orset';
import {
  compareLww,
  lwwRegisterType,
  mvRegisterType,
  type LwwEntry,
} from '../../../src/protocols/crdt/registers';
import { rgaType, type RgaState } from '../../../src/protocols/crdt/rga';
import { gsetType, twoPhaseSetType } from '../../../src/protocols/crdt/sets';
import { REPLICAS, mergeAll, runScript, scriptArb } from './scripts';
import {
  addWins,
  concurrentWritesAreSiblings,
  removeCancelsObservedAdds,
  removedStaysRemoved,
} from './semantics';

/** What each type means, beyond the lattice laws: each test is a sentence of its spec. */

const RUNS = { numRuns: 200 };

function at(replica: number, nowMicros = 0) {
  return { replica, nodes: REPLICAS, nowMicros, variant: null };
}

function mergedValue<S>(type: CrdtType<S>, script: Parameters<typeof runScript>[1]) {
  const run = runScript(type, script);
  return { run, value: type.value(mergeAll(type, run.replicas), null) };
}

describe('G-Counter and PN-Counter', () => {
  it('a G-Counter merged everywhere counts exactly the increments applied', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { run, value } = mergedValue(gcounterType, script);
        return value === run.applied.reduce((sum, op) => sum + (op.value as number), 0);
      }),
      RUNS,
    );
  });

  it('a PN-Counter merged everywhere is increments minus decrements', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { run, value } = mergedValue(pncounterType, script);
        const sign = (f: string) => (f === 'increment' ? 1 : -1);
        return value === run.applied.reduce((s, op) => s + sign(op.f) * (op.value as number), 0);
      }),
      RUNS,
    );
  });

  it('a replica only raises its own entry', () => {
    const state = gcounterType.empty(3);
    gcounterType.update(state, { f: 'increment', value: 2 }, at(1));
    expect(state.counts).toEqual([0, 2, 0]);
  });
});

describe('G-Set and 2P-Set', () => {
  it('a G-Set merged everywhere is the union of the adds', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { run, value } = mergedValue(gsetType, script);
        const added = [...new Set(run.applied.map((op) => op.value as number))].sort(
          (x, y) => x - y,
        );
        return JSON.stringify(value) === JSON.stringify(added);
      }),
      RUNS,
    );
  });

  it('2P-Set: an element removed anywhere is absent once every replica has merged', () => {
    fc.assert(removedStaysRemoved(twoPhaseSetType), RUNS);
  });

  it('2P-Set: a removed element added again stays absent', () => {
    const state = twoPhaseSetType.empty(3);
    twoPhaseSetType.update(state, { f: 'add', value: 4 }, at(0));
    twoPhaseSetType.update(state, { f: 'remove', value: 4 }, at(0));
    twoPhaseSetType.update(state, { f: 'add', value: 4 }, at(1));
    expect(twoPhaseSetType.value(state, null)).toEqual([]);
  });

  it('2P-Set: only an element the replica holds can be removed (Shapiro’s precondition)', () => {
    const state = twoPhaseSetType.empty(3);
    expect(twoPhaseSetType.update(state, { f: 'remove', value: 4 }, at(0)).ok).toBe(false);
  });
});

describe('OR-Set (add-wins)', () => {
  it('a concurrent add wins over a remove', () => {
    fc.assert(addWins(orsetType), RUNS);
  });

  it('a remove cancels the adds it observed', () => {
    fc.assert(removeCancelsObservedAdds(orsetType), RUNS);
  });

  it('keeps nothing for removed elements: no tombstones, the context is a version vector', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { replicas } = runScript(orsetType, script);
        return replicas.every((r) => orsetType.wellFormed!.check(r) === null);
      }),
      RUNS,
    );
  });

  it('re-adding an element replaces its dots with one fresh dot', () => {
    const state = orsetType.empty(3);
    orsetType.update(state, { f: 'add', value: 1 }, at(0));
    orsetType.update(state, { f: 'add', value: 1 }, at(0));
    expect([...state.entries.get(1)!]).toHaveLength(1);
    expect(state.cc.vv).toEqual([2, 0, 0]);
  });
});

describe('LWW-Register and LWW-Map', () => {
  it('the merged register holds the write with the greatest (timestamp, node) stamp', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { run, value } = mergedValue(lwwRegisterType, script);
        const stamps: LwwEntry[] = run.applied.map((op) => {
          const [v, ts, node] = op.reply as [string, number, number];
          return { ts, node, value: v };
        });
        if (stamps.length === 0) return value === null;
        const best = stamps.reduce((x, y) => (compareLww(x, y, null) >= 0 ? x : y));
        return value === best.value;
      }),
      RUNS,
    );
  });

  it('equal timestamps are ordered by node id', () => {
    const a = lwwRegisterType.empty(3);
    const b = lwwRegisterType.empty(3);
    lwwRegisterType.update(a, { f: 'write', value: 'from n0' }, at(0, 5_000));
    lwwRegisterType.update(b, { f: 'write', value: 'from n2' }, at(2, 5_000));
    lwwRegisterType.join(a, b, null);
    expect(a.value).toBe('from n2');
  });

  it('a replica whose clock runs ahead wins over a later write', () => {
    const fast = lwwRegisterType.empty(3);
    const slow = lwwRegisterType.empty(3);
    lwwRegisterType.update(fast, { f: 'write', value: 'early' }, at(0, 9_000_000));
    lwwRegisterType.update(slow, { f: 'write', value: 'later' }, at(1, 2_000_000));
    lwwRegisterType.join(slow, fast, null);
    expect(slow.value).toBe('early');
  });

  it('an LWW-Map delete is a tombstone: an older put merged later does not bring the key back', () => {
    const a = lwwMapType.empty(3);
    const b = lwwMapType.empty(3);
    lwwMapType.update(b, { f: 'put', key: 'x', value: 'old' }, at(1, 1_000));
    lwwMapType.update(a, { f: 'put', key: 'x', value: 'old' }, at(1, 1_000));
    lwwMapType.update(a, { f: 'delete', key: 'x' }, at(0, 2_000));
    lwwMapType.join(a, b, null);
    expect(lwwMapType.value(a, null)).toEqual([]);
    expect(a.entries.get('x')!.value).toBeNull();
  });
});

describe('MV-Register', () => {
  it('concurrent writes both survive as siblings', () => {
    fc.assert(concurrentWritesAreSiblings(mvRegisterType), RUNS);
  });

  it('a write that has seen the siblings replaces them all', () => {
    const a = mvRegisterType.empty(3);
    const b = mvRegisterType.empty(3);
    mvRegisterType.update(a, { f: 'write', value: 'x' }, at(0));
    mvRegisterType.update(b, { f: 'write', value: 'y' }, at(1));
    mvRegisterType.join(a, b, null);
    expect(mvRegisterType.value(a, null)).toEqual(['x', 'y']);
    mvRegisterType.update(a, { f: 'write', value: 'z' }, at(2));
    mvRegisterType.join(b, a, null);
    expect(mvRegisterType.value(b, null)).toEqual(['z']);
    expect(b.entries[0]!.vv).toEqual([1, 1, 1]);
  });
});

describe('RGA', () => {
  const insert = (state: RgaState, replica: number, pos: number, char: string) =>
    rgaType.update(state, { f: 'insert', value: { pos, char } }, at(replica));

  it('an insert lands at the index it names, in the local text', () => {
    fc.assert(
      fc.property(scriptArb, fc.nat({ max: 1_000 }), (script, pos) => {
        const state = runScript(rgaType, script).replicas[0]!;
        const result = insert(state, 0, pos, '#');
        if (!result.ok) return false;
        const [index] = result.reply as [number, string];
        return (rgaType.value(state, null) as string)[index] === '#';
      }),
      RUNS,
    );
  });

  it('a delete removes exactly one visible character and keeps it as a tombstone', () => {
    fc.assert(
      fc.property(scriptArb, fc.nat({ max: 1_000 }), (script, pos) => {
        const state = runScript(rgaType, script).replicas[1]!;
        const before = (rgaType.value(state, null) as string).length;
        const result = rgaType.update(state, { f: 'delete', value: { pos } }, at(1));
        if (!result.ok) return before === 0;
        return (
          (rgaType.value(state, null) as string).length === before - 1 && state.removed.length > 0
        );
      }),
      RUNS,
    );
  });

  it('concurrent inserts at one place come out in the same order on every replica, newest id first', () => {
    const base = rgaType.empty(3);
    insert(base, 0, 0, 'a');
    const left = structuredClone(base);
    const right = structuredClone(base);
    insert(left, 1, 1_000, 'L');
    insert(right, 2, 1_000, 'R');
    const lr = structuredClone(left);
    rgaType.join(lr, right, null);
    const rl = structuredClone(right);
    rgaType.join(rl, left, null);
    expect(rgaType.value(lr, null)).toBe('aRL');
    expect(rgaType.value(rl, null)).toBe('aRL');
  });

  it('text typed in a row stays in order (each character after the previous one)', () => {
    const state = rgaType.empty(3);
    for (const char of 'hello') insert(state, 0, 1_000, char);
    expect(rgaType.value(state, null)).toBe('hello');
  });
});
