import { type Page, expect, test } from '@playwright/test';

/**
 * A tablet-sized screen, in portrait and in landscape: the app lays itself out without a
 * horizontal scroll bar, its main controls stay within the screen and usable by touch size, and
 * the cluster, space-time diagram, side panel and playback all show.
 */

const SIZES = [
  { name: 'portrait', width: 768, height: 1024 },
  { name: 'landscape', width: 1024, height: 768 },
];

async function withinScreen(page: Page, name: string | RegExp) {
  const box = (await page.getByRole('button', { name }).first().boundingBox())!;
  const width = page.viewportSize()!.width;
  expect(box.x, `${String(name)} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${String(name)} ends on screen`).toBeLessThanOrEqual(width);
  expect(box.height, `${String(name)} is tall enough to touch`).toBeGreaterThanOrEqual(24);
}

for (const size of SIZES) {
  test(`a tablet in ${size.name} (${size.width}x${size.height}) shows every view without scrolling sideways`, async ({
    page,
  }, testInfo) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto('/');
    await page.waitForFunction(() => window.splitbrain?.traceHash() != null);
    await page.evaluate(() => window.splitbrain!.seek(2_000_000));

    const widths = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    expect(widths[0]).toBe(widths[1]);
    for (const name of ['Copy link', 'Presenter', 'Run', 'Reset', /^Play$|^Pause$/])
      await withinScreen(page, name);
    await expect(page.locator('[data-node="0"]')).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Inspector' })).toBeVisible();
    await expect(page.getByText('Space-time', { exact: true })).toBeVisible();

    await page.locator('[data-node="2"]').click();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('inspector')).toContainText('n2');
    await page.screenshot({ path: testInfo.outputPath(`tablet-${size.name}.png`) });
    expect(errors).toEqual([]);
  });
}
