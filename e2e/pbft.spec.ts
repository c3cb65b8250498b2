import { type Page, expect, test } from '@playwright/test';
import { pbft } from '../src/protocols/pbft';
import type { PbftState } from '../src/protocols/pbft/types';
import { presetScenario } from '../src/sim/presets';
import { shareFragment } from '../src/sim/share';
import { Simulation } from '../src/sim/simulation';

/**
 * PBFT's equivocating-primary preset in the app, opened from its link and driven through
 * window.splitbrain: n0 is marked Byzantine; its equivocation stalls view 0, the backups change
 * views, and n1, the primary of view 1, commits the clients' requests. The same run in Node
 * (equal trace hash at every cursor checked) says when those moments are and which client ops
 * completed.
 */

test.use({ viewport: { width: 1280, height: 720 } });

function scenario() {
  const parsed = presetScenario(pbft, 'equivocating-primary', 'e2e');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** In Node: when a replica first changes views, and when every honest replica is in view 1. */
function milestones(run: ReturnType<typeof scenario>) {
  const sim = new Simulation(run, pbft, { trace: 'hash', checkpointEvery: 0 });
  let changing = -1;
  for (let t = 10_000; t <= run.durationMicros; t += 10_000) {
    sim.runUntil(t);
    const states = sim.nodeStates() as PbftState[];
    if (changing < 0 && states.some((s) => s.status === 'view-change')) changing = t;
    const honest = states.slice(1);
    if (honest.every((s) => s.view === 1 && s.status === 'normal')) {
      return { changing, newView: t, oksBefore: oks(sim) };
    }
  }
  throw new Error('no view change in the Node run');
}

function oks(sim: Simulation): number {
  return sim.history.filter((event) => event.type === 'ok').length;
}

function hashAt(run: ReturnType<typeof scenario>, micros: number) {
  const sim = new Simulation(run, pbft, { trace: 'hash', checkpointEvery: 0 });
  sim.runUntil(micros);
  return { hash: sim.traceHash(), oks: oks(sim) };
}

async function ready(page: Page) {
  await page.waitForFunction(() => window.splitbrain?.traceHash() != null);
}

async function seek(page: Page, micros: number) {
  await page.evaluate((t) => window.splitbrain!.seek(t), micros);
  return page.evaluate(() => window.splitbrain!.state()!);
}

/** The executed count in each replica's badge ("exec 17"); null for a Byzantine badge. */
async function executed(page: Page): Promise<(number | null)[]> {
  const badges = await page.locator('[data-node] .node-badge').allTextContents();
  return badges.map((badge) => {
    const match = /^exec (\d+)$/.exec(badge.trim());
    return match === null ? null : Number(match[1]);
  });
}

test('an equivocating primary, the view change it causes, and the new primary committing the clients’ requests', async ({
  page,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const run = scenario();
  const { changing, newView, oksBefore } = milestones(run);
  expect(changing).toBeGreaterThan(0);
  expect(changing).toBeLessThan(newView);

  await page.goto(`/${shareFragment(run, 0)}`);
  await ready(page);

  // At first n0 leads view 0, marked Byzantine, and the backups follow it.
  const start = await seek(page, 50_000);
  expect(start.protocol).toBe('pbft');
  expect(start.nodes.map((n) => [n.role, n.term])).toEqual([
    ['byzantine-primary', 0],
    ['backup', 0],
    ['backup', 0],
    ['backup', 0],
  ]);
  await expect(page.locator('[data-node="0"] .node-badge')).toHaveText('BYZANTINE: equivocate');
  await page.locator('[data-node="0"]').click();
  await expect(page.getByTestId('inspector')).toContainText('What this Byzantine replica sent');
  await expect(page.getByTestId('inspector')).toContainText('(tampered)');
  await page.keyboard.press('Escape');

  // Its equivocation stalls view 0: a backup gives up on it and moves to view 1.
  const during = await seek(page, changing);
  expect(during.nodes.some((n) => n.role === 'view-change' && n.term === 1)).toBe(true);
  await page.screenshot({ path: testInfo.outputPath('pbft-view-change.png') });

  // NEW-VIEW: n1 is the primary of view 1; n0 is now a Byzantine backup.
  const after = await seek(page, newView);
  expect(after.nodes.map((n) => [n.role, n.term])).toEqual([
    ['byzantine', 1],
    ['primary', 1],
    ['backup', 1],
    ['backup', 1],
  ]);
  expect(after.violations).toEqual([]);
  const atNewView = await executed(page);
  expect(await page.evaluate(() => window.splitbrain!.traceHash())).toBe(hashAt(run, newView).hash);

  // Two seconds later the honest replicas have executed many more requests under n1, and the
  // clients' ops completed (f + 1 matching replies each): the same run in Node says how many.
  const later = newView + 2_000_000;
  await seek(page, later);
  const atLater = await executed(page);
  for (const node of [1, 2, 3]) expect(atLater[node]!).toBeGreaterThan(atNewView[node]! + 50);
  const node = hashAt(run, later);
  expect(await page.evaluate(() => window.splitbrain!.traceHash())).toBe(node.hash);
  expect(node.oks).toBeGreaterThan(oksBefore + 50);
  const final = await page.evaluate(() => window.splitbrain!.state()!);
  expect(final.nodes[1]!.role).toBe('primary');
  expect(final.violations).toEqual([]);
  await page.locator('[data-node="1"]').click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('inspector')).toContainText('commit 3/3');
  await page.screenshot({ path: testInfo.outputPath('pbft-new-primary.png') });
  expect(errors).toEqual([]);
});
