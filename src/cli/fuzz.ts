import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Micros, Scenario } from '../sim/types';
import { UsageError } from './errors';
import { parseFlags, parseInteger } from './flags';
import { runSeed, type SeedFailure, type SeedResult } from './fuzz-seeds';
import { SCENARIO_OPTIONS, scenarioFromFlags } from './scenario-flags';

export const FUZZ_HELP = `Usage: splitbrain fuzz --protocol ID --seeds A..B [options]

Run one scenario per seed (seeds A to B, whole numbers), check every invariant, liveness at the
end and the client history, and report what broke with the command and URL that reproduce it.

Options:
  --protocol ID      protocol to sweep (see: splitbrain list)
  --seeds A..B       the seeds, inclusive (at most 1,000,000 of them)
  --variant NAME     switch on a known-buggy variant
  --nemesis          draw random faults from each seed (safety phase, then a quiet phase)
  --until T          how far to run each seed (default: the scenario's duration)
  --nodes N, --preset NAME, --param k=v, --scenario FILE   as for run
  --workers N        worker threads (default: the number of CPUs, at most 8)
  --shard i/n        run only the i-th of n interleaved shares of the seeds (1 <= i <= n)
  --json             print exactly one JSON object on stdout
  --help             this text

Exit status: 0 when every seed was clean, 1 when one was not, 2 on bad input.`;

const MAX_SEEDS = 1_000_000;
const BATCH = 4;

function parseSeeds(text: string | undefined): { from: number; to: number } {
  const match = text === undefined ? null : /^(\d{1,9})\.\.(\d{1,9})$/.exec(text);
  const from = match ? Number(match[1]) : NaN;
  const to = match ? Number(match[2]) : NaN;
  if (!match || to < from || to - from + 1 > MAX_SEEDS) {
    throw new UsageError(
      `--seeds takes A..B with whole numbers A <= B, at most ${MAX_SEEDS} seeds (got "${text ?? ''}")`,
    );
  }
  return { from, to };
}

