/**
 * The tools: the fault schedule editor (add, move, remove; the run and the link follow), the
 * diagram exports (SVG and PNG of the cluster and the space-time diagram), brushing a window in
 * the space-time diagram, and the production build served from a sub-path.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type Download, type Page, expect, test } from '@playwright/test';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'splitbrain');

test.use({ viewport: { width: 1280, height: 720 } });

function cliRun(...args: string[]): { traceHash: string; url: string } {
  const result = spawnSync(BIN, ['run', '--json', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`splitbrain run failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  return errors;
}

async function ready(page: Page) {
  await page.waitForFunction(() => window.splitbrain?.traceHash() != null);
}

const sb = {
  hash: (page: Page) => page.evaluate(() => window.splitbrain!.traceHash()),
  now: (page: Page) => page.evaluate(() => window.splitbrain!.now()),
  up: (page: Page, node: number) =>
    page.evaluate((n) => window.splitbrain!.state()!.nodes[n]!.up, node),
  faults: (page: Page) => page.evaluate(() => window.splitbrain!.scenario()!.faults),
  seek: (page: Page, micros: number) => page.evaluate((t) => window.splitbrain!.seek(t), micros),
};

/** Open the broadcast protocol's default run with the cursor at 2 s. */
async function openAt2s(page: Page, protocol = 'broadcast') {
  const report = cliRun('--protocol', protocol, '--seed', 'tools', '--until', '2s');
  await page.goto(report.url);
  await ready(page);
  expect(await sb.hash(page)).toBe(report.traceHash);
  return report;
}

test('the fault schedule: add, move and remove a fault; the run, the hash and the link follow', async ({
  page,
  context,
}, testInfo) => {
  // Several rebuilds of the run, a second page and a CLI run: longer than the default on a busy machine.
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  const base = await openAt2s(page);

  await page.getByRole('button', { name: /^Schedule/ }).click();
  const editor = page.getByRole('dialog', { name: 'Fault schedule' });
  await expect(editor).toBeVisible();
  await expect(editor.getByText('Nothing scheduled.')).toBeVisible();

  // Bad input is explained and changes nothing.
  await editor.getByLabel('Fault', { exact: true }).selectOption('crash');
  await editor.getByLabel('Node').selectOption('1');
  await editor.getByLabel('At (ms)').fill('99999');
  await editor.getByRole('button', { name: 'Add fault' }).click();
  await expect(editor.getByRole('alert')).toHaveText(
    "Time: must be from 0 to 10000 ms (the run's length) (got 99999 ms).",
  );
  await editor.getByLabel('Fault', { exact: true }).selectOption('partition');
  await editor.getByLabel('Groups').fill('0 1 | 1 2');
  await editor.getByLabel('At (ms)').fill('500');
  await editor.getByRole('button', { name: 'Add fault' }).click();
  await expect(editor.getByRole('alert')).toContainText('node 1 is already in group 0');
  expect(await sb.faults(page)).toEqual([]);
  expect(await sb.hash(page)).toBe(base.traceHash);

  // Add: crash n1 at 1.5 s. The run is rebuilt with the cursor kept at 2 s.
  await editor.getByLabel('Fault', { exact: true }).selectOption('crash');
  await editor.getByLabel('Node').selectOption('1');
  await editor.getByLabel('At (ms)').fill('1500');
  await editor.getByRole('button', { name: 'Add fault' }).click();
  await expect(editor.getByRole('alert')).toHaveCount(0);
  await expect(editor.getByRole('listitem')).toHaveCount(1);
  expect(await sb.faults(page)).toEqual([{ at: 1_500_000, action: { kind: 'crash', node: 1 } }]);
  expect(await sb.now(page)).toBe(2_000_000);
  expect(await sb.up(page, 1)).toBe(false);
  const hashAdded = (await sb.hash(page))!;
  expect(hashAdded).not.toBe(base.traceHash);
  expect(page.url()).toBe(await page.evaluate(() => window.splitbrain!.shareUrl()));
  await page.screenshot({ path: testInfo.outputPath('schedule-light.png') });
  await page.getByRole('button', { name: 'Dark' }).click();
  await page.screenshot({ path: testInfo.outputPath('schedule-dark.png') });
  await page.getByRole('button', { name: 'Light' }).click();

  // Move it by editing its time: the crash now happens at 1.9 s.
  const time = editor.getByLabel('Time of crash n1, in ms');
  await time.fill('1900');
  await time.press('Enter');
  await expect
    .poll(() => sb.faults(page))
    .toEqual([{ at: 1_900_000, action: { kind: 'crash', node: 1 } }]);
  expect(await sb.now(page)).toBe(2_000_000);
  expect(await sb.up(page, 1)).toBe(false);
  const hashMoved = (await sb.hash(page))!;
  expect(hashMoved).not.toBe(hashAdded);
  expect(hashMoved).not.toBe(base.traceHash);

  // The share link round-trips the schedule: same faults, same cursor, same hash; so does the CLI.
  const url = (await page.evaluate(() => window.splitbrain!.shareUrl()))!;
  const other = await context.newPage();
  await other.goto(url);
  await ready(other);
  expect(await sb.faults(other)).toEqual(await sb.faults(page));
  expect(await sb.now(other)).toBe(2_000_000);
  expect(await sb.hash(other)).toBe(hashMoved);
  await sb.seek(other, 1_899_000);
  expect(await sb.up(other, 1)).toBe(true);
  await sb.seek(other, 1_900_000);
  expect(await sb.up(other, 1)).toBe(false);
  await other.close();
  const file = testInfo.outputPath('scenario.json');
  writeFileSync(file, await page.evaluate(() => JSON.stringify(window.splitbrain!.scenario())));
  expect(cliRun('--scenario', file, '--until', '2s').traceHash).toBe(hashMoved);

  // Move it by dragging its handle on the timeline, to about 1 s.
  await editor.getByRole('button', { name: 'Close the fault schedule' }).click();
  await expect(editor).toBeHidden();
  const handle = page.locator('.schedule-handles .handle').first();
  const row = (await page.locator('.schedule-handles').boundingBox())!;
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(row.x + row.width * 0.1, box.y + box.height / 2, { steps: 8 });
  await expect(page.locator('.handle-time')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('schedule-drag.png') });
  await page.mouse.up();
  await expect.poll(async () => (await sb.faults(page))[0]!.at).toBeLessThan(1_100_000);
  const dragged = (await sb.faults(page))[0]!.at;
  expect(dragged).toBeGreaterThan(900_000);
  expect(dragged % 1000).toBe(0);
  expect(await sb.now(page)).toBe(2_000_000);
  expect(await sb.up(page, 1)).toBe(false);
  expect(await sb.hash(page)).not.toBe(hashMoved);

  // Remove it: the run is the original one again, hash for hash.
  await page.getByRole('button', { name: /^Schedule/ }).click();
  await editor.getByRole('button', { name: /^Remove crash n1/ }).click();
  await expect(editor.getByText('Nothing scheduled.')).toBeVisible();
  expect(await sb.faults(page)).toEqual([]);
  expect(await sb.hash(page)).toBe(base.traceHash);
  expect(await sb.up(page, 1)).toBe(true);
  expect(errors).toEqual([]);
});

