/**
 * Scenarios from the outside world: the schema, clear one-line errors, the checks a protocol adds,
 * the URL encoding and the defaults. Everything read here is untrusted (a link, a file, a paste):
 * sizes are bounded before any work, nothing throws, and nothing runs until it validates.
 * No Node-only APIs: this file also runs in the browser.
 */
import { deflateSync, Inflate } from 'fflate';
import { z } from 'zod';
import { LIMITS } from './limits';
import { SCENARIO_VERSION } from './types';
import type {
  FaultAction,
  LatencyDist,
  LinkPolicy,
  NemesisConfig,
  NemesisKind,
  NetworkConfig,
  NodeId,
  ParamDef,
  ParamSpec,
  Scenario,
  WorkloadConfig,
} from './types';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

type ParamValue = number | boolean | string;

const PPM = 1_000_000;
const MAX_RATE_PER_SEC = 100_000;
/** A clock may run at most this much fast or slow (parts per million); -1,000,000 would stop it. */
const MAX_DRIFT_PPM = 500_000;
const NEMESIS_KINDS = [
  'partition',
  'cut',
  'crash',
  'pause',
  'loss',
  'clock',
  'reorder',
  'leader',
] as const satisfies readonly NemesisKind[];
/** Parameter names are identifiers, so `__proto__` and friends never reach an object key. */
const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const COMMAND_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const COMMAND_NAME_TEXT =
  'must be a command name: a lowercase letter, then lowercase letters, digits or - (at most 32)';

// ---------------------------------------------------------------------------------------------
// Schema building blocks. Every schema carries its own message saying what it accepts, so the
// formatter below never shows one of zod's generic messages.

/** An integer in [min, max]; `what` replaces the default "an integer from min to max". */
function int(min: number, max: number, what = `an integer from ${min} to ${max}`) {
  const error = `must be ${what}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const micros = (min: number, max: number) => int(min, max);
const latencyMicros = () => micros(0, LIMITS.maxLatencyMicros);
const ppm = () => int(0, PPM, `an integer number of parts per million from 0 to ${PPM}`);
const nodeId = () => int(0, LIMITS.maxNodes - 1, `a node number from 0 to ${LIMITS.maxNodes - 1}`);
const bool = () => z.boolean({ error: 'must be true or false' });

function text(min: number, max: number, what = `a string of ${min} to ${max} characters`) {
  const error = `must be ${what}`;
  return z.string({ error }).min(min, { error }).max(max, { error });
}

function literal<const T extends string | number>(value: T) {
  return z.literal(value, { error: `must be ${JSON.stringify(value)}` });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${quoteList(values)}` });
}

/** An array of min..max items, frozen once parsed (the contracts say readonly). */
function list<T extends z.ZodType>(item: T, min: number, max: number, noun: string) {
  const error =
    min === 0
      ? `must be a list of at most ${max} ${noun}`
      : `must be a list of ${min} to ${max} ${noun}`;
  return z.array(item, { error }).min(min, { error }).max(max, { error }).readonly();
}

