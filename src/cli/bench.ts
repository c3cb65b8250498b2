import { cpus } from 'node:os';
import { ping } from '../protocols/ping';
import { getProtocol, listProtocols } from '../protocols/registry';
import { presetScenario } from '../sim/presets';
import { defaultScenario } from '../sim/scenario';
import { Simulation } from '../sim/simulation';
import { TRACE_BYTES_PER_RECORD } from '../sim/trace';
import type { ProtocolModule, Scenario } from '../sim/types';
import { benchChecker } from './bench-checker';
import { benchSeek } from './bench-seek';
import { UsageError } from './errors';
import { parseFlags, parseInteger } from './flags';

export const BENCH_HELP = `Usage: splitbrain bench [--json] [--runs N] [--only kernel,protocols,presets,seek,checker]

Measure the kernel and every registered protocol. Each figure is the median of N runs
(default 5) after one warm-up run.

  kernelEventsPerSec   the ping ring (5 nodes, 40 tokens) through the real kernel, network and
                       queue, with the trace off
  <id>EventsPerSec     the protocol's default scenario, trace (full) and invariants on, no
                       checkpoints (run and fuzz never seek, so they take none)
  <id>SimSpeedup       simulated seconds per wall-clock second on that scenario
  <id>AppEventsPerSec  the same with a checkpoint every 10,000 events, as the app runs it
  <id>-<preset>*      a preset's run as \`run\` takes it (gcounter-gossip-50: 50 replicas gossiping)
  seek*Millis          seek(t) to 30 random points of a Raft run of 1,000,000 events held as
                       the app holds it (full trace, a checkpoint every 10,000 events)
  checker*Millis       the linearizability checker on the shared Jepsen histories
                       (../shared/data/histories): verdicts only, parsing not timed`;

/** The kernel benchmark: simulated seconds of the ping ring per run (about 4 million events). */
const KERNEL_SIM_MICROS = 100_000_000;

interface Measured {
  events: number;
  simMicros: number;
  wallSeconds: number;
  traceRecords: number;
}

/** kernel: trace off; cli: trace and invariants on, no checkpoints; app: checkpoints too. */
type Mode = 'kernel' | 'cli' | 'app';

