import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { deflateSync, inflateSync } from 'fflate';
import {
  DEFAULT_LINK,
  DEFAULT_NEMESIS,
  DEFAULT_NETWORK,
  decodeScenario,
  defaultScenario,
  encodeScenario,
  paramDefaults,
  parseScenario,
  parseScenarioJson,
  validateForProtocol,
  type ParseResult,
} from '../src/sim/scenario';
import { LIMITS } from '../src/sim/limits';
import type {
  FaultAction,
  LatencyDist,
  ParamDef,
  ParamSpec,
  RecordedInput,
  Scenario,
  TimedFault,
  WorkloadConfig,
} from '../src/sim/types';

// ---------------------------------------------------------------------------------------------
// Fixtures.

const SPEC: ParamSpec = {
  electionMinMicros: {
    kind: 'int',
    label: 'Election timeout (min)',
    help: 'Shortest election timeout.',
    min: 1_000,
    max: 10_000_000,
    default: 150_000,
    unit: 'µs',
  },
  preVote: { kind: 'bool', label: 'Pre-vote', help: 'Ask before campaigning.', default: false },
  readMode: {
    kind: 'enum',
    label: 'Reads',
    help: 'How reads are served.',
    options: ['quorum', 'lease'],
    default: 'quorum',
  },
};

const WORKLOAD: WorkloadConfig = {
  clients: 3,
  mode: 'closed',
  thinkMicros: 10_000,
  ratePerSec: 0,
  attemptTimeoutMicros: 200_000,
  opTimeoutMicros: 1_000_000,
  stopMicros: null,
  mix: {},
};

const PROTOCOL = {
  id: 'raft',
  params: SPEC,
  variants: { noTermCheck: { label: 'No term check', explanation: 'Accepts stale leaders.' } },
  defaults: { nodes: 3, workload: WORKLOAD },
};

