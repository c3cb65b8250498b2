/**
 * The production build: a static site that works from any sub-path (every asset referenced
 * relatively), whose initial load (index.html and the scripts and styles it references) is
 * under 400 kB gzipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BUDGET_BYTES = 400 * 1024;

let out = '';
let html = '';

/** Every script, stylesheet and module preload index.html loads at start. */
function initialAssets(page: string): string[] {
  const refs: string[] = [];
  for (const tag of page.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isScript = tag.startsWith('<script');
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1] ?? '';
    if (!isScript && rel !== 'stylesheet' && rel !== 'modulepreload') continue;
    const ref = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if (ref !== undefined) refs.push(ref);
  }
  return refs;
}

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'splitbrain-build-test-'));
  const build = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--outDir',
      out,
      '--emptyOutDir',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 170_000 },
  );
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stderr}\n${build.stdout}`);
  html = readFileSync(join(out, 'index.html'), 'utf8');
}, 180_000);

afterAll(() => {
  if (out !== '') rmSync(out, { recursive: true, force: true });
});

describe('the production build', () => {
  it('references every asset relatively, so the site works from any sub-path', () => {
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(1);
    for (const ref of refs) expect(ref, ref).toMatch(/^\.\//);
  });

  it('loads under 400 kB gzipped at start (index.html, its scripts and styles)', () => {
    const assets = initialAssets(html);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    const sizes = [
      ['index.html', gzipSync(html).length] as const,
      ...assets.map((a) => [a, gzipSync(readFileSync(join(out, a))).length] as const),
    ];
    const total = sizes.reduce((sum, [, bytes]) => sum + bytes, 0);
    console.log(
      `initial load: ${(total / 1024).toFixed(1)} kB gzipped (budget ${BUDGET_BYTES / 1024} kB): ` +
        sizes.map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} kB`).join(', '),
    );
    expect(total).toBeLessThan(BUDGET_BYTES);
  });
});