test('a recorded action is listed in the schedule, and a new time makes it a scheduled fault', async ({
  page,
}, testInfo) => {
  await openAt2s(page, 'raft');
  await page.locator('[data-node="3"]').click();
  await page
    .getByRole('menu', { name: 'Node n3' })
    .getByRole('menuitem', { name: 'Crash' })
    .click();
  await page.getByRole('button', { name: /^Schedule/ }).click();
  const editor = page.getByRole('dialog', { name: 'Fault schedule' });
  const row = editor.getByRole('listitem');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('crash n3');
  await expect(row).toContainText('recorded');
  const time = editor.getByLabel('Time of crash n3, in ms');
  await time.fill('1200');
  await time.press('Enter');
  await expect(row).toContainText('scheduled');
  expect(await sb.faults(page)).toEqual([{ at: 1_200_000, action: { kind: 'crash', node: 3 } }]);
  expect(await page.evaluate(() => window.splitbrain!.scenario()!.inputs)).toEqual([]);
  expect(await sb.up(page, 3)).toBe(false);
  await editor.getByLabel('Fault', { exact: true }).selectOption('latency');
  await page.screenshot({ path: testInfo.outputPath('schedule-raft.png') });
});

async function saved(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFileSync(path);
}

async function exportFile(page: Page, name: string): Promise<{ name: string; data: Buffer }> {
  await page.getByText('Files', { exact: true }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name }).click(),
  ]);
  return { name: download.suggestedFilename(), data: await saved(download) };
}

