import { readFileSync, statSync } from 'node:fs';
import { getProtocol, protocolIds } from '../protocols/registry';
import { LIMITS } from '../sim/limits';
import { presetScenario } from '../sim/presets';
import {
  DEFAULT_NEMESIS,
  parseScenario,
  parseScenarioJson,
  validateForProtocol,
} from '../sim/scenario';
import type { ProtocolModule, Scenario } from '../sim/types';
import { UsageError } from './errors';
import { parseDuration, parseInteger, parseParam } from './flags';

/** The flags every command that builds a scenario accepts. */
export const SCENARIO_OPTIONS = {
  protocol: { type: 'string' },
  nodes: { type: 'string' },
  seed: { type: 'string' },
  until: { type: 'string' },
  preset: { type: 'string' },
  variant: { type: 'string' },
  param: { type: 'string', multiple: true },
  scenario: { type: 'string' },
  nemesis: { type: 'boolean' },
} as const;

export interface ScenarioFlags {
  protocol?: string;
  nodes?: string;
  seed?: string;
  until?: string;
  preset?: string;
  variant?: string;
  param?: string[];
  scenario?: string;
  nemesis?: boolean;
}

export interface BuiltRun {
  readonly module: ProtocolModule;
  readonly scenario: Scenario;
  readonly untilMicros: number;
}

export function requireProtocol(id: string | undefined): ProtocolModule {
  if (id === undefined)
    throw new UsageError(`--protocol is required (protocols: ${protocolIds().join(', ')})`);
  const module = getProtocol(id);
  if (module === undefined)
    throw new UsageError(`unknown protocol "${id}" (protocols: ${protocolIds().join(', ')})`);
  return module;
}

function readScenarioFile(path: string): Scenario {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > LIMITS.maxFileBytes)
      throw new UsageError(
        `--scenario ${path}: file is ${size} bytes; at most ${LIMITS.maxFileBytes}`,
      );
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `--scenario ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const parsed = parseScenarioJson(text);
  if (!parsed.ok) throw new UsageError(`--scenario ${path}: ${parsed.error}`);
  return parsed.value;
}

function baseScenario(flags: ScenarioFlags): { module: ProtocolModule; scenario: Scenario } {
  if (flags.scenario !== undefined) {
    const scenario = readScenarioFile(flags.scenario);
    if (flags.protocol !== undefined && flags.protocol !== scenario.protocol) {
      throw new UsageError(
        `--protocol ${flags.protocol} disagrees with the scenario file's protocol ${scenario.protocol}`,
      );
    }
    return { module: requireProtocol(scenario.protocol), scenario };
  }
  const module = requireProtocol(flags.protocol);
  const built = presetScenario(module, flags.preset ?? null, flags.seed ?? '1');
  if (!built.ok) throw new UsageError(built.error);
  return { module, scenario: built.value };
}

/** Defaults, then a preset or a scenario file, then each flag on top; validated at the end. */
export function scenarioFromFlags(flags: ScenarioFlags): BuiltRun {
  const { module, scenario: base } = baseScenario(flags);
  if (flags.scenario !== undefined && flags.preset !== undefined)
    throw new UsageError('use --preset or --scenario, not both');
  const untilMicros =
    flags.until === undefined ? base.durationMicros : parseDuration('until', flags.until);
  const params = { ...base.params };
  for (const text of flags.param ?? []) {
    const [key, value] = parseParam(module.params, module.id, text);
    params[key] = value;
  }
  const durationMicros = Math.max(base.durationMicros, untilMicros);
  const draft: Scenario = {
    ...base,
    params,
    durationMicros,
    seed: flags.seed ?? base.seed,
    nodes:
      flags.nodes === undefined
        ? base.nodes
        : parseInteger('nodes', flags.nodes, 1, LIMITS.maxNodes),
    variant: flags.variant === undefined ? base.variant : flags.variant,
    nemesis: flags.nemesis
      ? { ...DEFAULT_NEMESIS, safetyMicros: Math.floor((durationMicros * 6) / 10) }
      : base.nemesis,
  };
  const shaped = parseScenario(draft);
  if (!shaped.ok) throw new UsageError(shaped.error);
  const checked = validateForProtocol(shaped.value, module);
  if (!checked.ok) throw new UsageError(checked.error);
  return { module, scenario: checked.value, untilMicros };
}
