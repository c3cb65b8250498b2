import { BENCH_HELP, benchCommand } from './bench';
import { CHECK_HELP, checkCommand } from './check';
import { FUZZ_HELP, fuzzCommand } from './fuzz';
import { EXIT_USAGE, UsageError } from './errors';
import { LIST_HELP, listCommand } from './list';
import { RUN_HELP, runCommand } from './run';

export const MAIN_HELP = `splitbrain: a deterministic, seeded simulator of distributed protocols.

Usage: splitbrain <command> [options]

Commands:
  run     run one scenario and report (trace hash, violations, replay URL)
  list    list protocols, their parameters, variants and presets
  fuzz    sweep seeds (in worker threads) for invariant, liveness and history violations
  check   check a client history file for linearizability (Jepsen log or EDN maps)
  bench   measure kernel and protocol speed
  help    show help for a command: splitbrain help run

Every command takes --help.`;

const COMMANDS: Record<
  string,
  { run: (argv: string[]) => number | Promise<number>; help: string }
> = {
  run: { run: runCommand, help: RUN_HELP },
  list: { run: listCommand, help: LIST_HELP },
  bench: { run: benchCommand, help: BENCH_HELP },
  check: { run: checkCommand, help: CHECK_HELP },
  fuzz: { run: fuzzCommand, help: FUZZ_HELP },
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(MAIN_HELP);
    return command === undefined ? EXIT_USAGE : 0;
  }
  if (command === 'help') {
    console.log(rest[0] !== undefined && COMMANDS[rest[0]] ? COMMANDS[rest[0]]!.help : MAIN_HELP);
    return 0;
  }
  const entry = COMMANDS[command];
  try {
    if (entry === undefined)
      throw new UsageError(
        `unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')}, help)`,
      );
    return await entry.run(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`splitbrain: ${error.message}\n`);
    return EXIT_USAGE;
  }
}