/** A scenario that uses every part of the schema. */
function richScenario(): Scenario {
  return {
    ...defaultScenario(PROTOCOL, 'classroom-42'),
    variant: 'noTermCheck',
    params: { electionMinMicros: 300_000, preVote: true },
    nodes: 5,
    durationMicros: 20_000_000,
    network: {
      default: {
        latency: { kind: 'normal', meanMicros: 5_000, spreadMicros: 1_000 },
        lossPpm: 1_000,
        duplicatePpm: 500,
        reorder: true,
      },
      links: [
        {
          from: 0,
          to: 1,
          policy: {
            latency: { kind: 'longtail', minMicros: 1_000, maxMicros: 900_000 },
            lossPpm: 0,
            duplicatePpm: 0,
            reorder: false,
          },
        },
        {
          from: 4,
          to: 3,
          policy: {
            latency: { kind: 'constant', micros: 7 },
            lossPpm: 1_000_000,
            duplicatePpm: 0,
            reorder: false,
          },
        },
      ],
      clientLatencyMicros: 500,
    },
    faults: [
      { at: 1_000_000, action: { kind: 'crash', node: 1 } },
      { at: 2_000_000, action: { kind: 'restart', node: 1 } },
      { at: 2_500_000, action: { kind: 'amnesia', node: 2 } },
      {
        at: 3_000_000,
        action: {
          kind: 'partition',
          groups: [
            [0, 1],
            [2, 3],
          ],
        },
      },
      { at: 4_000_000, action: { kind: 'heal' } },
      { at: 4_000_000, action: { kind: 'cut', from: 0, to: 4 } },
      { at: 5_000_000, action: { kind: 'uncut', from: 0, to: 4 } },
      { at: 6_000_000, action: { kind: 'loss', ppm: 250_000 } },
      {
        at: 7_000_000,
        action: { kind: 'latency', latency: { kind: 'uniform', minMicros: 100, maxMicros: 100 } },
      },
      { at: 8_000_000, action: { kind: 'clockJump', node: 3, deltaMicros: -2_000_000 } },
      { at: 9_000_000, action: { kind: 'clockDrift', node: 4, ppm: -150_000 } },
      { at: 9_500_000, action: { kind: 'pause', node: 0 } },
      { at: 20_000_000, action: { kind: 'resume', node: 0 } },
    ],
    nemesis: {
      safetyMicros: 12_000_000,
      intervalMicros: 400_000,
      kinds: ['crash', 'partition', 'clock'],
    },
    workload: { ...WORKLOAD, mode: 'open', ratePerSec: 200, stopMicros: 15_000_000 },
    inputs: [
      { event: 10, at: 500_000, action: { kind: 'pause', node: 2 } },
      { event: 10, at: 500_000, action: { kind: 'resume', node: 2 } },
      { event: 99, at: 800_000, action: { kind: 'cut', from: 3, to: 1 } },
    ],
  };
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Raw bytes as a format-1 link, bypassing encodeScenario (Node's own base64url, as a cross-check). */
function link(bytes: Uint8Array): string {
  return `1.${Buffer.from(bytes).toString('base64url')}`;
}

function deflated(text: string | Uint8Array): string {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return link(deflateSync(bytes, { level: 9 }));
}

/** Every result is well formed: ok with a value that validates again, or one non-empty line. */
function expectWellFormed(result: ParseResult<Scenario>): void {
  if (result.ok) {
    expect(parseScenario(result.value).ok).toBe(true);
  } else {
    expect(typeof result.error).toBe('string');
    expect(result.error.length).toBeGreaterThan(0);
    expect(result.error).not.toMatch(/[\r\n\u2028\u2029]/);
  }
}

function errorOf(result: ParseResult<unknown>): string {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error;
}

type Mutable = { -readonly [K in keyof Scenario]: Scenario[K] } & Record<string, unknown>;
function variantOf(change: (s: Mutable) => void): unknown {
  const s = structuredClone(richScenario()) as Mutable;
  change(s);
  return s;
}

// ---------------------------------------------------------------------------------------------

describe('defaults', () => {
  it('builds a valid default scenario from a protocol', () => {
    const s = defaultScenario(PROTOCOL);
    expect(s).toEqual({
      version: 1,
      protocol: 'raft',
      variant: null,
      params: { electionMinMicros: 150_000, preVote: false, readMode: 'quorum' },
      nodes: 3,
      seed: '1',
      durationMicros: 10_000_000,
      network: DEFAULT_NETWORK,
      faults: [],
      nemesis: null,
      workload: WORKLOAD,
      inputs: [],
    });
    expect(parseScenario(s)).toEqual({ ok: true, value: s });
    expect(defaultScenario(PROTOCOL, 'abc').seed).toBe('abc');
  });

  it('has sensible network and nemesis defaults', () => {
    expect(DEFAULT_LINK).toEqual({
      latency: { kind: 'uniform', minMicros: 2_000, maxMicros: 8_000 },
      lossPpm: 0,
      duplicatePpm: 0,
      reorder: false,
    });
    expect(DEFAULT_NETWORK).toEqual({
      default: DEFAULT_LINK,
      links: [],
      clientLatencyMicros: 1_000,
    });
    expect(DEFAULT_NEMESIS).toEqual({
      safetyMicros: 6_000_000,
      intervalMicros: 500_000,
      kinds: ['partition', 'cut', 'crash', 'pause', 'loss', 'clock', 'reorder', 'leader'],
    });
    expect(parseScenario({ ...defaultScenario(PROTOCOL), nemesis: DEFAULT_NEMESIS }).ok).toBe(true);
  });

  it('lists parameter defaults in spec order', () => {
    expect(Object.entries(paramDefaults(SPEC))).toEqual([
      ['electionMinMicros', 150_000],
      ['preVote', false],
      ['readMode', 'quorum'],
    ]);
    expect(paramDefaults({})).toEqual({});
  });
});

describe('parseScenario', () => {
  it('accepts a scenario using every part of the schema', () => {
    const s = richScenario();
    expect(parseScenario(s)).toEqual({ ok: true, value: s });
  });

  it('accepts the boundaries', () => {
    const edge = variantOf((s) => {
      s.nodes = LIMITS.maxNodes;
      s.durationMicros = LIMITS.maxDurationMicros;
      s.seed = 'x'.repeat(LIMITS.maxSeedLength);
      s.faults = [
        { at: LIMITS.maxDurationMicros, action: { kind: 'crash', node: LIMITS.maxNodes - 1 } },
      ];
      s.network = { ...DEFAULT_NETWORK, clientLatencyMicros: LIMITS.maxLatencyMicros };
      s.params = { readMode: 'y'.repeat(LIMITS.maxStringLength) };
    });
    expect(parseScenario(edge).ok).toBe(true);
  });

  const cases: [string, unknown, string[]][] = [
    [
      'a wrong version',
      variantOf((s) => (s.version = 2 as 1)),
      ['scenario.version:', 'must be 1', 'only scenario version', '(got 2)'],
    ],
    [
      'a version as text',
      variantOf((s) => (s.version = '1' as unknown as 1)),
      ['scenario.version:', '(got "1")'],
    ],
    [
      '0 nodes',
      variantOf((s) => (s.nodes = 0)),
      ['scenario.nodes: must be an integer from 1 to 64 (got 0)'],
    ],
    [
      '1000 nodes',
      variantOf((s) => (s.nodes = 1000)),
      ['scenario.nodes: must be an integer from 1 to 64 (got 1000)'],
    ],
    [
      'a missing field',
      variantOf((s) => delete (s as Record<string, unknown>).nodes),
      ['scenario.nodes: missing', 'must be an integer from 1 to 64'],
    ],
    [
      'a cut from a node to itself',
      variantOf((s) => {
        s.faults = [{ at: 5, action: { kind: 'cut', from: 1, to: 1 } }];
      }),
      ['scenario.faults[0].action.to: must differ from from', 'got 1)'],
    ],
    [
      'a fault naming node 9 of 3',
      variantOf((s) => {
        s.nodes = 3;
        s.network = DEFAULT_NETWORK;
        s.inputs = [];
        s.faults = [{ at: 5, action: { kind: 'crash', node: 9 } }];
      }),
      ['scenario.faults[0].action.node: must name a node from 0 to 2', '3 nodes', '(got 9)'],
    ],
    [
      'an input naming a node outside the cluster',
      variantOf((s) => (s.inputs = [{ event: 1, at: 1, action: { kind: 'cut', from: 0, to: 5 } }])),
      ['scenario.inputs[0].action.to: must name a node from 0 to 4', '(got 5)'],
    ],
    [
      'a link override outside the cluster',
      variantOf(
        (s) => (s.network = { ...s.network, links: [{ from: 7, to: 0, policy: DEFAULT_LINK }] }),
      ),
      ['scenario.network.links[0].from: must name a node from 0 to 4', '(got 7)'],
    ],
    [
      'a link overridden twice',
      variantOf(
        (s) =>
          (s.network = {
            ...s.network,
            links: [...s.network.links, { from: 0, to: 1, policy: DEFAULT_LINK }],
          }),
      ),
      ['scenario.network.links[2]:', 'link 0 -> 1', 'links[0]'],
    ],
    [
      'an unknown top-level key',
      variantOf((s) => (s.colour = 'red')),
      ['scenario.colour: unknown key', 'accepted: version, protocol'],
    ],
    [
      'an unknown nested key',
      variantOf((s) => (s.network = { ...s.network, jitter: 5 } as unknown as Scenario['network'])),
      ['scenario.network.jitter: unknown key', 'accepted: default, links, clientLatencyMicros'],
    ],
    [
      'a negative time',
      variantOf((s) => (s.faults = [{ at: -1, action: { kind: 'heal' } }])),
      ['scenario.faults[0].at: must be an integer from 0 to 3600000000 (got -1)'],
    ],
    [
      'a non-integer time',
      variantOf((s) => (s.durationMicros = 1.5)),
      ['scenario.durationMicros: must be an integer', '(got 1.5)'],
    ],
    [
      'an infinite time',
      variantOf((s) => (s.durationMicros = Infinity)),
      ['scenario.durationMicros: must be an integer', '(got Infinity)'],
    ],
    [
      'a time as text',
      variantOf((s) => (s.durationMicros = '10' as unknown as number)),
      ['scenario.durationMicros:', '(got "10")'],
    ],
    [
      'a fault after the end of the run',
      variantOf((s) => (s.faults = [{ at: s.durationMicros + 1, action: { kind: 'heal' } }])),
      ['scenario.faults[0].at: must be at most durationMicros (20000000) (got 20000001)'],
    ],
    [
      'inputs out of event order',
      variantOf(
        (s) =>
          (s.inputs = [
            { event: 5, at: 10, action: { kind: 'heal' } },
            { event: 4, at: 20, action: { kind: 'heal' } },
          ]),
      ),
      ['scenario.inputs[1].event: inputs must be in order of event', '(got 4)'],
    ],
    [
      'inputs out of time order',
      variantOf(
        (s) =>
          (s.inputs = [
            { event: 5, at: 30, action: { kind: 'heal' } },
            { event: 6, at: 20, action: { kind: 'heal' } },
          ]),
      ),
      ['scenario.inputs[1].at: inputs must be in order of time', '(got 20)'],
    ],
    [
      'a node in two partition groups',
      variantOf(
        (s) =>
          (s.faults = [
            {
              at: 1,
              action: {
                kind: 'partition',
                groups: [
                  [0, 1],
                  [2, 1],
                ],
              },
            },
          ]),
      ),
      ['scenario.faults[0].action.groups[1][1]: node 1 is already in group 0'],
    ],
    [
      'uniform latency with min above max',
      variantOf(
        (s) =>
          (s.network = {
            ...s.network,
            default: { ...DEFAULT_LINK, latency: { kind: 'uniform', minMicros: 9, maxMicros: 3 } },
          }),
      ),
      ['scenario.network.default.latency.maxMicros: must be at least minMicros (9) (got 3)'],
    ],
    [
      'longtail latency with min above max in a fault',
      variantOf(
        (s) =>
          (s.faults = [
            {
              at: 1,
              action: {
                kind: 'latency',
                latency: { kind: 'longtail', minMicros: 9, maxMicros: 3 },
              },
            },
          ]),
      ),
      ['scenario.faults[0].action.latency.maxMicros: must be at least minMicros (9)'],
    ],
    [
      'a latency above the bound',
      variantOf(
        (s) => (s.network = { ...s.network, clientLatencyMicros: LIMITS.maxLatencyMicros + 1 }),
      ),
      ['scenario.network.clientLatencyMicros: must be an integer from 0 to 60000000'],
    ],
    [
      'an unknown fault kind',
      variantOf((s) => (s.faults = [{ at: 1, action: { kind: 'zap' } as unknown as FaultAction }])),
      ['scenario.faults[0].action.kind: must be one of "crash", "restart"', '(got "zap")'],
    ],
    [
      'a fault without a kind',
      variantOf((s) => (s.faults = [{ at: 1, action: { node: 1 } as unknown as FaultAction }])),
      ['scenario.faults[0].action.kind: missing', '"crash"'],
    ],
    [
      'an unknown latency kind',
      variantOf(
        (s) =>
          (s.network = {
            ...s.network,
            default: { ...DEFAULT_LINK, latency: { kind: 'gamma' } as unknown as LatencyDist },
          }),
      ),
      [
        'scenario.network.default.latency.kind: must be one of "constant", "uniform", "normal", "longtail"',
      ],
    ],
    [
      'a loss above 100%',
      variantOf(
        (s) => (s.network = { ...s.network, default: { ...DEFAULT_LINK, lossPpm: 1_000_001 } }),
      ),
      ['lossPpm: must be an integer number of parts per million from 0 to 1000000'],
    ],
    [
      'an empty seed',
      variantOf((s) => (s.seed = '')),
      ['scenario.seed: must be a string of 1 to 64 characters (got "")'],
    ],
    [
      'a long seed',
      variantOf((s) => (s.seed = 's'.repeat(65))),
      ['scenario.seed: must be a string of 1 to 64 characters'],
    ],
    [
      'too many clients',
      variantOf((s) => (s.workload = { ...WORKLOAD, clients: 65 })),
      ['scenario.workload.clients: must be an integer from 0 to 64 (got 65)'],
    ],
    [
      'a workload that is not an object',
      variantOf((s) => (s.workload = 5 as unknown as WorkloadConfig)),
      ['scenario.workload: must be null or an object (got 5)'],
    ],
    [
      'an unknown workload mode',
      variantOf((s) => (s.workload = { ...WORKLOAD, mode: 'burst' as 'open' })),
      ['scenario.workload.mode: must be one of "closed", "open" (got "burst")'],
    ],
    [
      'a rate too high',
      variantOf((s) => (s.workload = { ...WORKLOAD, ratePerSec: 100_001 })),
      ['scenario.workload.ratePerSec: must be an integer from 0 to 100000'],
    ],
    [
      'no nemesis kinds',
      variantOf((s) => (s.nemesis = { ...DEFAULT_NEMESIS, kinds: [] })),
      ['scenario.nemesis.kinds: must be a list of 1 to 8 nemesis kinds (got an array of 0 items)'],
    ],
    [
      'a repeated nemesis kind',
      variantOf((s) => (s.nemesis = { ...DEFAULT_NEMESIS, kinds: ['crash', 'loss', 'crash'] })),
      ['scenario.nemesis.kinds[2]: lists "crash" twice'],
    ],
    [
      'an unknown nemesis kind',
      variantOf((s) => (s.nemesis = { ...DEFAULT_NEMESIS, kinds: ['meteor' as 'crash'] })),
      ['scenario.nemesis.kinds[0]: must be one of "partition"', '(got "meteor")'],
    ],
    [
      'a drift that would stop the clock',
      variantOf(
        (s) => (s.faults = [{ at: 1, action: { kind: 'clockDrift', node: 0, ppm: -1_000_000 } }]),
      ),
      ['scenario.faults[0].action.ppm: must be an integer from -500000 to 500000'],
    ],
    [
      'a parameter name that is not an identifier',
      variantOf((s) => (s.params = { 'two words': 1 })),
      ['scenario.params["two words"]: a parameter name must be a letter'],
    ],
    [
      'a __proto__ parameter',
      JSON.parse(JSON.stringify(richScenario()).replace('"params":{', '"params":{"__proto__":1,')),
      ['scenario.params.__proto__: a parameter name must be', '(got "__proto__")'],
    ],
    [
      'a parameter that is an object',
      variantOf((s) => (s.params = { x: {} as unknown as number })),
      ['scenario.params.x: must be an integer, true, false or a string', '(got an object)'],
    ],
    [
      'a fractional parameter',
      variantOf((s) => (s.params = { x: 0.5 })),
      ['scenario.params.x: must be an integer', '(got 0.5)'],
    ],
    [
      'too many parameters',
      variantOf(
        (s) => (s.params = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, i]))),
      ),
      ['scenario.params: must have at most 64 parameters'],
    ],
    [
      'too many faults',
      variantOf(
        (s) =>
          (s.faults = Array.from({ length: 1001 }, (): TimedFault => ({
            at: 0,
            action: { kind: 'heal' },
          }))),
      ),
      ['scenario.faults: must be a list of at most 1000 faults'],
    ],
    [
      'a variant that is not text',
      variantOf((s) => (s.variant = 3 as unknown as string)),
      ['scenario.variant: must be null or a string'],
    ],
    ['an array', [1, 2, 3], ['scenario: must be an object (got an array of 3 items)']],
    ['null', null, ['scenario: must be an object (got null)']],
    ['a string', 'raft', ['scenario: must be an object (got "raft")']],
    ['undefined', undefined, ['scenario: missing']],
    [
      'two problems',
      variantOf((s) => ((s.nodes = 0), (s.seed = ''))),
      ['scenario.nodes:', '(and 1 more problem)'],
    ],
    [
      'three problems',
      variantOf((s) => ((s.nodes = 0), (s.seed = ''), (s.extra = 1))),
      ['scenario.nodes:', '(and 2 more problems)'],
    ],
  ];

  it.each(cases)('rejects %s with a clear message', (_name, input, fragments) => {
    const result = parseScenario(input);
    const error = errorOf(result);
    for (const fragment of fragments) expect(error).toContain(fragment);
    expectWellFormed(result);
  });

  it('returns frozen lists and never shares them with the input', () => {
    const s = richScenario();
    const parsed = parseScenario(s);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(Object.isFrozen(parsed.value.faults)).toBe(true);
    expect(parsed.value.faults).not.toBe(s.faults);
  });

  it('survives hostile objects', () => {
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    expectWellFormed(parseScenario(throwing));
    const getter = { ...richScenario() };
    Object.defineProperty(getter, 'nodes', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expectWellFormed(parseScenario(getter));
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 100_000; i++) cursor = (cursor[0] = []) as unknown[];
    expect(
      errorOf(parseScenario(variantOf((s) => (s.faults = deep as unknown as TimedFault[])))),
    ).toContain('scenario.faults[0]');
  });
});

