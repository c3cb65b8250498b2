import { type Page, expect, test } from '@playwright/test';
import { gcounter } from '../src/protocols/crdt';
import { presetScenario } from '../src/sim/presets';
import { shareFragment } from '../src/sim/share';
import { Simulation } from '../src/sim/simulation';

/**
 * The G-Counter's partition-and-heal preset in the app: opened from its link, driven through
 * window.splitbrain. While n0 and n1 are cut off from n2, n3 and n4 the replicas disagree; a few
 * gossip rounds after the heal they all show the same count and the same version.
 */

test.use({ viewport: { width: 1280, height: 720 } });

const PARTITION_END_MICROS = 4_000_000;

function scenario() {
  const parsed = presetScenario(gcounter, 'partition-heal', 'e2e');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

async function ready(page: Page) {
  await page.waitForFunction(() => window.splitbrain?.traceHash() != null);
}

/** Each replica's badge ("count 17") and version (the summary's term), at the cursor. */
async function replicas(page: Page) {
  const state = await page.evaluate(() => window.splitbrain!.state()!);
  const badges = await page.locator('[data-node] .node-badge').allTextContents();
  return state.nodes.map((node, i) => ({ version: node.term, badge: badges[i]! }));
}

test('partition, then heal: the replicas differ during the partition and agree after it', async ({
  page,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const run = scenario();
  await page.goto(`/${shareFragment(run, 0)}`);
  await ready(page);
  expect(await page.evaluate(() => window.splitbrain!.state()!.protocol)).toBe('gcounter');

  await page.evaluate((t) => window.splitbrain!.seek(t), PARTITION_END_MICROS - 100_000);
  const during = await replicas(page);
  expect(during).toHaveLength(5);
  expect(new Set(during.map((r) => r.badge)).size).toBeGreaterThan(1);
  // Each side has updates the other has not seen: n0's version differs from n2's.
  expect(during[0]!.version).not.toBe(during[2]!.version);
  await page.screenshot({ path: testInfo.outputPath('crdt-partition.png') });
  // The Replicas tab: the replicas side by side, those that differ from the join marked.
  await page.getByRole('tab', { name: 'Replicas' }).click();
  const sideBySide = page.getByTestId('replicas');
  await expect(sideBySide).toContainText('replicas differ');
  expect(await sideBySide.locator('td.differs').count()).toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath('crdt-partition-replicas.png') });

  await page.evaluate((t) => window.splitbrain!.seek(t), run.durationMicros);
  const after = await replicas(page);
  expect(new Set(after.map((r) => r.badge)).size).toBe(1);
  expect(new Set(after.map((r) => r.version)).size).toBe(1);
  expect(after[0]!.badge).toMatch(/^count \d+$/);
  const state = await page.evaluate(() => window.splitbrain!.state()!);
  expect(state.violations).toEqual([]);
  await expect(sideBySide).toContainText('All replicas that are up agree.');
  expect(await sideBySide.locator('td.differs').count()).toBe(0);
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await page.locator('[data-node="2"]').click();
  await page.keyboard.press('Escape');
  await page.screenshot({ path: testInfo.outputPath('crdt-healed.png') });

  // The app ran the same run as the kernel in Node: the same trace hash at the same cursor.
  const sim = new Simulation(run, gcounter, { trace: 'hash', checkpointEvery: 0 });
  sim.runUntil(run.durationMicros);
  expect(await page.evaluate(() => window.splitbrain!.traceHash())).toBe(sim.traceHash());
  expect(errors).toEqual([]);
});