/** An object with exactly these keys; an unknown key is an error that lists the accepted ones. */
function strict<T extends z.core.$ZodLooseShape>(shape: T, what = 'an object') {
  const accepted = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key (accepted: ${accepted})`
        : `must be ${what}`,
  });
}

/** A union of objects told apart by `kind`; an unknown kind lists the known ones. */
function byKind<
  const T extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]],
>(options: T, kinds: readonly string[], what: string) {
  return z.discriminatedUnion('kind', options, {
    error: (issue) =>
      issue.code === 'invalid_union' ? `must be one of ${quoteList(kinds)}` : `must be ${what}`,
  });
}

// ---------------------------------------------------------------------------------------------
// The schema, field by field as in types.ts.

const LATENCY_KINDS = ['constant', 'uniform', 'normal', 'longtail'] as const;

const latencySchema = byKind(
  [
    strict({ kind: literal('constant'), micros: latencyMicros() }),
    strict({ kind: literal('uniform'), minMicros: latencyMicros(), maxMicros: latencyMicros() }),
    strict({ kind: literal('normal'), meanMicros: latencyMicros(), spreadMicros: latencyMicros() }),
    strict({ kind: literal('longtail'), minMicros: latencyMicros(), maxMicros: latencyMicros() }),
  ],
  LATENCY_KINDS,
  'a latency distribution (an object with a kind)',
);

const linkPolicySchema = strict({
  latency: latencySchema,
  lossPpm: ppm(),
  duplicatePpm: ppm(),
  reorder: bool(),
});

const networkSchema = strict({
  default: linkPolicySchema,
  links: list(
    strict({ from: nodeId(), to: nodeId(), policy: linkPolicySchema }),
    0,
    LIMITS.maxLinkOverrides,
    'link overrides',
  ),
  clientLatencyMicros: latencyMicros(),
});

const FAULT_KINDS = [
  'crash',
  'restart',
  'amnesia',
  'pause',
  'resume',
  'partition',
  'heal',
  'cut',
  'uncut',
  'loss',
  'latency',
  'clockJump',
  'clockDrift',
  'reorder',
  'command',
  'isolateLeader',
] as const satisfies readonly FaultAction['kind'][];

const faultActionSchema = byKind(
  [
    strict({ kind: literal('crash'), node: nodeId() }),
    strict({ kind: literal('restart'), node: nodeId() }),
    strict({ kind: literal('amnesia'), node: nodeId() }),
    strict({ kind: literal('pause'), node: nodeId() }),
    strict({ kind: literal('resume'), node: nodeId() }),
    strict({
      kind: literal('partition'),
      groups: list(list(nodeId(), 0, LIMITS.maxNodes, 'nodes'), 0, LIMITS.maxNodes, 'groups'),
    }),
    strict({ kind: literal('heal') }),
    strict({ kind: literal('cut'), from: nodeId(), to: nodeId() }),
    strict({ kind: literal('uncut'), from: nodeId(), to: nodeId() }),
    strict({ kind: literal('loss'), ppm: ppm() }),
    strict({ kind: literal('latency'), latency: latencySchema }),
    strict({
      kind: literal('clockJump'),
      node: nodeId(),
      deltaMicros: micros(-LIMITS.maxDurationMicros, LIMITS.maxDurationMicros),
    }),
    strict({
      kind: literal('clockDrift'),
      node: nodeId(),
      ppm: int(-MAX_DRIFT_PPM, MAX_DRIFT_PPM),
    }),
    strict({ kind: literal('reorder'), on: z.boolean({ error: 'must be true or false' }) }),
    strict({ kind: literal('isolateLeader') }),
    strict({
      kind: literal('command'),
      command: z
        .string({ error: COMMAND_NAME_TEXT })
        .regex(COMMAND_NAME, { error: COMMAND_NAME_TEXT }),
      node: nodeId(),
    }),
  ],
  FAULT_KINDS,
  'a fault action (an object with a kind)',
);

const timedFaultSchema = strict({
  at: micros(0, LIMITS.maxDurationMicros),
  action: faultActionSchema,
});

const recordedInputSchema = strict({
  event: int(0, LIMITS.maxEvents),
  at: micros(0, LIMITS.maxDurationMicros),
  action: faultActionSchema,
});

const nemesisSchema = strict(
  {
    safetyMicros: micros(1, LIMITS.maxDurationMicros),
    intervalMicros: micros(1, LIMITS.maxDurationMicros),
    kinds: list(oneOf(NEMESIS_KINDS), 1, NEMESIS_KINDS.length, 'nemesis kinds'),
  },
  'null or an object',
);

const PARAM_NAME_TEXT = 'a parameter name must be a letter then letters, digits or _ (at most 64)';

const MAX_MIX_WEIGHT = 1_000;
const MAX_MIX_OPS = 16;
const MIX_NAME_TEXT = 'an op name must be a letter then letters, digits or _ (at most 64)';

/** zod's record silently drops an own `__proto__` key; a scenario that holds one is rejected instead. */
const noProtoKey = z.unknown().superRefine((input, ctx) => {
  if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__')) {
    ctx.addIssue({
      code: 'custom',
      message: PARAM_NAME_TEXT,
      path: ['__proto__'],
      input: '__proto__',
    });
  }
});

const workloadSchema = strict(
  {
    clients: int(0, LIMITS.maxClients),
    mode: oneOf(['closed', 'open']),
    thinkMicros: micros(0, LIMITS.maxDurationMicros),
    ratePerSec: int(0, MAX_RATE_PER_SEC),
    attemptTimeoutMicros: micros(1, LIMITS.maxDurationMicros),
    opTimeoutMicros: micros(1, LIMITS.maxDurationMicros),
    stopMicros: int(
      0,
      LIMITS.maxDurationMicros,
      `null or an integer from 0 to ${LIMITS.maxDurationMicros}`,
    ).nullable(),
    mix: noProtoKey.pipe(
      z
        .record(
          z.string().regex(PARAM_NAME, { error: MIX_NAME_TEXT }),
          int(0, MAX_MIX_WEIGHT, `a whole-number weight from 0 to ${MAX_MIX_WEIGHT}`),
          { error: 'must be an object of op weights, like {"get": 3, "put": 1}' },
        )
        .refine((mix) => Object.keys(mix).length <= MAX_MIX_OPS, {
          error: `must name at most ${MAX_MIX_OPS} ops`,
        }),
    ),
  },
  'null or an object',
);

const PARAM_VALUE_TEXT = `an integer, true, false or a string of at most ${LIMITS.maxStringLength} characters`;

const paramsRecord = z
  .record(
    z.string().regex(PARAM_NAME, { error: PARAM_NAME_TEXT }),
    z.union(
      [
        z.number().int({ error: `must be ${PARAM_VALUE_TEXT}` }),
        z.boolean(),
        z.string().max(LIMITS.maxStringLength, { error: `must be ${PARAM_VALUE_TEXT}` }),
      ],
      { error: `must be ${PARAM_VALUE_TEXT}` },
    ),
    { error: 'must be an object of parameter values' },
  )
  .refine((params) => Object.keys(params).length <= LIMITS.maxParams, {
    error: `must have at most ${LIMITS.maxParams} parameters`,
  });

const paramsSchema = noProtoKey.pipe(paramsRecord);

export const scenarioSchema = strict({
  version: z.literal(SCENARIO_VERSION, {
    error: `must be ${SCENARIO_VERSION}: the only scenario version this build of splitbrain accepts`,
  }),
  protocol: text(1, LIMITS.maxStringLength),
  variant: text(
    1,
    LIMITS.maxStringLength,
    `null or a string of 1 to ${LIMITS.maxStringLength} characters`,
  ).nullable(),
  params: paramsSchema,
  nodes: int(1, LIMITS.maxNodes),
  seed: text(1, LIMITS.maxSeedLength),
  durationMicros: micros(1, LIMITS.maxDurationMicros),
  network: networkSchema,
  faults: list(timedFaultSchema, 0, LIMITS.maxFaults, 'faults'),
  nemesis: nemesisSchema.nullable(),
  workload: workloadSchema.nullable(),
  inputs: list(recordedInputSchema, 0, LIMITS.maxInputs, 'inputs'),
});

// Compile-time proof that the schema and the contract agree: each is assignable to the other,
// and, readonly modifiers aside, they are the same type (no extra or missing field anywhere).
type SchemaScenario = z.infer<typeof scenarioSchema>;
type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
type Same<A, B> =
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type Holds<T extends true> = T;
export type SchemaMatchesScenario = [
  Holds<SchemaScenario extends Scenario ? true : false>,
  Holds<Scenario extends SchemaScenario ? true : false>,
  Holds<Same<Mutable<SchemaScenario>, Mutable<Scenario>>>,
];

// ---------------------------------------------------------------------------------------------
// Problems and their one-line messages.

type Path = readonly PropertyKey[];

interface Problem {
  readonly path: Path;
  readonly message: string;
  /** The offending value, shown as "(got ...)"; absent when there is nothing useful to show. */
  readonly got?: { readonly value: unknown };
}

function failure<T>(message: string): ParseResult<T> {
  return { ok: false, error: oneLine(message) };
}

function fromProblems<T>(problems: readonly Problem[]): ParseResult<T> {
  const first = problems[0]!;
  const more = problems.length - 1;
  const got = first.got === undefined ? '' : ` (got ${describeValue(first.got.value)})`;
  const tail = more === 0 ? '' : ` (and ${more} more problem${more === 1 ? '' : 's'})`;
  return failure(`${formatPath(first.path)}: ${first.message}${got}${tail}`);
}

function oneLine(message: string): string {
  const flat = message.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();
  return flat.length > 0 ? flat : 'scenario: invalid';
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function formatPath(path: Path): string {
  let out = 'scenario';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(clip(String(key)))}]`;
  }
  return out;
}