describe('validateForProtocol', () => {
  const shaped = (change: (s: Mutable) => void = () => {}): Scenario => {
    const parsed = parseScenario(variantOf(change));
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  };

  it('fills in the defaults, in spec order', () => {
    const result = validateForProtocol(shaped(), PROTOCOL);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.entries(result.value.params)).toEqual([
      ['electionMinMicros', 300_000],
      ['preVote', true],
      ['readMode', 'quorum'],
    ]);
    expect({ ...result.value, params: {} }).toEqual({ ...richScenario(), params: {} });
  });

  it('accepts a workload mix over the ops the protocol offers, and rejects others', () => {
    const info = { ...PROTOCOL, workload: { defaultMix: { get: 1, put: 1 } } };
    const withMix = (mix: Record<string, number>) =>
      validateForProtocol(
        shaped((s) => (s.workload = { ...WORKLOAD, mix })),
        info,
      );
    expect(withMix({ get: 3, put: 1 }).ok).toBe(true);
    expect(errorOf(withMix({ get: 1, scan: 2 }))).toContain(
      'scenario.workload.mix.scan: unknown op (ops: get, put)',
    );
    expect(errorOf(withMix({ get: 0, put: 0 }))).toContain(
      'must give at least one op a weight above 0',
    );
    expect(
      errorOf(
        validateForProtocol(
          shaped((s) => (s.workload = { ...WORKLOAD, mix: { get: 1 } })),
          PROTOCOL,
        ),
      ),
    ).toContain('raft has no configurable op mix');
  });

  it('a text parameter must match its pattern, its length bound and its own check', () => {
    const faulty: ParamDef = {
      kind: 'text',
      label: 'Faulty nodes',
      help: 'which nodes misbehave',
      default: '',
      maxLength: 20,
      pattern: '(?:\\d+(?:,\\d+)*)?',
      accepts: 'node ids separated by commas, e.g. "0,2"',
      problem: (value, nodes) =>
        value.split(',').some((id) => id !== '' && Number(id) >= nodes)
          ? 'names a node outside the cluster'
          : null,
    };
    const info = { ...PROTOCOL, params: { ...SPEC, faulty } };
    const withFaulty = (value: string) =>
      validateForProtocol(
        shaped((s) => (s.params = { faulty: value })),
        info,
      );
    expect(withFaulty('0,2').ok).toBe(true);
    expect(withFaulty('').ok).toBe(true);
    expect(errorOf(withFaulty('0;2'))).toContain('must be node ids separated by commas');
    expect(errorOf(withFaulty('1'.repeat(21)))).toContain('at most 20 characters');
    expect(errorOf(withFaulty('0,99'))).toContain('names a node outside the cluster');
  });

  it('accepts a null variant and empty params', () => {
    const result = validateForProtocol(
      shaped((s) => ((s.variant = null), (s.params = {}))),
      PROTOCOL,
    );
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ params: paramDefaults(SPEC), variant: null }),
    });
  });

  const cases: [string, (s: Mutable) => void, string[]][] = [
    [
      'an unknown parameter',
      (s) => (s.params = { electionMaxMicros: 5 }),
      [
        'scenario.params.electionMaxMicros: unknown parameter of raft',
        'known: electionMinMicros, preVote, readMode',
      ],
    ],
    [
      'an inherited name',
      (s) => (s.params = { constructor: 5 }),
      ['scenario.params.constructor: unknown parameter'],
    ],
    [
      'an int below its range',
      (s) => (s.params = { electionMinMicros: 999 }),
      ['scenario.params.electionMinMicros: must be an integer from 1000 to 10000000 (got 999)'],
    ],
    [
      'an int above its range',
      (s) => (s.params = { electionMinMicros: 10_000_001 }),
      ['must be an integer from 1000 to 10000000 (got 10000001)'],
    ],
    [
      'an int given as text',
      (s) => (s.params = { electionMinMicros: '5000' }),
      ['scenario.params.electionMinMicros: must be an integer', '(got "5000")'],
    ],
    [
      'a bool given as a number',
      (s) => (s.params = { preVote: 1 }),
      ['scenario.params.preVote: must be true or false (got 1)'],
    ],
    [
      'an enum outside its options',
      (s) => (s.params = { readMode: 'stale' }),
      ['scenario.params.readMode: must be one of "quorum", "lease" (got "stale")'],
    ],
    [
      'an enum given as a bool',
      (s) => (s.params = { readMode: true }),
      ['scenario.params.readMode: must be one of', '(got true)'],
    ],
    [
      'an unknown variant',
      (s) => (s.variant = 'fastButWrong'),
      ['scenario.variant: must be null or one of "noTermCheck" (got "fastButWrong")'],
    ],
    [
      'an inherited variant name',
      (s) => (s.variant = 'toString'),
      ['scenario.variant: must be null or one of'],
    ],
    [
      'another protocol',
      (s) => (s.protocol = 'pbft'),
      ['scenario.protocol: must be "raft" (got "pbft")'],
    ],
    [
      'several problems',
      (s) => ((s.protocol = 'pbft'), (s.params = { x: 1, y: 2 })),
      ['scenario.protocol:', '(and 2 more problems)'],
    ],
  ];

  it.each(cases)('rejects %s', (_name, change, fragments) => {
    const error = errorOf(validateForProtocol(shaped(change), PROTOCOL));
    for (const fragment of fragments) expect(error).toContain(fragment);
    expect(error).not.toMatch(/\n/);
  });

  it('says when a protocol has no variants', () => {
    const error = errorOf(validateForProtocol(shaped(), { ...PROTOCOL, variants: {} }));
    expect(error).toContain('scenario.variant: must be null: raft has no variants');
  });
});

