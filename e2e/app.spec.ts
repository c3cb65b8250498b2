import { type ConsoleMessage, type Page, expect, test } from '@playwright/test';

/** Collects everything that went wrong in the page: console errors, uncaught errors, 4xx/5xx. */
function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

test('the app loads cleanly and shows its shell', async ({ page }, testInfo) => {
  const problems = watchForProblems(page);
  await page.goto('/');

  await expect(page.getByRole('heading', { level: 1, name: 'splitbrain' })).toBeVisible();
  await expect(page.getByLabel('Protocol')).toBeVisible();
  await expect(page.getByLabel('Seed')).toHaveValue('1');
  await expect(page.getByRole('button', { name: 'Run' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Cluster' })).toBeVisible();
  await expect(page).toHaveTitle('splitbrain');

  await page.screenshot({ path: testInfo.outputPath('app.png'), fullPage: true });
  expect(problems).toEqual([]);
});

test('the theme switch applies and survives a reload', async ({ page }, testInfo) => {
  const problems = watchForProblems(page);
  await page.goto('/');

  await page.getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(15, 17, 21)');
  await page.screenshot({ path: testInfo.outputPath('app-dark.png'), fullPage: true });

  await page.getByRole('button', { name: 'Auto' }).click();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);
  expect(problems).toEqual([]);
});

test('an invalid seed is explained and blocks Run', async ({ page }) => {
  await page.goto('/');
  const seed = page.getByLabel('Seed');
  await seed.fill('two words');
  await expect(seed).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Printable ASCII, no spaces.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run' })).toBeDisabled();
  await seed.fill('42');
  await expect(seed).toHaveAttribute('aria-invalid', 'false');
});
