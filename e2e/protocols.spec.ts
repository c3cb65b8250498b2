import { type Page, expect, test } from '@playwright/test';
import { presetScenario } from '../src/sim/presets';
import { getProtocol } from '../src/protocols/registry';
import { Simulation } from '../src/sim/simulation';
import type { Scenario } from '../src/sim/types';

/**
 * Each consensus protocol opened the way a person opens it: pick it and one of its presets in
 * the scenario bar, Run, then take the cursor to the run's end. The app must have built exactly
 * the preset's scenario, end with the same trace hash and the same violations as the kernel in
 * Node, and show the protocol's own inspector panel for a node.
 */

test.use({ viewport: { width: 1280, height: 720 } });

const SEED = 'e2e-presets';

interface Case {
  readonly protocol: string;
  readonly preset: string;
  /** A section of the protocol's own inspector panel, shown for the clicked node. */
  readonly panel: string;
  readonly node: number;
}

const CASES: readonly Case[] = [
  { protocol: 'paxos', preset: 'dueling-backoff', panel: 'Acceptor (on disk)', node: 2 },
  { protocol: 'multipaxos', preset: 'leader-crash-phase2', panel: 'Slots', node: 1 },
  { protocol: 'zab', preset: 'failover', panel: 'Epochs and zxids', node: 0 },
  { protocol: 'pbft', preset: 'silent-primary', panel: 'Checkpoint and watermarks', node: 1 },
  { protocol: 'raft', preset: 'partition-heal', panel: 'Persistent state', node: 0 },
];

function nodeRun(scenario: Scenario) {
  const sim = new Simulation(scenario, getProtocol(scenario.protocol)!, {
    trace: 'hash',
    checkpointEvery: 0,
  });
  sim.runUntil(scenario.durationMicros);
  sim.checkLiveness();
  return { hash: sim.traceHash(), violations: sim.violations.map((v) => v.invariant) };
}

async function openPreset(page: Page, { protocol, preset }: Case) {
  await page.goto('/');
  await page.waitForFunction(() => window.splitbrain?.traceHash() != null);
  const bar = page.getByRole('form', { name: 'Scenario' });
  await bar.getByLabel('Protocol').selectOption(protocol);
  await bar.getByLabel('Preset').selectOption(preset);
  await bar.getByLabel('Seed').fill(SEED);
  await bar.getByRole('button', { name: 'Run' }).click();
  await page.waitForFunction(
    (id) => window.splitbrain?.state()?.protocol === id && window.splitbrain.traceHash() != null,
    protocol,
  );
  await page.evaluate(() => window.splitbrain!.pause());
}

for (const c of CASES) {
  test(`${c.protocol}: the ${c.preset} preset, picked in the scenario bar, runs to its end as in Node`, async ({
    page,
  }, testInfo) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const parsed = presetScenario(getProtocol(c.protocol)!, c.preset, SEED);
    if (!parsed.ok) throw new Error(parsed.error);
    const expected = parsed.value;

    await openPreset(page, c);
    const scenario = await page.evaluate(() => window.splitbrain!.scenario()!);
    expect({ ...scenario, inputs: [] }).toEqual({ ...expected, inputs: [] });

    await page.evaluate((t) => window.splitbrain!.seek(t), expected.durationMicros);
    expect(await page.evaluate(() => window.splitbrain!.now())).toBe(expected.durationMicros);
    const node = nodeRun(expected);
    expect(await page.evaluate(() => window.splitbrain!.traceHash())).toBe(node.hash);
    const state = await page.evaluate(() => window.splitbrain!.state()!);
    expect(state.violations.map((v) => v.invariant)).toEqual(node.violations);
    expect(state.nodes).toHaveLength(expected.nodes);

    await page.locator(`[data-node="${c.node}"]`).click();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('inspector')).toContainText(c.panel);
    await page.screenshot({ path: testInfo.outputPath(`${c.protocol}-${c.preset}-end.png`) });
    expect(errors).toEqual([]);
  });
}
