import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Page, expect, test } from '@playwright/test';

const BIN = join(import.meta.dirname, '..', 'bin', 'splitbrain');

function cliRun(...args: string[]): { traceHash: string; url: string; simMicros: number } {
  const result = spawnSync(BIN, ['run', '--json', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`splitbrain run failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

test.use({ viewport: { width: 1280, height: 720 } });

async function ready(page: Page) {
  await page.waitForFunction(() => window.splitbrain?.traceHash() != null);
  // Nothing has focus: keys go to the page.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
}

const sb = {
  hash: (page: Page) => page.evaluate(() => window.splitbrain!.traceHash()),
  now: (page: Page) => page.evaluate(() => window.splitbrain!.now()),
  events: (page: Page) => page.evaluate(() => window.splitbrain!.events()),
  state: (page: Page) => page.evaluate(() => window.splitbrain!.state()),
};

test('the main view at 1280x720, light and dark', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const report = cliRun('--protocol', 'broadcast', '--seed', 'look', '--nemesis', '--until', '2s');
  await page.goto(report.url);
  await ready(page);
  expect(await sb.hash(page)).toBe(report.traceHash);
  await page.locator('[data-node="1"]').click();
  await page.keyboard.press('Escape');
  await page.screenshot({ path: testInfo.outputPath('main-light.png') });
  await page.getByRole('button', { name: 'Dark' }).click();
  await page.screenshot({ path: testInfo.outputPath('main-dark.png') });
  await page.getByRole('button', { name: 'Presenter' }).click();
  await page.screenshot({ path: testInfo.outputPath('presenter.png') });
  expect(errors).toEqual([]);
});

test('keyboard: space plays and pauses, arrows step, + and - change speed, ? shows help', async ({
  page,
}, testInfo) => {
  const report = cliRun(
    '--protocol',
    'broadcast',
    '--preset',
    'partition-heal',
    '--seed',
    'keys',
    '--until',
    '500ms',
  );
  await page.goto(report.url);
  await ready(page);
  const events = (await sb.events(page))!;

  await page.keyboard.press('ArrowRight');
  expect(await sb.events(page)).toBe(events + 1);
  await page.keyboard.press('ArrowRight');
  expect(await sb.events(page)).toBe(events + 2);
  await page.keyboard.press('ArrowLeft');
  expect(await sb.events(page)).toBe(events + 1);

  const speed = page.getByTestId('speed');
  await expect(speed).toHaveText('1/50x');
  await page.keyboard.press('+');
  await expect(speed).toHaveText('1/20x');
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await expect(speed).toHaveText('1/100x');

  // Shift+arrows jump between markers: the preset partitions at 1 s and heals at 4 s.
  await page.keyboard.press('Shift+ArrowRight');
  expect(await sb.now(page)).toBe(1_000_000);
  await page.keyboard.press('Shift+ArrowRight');
  expect(await sb.now(page)).toBe(4_000_000);
  await page.keyboard.press('Shift+ArrowLeft');
  expect(await sb.now(page)).toBe(1_000_000);

  await page.keyboard.press('Shift+?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('help-overlay.png') });
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.locator('body').click({ position: { x: 2, y: 2 } });

  await page.keyboard.press('+');
  await page.keyboard.press('+');
  const before = (await sb.now(page))!;
  await page.keyboard.press(' ');
  await expect.poll(() => page.evaluate(() => window.splitbrain!.playing())).toBe(true);
  await expect.poll(() => sb.now(page)).toBeGreaterThan(before);
  await page.keyboard.press(' ');
  await expect.poll(() => page.evaluate(() => window.splitbrain!.playing())).toBe(false);
  const paused = await sb.now(page);
  await page.waitForTimeout(200);
  expect(await sb.now(page)).toBe(paused);
});

test('crash a node from its menu and see it down; the action is in the link', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await ready(page);
  await page.keyboard.press('Home');
  await page.getByRole('slider', { name: 'Time' }).fill('1500000');
  expect(await sb.now(page)).toBe(1_500_000);
  const node = page.locator('[data-node="2"]');
  await node.click();
  const menu = page.getByRole('menu', { name: 'Node n2' });
  await expect(menu).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('node-menu.png') });
  await menu.getByRole('menuitem', { name: 'Crash' }).click();
  await expect(node).toHaveAttribute('data-status', 'down');
  expect((await sb.state(page))!.nodes[2]!.up).toBe(false);
  await expect(page.getByTestId('inspector')).toContainText('crashed');
  await page.screenshot({ path: testInfo.outputPath('crashed.png') });

  // Restart it from the same menu.
  await node.click();
  await page
    .getByRole('menu', { name: 'Node n2' })
    .getByRole('menuitem', { name: 'Restart', exact: true })
    .click();
  await expect(node).toHaveAttribute('data-status', 'up');
  const url = await page.evaluate(() => window.splitbrain!.shareUrl());
  expect(url).toContain('#s=1.');
  expect(page.url()).toBe(url);
});

test('a partition made in the UI, then healed', async ({ page }, testInfo) => {
  await page.goto('/');
  await ready(page);
  await page.getByRole('slider', { name: 'Time' }).fill('2000000');
  await page.getByRole('button', { name: 'Partition…' }).click();
  const editor = page.getByRole('dialog', { name: 'Partition the cluster' });
  await editor.getByRole('button', { name: 'Move n4 to side A' }).click();
  await editor.getByRole('button', { name: 'Apply partition' }).click();
  await expect(page.locator('.group-blob')).toHaveCount(2);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.screenshot({ path: testInfo.outputPath('partitioned.png') });
  const heal = page.getByRole('button', { name: 'Heal all' });
  await expect(heal).toBeEnabled();

  // A link cut one way shows as dashed with its direction.
  await heal.click();
  await expect(page.locator('.group-blob')).toHaveCount(0);
  await expect(heal).toBeDisabled();
  const scenario = await page.evaluate(() => {
    const url = window.splitbrain!.shareUrl()!;
    return url.slice(url.indexOf('#'));
  });
  expect(scenario.length).toBeGreaterThan(10);
});

test('cut a link one way from its menu', async ({ page }, testInfo) => {
  await page.goto('/');
  await ready(page);
  await page.getByRole('slider', { name: 'Time' }).fill('1000000');
  await page.locator('[data-link="0-1"]').click();
  const menu = page.getByRole('menu', { name: 'Link n0 — n1' });
  await menu.getByRole('menuitem', { name: 'Cut n0 → n1' }).click();
  await expect(page.locator('.link-cut')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('cut-link.png') });
});

test('stepping back restores the earlier hash exactly, even after an action', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await page.getByRole('slider', { name: 'Time' }).fill('3000000');
  const hash0 = await sb.hash(page);
  const events0 = (await sb.events(page))!;
  for (let i = 0; i < 5; i++)
    await page.getByRole('button', { name: 'Step forward one event' }).click();
  expect(await sb.events(page)).toBe(events0 + 5);
  expect(await sb.hash(page)).not.toBe(hash0);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  expect(await sb.events(page)).toBe(events0);
  expect(await sb.hash(page)).toBe(hash0);

  // After a crash at this cursor, stepping forward and back again lands on the same hash.
  await page.locator('[data-node="3"]').click();
  await page.getByRole('menuitem', { name: 'Crash' }).click();
  const hash1 = await sb.hash(page);
  const events1 = (await sb.events(page))!;
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  expect(await sb.events(page)).toBe(events1);
  expect(await sb.hash(page)).toBe(hash1);
});

test('the share link opened in a new page gives the same hash at the same cursor, and the CLI agrees', async ({
  page,
  context,
}, testInfo) => {
  await page.goto('/');
  await ready(page);
  await page.getByRole('slider', { name: 'Time' }).fill('2500000');
  await page.locator('[data-node="1"]').click();
  await page.getByRole('menuitem', { name: 'Crash' }).click();
  await page.getByRole('slider', { name: 'Time' }).fill('4200000');
  await page.locator('[data-node="1"]').click();
  await page.getByRole('menuitem', { name: 'Restart with amnesia (disk lost)' }).click();
  await page.keyboard.press('ArrowRight');
  const url = (await page.evaluate(() => window.splitbrain!.shareUrl()))!;
  const hash = await sb.hash(page);
  const now = (await sb.now(page))!;

  const other = await context.newPage();
  await other.goto(url);
  await ready(other);
  expect(await sb.now(other)).toBe(now);
  expect(await sb.hash(other)).toBe(hash);
  await expect(other.locator('[data-node="1"]')).toHaveAttribute('data-status', 'up');

  // The CLI, given the same scenario (with the recorded inputs), reaches the same hash.
  const file = testInfo.outputPath('scenario.json');
  const json = await page.evaluate(() => JSON.stringify(window.splitbrain!.scenario()));
  writeFileSync(file, json);
  const report = cliRun('--scenario', file, '--until', `${now}us`);
  expect(report.traceHash).toBe(hash);
});

test('Raft: crashing the leader from its menu yields a new leader with a higher term', async ({
  page,
}, testInfo) => {
  const report = cliRun('--protocol', 'raft', '--seed', 'lead', '--until', '2s');
  await page.goto(report.url);
  await ready(page);
  expect(await sb.hash(page)).toBe(report.traceHash);
  const before = (await sb.state(page))!;
  const leader = before.nodes.find((n) => n.role === 'leader')!;
  expect(leader).toBeDefined();
  await page.locator(`[data-node="${leader.id}"]`).click();
  await page
    .getByRole('menu', { name: `Node n${leader.id}` })
    .getByRole('menuitem', { name: 'Crash' })
    .click();
  await expect(page.locator(`[data-node="${leader.id}"]`)).toHaveAttribute('data-status', 'down');
  await page.evaluate(() => window.splitbrain!.seek(window.splitbrain!.now()! + 2_000_000));
  const after = (await sb.state(page))!;
  const next = after.nodes.find((n) => n.role === 'leader' && n.up);
  expect(next).toBeDefined();
  expect(next!.id).not.toBe(leader.id);
  expect(next!.term).toBeGreaterThan(leader.term);
  await page.locator(`[data-node="${next!.id}"]`).click();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('raft-new-leader.png') });
});

test("Raft's inspector shows the leader's log by term and its peers' nextIndex and matchIndex", async ({
  page,
}, testInfo) => {
  const report = cliRun('--protocol', 'raft', '--seed', 'inspect', '--until', '1500ms');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(report.url);
  await ready(page);
  const leader = (await sb.state(page))!.nodes.find((n) => n.role === 'leader')!;
  await page
    .getByRole('group', { name: 'Inspect node' })
    .getByRole('button', { name: `n${leader.id}` })
    .click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector.getByRole('heading', { name: 'Replication (leader)' })).toBeVisible();
  await expect(inspector.getByText(/^nextIndex \d+, matchIndex \d+$/).first()).toBeVisible();
  expect(await inspector.locator('.cells .cell.marked').count()).toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath('raft-inspector.png') });
});
