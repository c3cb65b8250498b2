/**
 * The frame-time benchmark (`npm run bench:frames`): the production build, served by
 * `vite preview`, driven in Chromium. Not part of `npm test` (its testMatch is *.bench.ts).
 */
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, findChromiumOrExit } from '../find-browser';

const PORT = 5197;
const HOST = '127.0.0.1';
const ROOT = join(import.meta.dirname, '..', '..');
/** Inside node_modules/.cache: ignored by git, never mistaken for the published dist/. */
const OUT = 'node_modules/.cache/splitbrain-bench';

export default defineConfig({
  testDir: '.',
  testMatch: '*.bench.ts',
  outputDir: join(ROOT, 'test-results', 'bench'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  reporter: 'list',
  use: {
    baseURL: `http://${HOST}:${PORT}/`,
    viewport: { width: 1280, height: 720 },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 720 },
        launchOptions: { executablePath: findChromiumOrExit(), args: [...CHROMIUM_ARGS] },
      },
    },
  ],
  webServer: {
    command: `npx vite build --outDir ${OUT} --emptyOutDir && npx vite preview --outDir ${OUT} --host ${HOST} --port ${PORT} --strictPort`,
    cwd: ROOT,
    url: `http://${HOST}:${PORT}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
