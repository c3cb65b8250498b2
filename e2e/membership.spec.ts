import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const BIN = join(import.meta.dirname, '..', 'bin', 'splitbrain');

test.use({ viewport: { width: 1280, height: 720 } });

/** The CLI's link to a Raft run with n3 and n4 outside the configuration, at 1 s. */
function spareRunUrl(): string {
  const args = ['run', '--json', '--protocol', 'raft', '--param', 'spareNodes=2', '--until', '1s'];
  const result = spawnSync(BIN, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`splitbrain run failed: ${result.stderr}`);
  return JSON.parse(result.stdout).url;
}

test("Raft membership from a node's menu: a spare node is added and joins the cluster", async ({
  page,
}, testInfo) => {
  await page.goto(spareRunUrl());
  await page.waitForFunction(() => window.splitbrain?.traceHash() != null);
  expect(await page.evaluate(() => window.splitbrain!.now())).toBe(1_000_000);
  const roleOf = (node: number) =>
    page.evaluate((n) => window.splitbrain!.state()!.nodes[n]!.role, node);
  expect(await roleOf(3)).toBe('not a member');

  await page.locator('[data-node="3"]').click();
  const menu = page.getByRole('menu', { name: 'Node n3' });
  await expect(menu.getByRole('menuitem', { name: 'Add to the cluster' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('membership-menu.png') });
  await menu.getByRole('menuitem', { name: 'Add to the cluster' }).click();

  await page.evaluate(() => window.splitbrain!.seek(2_000_000));
  expect(await roleOf(3)).toBe('follower');
  expect(await roleOf(4)).toBe('not a member');
  await page.locator('[data-node="3"]').click();
  await expect(page.getByTestId('inspector')).toContainText('n0 n1 n2 n3');
  await page.screenshot({ path: testInfo.outputPath('membership-added.png') });

  // The command is an input of the run: the link replays it.
  const url = (await page.evaluate(() => window.splitbrain!.shareUrl()))!;
  const again = await page.context().newPage();
  await again.goto(url);
  await again.waitForFunction(() => window.splitbrain?.traceHash() != null);
  expect(await again.evaluate(() => window.splitbrain!.state()!.nodes[3]!.role)).toBe('follower');
  expect(await again.evaluate(() => window.splitbrain!.traceHash())).toBe(
    await page.evaluate(() => window.splitbrain!.traceHash()),
  );
});
