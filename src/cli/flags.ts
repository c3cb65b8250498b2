import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LIMITS } from '../sim/limits';
import type { ParamDef, ParamSpec } from '../sim/types';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse a command's flags strictly; an unknown or malformed flag is a UsageError. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new UsageError(
      `${command}: ${message.replace(/^TypeError \[[A-Z_]+\]: /, '')} (see splitbrain ${command} --help)`,
    );
  }
}

const UNITS: Record<string, number> = { us: 1, µs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000 };

/** "10s", "250ms", "1500us", "2m", or a bare number of microseconds. */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m)?$/.exec(text.trim());
  const micros = match ? Math.round(Number(match[1]) * UNITS[match[2] ?? 'us']!) : NaN;
  if (!Number.isFinite(micros) || micros < 1 || micros > LIMITS.maxDurationMicros) {
    throw new UsageError(
      `--${flag} must be a duration from 1us to ${LIMITS.maxDurationMicros / 60_000_000}m, like 10s, 250ms or 1500us (got "${text}")`,
    );
  }
  return micros;
}

export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${text}")`);
  }
  return value;
}

/** `--param key=value`, typed by the protocol's ParamSpec. */
export function parseParam(
  spec: ParamSpec,
  protocol: string,
  text: string,
): [string, number | boolean | string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--param takes key=value (got "${text}")`);
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  const def = spec[key];
  if (def === undefined) {
    const known = Object.keys(spec).join(', ') || 'none';
    throw new UsageError(`${protocol} has no parameter "${key}" (parameters: ${known})`);
  }
  return [key, paramValue(def, key, raw)];
}

function paramValue(def: ParamDef, key: string, raw: string): number | boolean | string {
  switch (def.kind) {
    case 'int':
      return parseInteger(`param ${key}`, raw, def.min, def.max);
    case 'bool':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new UsageError(`--param ${key} is true or false (got "${raw}")`);
    case 'enum':
      if (def.options.includes(raw)) return raw;
      throw new UsageError(`--param ${key} is one of ${def.options.join(', ')} (got "${raw}")`);
    case 'text':
      // Checked against the pattern with the rest of the scenario.
      return raw;
  }
}
