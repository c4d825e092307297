// Ctrl-C handling shared by long-running commands: the first signal stops cleanly, a second one forces exit 1.
import type { CliContext, StopSignal } from './cli-context.ts';
import { EXIT_CODES } from './cli-context.ts';

/** Calls `stop` on the first SIGINT/SIGTERM; a second signal exits at once with code 1. Returns the remover. */
export function onInterrupt(ctx: CliContext, stop: (signal: StopSignal) => void): () => void {
  let stopping = false;
  return ctx.onSignal((signal) => {
    if (stopping) {
      ctx.stderr(`${signal} again: exiting without waiting for a clean stop.\n`);
      ctx.exit(EXIT_CODES.failed);
    }
    stopping = true;
    stop(signal);
  });
}