function clip(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/** A short, flat description of any value: never recursive, never long. */
function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'nothing';
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${clip(String(value))}n`;
    case 'string':
      return JSON.stringify(clip(value))
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (!Array.isArray(value)) return 'an object';
      return value.length === 1 ? 'an array of 1 item' : `an array of ${value.length} items`;
  }
}

function hasValue(issue: z.core.$ZodIssue): boolean {
  return Object.prototype.hasOwnProperty.call(issue, 'input');
}

/** One zod issue as problems (an issue naming several unknown keys is one problem per key). */
function issueProblems(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: issue.message }));
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? issue.message;
      return [{ path, message: inner, got: { value: path[path.length - 1] } }];
    }
    case 'invalid_union':
      if (issue.discriminator !== undefined) {
        const input = issue.input;
        const kind =
          typeof input === 'object' && input !== null
            ? (input as Record<string, unknown>)[issue.discriminator]
            : undefined;
        if (kind === undefined) return [{ path, message: `missing; it ${issue.message}` }];
        return [{ path, message: issue.message, got: { value: kind } }];
      }
      break;
    case 'invalid_type':
      if (issue.input === undefined) return [{ path, message: `missing; it ${issue.message}` }];
      break;
  }
  return [
    hasValue(issue)
      ? { path, message: issue.message, got: { value: issue.input } }
      : { path, message: issue.message },
  ];
}

// ---------------------------------------------------------------------------------------------
// Checks across fields, after the shape is right.

function semanticProblems(s: Scenario): Problem[] {
  const problems: Problem[] = [];
  const report = (path: Path, message: string, value?: unknown): void => {
    problems.push(value === undefined ? { path, message } : { path, message, got: { value } });
  };
  const node = (path: Path, id: NodeId): void => {
    if (id >= s.nodes)
      report(
        path,
        `must name a node from 0 to ${s.nodes - 1}, as the cluster has ${s.nodes} nodes`,
        id,
      );
  };
  checkLatency(['network', 'default', 'latency'], s.network.default.latency, report);
  checkLinks(s, node, report);
  s.faults.forEach((fault, i) => {
    if (fault.at > s.durationMicros)
      report(['faults', i, 'at'], `must be at most durationMicros (${s.durationMicros})`, fault.at);
    checkAction(['faults', i, 'action'], fault.action, node, report);
  });
  checkInputs(s, node, report);
  if (s.nemesis !== null) checkUnique(['nemesis', 'kinds'], s.nemesis.kinds, report);
  return problems;
}

type Report = (path: Path, message: string, value?: unknown) => void;
type NodeCheck = (path: Path, id: NodeId) => void;

function checkLatency(path: Path, latency: LatencyDist, report: Report): void {
  if (
    (latency.kind === 'uniform' || latency.kind === 'longtail') &&
    latency.minMicros > latency.maxMicros
  ) {
    report(
      [...path, 'maxMicros'],
      `must be at least minMicros (${latency.minMicros})`,
      latency.maxMicros,
    );
  }
}

function checkLinks(s: Scenario, node: NodeCheck, report: Report): void {
  const seen = new Map<number, number>();
  s.network.links.forEach((link, i) => {
    const path = ['network', 'links', i];
    node([...path, 'from'], link.from);
    node([...path, 'to'], link.to);
    checkLatency([...path, 'policy', 'latency'], link.policy.latency, report);
    const key = link.from * LIMITS.maxNodes + link.to;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      report(
        path,
        `overrides the link ${link.from} -> ${link.to} again (links[${earlier}] already does)`,
      );
    else seen.set(key, i);
  });
}

function checkAction(path: Path, action: FaultAction, node: NodeCheck, report: Report): void {
  switch (action.kind) {
    case 'partition':
      return checkPartition([...path, 'groups'], action.groups, node, report);
    case 'cut':
    case 'uncut':
      node([...path, 'from'], action.from);
      node([...path, 'to'], action.to);
      if (action.from === action.to)
        report(
          [...path, 'to'],
          `must differ from from (a node has no link to itself; got ${action.to})`,
        );
      return;
    case 'latency':
      return checkLatency([...path, 'latency'], action.latency, report);
    case 'heal':
    case 'loss':
    case 'reorder':
    case 'isolateLeader':
      return;
    default:
      return node([...path, 'node'], action.node);
  }
}

function checkPartition(
  path: Path,
  groups: readonly (readonly NodeId[])[],
  node: NodeCheck,
  report: Report,
): void {
  const groupOf = new Map<NodeId, number>();
  groups.forEach((group, g) => {
    group.forEach((id, k) => {
      node([...path, g, k], id);
      const earlier = groupOf.get(id);
      if (earlier === undefined) groupOf.set(id, g);
      else
        report(
          [...path, g, k],
          `node ${id} is already in group ${earlier}; a node may be in at most one group`,
        );
    });
  });
}

function checkInputs(s: Scenario, node: NodeCheck, report: Report): void {
  s.inputs.forEach((input, i) => {
    checkAction(['inputs', i, 'action'], input.action, node, report);
    if (i === 0) return;
    const before = s.inputs[i - 1]!;
    if (input.event < before.event) {
      report(
        ['inputs', i, 'event'],
        `inputs must be in order of event (inputs[${i - 1}].event is ${before.event})`,
        input.event,
      );
    } else if (input.at < before.at) {
      report(
        ['inputs', i, 'at'],
        `inputs must be in order of time (inputs[${i - 1}].at is ${before.at})`,
        input.at,
      );
    }
  });
}

function checkUnique(path: Path, values: readonly string[], report: Report): void {
  values.forEach((value, i) => {
    const first = values.indexOf(value);
    if (first !== i)
      report([...path, i], `lists ${JSON.stringify(value)} twice (also at [${first}])`);
  });
}

// ---------------------------------------------------------------------------------------------
// Parsing and protocol checks.

/** Validate untrusted data as a scenario: shape first, then the checks across fields. Never throws. */
export function parseScenario(input: unknown): ParseResult<Scenario> {
  try {
    const shaped = scenarioSchema.safeParse(input, { reportInput: true });
    if (!shaped.success) return fromProblems(shaped.error.issues.flatMap(issueProblems));
    const problems = semanticProblems(shaped.data);
    if (problems.length > 0) return fromProblems(problems);
    return { ok: true, value: shaped.data };
  } catch (error) {
    return failure(`scenario: could not be read (${errorText(error)})`);
  }
}

function errorText(error: unknown): string {
  try {
    return clip(error instanceof Error ? error.message : String(error), 200);
  } catch {
    return 'unknown error';
  }
}

export interface ProtocolInfo {
  readonly id: string;
  readonly params: ParamSpec;
  readonly variants: Readonly<Record<string, unknown>>;
  /** The ops its workload offers, with their default weights (absent: no configurable mix). */
  readonly workload?: { readonly defaultMix?: Readonly<Record<string, number>> };
  /** The operator commands it accepts (absent: none). */
  readonly commands?: Readonly<Record<string, unknown>>;
}

/**
 * Check a (shape-valid) scenario against its protocol: the id, the variant, each parameter's
 * name, kind and range. The result's params are complete: the spec's defaults, overlaid with
 * the scenario's own, in the spec's order.
 */
export function validateForProtocol(s: Scenario, info: ProtocolInfo): ParseResult<Scenario> {
  const problems: Problem[] = [];
  if (s.protocol !== info.id)
    problems.push({
      path: ['protocol'],
      message: `must be ${JSON.stringify(info.id)}`,
      got: { value: s.protocol },
    });
  if (s.variant !== null && !Object.hasOwn(info.variants, s.variant)) {
    problems.push({ path: ['variant'], message: variantMessage(info), got: { value: s.variant } });
  }
  const known = Object.keys(info.params);
  for (const key of Object.keys(s.params)) {
    const value = s.params[key]!;
    const path = ['params', key];
    if (!Object.hasOwn(info.params, key)) {
      problems.push({
        path,
        message: `unknown parameter of ${info.id} (known: ${known.join(', ') || 'none'})`,
      });
      continue;
    }
    const accepted = paramProblem(info.params[key]!, value, s.nodes);
    if (accepted !== null) problems.push({ path, message: accepted, got: { value } });
  }
  mixProblems(s, info, problems);
  commandProblems(s, info, problems);
  if (problems.length > 0) return fromProblems(problems);
  return { ok: true, value: { ...s, params: completeParams(info.params, s.params) } };
}

/** Operator commands in the faults and inputs must be ones the protocol accepts. */
function commandProblems(s: Scenario, info: ProtocolInfo, problems: Problem[]): void {
  const accepted = Object.keys(info.commands ?? {});
  const check = (path: Path, action: FaultAction) => {
    if (action.kind !== 'command' || accepted.includes(action.command)) return;
    problems.push({
      path: [...path, 'command'],
      message:
        accepted.length === 0
          ? `${info.id} accepts no operator commands`
          : `unknown command of ${info.id} (commands: ${accepted.join(', ')})`,
      got: { value: action.command },
    });
  };
  s.faults.forEach((fault, i) => check(['faults', i, 'action'], fault.action));
  s.inputs.forEach((input, i) => check(['inputs', i, 'action'], input.action));
}

/** A workload mix may only weigh ops the protocol offers, and must leave one op possible. */
function mixProblems(s: Scenario, info: ProtocolInfo, problems: Problem[]): void {
  const mix = s.workload?.mix ?? {};
  const names = Object.keys(mix);
  if (names.length === 0) return;
  const offered = Object.keys(info.workload?.defaultMix ?? {});
  for (const name of names) {
    if (!offered.includes(name)) {
      const accepted =
        offered.length === 0
          ? `${info.id} has no configurable op mix`
          : `ops: ${offered.join(', ')}`;
      problems.push({ path: ['workload', 'mix', name], message: `unknown op (${accepted})` });
    }
  }
  if (names.every((name) => mix[name] === 0)) {
    problems.push({
      path: ['workload', 'mix'],
      message: 'must give at least one op a weight above 0',
    });
  }
}

function variantMessage(info: ProtocolInfo): string {
  const variants = Object.keys(info.variants);
  if (variants.length === 0) return `must be null: ${info.id} has no variants`;
  return `must be null or one of ${quoteList(variants)}`;
}

/** What the parameter accepts, if `value` is not it; null when it is fine. */
function paramProblem(def: ParamDef, value: ParamValue, nodes: number): string | null {
  switch (def.kind) {
    case 'int':
      return Number.isInteger(value) && (value as number) >= def.min && (value as number) <= def.max
        ? null
        : `must be an integer from ${def.min} to ${def.max}`;
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'enum':
      return typeof value === 'string' && def.options.includes(value)
        ? null
        : `must be one of ${quoteList(def.options)}`;
    case 'text':
      return textParamProblem(def, value, nodes);
  }
}

function textParamProblem(
  def: Extract<ParamDef, { kind: 'text' }>,
  value: ParamValue,
  nodes: number,
): string | null {
  const accepts = `must be ${def.accepts}, at most ${def.maxLength} characters`;
  if (typeof value !== 'string' || value.length > def.maxLength) return accepts;
  if (!new RegExp(`^(?:${def.pattern})$`).test(value)) return accepts;
  const problem = def.problem?.(value, nodes) ?? null;
  return problem === null ? null : `${problem}; ${accepts}`;
}

/** Every parameter of the spec with its default value, in the spec's order. */
export function paramDefaults(spec: ParamSpec): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const key of Object.keys(spec)) values[key] = spec[key]!.default;
  return values;
}

function completeParams(
  spec: ParamSpec,
  given: Readonly<Record<string, ParamValue>>,
): Record<string, ParamValue> {
  const values = paramDefaults(spec);
  for (const key of Object.keys(values)) if (Object.hasOwn(given, key)) values[key] = given[key]!;
  return values;
}

function quoteList(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

// ---------------------------------------------------------------------------------------------
// URL encoding: `1.` + base64url(deflate(UTF-8(JSON))).

const FORMAT_PREFIX = '1.';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_VALUE: readonly number[] = (() => {
  const table = new Array<number>(128).fill(-1);
  for (let i = 0; i < BASE64URL.length; i++) table[BASE64URL.charCodeAt(i)] = i;
  return table;
})();
/** Compressed bytes fed to the inflater at once: one push can grow by at most ~1032x this. */
const INFLATE_CHUNK = 512;

/** The scenario as URL-safe text. Equal scenarios give equal text (fields in schema order). */
export function encodeScenario(s: Scenario): string {
  const canonical = scenarioSchema.safeParse(s);
  const json = JSON.stringify(canonical.success ? canonical.data : s);
  const packed = deflateSync(new TextEncoder().encode(json), { level: 9 });
  return FORMAT_PREFIX + toBase64Url(packed);
}

/** Read text made by encodeScenario. Untrusted: bounded, never throws, never hangs. */
export function decodeScenario(text: string): ParseResult<Scenario> {
  try {
    return decodeChecked(text);
  } catch (error) {
    return failure(`scenario link: could not be read (${errorText(error)})`);
  }
}

function decodeChecked(text: string): ParseResult<Scenario> {
  if (typeof text !== 'string') return failure('scenario link: must be text');
  if (text.length > LIMITS.maxEncodedChars) {
    return failure(
      `scenario link: too long (${text.length} characters; at most ${LIMITS.maxEncodedChars})`,
    );
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) return failure('scenario link: empty');
  const dot = trimmed.indexOf('.');
  const prefix = dot < 0 ? '' : trimmed.slice(0, dot + 1);
  if (prefix !== FORMAT_PREFIX) return failure(prefixMessage(prefix));
  const bytes = fromBase64Url(trimmed.slice(FORMAT_PREFIX.length), FORMAT_PREFIX.length);
  if (!bytes.ok) return bytes;
  const inflated = inflateBounded(bytes.value, LIMITS.maxDecodedBytes);
  if (!inflated.ok) return inflated;
  const json = decodeUtf8(inflated.value);
  if (!json.ok) return failure(`scenario link: the decompressed data is ${json.error}`);
  const value = parseJson(json.value);
  if (!value.ok) return failure(`scenario link: the decompressed data is ${value.error}`);
  return parseScenario(value.value);
}

function prefixMessage(prefix: string): string {
  if (/^[0-9]{1,6}\.$/.test(prefix)) {
    return `scenario link: format ${prefix.slice(0, -1)} is not supported; this build reads format ${FORMAT_PREFIX.slice(0, -1)} only (was the link made by a newer splitbrain?)`;
  }
  return `scenario link: not a splitbrain scenario (it must start with "${FORMAT_PREFIX}")`;
}

function toBase64Url(bytes: Uint8Array): string {
  const out: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out.push(
      BASE64URL[(n >> 18) & 63]!,
      BASE64URL[(n >> 12) & 63]!,
      BASE64URL[(n >> 6) & 63]!,
      BASE64URL[n & 63]!,
    );
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out.push(BASE64URL[(n >> 18) & 63]!, BASE64URL[(n >> 12) & 63]!);
    if (rest === 2) out.push(BASE64URL[(n >> 6) & 63]!);
  }
  return out.join('');
}

/** Decode unpadded base64url; `offset` is where `text` starts in the link, for messages. */
function fromBase64Url(text: string, offset: number): ParseResult<Uint8Array> {
  if (text.length === 0) return failure('scenario link: no data after the prefix');
  const values = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? BASE64URL_VALUE[code]! : -1;
    if (value < 0) {
      return failure(
        `scenario link: character ${describeValue(text.charAt(i))} at position ${offset + i} is not allowed (only A-Z, a-z, 0-9, - and _)`,
      );
    }
    values[i] = value;
  }
  if (text.length % 4 === 1)
    return failure(
      'scenario link: the data is cut off (its length is not a whole number of bytes)',
    );
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let out = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (values[i]! << 18) |
      (values[i + 1]! << 12) |
      ((values[i + 2] ?? 0) << 6) |
      (values[i + 3] ?? 0);
    bytes[out++] = (n >> 16) & 255;
    if (i + 2 < text.length) bytes[out++] = (n >> 8) & 255;
    if (i + 3 < text.length) bytes[out++] = n & 255;
  }
  return { ok: true, value: bytes };
}

class OutputTooLarge extends Error {}

/**
 * Inflate raw deflate data, a small chunk at a time, stopping as soon as the output passes
 * `limit` bytes: a decompression bomb fails after at most one chunk's worth of output.
 */
function inflateBounded(data: Uint8Array, limit: number): ParseResult<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > limit) throw new OutputTooLarge();
    chunks.push(chunk);
  });
  try {
    for (let start = 0; start < data.length; start += INFLATE_CHUNK) {
      const end = Math.min(start + INFLATE_CHUNK, data.length);
      inflater.push(data.subarray(start, end), end === data.length);
    }
  } catch (error) {
    if (error instanceof OutputTooLarge) {
      return failure(
        `scenario link: the decompressed scenario is larger than ${limit} bytes; refusing to decompress further`,
      );
    }
    return failure(
      `scenario link: the compressed data is damaged or cut off (${errorText(error)})`,
    );
  }
  return { ok: true, value: concat(chunks, total) };
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function decodeUtf8(bytes: Uint8Array): ParseResult<string> {
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return failure('not valid UTF-8 text');
  }
}

function parseJson(text: string): ParseResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return failure(`not valid JSON (${errorText(error)})`);
  }
}

/** Read a scenario file's text. Untrusted: bounded, never throws. */
export function parseScenarioJson(text: string): ParseResult<Scenario> {
  try {
    if (typeof text !== 'string') return failure('scenario file: must be text');
    const bytes = utf8Length(text, LIMITS.maxFileBytes);
    if (bytes > LIMITS.maxFileBytes)
      return failure(`scenario file: too large (more than ${LIMITS.maxFileBytes} bytes)`);
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (body.trim().length === 0) return failure('scenario file: empty');
    const value = parseJson(body);
    if (!value.ok) return failure(`scenario file: ${value.error}`);
    return parseScenario(value.value);
  } catch (error) {
    return failure(`scenario file: could not be read (${errorText(error)})`);
  }
}

/** The UTF-8 size of `text` in bytes, counting no further than just past `stopAfter`. */
function utf8Length(text: string, stopAfter: number): number {
  if (text.length > stopAfter) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= stopAfter; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (
      code >= 0xd800 &&
      code < 0xdc00 &&
      i + 1 < text.length &&
      (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Defaults.

/** A classroom LAN: 2 to 8 ms, nothing lost or duplicated, FIFO. */
export const DEFAULT_LINK: LinkPolicy = Object.freeze({
  latency: Object.freeze({ kind: 'uniform', minMicros: 2_000, maxMicros: 8_000 } as const),
  lossPpm: 0,
  duplicatePpm: 0,
  reorder: false,
});

export const DEFAULT_NETWORK: NetworkConfig = Object.freeze({
  default: DEFAULT_LINK,
  links: Object.freeze([]),
  clientLatencyMicros: 1_000,
});

/** Faults for the first 6 s, one every half second or so, of every kind. */
export const DEFAULT_NEMESIS: NemesisConfig = Object.freeze({
  safetyMicros: 6_000_000,
  intervalMicros: 500_000,
  kinds: Object.freeze([...NEMESIS_KINDS]),
});

export const DEFAULT_DURATION_MICROS = 10_000_000;

/** A protocol's starting scenario: its defaults, a healthy network, no faults, ten seconds. */
export function defaultScenario(
  protocol: {
    readonly id: string;
    readonly params: ParamSpec;
    readonly defaults: { readonly nodes: number; readonly workload: WorkloadConfig | null };
  },
  seed = '1',
): Scenario {
  return {
    version: SCENARIO_VERSION,
    protocol: protocol.id,
    variant: null,
    params: paramDefaults(protocol.params),
    nodes: protocol.defaults.nodes,
    seed,
    durationMicros: DEFAULT_DURATION_MICROS,
    network: DEFAULT_NETWORK,
    faults: [],
    nemesis: null,
    workload: protocol.defaults.workload,
    inputs: [],
  };
}
