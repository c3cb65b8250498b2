/**
 * Frame times while the app plays, measured in the page from requestAnimationFrame timestamps:
 *  - Raft, 7 nodes, loaded until at least 200 messages are in flight (an open-loop client workload
 *    and a slower network: every client op is one AppendEntries to each follower and a reply);
 *  - gossip, 50 nodes (the broadcast protocol, its default workload).
 * A benchmark, not a test: it prints one JSON object and asserts only that the runs played.
 * `npm run bench:frames`; BENCH_SECONDS (default 8) sets how long each case is measured.
 */
import { writeFileSync } from 'node:fs';
import { type Page, expect, test } from '@playwright/test';
import { broadcast } from '../../src/protocols/broadcast';
import { raft } from '../../src/protocols/raft';
import { defaultScenario } from '../../src/sim/scenario';
import { shareFragment } from '../../src/sim/share';
import type { Scenario } from '../../src/sim/types';

const SECONDS = Math.max(1, Math.min(120, Number(process.env.BENCH_SECONDS ?? 8)));
/** Playback speed: real time (1 simulated second per wall second), as the speed control shows it. */
const SPEED = '1x';
const START_MICROS = 1_000_000;

function raft7(): Scenario {
  const base = defaultScenario(raft, 'bench');
  return {
    ...base,
    nodes: 7,
    durationMicros: 120_000_000,
    network: {
      ...base.network,
      default: {
        ...base.network.default,
        latency: { kind: 'uniform', minMicros: 20_000, maxMicros: 40_000 },
      },
    },
    workload: {
      ...base.workload!,
      clients: 40,
      mode: 'open',
      ratePerSec: 840,
      stopMicros: null,
    },
  };
}

function gossip50(): Scenario {
  return { ...defaultScenario(broadcast, 'bench'), nodes: 50, durationMicros: 120_000_000 };
}

interface Measured {
  frameMillis: number[];
  inFlight: number[];
  simMicros: number;
}

/** Move the speed slider to the step labelled `label` ("1x"). */
async function setSpeed(page: Page, label: string): Promise<void> {
  const slider = page.getByRole('slider', { name: 'Speed' });
  const max = Number(await slider.getAttribute('max'));
  for (let i = 0; i <= max; i++) {
    await slider.fill(String(i));
    if ((await page.getByTestId('speed').textContent()) === label) return;
  }
  throw new Error(`no speed step is labelled ${label}`);
}

/** Open the scenario at START_MICROS, play at SPEED, and collect frame intervals for `ms`. */
async function measure(page: Page, scenario: Scenario, ms: number): Promise<Measured> {
  await page.goto(`/${shareFragment(scenario, START_MICROS)}`);
  await page.waitForFunction(() => window.splitbrain?.traceHash() != null, null, {
    timeout: 60_000,
  });
  await setSpeed(page, SPEED);
  await page.evaluate(() => window.splitbrain!.play());
  // Let playback settle (first paints, JIT) before measuring.
  await page.waitForTimeout(1000);
  const start = (await page.evaluate(() => window.splitbrain!.now()))!;
  const result = await page.evaluate(
    (duration) =>
      new Promise<{ stamps: number[]; inFlight: number[] }>((resolve) => {
        const stamps: number[] = [];
        const inFlight: number[] = [];
        function frame(t: number) {
          stamps.push(t);
          if (stamps.length % 30 === 0) inFlight.push(window.splitbrain!.inFlight() ?? 0);
          if (t - stamps[0]! < duration) requestAnimationFrame(frame);
          else resolve({ stamps, inFlight });
        }
        requestAnimationFrame(frame);
      }),
    ms,
  );
  const end = (await page.evaluate(() => window.splitbrain!.now()))!;
  await page.evaluate(() => window.splitbrain!.pause());
  const frameMillis = result.stamps.slice(1).map((t, i) => t - result.stamps[i]!);
  return { frameMillis, inFlight: result.inFlight, simMicros: end - start };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const round = (v: number, digits = 2) => Number(v.toFixed(digits));

function summary(prefix: string, m: Measured): Record<string, number> {
  const median = quantile(m.frameMillis, 0.5);
  return {
    [`fps${prefix}Median`]: round(1000 / median, 1),
    [`fps${prefix}Mean`]: round((1000 * m.frameMillis.length) / sum(m.frameMillis), 1),
    [`frameMillis${prefix}Median`]: round(median),
    [`frameMillis${prefix}P95`]: round(quantile(m.frameMillis, 0.95)),
    [`frameMillis${prefix}Max`]: round(Math.max(...m.frameMillis)),
    [`frames${prefix}`]: m.frameMillis.length,
    [`inFlight${prefix}`]: Math.round(quantile(m.inFlight, 0.5)),
    [`inFlight${prefix}Max`]: Math.max(...m.inFlight),
    [`simSeconds${prefix}`]: round(m.simMicros / 1_000_000, 3),
  };
}

test('frame times while playing: 7-node Raft under load, 50-node gossip', async ({
  page,
}, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const seven = await measure(page, raft7(), SECONDS * 1000);
  const fifty = await measure(page, gossip50(), SECONDS * 1000);
  const result = {
    seconds: SECONDS,
    speed: SPEED,
    viewport: '1280x720',
    build: 'production (vite build + vite preview)',
    ...summary('7', seven),
    ...summary('50', fifty),
    browser: page.context().browser()?.version() ?? 'unknown',
  };
  const json = JSON.stringify(result);
  writeFileSync(info.outputPath('frames.json'), `${json}\n`);
  console.log(json);
  expect(errors).toEqual([]);
  expect(seven.frameMillis.length).toBeGreaterThan(SECONDS);
  expect(fifty.frameMillis.length).toBeGreaterThan(SECONDS);
});
