#!/usr/bin/env node
/**
 * Runs the seed sweeps listed in scripts/sweeps.txt (or the file given) through
 * `bin/splitbrain fuzz --nemesis --json`, one configuration after another, and prints a Markdown
 * table: how many seeds failed, the first failing seed, what failed, and the unclaimed guarantees
 * the histories broke (anomalies). It measures; it asserts nothing (the unit tests do).
 *
 *   node scripts/sweeps.mjs [FILE] [--seeds 1..500] [--only NAME,NAME...]
 *
 * A full run of every line takes about an hour on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seeds: { type: 'string', default: '1..500' }, only: { type: 'string' } },
});
const file = positionals[0] ?? join(root, 'scripts', 'sweeps.txt');
const only = values.only === undefined ? null : new Set(values.only.split(','));

const configs = readFileSync(file, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const [name, protocol, ...flags] = line.split(/\s+/);
    return { name, protocol, flags };
  })
  .filter((c) => only === null || only.has(c.name));

/** "a: 3, b: 1" from a list of names. */
function counts(names) {
  const tally = new Map();
  for (const name of names) tally.set(name, (tally.get(name) ?? 0) + 1);
  return [...tally].map(([name, n]) => `${name} ${n}`).join(', ') || '–';
}

console.log(`Seeds ${values.seeds}, --nemesis on every line.\n`);
console.log(
  '| sweep | flags | failing seeds | first | what failed | anomalies (unclaimed) | seconds |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const { name, protocol, flags } of configs) {
  const args = ['fuzz', '--protocol', protocol, '--seeds', values.seeds, '--nemesis', '--json'];
  const started = process.hrtime.bigint();
  const run = spawnSync(join(root, 'bin', 'splitbrain'), [...args, ...flags], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0 && run.status !== 1) {
    console.log(
      `| ${name} | ${flags.join(' ')} | error: ${run.stderr.trim().split('\n')[0]} | | | | |`,
    );
    continue;
  }
  const report = JSON.parse(run.stdout);
  const failing = new Set(report.violations.map((v) => v.seed));
  const what = counts(report.violations.map((v) => `${v.kind}:${v.invariant}`));
  const anomalies = counts(report.anomalies.map((a) => a.invariant));
  const first = report.firstFailingSeed ?? '–';
  console.log(
    `| ${name} | ${flags.join(' ') || '–'} | ${failing.size}/${report.checked} | ${first} | ${what} | ${anomalies} | ${seconds.toFixed(0)} |`,
  );
}
