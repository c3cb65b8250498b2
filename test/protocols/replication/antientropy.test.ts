import { describe, expect, it } from 'vitest';
import { antientropy } from '../../../src/protocols/replication/antientropy';
import {
  initAe,
  onAeClientOp,
  onAeMessage,
  onAeTimer,
} from '../../../src/protocols/replication/antientropy/antientropy';
import { buildTree, rangeOf } from '../../../src/protocols/replication/antientropy/merkle';
import {
  GOSSIP_TIMER,
  type AeMsg,
  type AeState,
} from '../../../src/protocols/replication/antientropy/types';
import { FakeCtx, clientOp } from './fake';
import { runScenario, scenarioOf } from './sweep';

type Ctx = FakeCtx<AeMsg>;

function node(self: number, variant: string | null = null) {
  const ctx: Ctx = new FakeCtx(antientropy, self, 2, {}, variant);
  const state = initAe(ctx, ctx.params);
  return { ctx, state };
}

function put(n: { ctx: Ctx; state: AeState }, key: string, value: string) {
  onAeClientOp(n.ctx, n.state, clientOp('put', key, value));
}

/** Run an exchange started by `a` to the end, delivering every message; count them. */
function exchange(a: { ctx: Ctx; state: AeState }, b: { ctx: Ctx; state: AeState }): AeMsg[] {
  onAeTimer(a.ctx, a.state, GOSSIP_TIMER);
  const seen: AeMsg[] = [];
  const queue = a.ctx.take().map((s) => ({ to: b, from: 0, msg: s.msg }));
  while (queue.length > 0) {
    const { to, from, msg } = queue.shift()!;
    seen.push(msg);
    onAeMessage(to.ctx, to.state, from, msg);
    const back = to === b ? a : b;
    for (const s of to.ctx.take()) queue.push({ to: back, from: to === a ? 0 : 1, msg: s.msg });
  }
  return seen;
}

describe('anti-entropy: Merkle trees over key ranges', () => {
  it('equal data gives equal trees; one changed key changes only its leaf and the path to the root', () => {
    const a = node(0);
    const b = node(1);
    put(a, 'x', 'v');
    b.state.store.set('x', a.state.store.get('x')!);
    b.state.tree = buildTree(b.state.store, 8);
    expect(b.state.tree).toEqual(a.state.tree);
    put(a, 'y', 'w');
    const changed = a.state.tree.flatMap((hash, i) =>
      i >= 1 && hash !== b.state.tree[i] ? [i] : [],
    );
    let leaf = 8 + rangeOf('y', 8);
    const path: number[] = [];
    for (; leaf >= 1; leaf >>= 1) path.unshift(leaf);
    expect(changed).toEqual(path);
  });

  it('nodes in sync exchange one hash', () => {
    const a = node(0);
    const b = node(1);
    expect(exchange(a, b).map((m) => m.type)).toEqual(['TreeCompare']);
  });

  it('an exchange walks down to the differing range and both sides end with the newer values', () => {
    const a = node(0);
    const b = node(1);
    put(a, 'x', 'from a');
    put(b, 'y', 'from b');
    const messages = exchange(a, b);
    expect(messages.filter((m) => m.type === 'Entries').length).toBeGreaterThan(0);
    expect(a.state.store).toEqual(b.state.store);
    expect(a.state.tree[1]).toBe(b.state.tree[1]);
  });

  it('the stale-leaf-hash bug leaves the tree as it was after a local write, and the write never crosses', () => {
    const a = node(0, 'stale-leaf-hash');
    const b = node(1);
    put(a, 'x', 'lost');
    expect(exchange(a, b).map((m) => m.type)).toEqual(['TreeCompare']);
    expect(b.state.store.has('x')).toBe(false);
  });
});

describe('anti-entropy presets', () => {
  for (const preset of ['gossip', 'partition-heal', 'fifty-nodes']) {
    it(`${preset}: replicas converge after writes stop`, () => {
      const sim = runScenario(antientropy, scenarioOf({ module: antientropy, preset }, 1));
      expect(sim.violations).toEqual([]);
      expect(antientropy.view.metrics!(sim.nodeStates() as AeState[])['distinct states']).toBe(1);
    });
  }
});
