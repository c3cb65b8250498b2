import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const BIN = join(import.meta.dirname, '..', 'bin', 'splitbrain');

/** The CLI's report for a run: the hash and the url that opens the same run in the app. */
function cliRun(...args: string[]): { traceHash: string; url: string; simMicros: number } {
  const result = spawnSync(BIN, ['run', '--json', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`splitbrain run failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function handle(page: Page) {
  await page.waitForFunction(() => window.splitbrain?.traceHash() != null);
  return {
    hash: () => page.evaluate(() => window.splitbrain!.traceHash()),
    now: () => page.evaluate(() => window.splitbrain!.now()),
  };
}

test('the same scenario run in Chromium gives the CLI trace hash, with the nemesis on', async ({
  page,
}, testInfo) => {
  const report = cliRun(
    '--protocol',
    'broadcast',
    '--seed',
    'browser-7',
    '--nemesis',
    '--until',
    '6500ms',
  );
  await page.goto(report.url);
  const app = await handle(page);
  expect(await app.now()).toBe(6_500_000);
  expect(await app.hash()).toBe(report.traceHash);
  await expect(page.getByTestId('trace-hash')).toHaveText(report.traceHash);
  await page.screenshot({ path: testInfo.outputPath('shared-run.png'), fullPage: true });
});

test('seeking back and forth gives the same hashes as the CLI at those cursors', async ({
  page,
}) => {
  const full = cliRun('--protocol', 'broadcast', '--seed', 'scrub', '--nemesis');
  const early = cliRun(
    '--protocol',
    'broadcast',
    '--seed',
    'scrub',
    '--nemesis',
    '--until',
    '2345ms',
  );
  await page.goto(full.url);
  const app = await handle(page);
  expect(await app.hash()).toBe(full.traceHash);
  await page.evaluate(() => window.splitbrain!.seek(2_345_000));
  expect(await app.hash()).toBe(early.traceHash);
  await page.evaluate(() => window.splitbrain!.seek(10_000_000));
  expect(await app.hash()).toBe(full.traceHash);
});

test('a garbled address shows a clear banner and opens a working default run', async ({
  page,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // The default run is the first protocol the registry lists, with its defaults.
  const listed = spawnSync(BIN, ['list', '--json'], { encoding: 'utf8', timeout: 60_000 });
  const first = JSON.parse(listed.stdout).protocols[0] as { id: string; defaultNodes: number };
  const defaults = cliRun('--protocol', first.id);
  await page.goto('/#s=1.<img src=x onerror=alert(1)>&t=12');
  await expect(page.getByRole('alert')).toContainText('This link could not be opened');
  await expect(page.getByRole('alert')).toContainText('Showing the default run instead');
  expect(await page.locator('img').count()).toBe(0); // nothing from the address is rendered as HTML
  const app = await handle(page);
  expect(await app.hash()).toBe(defaults.traceHash);
  const state = await page.evaluate(() => window.splitbrain!.state());
  expect(state?.protocol).toBe(first.id);
  expect(state?.nodes).toHaveLength(first.defaultNodes);
  await page.screenshot({ path: testInfo.outputPath('garbled-address.png'), fullPage: true });
  expect(errors).toEqual([]);
});
