/**
 * Finds a Chromium for the browser tests, without ever downloading one from the network
 * (`npx playwright install` is not part of this project's workflow).
 *
 * In order:
 *  (a) $SPLITBRAIN_CHROMIUM, or $CHROME_PATH;
 *  (b) Playwright's own Chromium, if it happens to be installed;
 *  (c) a system Chromium / Chrome on PATH, or /usr/bin/chromium;
 *  (d) as root on Debian/Ubuntu: install Debian's `chromium` with apt-get, once;
 *  (e) otherwise: a one-line error saying what to do.
 *
 * Debian's /usr/bin/chromium wrapper script is skipped for the binary it runs
 * (/usr/lib/chromium/chromium): Playwright passes the flags it needs itself.
 *
 * The answer is cached in process.env.SPLITBRAIN_CHROMIUM, which Playwright's worker processes
 * inherit, so the search (and any install) happens once per run.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium } from '@playwright/test';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
/** What Debian's /usr/bin/chromium shell wrapper ends up running. */
const DEBIAN_CHROMIUM_BINARY = '/usr/lib/chromium/chromium';

export const NOT_FOUND =
  'No Chromium found. Install one (Debian: apt-get install chromium) or set ' +
  'SPLITBRAIN_CHROMIUM=/path/to/chrome.';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** (a) An explicit choice. A path that does not work is an error, not a reason to look further. */
function fromEnvironment(): string | null {
  for (const name of ['SPLITBRAIN_CHROMIUM', 'CHROME_PATH'] as const) {
    const value = process.env[name];
    if (value === undefined || value === '') continue;
    if (!isExecutableFile(value)) {
      throw new Error(`${name}=${value} is not an executable file. ${NOT_FOUND}`);
    }
    return value;
  }
  return null;
}

/** (b) Playwright's bundled Chromium: `executablePath()` names it even when it is not installed. */
function fromPlaywright(): string | null {
  try {
    const path = chromium.executablePath();
    return path && isExecutableFile(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * Debian's /usr/bin/chromium is a shell script that adds desktop flags and prints shell errors on
 * some containers; Playwright passes the flags it needs itself, so run the real binary.
 */
function unwrapDebian(path: string): string {
  try {
    const real = realpathSync(path);
    if (real === DEBIAN_CHROMIUM && isExecutableFile(DEBIAN_CHROMIUM_BINARY)) {
      return DEBIAN_CHROMIUM_BINARY;
    }
  } catch {
    // Not resolvable: use the path as found.
  }
  return path;
}

/** (c) A Chromium or Chrome the system already has. */
function fromSystem(): string | null {
  for (const name of SYSTEM_NAMES) {
    const found = onPath(name);
    if (found) return unwrapDebian(found);
  }
  return isExecutableFile(DEBIAN_CHROMIUM) ? unwrapDebian(DEBIAN_CHROMIUM) : null;
}

/** (d) Root on a Debian-like system: install Debian's chromium package, once. */
function installWithApt(): string | null {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const aptGet = onPath('apt-get');
  if (!isRoot || aptGet === null) return null;

  console.log(
    "splitbrain: no Chromium found; installing Debian's chromium with apt-get (one time)",
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for the dpkg lock rather than failing if another install is running.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  for (const args of [
    ['-q', ...lock, 'update'],
    ['-q', '-y', '--no-install-recommends', ...lock, 'install', 'chromium'],
  ]) {
    const result = spawnSync(aptGet, args, { env, encoding: 'utf8', stdio: 'pipe' });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n');
      throw new Error(
        `apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n` +
          `${output.slice(-15).join('\n')}\n${NOT_FOUND}`,
      );
    }
  }
  if (!existsSync(DEBIAN_CHROMIUM)) {
    throw new Error(`apt-get installed chromium but ${DEBIAN_CHROMIUM} is missing. ${NOT_FOUND}`);
  }
  console.log(`splitbrain: installed ${DEBIAN_CHROMIUM}`);
  return unwrapDebian(DEBIAN_CHROMIUM);
}

/**
 * The path of a Chromium to drive, installing Debian's if that is the only way; throws a
 * one-line error when there is none.
 */
export function findChromium(): string {
  const chosen = fromEnvironment();
  if (chosen !== null) return chosen;
  const found = fromPlaywright() ?? fromSystem() ?? installWithApt();
  if (found === null) throw new Error(NOT_FOUND);
  console.log(`splitbrain: browser tests use ${found}`);
  process.env.SPLITBRAIN_CHROMIUM = found;
  return found;
}

/** findChromium() for a config file: on failure, print the reason (no stack trace) and exit. */
export function findChromiumOrExit(): string {
  try {
    return findChromium();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
