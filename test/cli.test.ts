import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { benchSeek } from '../src/cli/bench-seek';
import { getProtocol } from '../src/protocols/registry';
import { parseShareFragment } from '../src/sim/share';
import { Simulation } from '../src/sim/simulation';

// Every test here starts the real command (a Node process with tsx): slow on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

const BIN = join(import.meta.dirname, '..', 'bin', 'splitbrain');

function cli(...args: string[]) {
  const result = spawnSync(BIN, args, { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runJson(...args: string[]) {
  const result = cli('run', '--json', ...args);
  expect(result.stderr).toBe('');
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout);
}

describe('splitbrain run', () => {
  it('prints one JSON object with the whole summary', () => {
    const report = runJson('--protocol', 'broadcast', '--seed', '5', '--until', '3s');
    for (const key of [
      'protocol',
      'variant',
      'seed',
      'nodes',
      'simMicros',
      'events',
      'messagesSent',
      'messagesDelivered',
      'messagesDropped',
      'traceHash',
      'violations',
      'history',
      'wallMillis',
      'url',
    ]) {
      expect(report).toHaveProperty(key);
    }
    expect(report).toMatchObject({
      protocol: 'broadcast',
      seed: '5',
      nodes: 5,
      simMicros: 3_000_000,
      violations: [],
    });
    expect(report.history).toMatchObject({ checked: false, linearizable: null });
    expect(report.history.ops).toBeGreaterThan(10);
    expect(report.traceHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is deterministic: same seed same hash (also with --nemesis), other seed other hash', () => {
    const a = runJson('--protocol', 'broadcast', '--seed', '11', '--nemesis');
    const b = runJson('--protocol', 'broadcast', '--seed', '11', '--nemesis');
    const c = runJson('--protocol', 'broadcast', '--seed', '12', '--nemesis');
    expect(b.traceHash).toBe(a.traceHash);
    expect(c.traceHash).not.toBe(a.traceHash);
    expect(a.messagesDropped).toBeGreaterThan(0);
  });

  it('prints a url that reproduces the run exactly', () => {
    const report = runJson(
      '--protocol',
      'broadcast',
      '--seed',
      'x',
      '--nemesis',
      '--until',
      '7s',
      '--param',
      'topology=ring',
    );
    const shared = parseShareFragment(report.url.slice(report.url.indexOf('#')));
    expect(shared?.ok).toBe(true);
    if (!shared?.ok) return;
    expect(shared.value.cursorMicros).toBe(7_000_000);
    const sim = new Simulation(shared.value.scenario, getProtocol('broadcast')!);
    sim.runUntil(7_000_000);
    expect(sim.traceHash()).toBe(report.traceHash);
  });

  it('reports the buggy variant failing liveness under loss, with exit code 1', () => {
    const result = cli(
      'run',
      '--json',
      '--protocol',
      'broadcast',
      '--preset',
      'lossy',
      '--variant',
      'no-retry',
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).violations[0].invariant).toBe('liveness');
  });

  it('runs a scenario file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'splitbrain-'));
    const report = runJson('--protocol', 'broadcast', '--seed', '3', '--until', '2s');
    const shared = parseShareFragment(report.url.slice(report.url.indexOf('#')));
    if (!shared?.ok) throw new Error('bad url');
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(shared.value.scenario));
    expect(runJson('--scenario', file, '--until', '2s').traceHash).toBe(report.traceHash);
  });
});