describe('encodeScenario / decodeScenario', () => {
  it('round-trips a scenario through URL-safe text', () => {
    for (const s of [
      richScenario(),
      defaultScenario(PROTOCOL),
      { ...richScenario(), seed: 'é—🙂\u2028"\\' },
    ]) {
      const text = encodeScenario(s);
      expect(text.startsWith('1.')).toBe(true);
      expect(text).toMatch(/^[A-Za-z0-9_.-]+$/);
      expect(decodeScenario(text)).toEqual({ ok: true, value: s });
      // An independent decoder agrees on the format: base64url, raw deflate, UTF-8 JSON.
      const raw = inflateSync(new Uint8Array(Buffer.from(text.slice(2), 'base64url')));
      expect(JSON.parse(new TextDecoder().decode(raw))).toEqual(s);
    }
  });

  it('encodes equal scenarios to equal text, whatever their key order', () => {
    const s = richScenario();
    const reordered = Object.fromEntries(Object.entries(s).reverse()) as unknown as Scenario;
    expect(encodeScenario(reordered)).toBe(encodeScenario(s));
  });

  it('tolerates surrounding whitespace', () => {
    expect(decodeScenario(`  ${encodeScenario(richScenario())}\n`).ok).toBe(true);
  });

  const nested = '['.repeat(400_000) + ']'.repeat(400_000);
  const cases: [string, () => string, string[]][] = [
    [
      'garbage',
      () => 'hello world',
      ['scenario link: not a splitbrain scenario', 'must start with "1."'],
    ],
    [
      'a garbage prefix',
      () => 'x.' + encodeScenario(richScenario()).slice(2),
      ['scenario link: not a splitbrain scenario'],
    ],
    [
      'an unknown format',
      () => '7.' + encodeScenario(richScenario()).slice(2),
      ['scenario link: format 7 is not supported', 'reads format 1'],
    ],
    ['an empty string', () => '', ['scenario link: empty']],
    ['no data', () => '1.', ['scenario link: no data after the prefix']],
    [
      'bad base64',
      () => '1.abc$def',
      ['scenario link: character "$" at position 5 is not allowed'],
    ],
    [
      'standard base64 with padding',
      () => '1.ab+/cd==',
      ['scenario link: character "+" at position 4'],
    ],
    ['a non-ASCII character', () => '1.abcé', ['character "é"']],
    ['an impossible length', () => '1.abcde', ['scenario link: the data is cut off']],
    [
      'truncated deflate data',
      () => encodeScenario(richScenario()).slice(0, 60),
      ['scenario link: the compressed data is damaged or cut off'],
    ],
    [
      'data that is not deflate',
      () => link(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
      ['scenario link: the compressed data is damaged'],
    ],
    [
      'a link that is too long',
      () => '1.' + 'A'.repeat(LIMITS.maxEncodedChars),
      ['scenario link: too long', 'at most 200000'],
    ],
    [
      'invalid UTF-8',
      () => deflated(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
      ['scenario link: the decompressed data is not valid UTF-8 text'],
    ],
    [
      'a lone surrogate encoded as UTF-8',
      () => deflated(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22])),
      ['not valid UTF-8'],
    ],
    [
      'text that is not JSON',
      () => deflated('{"version": 1,'),
      ['scenario link: the decompressed data is not valid JSON'],
    ],
    [
      'JSON that is not an object',
      () => deflated('[1, 2, 3]'),
      ['scenario: must be an object (got an array of 3 items)'],
    ],
    ['a JSON number', () => deflated('42'), ['scenario: must be an object (got 42)']],
    [
      'deeply nested JSON arrays',
      () => deflated(nested),
      ['scenario: must be an object (got an array of 1 item)'],
    ],
    [
      'a valid link to an invalid scenario',
      () => deflated(JSON.stringify({ ...richScenario(), nodes: 1000 })),
      ['scenario.nodes: must be an integer from 1 to 64 (got 1000)'],
    ],
  ];

  it.each(cases)('rejects %s with a clear message', (_name, make, fragments) => {
    const result = decodeScenario(make());
    const error = errorOf(result);
    for (const fragment of fragments) expect(error).toContain(fragment);
    expectWellFormed(result);
  });

  it('rejects a decompression bomb quickly, without inflating it', () => {
    const bomb = deflateSync(new Uint8Array(50_000_000), { level: 1 });
    const text = link(bomb);
    expect(text.length).toBeLessThan(LIMITS.maxEncodedChars);
    const started = performance.now();
    const error = errorOf(decodeScenario(text));
    const elapsed = performance.now() - started;
    expect(error).toContain(
      'scenario link: the decompressed scenario is larger than 1000000 bytes',
    );
    expect(elapsed).toBeLessThan(1_000);
  });

  it('rejects a scenario just over the decoded size bound, accepts one under it', () => {
    const pad = (bytes: number): string => {
      const json = JSON.stringify({ ...richScenario(), seed: 'PAD' });
      return json.replace('"PAD"', `"PAD"${' '.repeat(bytes - json.length)}`);
    };
    expect(decodeScenario(deflated(pad(LIMITS.maxDecodedBytes))).ok).toBe(true);
    expect(errorOf(decodeScenario(deflated(pad(LIMITS.maxDecodedBytes + 1))))).toContain(
      'larger than 1000000 bytes',
    );
  });
});

