/** A broken internal invariant: a bug in the kernel or a protocol, never bad user input. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

/**
 * Guard an invariant. The message is a constant and the details are appended only on failure,
 * so a passing assertion on a hot path builds no string.
 */
export function assert(
  condition: unknown,
  message: string,
  detail?: unknown,
  detail2?: unknown,
): asserts condition {
  if (condition) return;
  let text = message;
  if (detail !== undefined) text += `: ${String(detail)}`;
  if (detail2 !== undefined) text += ` ${String(detail2)}`;
  throw new AssertionError(text);
}
