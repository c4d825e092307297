// Runs one command's action in two phases: parse (a failure is a usage error, exit 2) and run (exit 1).
import type { Command } from 'commander';
import type { CliContext } from './cli-context.ts';
import { EXIT_CODES } from './cli-context.ts';
import { resolveGlobalOptions } from './global-options.ts';
import type { GlobalOptions, ResolvedGlobalOptions } from './global-options.ts';
import { Output } from './output.ts';

/** Shared by every command of one run: the process side and the exit code to return. */
export interface CliRun {
  readonly ctx: CliContext;
  exitCode: number;
}

/** A command's behaviour, split so that bad input is refused before anything is connected or started. */
export interface ActionSpec<I> {
  /** Validates arguments and options into the command's input. Every error here is a usage error. */
  parse(g: ResolvedGlobalOptions): I | Promise<I>;
  /** Does the work and prints the result. */
  run(input: I, g: ResolvedGlobalOptions, out: Output): Promise<void>;
}

/** Runs `spec` for the command `cmd` was parsed into; prints any error and records the exit code. */
export async function runAction<I>(run: CliRun, cmd: Command, spec: ActionSpec<I>): Promise<void> {
  const raw = cmd.optsWithGlobals<GlobalOptions>();
  const out = new Output(run.ctx, { json: raw.json === true });
  let g: ResolvedGlobalOptions;
  let input: I;
  try {
    g = resolveGlobalOptions(raw, run.ctx.env, run.ctx.cwd);
    input = await spec.parse(g);
  } catch (err) {
    out.error(err);
    run.exitCode = EXIT_CODES.usage;
    return;
  }
  try {
    await spec.run(input, g, out);
  } catch (err) {
    out.error(err);
    run.exitCode = EXIT_CODES.failed;
  }
}
