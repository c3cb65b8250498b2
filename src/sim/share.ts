import { decodeScenario, encodeScenario, type ParseResult } from './scenario';
import { LIMITS } from './limits';
import type { Micros, Scenario } from './types';

/**
 * A shared run lives in the address's fragment: `#s=<encoded scenario>&t=<cursor micros>`.
 * The fragment never reaches a server, and works from any path the app is served under.
 */
export interface SharedRun {
  readonly scenario: Scenario;
  /** The cursor, in simulated microseconds; null when the link names none. */
  readonly cursorMicros: Micros | null;
}

export function shareFragment(scenario: Scenario, cursorMicros: Micros): string {
  return `#s=${encodeScenario(scenario)}&t=${cursorMicros}`;
}

/** The path and fragment the CLI prints: open it under the app's address. */
export function sharePath(scenario: Scenario, cursorMicros: Micros): string {
  return `/${shareFragment(scenario, cursorMicros)}`;
}

/** Read a fragment (with or without its `#`). Null when it holds no run at all. */
export function parseShareFragment(fragment: string): ParseResult<SharedRun> | null {
  const body = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (body.length === 0) return null;
  if (body.length > LIMITS.maxEncodedChars + 64) {
    return {
      ok: false,
      error: `the link is too long (${body.length} characters; at most ${LIMITS.maxEncodedChars})`,
    };
  }
  const fields = new Map<string, string>();
  for (const part of body.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0)
      return {
        ok: false,
        error: `the link's fragment has a part without a name=value form: "${clip(part)}"`,
      };
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const encoded = fields.get('s');
  if (encoded === undefined)
    return { ok: false, error: 'the link has no scenario (expected #s=...&t=...)' };
  const decoded = decodeScenario(encoded);
  if (!decoded.ok) return decoded;
  const cursor = fields.get('t');
  if (cursor === undefined)
    return { ok: true, value: { scenario: decoded.value, cursorMicros: null } };
  if (!/^\d{1,13}$/.test(cursor) || Number(cursor) > LIMITS.maxDurationMicros) {
    return {
      ok: false,
      error: `the link's cursor t must be a whole number of microseconds from 0 to ${LIMITS.maxDurationMicros} (got "${clip(cursor)}")`,
    };
  }
  return { ok: true, value: { scenario: decoded.value, cursorMicros: Number(cursor) } };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
