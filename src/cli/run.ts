import { UsageError } from './errors';
import { executeRun, type RunReport } from './execute';
import { parseFlags } from './flags';
import { SCENARIO_OPTIONS, scenarioFromFlags } from './scenario-flags';

export const RUN_HELP = `Usage: splitbrain run --protocol ID [options]

Run one scenario to its end (or to --until) and report what happened.

Options:
  --protocol ID      protocol to run (see: splitbrain list)
  --nodes N          cluster size (1-64)
  --seed S           run seed (any text up to 64 characters; default 1)
  --until T          how far to run: 10s, 250ms, 1500us (default: the scenario's duration)
  --preset NAME      start from one of the protocol's presets
  --variant NAME     switch on a known-buggy variant
  --param k=v        set a protocol parameter (repeatable)
  --scenario FILE    start from a scenario JSON file
  --nemesis          draw random faults from the seed (safety phase, then a quiet phase)
  --json             print exactly one JSON object on stdout
  --trace FILE       also write the whole trace as JSON to FILE
  --help             this text

Exit status: 0 when no invariant was violated, 1 when one was, 2 on bad input.`;

export function runCommand(argv: string[]): number {
  const { values, positionals } = parseFlags('run', argv, {
    ...SCENARIO_OPTIONS,
    json: { type: 'boolean' },
    trace: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  if (positionals.length > 0) return unexpected(positionals);
  const { module, scenario, untilMicros } = scenarioFromFlags(values);
  const report = executeRun(
    module,
    scenario,
    untilMicros,
    { trace: values.trace ? 'full' : 'hash' },
    values.trace,
  );
  if (values.json) console.log(JSON.stringify(report));
  else console.log(describe(report));
  return report.violations.length > 0 ? 1 : 0;
}

function unexpected(positionals: string[]): never {
  throw new UsageError(`run: unexpected argument "${positionals[0]}" (see splitbrain run --help)`);
}

function describe(r: RunReport): string {
  const lines = [
    `${r.protocol}${r.variant ? ` (variant ${r.variant})` : ''}, ${r.nodes} nodes, seed ${r.seed}`,
    `simulated ${(r.simMicros / 1e6).toFixed(3)} s in ${r.wallMillis.toFixed(1)} ms: ${r.events} events`,
    `messages: ${r.messagesSent} sent, ${r.messagesDelivered} delivered, ${r.messagesDropped} dropped`,
    `client ops: ${r.history.ops}${r.history.checked ? `, claims: ${r.history.claims.join(', ') || 'none'}` : ''}`,
    ...r.history.guarantees.map(
      (g) => `  ${g.guarantee}: ${String(g.holds)}${g.claimed ? ' (claimed)' : ''}`,
    ),
    `trace hash: ${r.traceHash}`,
  ];
  if (r.stopped) lines.push(`stopped: ${r.stopped}`);
  if (r.violations.length === 0) lines.push('violations: none');
  for (const v of r.violations)
    lines.push(`VIOLATION ${v.invariant} at ${v.atMicros} us (event ${v.event}): ${v.message}`);
  for (const a of r.anomalies)
    lines.push(`anomaly (not claimed) ${a.guarantee} at ${a.atMicros} us: ${a.message}`);
  lines.push(`replay: ${r.url}`);
  return lines.join('\n');
}
