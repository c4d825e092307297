// @solo/cli: the `solo` command. bin/solo and src/main.ts run it; tests and embedders can call runCli directly.

/** Runs `solo` with an argument list and a process context; resolves with the exit code. */
export { runCli } from './run-cli.ts';
/** The process side of a run (env, cwd, output streams, signals, exit) and the exit codes. */
export { EXIT_CODES } from './cli-context.ts';
export type { CliContext, StopSignal } from './cli-context.ts';