describe('parseScenarioJson', () => {
  it('reads a scenario file, with or without a byte order mark', () => {
    const s = richScenario();
    expect(parseScenarioJson(JSON.stringify(s, null, 2))).toEqual({ ok: true, value: s });
    expect(parseScenarioJson(`\uFEFF${JSON.stringify(s)}`)).toEqual({ ok: true, value: s });
  });

  const cases: [string, () => string, string[]][] = [
    ['an empty file', () => '', ['scenario file: empty']],
    ['broken JSON', () => '{"version": 1,\n', ['scenario file: not valid JSON (']],
    ['a JSON array', () => '[]', ['scenario: must be an object (got an array of 0 items)']],
    [
      'deeply nested arrays',
      () => '['.repeat(300_000) + ']'.repeat(300_000),
      ['scenario: must be an object'],
    ],
    [
      'a file over the size bound',
      () => ' '.repeat(LIMITS.maxFileBytes) + '{}',
      ['scenario file: too large', '1000000 bytes'],
    ],
    [
      'multi-byte text over the size bound',
      () => `{"seed": "${'é'.repeat(LIMITS.maxFileBytes / 2)}"}`,
      ['scenario file: too large'],
    ],
    [
      'an unknown key',
      () => JSON.stringify({ ...richScenario(), extra: 1 }),
      ['scenario.extra: unknown key'],
    ],
  ];

  it.each(cases)('rejects %s', (_name, make, fragments) => {
    const result = parseScenarioJson(make());
    const error = errorOf(result);
    for (const fragment of fragments) expect(error).toContain(fragment);
    expectWellFormed(result);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties.

const latencyArb = (max: number): fc.Arbitrary<LatencyDist> => {
  const micros = fc.integer({ min: 0, max });
  const ordered = fc
    .tuple(micros, micros)
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
  return fc.oneof(
    micros.map((m): LatencyDist => ({ kind: 'constant', micros: m })),
    ordered.map(([a, b]): LatencyDist => ({ kind: 'uniform', minMicros: a, maxMicros: b })),
    fc
      .tuple(micros, micros)
      .map(([m, s]): LatencyDist => ({ kind: 'normal', meanMicros: m, spreadMicros: s })),
    ordered.map(([a, b]): LatencyDist => ({ kind: 'longtail', minMicros: a, maxMicros: b })),
  );
};

const linkArb = fc.record({
  latency: latencyArb(LIMITS.maxLatencyMicros),
  lossPpm: fc.integer({ min: 0, max: 1_000_000 }),
  duplicatePpm: fc.integer({ min: 0, max: 1_000_000 }),
  reorder: fc.boolean(),
});

function actionArb(nodes: number): fc.Arbitrary<FaultAction> {
  const node = fc.integer({ min: 0, max: nodes - 1 });
  const groups = fc
    .array(fc.integer({ min: -1, max: 3 }), { minLength: nodes, maxLength: nodes })
    .map((assignment) =>
      [0, 1, 2, 3]
        .map((g) => assignment.flatMap((a, n) => (a === g ? [n] : [])))
        .filter((g) => g.length > 0),
    );
  return fc.oneof(
    fc.record({
      kind: fc.constantFrom('crash', 'restart', 'amnesia', 'pause', 'resume'),
      node,
    }) as fc.Arbitrary<FaultAction>,
    groups.map((gs): FaultAction => ({ kind: 'partition', groups: gs })),
    fc.constant<FaultAction>({ kind: 'heal' }),
    // A cut joins two different nodes: `to` is `from` plus a non-zero offset round the ring.
    fc
      .record({
        kind: fc.constantFrom('cut', 'uncut'),
        from: node,
        offset: fc.integer({ min: 1, max: Math.max(1, nodes - 1) }),
      })
      .map(({ kind, from, offset }): FaultAction =>
        nodes === 1 ? { kind: 'heal' } : { kind, from, to: (from + offset) % nodes },
      ),
    fc.integer({ min: 0, max: 1_000_000 }).map((ppm): FaultAction => ({ kind: 'loss', ppm })),
    latencyArb(100_000).map((latency): FaultAction => ({ kind: 'latency', latency })),
    fc
      .tuple(node, fc.integer({ min: -LIMITS.maxDurationMicros, max: LIMITS.maxDurationMicros }))
      .map(([n, d]): FaultAction => ({ kind: 'clockJump', node: n, deltaMicros: d })),
    fc
      .tuple(node, fc.integer({ min: -500_000, max: 500_000 }))
      .map(([n, ppm]): FaultAction => ({ kind: 'clockDrift', node: n, ppm })),
  );
}

const textArb = (min: number, max: number) =>
  fc
    .string({ minLength: min, maxLength: max, unit: 'binary' })
    .filter((s) => s.length >= min && s.length <= max);

/** Valid scenarios, drawn over the whole schema. */
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(
    fc.integer({ min: 1, max: LIMITS.maxNodes }),
    fc.integer({ min: 1, max: LIMITS.maxDurationMicros }),
  )
  .chain(([nodes, duration]) => {
    const node = fc.integer({ min: 0, max: nodes - 1 });
    const links = fc
      .uniqueArray(fc.record({ from: node, to: node, policy: linkArb }), {
        maxLength: 4,
        selector: (l) => `${l.from}>${l.to}`,
      })
      .map((ls) => ls);
    const faults = fc.array(
      fc.record({ at: fc.integer({ min: 0, max: duration }), action: actionArb(nodes) }),
      { maxLength: 6 },
    );
    const inputs = fc
      .array(
        fc.tuple(
          fc.integer({ min: 0, max: LIMITS.maxEvents }),
          fc.integer({ min: 0, max: LIMITS.maxDurationMicros }),
          actionArb(nodes),
        ),
        { maxLength: 5 },
      )
      .map((raw): RecordedInput[] => {
        const events = raw.map((r) => r[0]).sort((a, b) => a - b);
        const ats = raw.map((r) => r[1]).sort((a, b) => a - b);
        return raw.map((r, i) => ({ event: events[i]!, at: ats[i]!, action: r[2] }));
      });
    const params = fc.dictionary(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/),
      fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.boolean(), textArb(0, 20)),
      { maxKeys: 5 },
    );
    const workload = fc.option(
      fc.record({
        clients: fc.integer({ min: 0, max: LIMITS.maxClients }),
        mode: fc.constantFrom('closed' as const, 'open' as const),
        thinkMicros: fc.integer({ min: 0, max: 1_000_000 }),
        ratePerSec: fc.integer({ min: 0, max: 100_000 }),
        attemptTimeoutMicros: fc.integer({ min: 1, max: 10_000_000 }),
        opTimeoutMicros: fc.integer({ min: 1, max: 10_000_000 }),
        stopMicros: fc.option(fc.integer({ min: 0, max: duration })),
        mix: fc.dictionary(
          fc.constantFrom('get', 'put', 'append', 'cas', 'read'),
          fc.integer({ min: 0, max: 1_000 }),
          {
            maxKeys: 5,
          },
        ),
      }),
    );
    const nemesis = fc.option(
      fc.record({
        safetyMicros: fc.integer({ min: 1, max: duration }),
        intervalMicros: fc.integer({ min: 1, max: 1_000_000 }),
        kinds: fc.shuffledSubarray(
          ['partition', 'cut', 'crash', 'pause', 'loss', 'clock'] as const,
          { minLength: 1 },
        ),
      }),
    );
    return fc.record({
      version: fc.constant(1 as const),
      protocol: textArb(1, 12),
      variant: fc.option(textArb(1, 12)),
      params,
      nodes: fc.constant(nodes),
      seed: textArb(1, LIMITS.maxSeedLength),
      durationMicros: fc.constant(duration),
      network: fc.record({
        default: linkArb,
        links,
        clientLatencyMicros: fc.integer({ min: 0, max: LIMITS.maxLatencyMicros }),
      }),
      faults,
      nemesis,
      workload,
      inputs,
    });
  });

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    pathsOf(child, path, out);
  }
  return out;
}

