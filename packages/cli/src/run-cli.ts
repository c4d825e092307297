// One run of `solo`: parses argv, runs the command, maps every failure to a printed error and an exit code.
import { CommanderError } from 'commander';
import type { Command } from 'commander';
import { SoloError } from '@solo/protocol';
import type { CliContext } from './cli-context.ts';
import { EXIT_CODES } from './cli-context.ts';
import type { CliRun } from './command-action.ts';
import { Output } from './output.ts';
import { createProgram } from './program.ts';

// Commander codes that mean "help or the version was printed".
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** `solo <command>` for the first argument that names a command, else `solo`: where to point for --help. */
function helpTarget(program: Command, argv: readonly string[]): string {
  const names = new Set(program.commands.map((c) => c.name()));
  const name = argv.find((a) => names.has(a));
  return name === undefined ? 'solo' : `solo ${name}`;
}

/** Runs `solo` with `argv` (the arguments after the program name) and returns the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const run: CliRun = { ctx, exitCode: EXIT_CODES.ok };
  const program = createProgram(run);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) {
      new Output(ctx, { json: argv.includes('--json') }).error(err);
      return EXIT_CODES.failed;
    }
    // Help that was asked for exits 0; help shown because no command was given (`solo` alone) is a usage error.
    if (HELP_CODES.has(err.code)) return err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    const message = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
    const usage = new SoloError(
      'invalid_request',
      `${message}. Run \`${helpTarget(program, argv)} --help\` for usage.`,
    );
    new Output(ctx, { json: argv.includes('--json') }).error(usage);
    return EXIT_CODES.usage;
  }
  return run.exitCode;
}
