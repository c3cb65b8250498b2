/**
 * Every bound the kernel and its inputs obey. A scenario outside these is rejected with a
 * message naming the bound; a run that reaches one stops and says which.
 */
export const LIMITS = {
  maxNodes: 64,
  maxClients: 64,
  /** One simulated hour. */
  maxDurationMicros: 3_600_000_000,
  maxFaults: 1_000,
  maxInputs: 10_000,
  maxLinkOverrides: 512,
  maxParams: 64,
  maxSeedLength: 64,
  maxStringLength: 256,
  maxLatencyMicros: 60_000_000,
  /** Events one run may process before it stops with "event bound reached". */
  maxEvents: 20_000_000,
  /** Events waiting in the queue at once. */
  maxQueue: 1_000_000,
  /** Trace records kept in memory (trace mode "full"). */
  maxTraceRecords: 5_000_000,
  /** History events recorded. */
  maxHistory: 200_000,
  /** Encoded scenario in a URL, characters. */
  maxEncodedChars: 200_000,
  /** Decoded scenario JSON, bytes. */
  maxDecodedBytes: 1_000_000,
  /** Scenario file, bytes. */
  maxFileBytes: 1_000_000,
} as const;
