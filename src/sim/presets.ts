import { defaultScenario, parseScenario, validateForProtocol, type ParseResult } from './scenario';
import type { ProtocolModule, Scenario } from './types';

/** The protocol's default scenario with one of its presets laid over it, validated. */
export function presetScenario(
  module: ProtocolModule,
  presetId: string | null,
  seed: string,
): ParseResult<Scenario> {
  const base = defaultScenario(module, seed);
  if (presetId === null) return { ok: true, value: base };
  const preset = module.presets.find((p) => p.id === presetId);
  if (preset === undefined) {
    const known = module.presets.map((p) => p.id).join(', ') || 'none';
    return { ok: false, error: `${module.id} has no preset "${presetId}" (presets: ${known})` };
  }
  const merged = {
    ...base,
    ...preset.scenario,
    params: { ...base.params, ...preset.scenario.params },
  };
  const parsed = parseScenario(merged);
  if (!parsed.ok) return { ok: false, error: `preset ${presetId} is invalid: ${parsed.error}` };
  return validateForProtocol(parsed.value, module);
}