function parseShard(text: string | undefined): { index: number; count: number } {
  if (text === undefined) return { index: 1, count: 1 };
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard takes i/n with 1 <= i <= n (got "${text}")`);
  return { index, count };
}

/** Seeds of this shard: every count-th seed, starting at the index-th. */
function shardSeeds(from: number, to: number, shard: { index: number; count: number }): string[] {
  const seeds: string[] = [];
  for (let seed = from + shard.index - 1; seed <= to; seed += shard.count) seeds.push(String(seed));
  return seeds;
}

/** Run seeds on worker threads, handing out small batches so fast workers take more. */
function sweepOnWorkers(
  base: Scenario,
  untilMicros: Micros,
  seeds: string[],
  workers: number,
  onResult: (r: SeedResult) => void,
): Promise<void> {
  let next = 0;
  const entry = new URL('./fuzz-worker.ts', import.meta.url).href;
  const boot = new URL('./worker-boot.mjs', import.meta.url);
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(boot, { workerData: { entry, base, untilMicros } });
      worker.on('message', (results: SeedResult[]) => {
        results.forEach(onResult);
        const batch = seeds.slice(next, next + BATCH);
        next += batch.length;
        worker.postMessage(batch.length > 0 ? batch : null);
      });
      worker.on('error', reject);
      worker.on('exit', () => resolve());
    });
  return Promise.all(Array.from({ length: workers }, one)).then(() => undefined);
}

function progress(done: number, total: number, failing: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  process.stderr.write(
    `\r[${bar}] ${done}/${total} seeds, ${failing} failing${done === total ? '\n' : ''}`,
  );
}

/** The command that reproduces one seed's run. */
function reproduceCommand(argv: string[], seed: string): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (['--seeds', '--workers', '--shard'].includes(arg)) i++;
    else if (!['--json'].includes(arg) && !/^--(seeds|workers|shard)=/.test(arg)) kept.push(arg);
  }
  return ['bin/splitbrain', 'run', ...kept, '--seed', seed]
    .map((a) => (/^[\w./=:-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
    .join(' ');
}

export async function fuzzCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('fuzz', argv, {
    ...SCENARIO_OPTIONS,
    seeds: { type: 'string' },
    workers: { type: 'string' },
    shard: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(FUZZ_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(
      `fuzz: unexpected argument "${positionals[0]}" (see splitbrain fuzz --help)`,
    );
  if (values.seed !== undefined) throw new UsageError('fuzz takes --seeds A..B, not --seed');
  const { from, to } = parseSeeds(values.seeds);
  const shard = parseShard(values.shard);
  const workers =
    values.workers === undefined
      ? Math.min(8, cpus().length)
      : parseInteger('workers', values.workers, 1, 64);
  const { scenario, untilMicros } = scenarioFromFlags(values);
  const seeds = shardSeeds(from, to, shard);
  const failures: SeedFailure[] = [];
  const anomalies: SeedFailure[] = [];
  let done = 0;
  const started = process.hrtime.bigint();
  const converge: (number | null)[] = [];
  const onResult = (result: SeedResult) => {
    failures.push(...result.failures);
    anomalies.push(...result.anomalies);
    if (result.timeToConvergeMicros !== undefined) converge.push(result.timeToConvergeMicros);
    progress(++done, seeds.length, new Set(failures.map((f) => f.seed)).size);
  };
  if (workers === 1 || seeds.length <= BATCH)
    seeds.forEach((seed) => onResult(runSeed(scenario, seed, untilMicros)));
  else
    await sweepOnWorkers(
      scenario,
      untilMicros,
      seeds,
      Math.min(workers, Math.ceil(seeds.length / BATCH)),
      onResult,
    );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  failures.sort((x, y) => Number(x.seed) - Number(y.seed));
  anomalies.sort((x, y) => Number(x.seed) - Number(y.seed));
  const report = {
    protocol: scenario.protocol,
    variant: scenario.variant,
    seeds: `${from}..${to}`,
    shard: `${shard.index}/${shard.count}`,
    checked: done,
    seedsPerSec: Math.round((done / seconds) * 10) / 10,
    firstFailingSeed: failures.length > 0 ? Number(failures[0]!.seed) : null,
    violations: failures.map((f) => ({
      ...f,
      seed: Number(f.seed),
      command: reproduceCommand(argv, f.seed),
    })),
    anomalies: anomalies.map((f) => ({
      ...f,
      seed: Number(f.seed),
      command: reproduceCommand(argv, f.seed),
    })),
    ...(converge.length === 0 ? {} : { convergence: convergenceSummary(converge) }),
  };
  if (values.json) console.log(JSON.stringify(report));
  else describe(report);
  return failures.length > 0 ? 1 : 0;
}

/**
 * Time to converge over the seeds that ran to their end: median, 95th percentile and maximum of
 * those that converged, and how many did not (seeds stopped early by a violation are left out).
 */
function convergenceSummary(times: readonly (number | null)[]) {
  const converged = times.filter((t): t is number => t !== null).sort((a, b) => a - b);
  const at = (q: number) =>
    converged.length === 0
      ? null
      : converged[Math.min(converged.length - 1, Math.floor(q * converged.length))]!;
  return {
    seeds: times.length,
    notConverged: times.length - converged.length,
    medianMicros: at(0.5),
    p95Micros: at(0.95),
    maxMicros: converged.length === 0 ? null : converged[converged.length - 1]!,
  };
}

type ReportedFailure = Omit<SeedFailure, 'seed'> & { seed: number; command: string };

function describe(report: {
  checked: number;
  seedsPerSec: number;
  firstFailingSeed: number | null;
  violations: ReportedFailure[];
  anomalies: ReportedFailure[];
}): void {
  console.log(`${report.checked} seeds checked (${report.seedsPerSec} seeds/s)`);
  if (report.firstFailingSeed === null) console.log('no violation');
  for (const v of report.violations.slice(0, 20)) {
    console.log(
      `seed ${v.seed}: ${v.kind} ${v.invariant} at ${v.atMicros} us: ${v.message}\n  reproduce: ${v.command}\n  open: ${v.url}`,
    );
  }
  if (report.violations.length > 20) console.log(`... and ${report.violations.length - 20} more`);
  const unclaimed = new Map<string, number>();
  for (const a of report.anomalies)
    unclaimed.set(a.invariant, (unclaimed.get(a.invariant) ?? 0) + 1);
  for (const [guarantee, count] of unclaimed) {
    const first = report.anomalies.find((a) => a.invariant === guarantee)!;
    console.log(
      `anomaly (not claimed): ${guarantee} broken in ${count} seeds, first seed ${first.seed}\n  reproduce: ${first.command}`,
    );
  }
}
