import { readFileSync, statSync } from 'node:fs';
import {
  checkLinearizable,
  InvalidOperationError,
  type CheckResult,
  type WitnessOp,
} from '../sim/history/linearizability';
import { MODELS, type Model, type ModelName } from '../sim/history/models';
import { UsageError } from './errors';
import { parseFlags, parseInteger } from './flags';
import { HISTORY_LIMITS, HistoryFormatError, readOperations } from './history-formats';

export const CHECK_HELP = `Usage: splitbrain check FILE --model register|kv [options]

Check a recorded client history for linearizability against a sequential model.

FILE holds one event per line, in the order they happened, either as a Jepsen log
  INFO  jepsen.util - 3<TAB>:invoke<TAB>:cas<TAB>[1 2]
or as EDN maps
  {:process 0, :type :invoke, :f :get, :key "7", :value nil}
(the format is told from the first line). :ok completes an op, :fail means it did not happen,
:info (or a timeout) means its outcome is unknown: it may have taken effect at any time after
its invocation, or never. So does an op still open at the end of the file.

Options:
  --model M        register: one value, nil at first; read, write, cas [expected new]
                   kv: a map; get, put, append, cas per key; a key never written reads ""
  --budget N       search steps before answering "unknown" (default 50000000)
  --no-split       check a kv history as a whole instead of key by key
  --format F       etcd, edn or auto (default auto)
  --json           print exactly one JSON object on stdout
  --help           this text

When the history is not linearizable the report names a witness: ops that cannot be ordered
even if every other op of that key were optional, with their lines (call..return) and processes.

Exit status: 0 linearizable, 1 not linearizable, 3 unknown (a budget ran out), 2 bad input.`;

const EXIT_UNKNOWN = 3;

export function checkCommand(argv: string[]): number {
  const { values, positionals } = parseFlags('check', argv, {
    model: { type: 'string' },
    budget: { type: 'string' },
    'no-split': { type: 'boolean' },
    format: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(CHECK_HELP);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('check: which history? (splitbrain check FILE --model register|kv)');
  if (positionals.length > 1)
    throw new UsageError(
      `check: one history at a time (unexpected "${positionals[1]}"; see splitbrain check --help)`,
    );
  const file = positionals[0]!;
  const modelName = values.model;
  if (modelName === undefined || !Object.prototype.hasOwnProperty.call(MODELS, modelName))
    throw new UsageError(
      `check: --model is one of ${Object.keys(MODELS).join(', ')} (got ${modelName === undefined ? 'nothing' : `"${modelName}"`})`,
    );
  const format = values.format ?? 'auto';
  if (format !== 'auto' && format !== 'etcd' && format !== 'edn')
    throw new UsageError(`check: --format is etcd, edn or auto (got "${format}")`);
  const maxSteps =
    values.budget === undefined ? undefined : parseInteger('budget', values.budget, 1, 1e12);

  const text = readHistoryFile(file);
  const started = process.hrtime.bigint();
  let parsed: ReturnType<typeof readOperations>;
  try {
    parsed = readOperations(text, format);
  } catch (error) {
    if (error instanceof HistoryFormatError)
      throw new UsageError(`check: ${file}: ${error.message}`);
    throw error;
  }
  const model = MODELS[modelName as ModelName];
  let result: CheckResult;
  try {
    result = checkLinearizable(parsed.ops, model as Model<unknown>, {
      ...(maxSteps === undefined ? {} : { maxSteps }),
      split: values['no-split'] !== true,
    });
  } catch (error) {
    if (error instanceof InvalidOperationError) {
      const op = parsed.ops.find((o) => o.id === error.opId);
      const where = op === undefined ? '' : `line ${op.call}: `;
      throw new UsageError(
        `check: ${file}: ${where}${error.message.replace(/^op \d+: /, '')} (--model ${modelName})`,
      );
    }
    throw error;
  }
  const wallMillis = Number(process.hrtime.bigint() - started) / 1e6;

  const report = {
    file,
    model: modelName,
    format: parsed.format,
    linearizable: result.linearizable,
    events: parsed.events.length,
    ops: parsed.ops.length,
    partitions: result.partitions,
    steps: result.steps,
    memoPeak: result.memoPeak,
    wallMillis: Math.round(wallMillis * 1000) / 1000,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    ...(result.witness === undefined ? {} : { witness: result.witness }),
  };
  if (values.json) console.log(JSON.stringify(report));
  else console.log(describe(report, result));
  return result.linearizable === true ? 0 : result.linearizable === false ? 1 : EXIT_UNKNOWN;
}

function readHistoryFile(file: string): string {
  try {
    const size = statSync(file).size;
    if (size > HISTORY_LIMITS.maxChars)
      throw new UsageError(
        `check: ${file} is ${size} bytes; histories up to ${HISTORY_LIMITS.maxChars} bytes are accepted`,
      );
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : error instanceof Error
              ? error.message.split('\n')[0]
              : String(error);
    throw new UsageError(`check: cannot read ${file}: ${reason}`);
  }
}

function describe(
  report: { file: string; model: string; ops: number; partitions: number; wallMillis: number },
  result: CheckResult,
): string {
  const head = `${report.file}: ${report.ops} ops, model ${report.model}, ${report.partitions} part${report.partitions === 1 ? '' : 's'}, ${result.steps} steps, ${report.wallMillis.toFixed(1)} ms`;
  if (result.linearizable === true) return `${head}\nlinearizable`;
  if (result.linearizable === 'unknown') return `${head}\nunknown: ${result.reason}`;
  const w = result.witness!;
  const line = (op: WitnessOp): string =>
    `  line ${op.call}..${op.return ?? '?'}  process ${op.process}  ${op.description}`;
  const lines = [
    head,
    `NOT linearizable${w.key === null ? '' : ` (key ${JSON.stringify(w.key)})`}`,
    `these ${w.ops.length} ops cannot be ordered${w.minimal ? '' : ' (not minimised: the witness budget ran out)'}:`,
    ...w.ops.map(line),
    `the search got furthest with ${w.linearized.length} ops linearized${w.stateAfterLinearized === undefined ? '' : ` (state ${w.stateAfterLinearized})`}, then could not place:`,
    line(w.stuck),
  ];
  return lines.join('\n');
}