/** Parse SVG text in the page: element counts, and the lane names. */
function inspectSvg(page: Page, text: string) {
  return page.evaluate((svgText) => {
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    const root = doc.documentElement;
    const count = (selector: string) => doc.querySelectorAll(selector).length;
    return {
      parsed: root.nodeName === 'svg' && doc.querySelector('parsererror') === null,
      width: Number(root.getAttribute('width')),
      lanes: Array.from(doc.querySelectorAll('.lane text')).map((t) => t.textContent),
      messages: count('path.message'),
      texts: Array.from(doc.querySelectorAll('text')).map((t) => t.textContent ?? ''),
      circles: count('circle'),
      styled: count('[style*="fill:"]'),
      scripts: count('script, foreignObject'),
    };
  }, text);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('export the space-time diagram and the cluster view as SVG and PNG', async ({
  page,
}, testInfo) => {
  const errors = watchErrors(page);
  await openAt2s(page);

  const stSvg = await exportFile(page, 'Export space-time diagram (SVG)');
  expect(stSvg.name).toMatch(/^splitbrain-broadcast-tools-2000000us-spacetime\.svg$/);
  writeFileSync(testInfo.outputPath('spacetime.svg'), stSvg.data);
  const st = await inspectSvg(page, stSvg.data.toString('utf8'));
  expect(st.parsed).toBe(true);
  expect(st.lanes).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
  expect(st.messages).toBeGreaterThan(10);
  expect(st.scripts).toBe(0);

  const stPng = await exportFile(page, 'Export space-time diagram (PNG)');
  expect(stPng.name).toMatch(/spacetime\.png$/);
  expect(stPng.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  writeFileSync(testInfo.outputPath('spacetime.png'), stPng.data);

  const clSvg = await exportFile(page, 'Export cluster view (SVG)');
  expect(clSvg.name).toMatch(/cluster\.svg$/);
  writeFileSync(testInfo.outputPath('cluster.svg'), clSvg.data);
  const cl = await inspectSvg(page, clSvg.data.toString('utf8'));
  expect(cl.parsed).toBe(true);
  expect(cl.texts).toEqual(expect.arrayContaining(['n0', 'n1', 'n2', 'n3', 'n4']));
  expect(cl.circles).toBeGreaterThanOrEqual(5);
  expect(cl.styled).toBeGreaterThan(5);
  expect(cl.scripts).toBe(0);
  expect(clSvg.data.toString('utf8')).not.toContain('var(--');

  const clPng = await exportFile(page, 'Export cluster view (PNG)');
  expect(clPng.name).toMatch(/cluster\.png$/);
  expect(clPng.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  writeFileSync(testInfo.outputPath('cluster.png'), clPng.data);

  // The dark theme exports dark files.
  await page.getByRole('button', { name: 'Dark' }).click();
  writeFileSync(
    testInfo.outputPath('cluster-dark.png'),
    (await exportFile(page, 'Export cluster view (PNG)')).data,
  );
  writeFileSync(
    testInfo.outputPath('spacetime-dark.png'),
    (await exportFile(page, 'Export space-time diagram (PNG)')).data,
  );
  expect(errors).toEqual([]);
});

test('brushing the space-time diagram zooms to a window; double-click resets; click jumps', async ({
  page,
}, testInfo) => {
  await openAt2s(page, 'raft');
  const label = page.getByTestId('spacetime-window');
  await expect(label).toHaveText(/^0\.250 s wide · \d+ events?$/);
  const canvas = page.getByRole('img', { name: /^Space-time diagram/ });
  const box = (await canvas.boundingBox())!;
  const y = box.y + box.height / 2;

  // Shift-drag across the middle of the diagram.
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.4, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 6 });
  await expect(page.locator('.brush-rect')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('brushing.png') });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.locator('.brush-rect')).toHaveCount(0);
  await expect(label).toHaveText(/^1\.\d{3} s – 1\.\d{3} s · [\d\u2009]+ events?$/);
  const events = Number((await label.textContent())!.split('·')[1]!.replace(/\D/g, ''));
  expect(events).toBeGreaterThan(0);
  await expect(page.getByRole('button', { name: 'Follow cursor' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  expect(await sb.now(page)).toBe(2_000_000);
  await page.screenshot({ path: testInfo.outputPath('brushed.png') });

  // The Brush mode does the same without a modifier.
  await page.getByRole('button', { name: 'Brush' }).click();
  const zoomed = await label.textContent();
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 6 });
  await page.mouse.up();
  await expect(label).not.toHaveText(zoomed!);
  await page.getByRole('button', { name: 'Brush' }).click();

  // A click moves the cursor into the window.
  await page.mouse.click(box.x + box.width * 0.5, y);
  const now = (await sb.now(page))!;
  expect(now).toBeGreaterThan(1_000_000);
  expect(now).toBeLessThan(2_000_000);

  // Double-click resets the zoom (and follows the cursor again).
  await page.mouse.dblclick(box.x + box.width * 0.5, y);
  await expect(label).toHaveText(/^0\.250 s wide/);
  await expect(page.getByRole('button', { name: 'Follow cursor' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
});

// ---- The production build, served from a sub-path -------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** A static server for `dir` under `prefix` only (anything else is a 404). */
function serve(dir: string, prefix: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end('not under the sub-path');
      return;
    }
    const rel = normalize(path.slice(prefix.length) || 'index.html');
    if (rel.startsWith('..')) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(join(dir, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    }),
  );
}

test('the production build works from a sub-path', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const out = mkdtempSync(join(tmpdir(), 'splitbrain-build-'));
  try {
    const build = spawnSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 100_000,
    });
    expect(build.status, build.stderr).toBe(0);
    const prefix = '/some/sub/path/';
    const { server, origin } = await serve(out, prefix);
    try {
      const problems = watchErrors(page);
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      await page.goto(`${origin}${prefix}`);
      await ready(page);
      await expect(page.getByRole('heading', { level: 1, name: 'splitbrain' })).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Cluster' })).toBeVisible();
      expect(page.url().startsWith(`${origin}${prefix}#s=1.`)).toBe(true);
      await page.screenshot({ path: testInfo.outputPath('subpath.png') });
      expect(problems).toEqual([]);
    } finally {
      server.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