function replaceAt(root: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = replacement;
  return copy;
}

type Mutation = { op: 'flip' | 'insert' | 'delete' | 'truncate'; at: number; char: string };

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const { op, at, char } of mutations) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (op === 'flip') out = out.slice(0, i) + char + out.slice(i + 1);
    else if (op === 'insert') out = out.slice(0, i) + char + out.slice(i);
    else if (op === 'delete') out = out.slice(0, i) + out.slice(i + 1);
    else out = out.slice(0, i);
  }
  return out;
}

const linkCharArb = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...BASE64URL_ALPHABET) },
  { weight: 1, arbitrary: fc.constantFrom('.', '=', '+', '/', ' ', 'é', '\0', '\uD800') },
);

describe('properties', () => {
  it('valid scenarios are accepted unchanged and survive an encode/decode round trip', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const parsed = parseScenario(s);
        if (!parsed.ok) throw new Error(parsed.error);
        expect(parsed.value).toEqual(s);
        const text = encodeScenario(s);
        expect(text).toMatch(/^1\.[A-Za-z0-9_-]+$/);
        expect(decodeScenario(text)).toEqual({ ok: true, value: s });
        expect(parseScenarioJson(JSON.stringify(s))).toEqual({ ok: true, value: s });
      }),
      { numRuns: 200 },
    );
  });

  it('parseScenario never throws on anything or any JSON value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({
            withNullPrototype: true,
            withBoxedValues: true,
            withMap: true,
            withSet: true,
          }),
          fc.jsonValue(),
        ),
        (value) => {
          expectWellFormed(parseScenario(value));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('parseScenario never throws on JSON objects shaped almost like scenarios', () => {
    const keys = fc.constantFrom(
      'version',
      'protocol',
      'variant',
      'params',
      'nodes',
      'seed',
      'durationMicros',
      'network',
      'faults',
      'nemesis',
      'workload',
      'inputs',
    );
    fc.assert(
      fc.property(fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 })), (value) => {
        expectWellFormed(parseScenario(value));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeScenario never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expectWellFormed(decodeScenario(text));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeScenario never throws on base64url text with the right prefix', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...BASE64URL_ALPHABET), maxLength: 400 }),
        (body) => {
          expectWellFormed(decodeScenario(`1.${body}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodeScenario never throws on random bytes, deflated or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, compress) => {
        expectWellFormed(decodeScenario(compress ? deflated(bytes) : link(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeScenario never throws on a mutated valid link', () => {
    const valid = encodeScenario(richScenario());
    const mutation = fc.record({
      op: fc.constantFrom(
        'flip' as const,
        'insert' as const,
        'delete' as const,
        'truncate' as const,
      ),
      at: fc.nat(),
      char: linkCharArb,
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        expectWellFormed(decodeScenario(mutate(valid, mutations)));
      }),
      { numRuns: 400 },
    );
  });

  it('parseScenario never throws when any field of a valid scenario is replaced', () => {
    const valid = richScenario();
    const paths = pathsOf(valid);
    fc.assert(
      fc.property(
        fc.nat({ max: paths.length - 1 }),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.anything({ maxDepth: 2 })),
        (index, replacement) => {
          const mutated = replaceAt(valid, paths[index]!, replacement);
          const result = parseScenario(mutated);
          expectWellFormed(result);
          if (!result.ok) expect(result.error).toMatch(/^scenario[.[:]/);
        },
      ),
      { numRuns: 400 },
    );
  });
});
