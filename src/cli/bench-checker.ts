import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLinearizable } from '../sim/history/linearizability';
import { MODELS, type Model } from '../sim/history/models';
import { readOperations } from './history-formats';

/** Where the shared Jepsen histories live, beside the repository. */
export const HISTORIES_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'histories',
);

interface Case {
  readonly name: string;
  readonly files: readonly string[];
  readonly model: keyof typeof MODELS;
}

function cases(): Case[] {
  const etcdDir = join(HISTORIES_DIR, 'jepsen-etcd');
  const etcd = readdirSync(etcdDir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(etcdDir, f));
  const kv = (name: string) => [join(HISTORIES_DIR, 'kv', name)];
  return [
    { name: 'checkerEtcdMillis', files: etcd, model: 'register' },
    { name: 'checkerKvC50OkMillis', files: kv('c50-ok.txt'), model: 'kv' },
    { name: 'checkerKvC10OkMillis', files: kv('c10-ok.txt'), model: 'kv' },
    { name: 'checkerKvC50BadMillis', files: kv('c50-bad.txt'), model: 'kv' },
  ];
}

/**
 * The linearizability checker on the shared Jepsen histories: verdicts only (no witness
 * minimising, as porcupine's figures are), parsing not timed. Median of `runs` runs per case, and
 * whether every verdict matched expected.json.
 */
export function benchChecker(
  runs: number,
  median: (xs: number[]) => number,
): Record<string, unknown> {
  if (!existsSync(HISTORIES_DIR)) return { checker: `skipped: ${HISTORIES_DIR} not found` };
  const expected = JSON.parse(readFileSync(join(HISTORIES_DIR, 'expected.json'), 'utf8')) as Record<
    string,
    Record<string, boolean>
  >;
  const report: Record<string, unknown> = {};
  let allMatch = true;
  for (const c of cases()) {
    const inputs = c.files.map((file) => ({
      file,
      ops: readOperations(readFileSync(file, 'utf8')).ops,
    }));
    const times: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const started = process.hrtime.bigint();
      for (const input of inputs) {
        const result = checkLinearizable(input.ops, MODELS[c.model] as Model<unknown>, {
          maxWitnessSteps: 0,
        });
        const folder = c.model === 'register' ? 'jepsen-etcd' : 'kv';
        const want = expected[folder]?.[input.file.slice(input.file.lastIndexOf('/') + 1)];
        if (result.linearizable !== want) allMatch = false;
      }
      if (run > 0) times.push(Number(process.hrtime.bigint() - started) / 1e6); // run 0 warms up
    }
    report[c.name] = Math.round(median(times) * 10) / 10;
  }
  report.checkerVerdictsMatchExpected = allMatch;
  return report;
}