function timeRun(
  module: ProtocolModule,
  scenario: Scenario,
  untilMicros: number,
  mode: Mode,
): Measured {
  const options =
    mode === 'kernel'
      ? ({ trace: 'off', checkpointEvery: 0 } as const)
      : ({ trace: 'full', checkpointEvery: mode === 'cli' ? 0 : 10_000 } as const);
  const started = process.hrtime.bigint();
  const sim = new Simulation(scenario, module, options);
  sim.runUntil(untilMicros);
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    events: sim.eventCount,
    simMicros: sim.now,
    wallSeconds,
    traceRecords: sim.trace.length,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Repeat a run: one warm-up, then `runs` measured runs (more for very short runs). */
function repeat(runs: number, once: () => Measured): Measured[] {
  once();
  const results: Measured[] = [];
  let wall = 0;
  while (results.length < runs || (wall < 1 && results.length < 200)) {
    const result = once();
    results.push(result);
    wall += result.wallSeconds;
  }
  return results;
}

function kernelScenario(): Scenario {
  const base = defaultScenario(ping, '1');
  const link = { ...base.network.default, latency: { kind: 'constant', micros: 1_000 } as const };
  return { ...base, params: { tokens: 8 }, network: { ...base.network, default: link } };
}

export const BENCH_SECTIONS = ['kernel', 'protocols', 'presets', 'seek', 'checker'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export function runBench(
  runs: number,
  sections: readonly BenchSection[] = BENCH_SECTIONS,
): Record<string, unknown> {
  const report: Record<string, unknown> = { node: process.version, cpus: cpus().length, runs };
  if (sections.includes('kernel')) Object.assign(report, benchKernel(runs));
  if (sections.includes('protocols')) {
    for (const module of listProtocols()) Object.assign(report, benchProtocol(module, runs));
  }
  if (sections.includes('presets')) {
    for (const [id, preset] of BENCHED_PRESETS)
      Object.assign(report, benchPreset(id, preset, runs));
  }
  if (sections.includes('seek')) Object.assign(report, benchSeek(median));
  if (sections.includes('checker')) Object.assign(report, benchChecker(runs, median));
  return report;
}

function benchKernel(runs: number): Record<string, unknown> {
  const kernel = repeat(runs, () => timeRun(ping, kernelScenario(), KERNEL_SIM_MICROS, 'kernel'));
  return {
    kernelEventsPerSec: Math.round(median(kernel.map((m) => m.events / m.wallSeconds))),
    kernelEventsPerRun: kernel[0]!.events,
  };
}

/** Presets worth a figure of their own: [protocol, preset]. */
const BENCHED_PRESETS: readonly (readonly [string, string])[] = [['gcounter', 'gossip-50']];

/** A preset's run, trace and invariants on, as `run` takes it; keys `<id>-<preset>...`. */
function benchPreset(id: string, preset: string, runs: number): Record<string, unknown> {
  const key = `${id}-${preset}`;
  const module = getProtocol(id);
  if (module === undefined) return { [key]: `skipped: ${id} is not registered` };
  const parsed = presetScenario(module, preset, '1');
  if (!parsed.ok) return { [key]: `skipped: ${parsed.error}` };
  const scenario = parsed.value;
  const measured = repeat(runs, () => timeRun(module, scenario, scenario.durationMicros, 'cli'));
  return {
    [`${key}Nodes`]: scenario.nodes,
    [`${key}EventsPerRun`]: measured[0]!.events,
    [`${key}EventsPerSec`]: Math.round(median(measured.map((m) => m.events / m.wallSeconds))),
    [`${key}SimSpeedup`]: Math.round(
      median(measured.map((m) => m.simMicros / 1e6 / m.wallSeconds)),
    ),
  };
}

function benchProtocol(module: ProtocolModule, runs: number): Record<string, unknown> {
  const scenario = defaultScenario(module, '1');
  const measured = repeat(runs, () => timeRun(module, scenario, scenario.durationMicros, 'cli'));
  const app = repeat(runs, () => timeRun(module, scenario, scenario.durationMicros, 'app'));
  const perSec = (ms: Measured[]) => Math.round(median(ms.map((m) => m.events / m.wallSeconds)));
  const { traceRecords, events } = measured[0]!;
  return {
    [`${module.id}EventsPerSec`]: perSec(measured),
    [`${module.id}SimSpeedup`]: Math.round(
      median(measured.map((m) => m.simMicros / 1e6 / m.wallSeconds)),
    ),
    [`${module.id}AppEventsPerSec`]: perSec(app),
    [`${module.id}EventsPerRun`]: events,
    [`${module.id}TraceBytesPerEvent`]:
      Math.round(((traceRecords * TRACE_BYTES_PER_RECORD) / events) * 10) / 10,
    [`${module.id}Runs`]: measured.length,
  };
}

export function benchCommand(argv: string[]): number {
  const { values } = parseFlags('bench', argv, {
    json: { type: 'boolean' },
    runs: { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(BENCH_HELP);
    return 0;
  }
  const runs = values.runs === undefined ? 5 : parseInteger('runs', values.runs, 1, 100);
  const report = runBench(runs, parseSections(values.only));
  if (values.json) console.log(JSON.stringify(report));
  else for (const [key, value] of Object.entries(report)) console.log(`${key}: ${String(value)}`);
  return 0;
}

function parseSections(text: string | undefined): readonly BenchSection[] {
  if (text === undefined) return BENCH_SECTIONS;
  const names = text.split(',');
  for (const name of names) {
    if (!(BENCH_SECTIONS as readonly string[]).includes(name)) {
      throw new UsageError(
        `--only takes a comma-separated list of ${BENCH_SECTIONS.join(', ')} (got "${name}")`,
      );
    }
  }
  return names as BenchSection[];
}
