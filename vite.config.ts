import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path (GitHub Pages, a file share...).
  base: './',
  plugins: [react()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**'],
    environment: 'node',
    // A unit run that finds no tests is a misconfiguration, not a pass.
    passWithNoTests: false,
    // Seed sweeps run whole clusters; on a shared 2-core machine they can take far longer than
    // vitest's 5 s default. A hung test still fails, after a minute.
    testTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
  },
});