describe('splitbrain fuzz', () => {
  const fuzz = (...args: string[]) => {
    const result = cli('fuzz', '--json', '--protocol', 'broadcast', ...args);
    return { code: result.code, report: JSON.parse(result.stdout) };
  };

  it('finds a buggy variant, and prints a command and a url that reproduce the failure', () => {
    const { code, report } = fuzz(
      '--seeds',
      '1..8',
      '--variant',
      'no-retry',
      '--nemesis',
      '--workers',
      '2',
    );
    expect(code).toBe(1);
    expect(report).toMatchObject({
      protocol: 'broadcast',
      variant: 'no-retry',
      seeds: '1..8',
      checked: 8,
    });
    expect(report.firstFailingSeed).toBeGreaterThanOrEqual(1);
    const first = report.violations[0];
    expect(first).toMatchObject({
      seed: report.firstFailingSeed,
      kind: 'liveness',
      invariant: 'liveness',
    });
    const [bin, ...args] = first.command.split(' ');
    expect(bin).toBe('bin/splitbrain');
    const again = cli(...args, '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).violations[0].message).toBe(first.message);
    expect(JSON.parse(again.stdout).url).toBe(first.url);
  });

  it('is clean for the correct protocol under the nemesis, and shards split the seeds', () => {
    const whole = fuzz('--seeds', '1..12', '--nemesis');
    expect(whole).toMatchObject({
      code: 0,
      report: { checked: 12, firstFailingSeed: null, violations: [] },
    });
    const first = fuzz('--seeds', '1..12', '--nemesis', '--shard', '1/3', '--workers', '1');
    const third = fuzz('--seeds', '1..12', '--nemesis', '--shard', '3/3', '--workers', '1');
    expect([first.report.checked, third.report.checked]).toEqual([4, 4]);
  });

  it('reports the time to converge over the seeds for a CRDT (and run for one seed)', () => {
    const result = cli('fuzz', '--json', '--protocol', 'gcounter', '--seeds', '1..6', '--nemesis');
    const report = JSON.parse(result.stdout);
    expect(result.code).toBe(0);
    expect(report.convergence).toMatchObject({ seeds: 6, notConverged: 0 });
    expect(report.convergence.medianMicros).toBeGreaterThan(0);
    expect(report.convergence.maxMicros).toBeGreaterThanOrEqual(report.convergence.p95Micros);
    const one = runJson('--protocol', 'gcounter', '--nemesis', '--seed', '1');
    expect(one.convergence.timeToConvergeMicros).toBeGreaterThan(0);
    expect(one.convergence.convergedAtMicros).toBeGreaterThanOrEqual(
      one.convergence.lastUpdateMicros,
    );
  });
});

describe('bad input gets one clear line on stderr and exit code 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitbrain-'));
  const badFile = join(dir, 'bad.json');
  writeFileSync(badFile, '{"version": 1, "protocol": "broadcast"');
  const cases: [string[], RegExp][] = [
    [
      ['run', '--protocol', 'nope'],
      /unknown protocol "nope" \(protocols: raft, [a-z, -]*broadcast\)/,
    ],
    [['run'], /--protocol is required/],
    [['run', '--protocol', 'broadcast', '--bogus'], /bogus/],
    [['run', '--protocol', 'broadcast', '--until', 'soon'], /--until must be a duration/],
    [
      ['run', '--protocol', 'broadcast', '--nodes', '999'],
      /--nodes must be a whole number from 1 to 64/,
    ],
    [
      ['run', '--protocol', 'broadcast', '--param', 'maxBatch=0'],
      /--param maxBatch must be a whole number from 1/,
    ],
    [['run', '--protocol', 'broadcast', '--param', 'colour=red'], /no parameter "colour"/],
    [['run', '--protocol', 'broadcast', '--variant', 'nope'], /variant/],
    [['run', '--protocol', 'broadcast', '--preset', 'nope'], /no preset "nope"/],
    [['run', '--scenario', badFile], /bad\.json: .*JSON/],
    [['run', '--scenario', join(dir, 'missing.json')], /cannot read the file \(ENOENT\)/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['fuzz', '--protocol', 'broadcast', '--seeds', '9..1'], /--seeds takes A\.\.B/],
    [
      ['fuzz', '--protocol', 'broadcast', '--seeds', '1..9', '--shard', '0/2'],
      /--shard takes i\/n/,
    ],
    [['fuzz', '--protocol', 'broadcast', '--seed', '3'], /--seeds A\.\.B, not --seed/],
  ];
  for (const [args, pattern] of cases) {
    it(args.join(' '), () => {
      const result = cli(...args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe(args.length === 0 ? expect.anything() : '');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^splitbrain: /);
      expect(result.stderr).toMatch(pattern);
    });
  }
});

describe('every command has --help, and list describes the protocols', () => {
  for (const command of ['run', 'list', 'bench', 'fuzz', 'check']) {
    it(`${command} --help`, () => {
      const result = cli(command, '--help');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`Usage: splitbrain ${command}`));
    });
  }

  it('list --json has every protocol with params, variants and presets', () => {
    const result = cli('list', '--json');
    const { protocols } = JSON.parse(result.stdout);
    const bcast = protocols.find((p: { id: string }) => p.id === 'broadcast');
    expect(Object.keys(bcast.params)).toContain('gossipIntervalMicros');
    expect(Object.keys(bcast.variants)).toEqual(['no-retry']);
    expect(bcast.presets.map((p: { id: string }) => p.id)).toContain('partition-heal');
  });

  it('bench --json reports kernel and per-protocol figures (shape only: speed is not tested here)', () => {
    const result = cli('bench', '--json', '--runs', '1', '--only', 'kernel,protocols,checker');
    const report = JSON.parse(result.stdout);
    expect(report.kernelEventsPerSec).toBeGreaterThan(0);
    expect(report.broadcastEventsPerSec).toBeGreaterThan(0);
    expect(report.broadcastSimSpeedup).toBeGreaterThan(0);
    expect(report.raftEventsPerSec).toBeGreaterThan(0);
    expect(report.checkerVerdictsMatchExpected).toBe(true);
    expect(report).not.toHaveProperty('seekMedianMillis');
  }, 120_000);

  it('the seek benchmark times seeks on a long Raft run (shape only, on a short run here)', () => {
    const report = benchSeek((xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!, 30_000);
    expect(report.seekRunEvents).toBeGreaterThanOrEqual(30_000);
    expect(report.seekMedianMillis).toBeGreaterThan(0);
    expect(report.seekMaxMillis).toBeGreaterThanOrEqual(report.seekMedianMillis as number);
  }, 120_000);
});
