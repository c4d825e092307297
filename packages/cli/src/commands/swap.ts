// `solo swap <service> <file>`: hot code replacement, keeping the service's state and its queued messages.
import type { Command } from 'commander';
import { DEFAULT_ROLLBACK_WINDOW_MS, parseServiceId, type SwapRequest } from '@solo/protocol';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { formatSwap } from '../code-change-format.ts';
import { readSourceFile } from '../fs/read-source-file.ts';
import { withClient } from '../node-client.ts';
import { parseDurationOption } from '../supervision-flags.ts';

/** Registers `solo swap`. */
export function registerSwapCommand(program: Command, run: CliRun): void {
  program
    .command('swap')
    .description("hot-swap a running service's code: its codeChange migrates the state, no message is lost")
    .argument('<service>', 'service id')
    .argument('<file>', 'path of the new version of the module')
    .option(
      '--rollback-window <duration>',
      `a crash within it restores the old code and state, e.g. 30s, 2m, 0 (default ${DEFAULT_ROLLBACK_WINDOW_MS / 1000}s)`,
    )
    .action((service: string, file: string, o: { rollbackWindow?: string }, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => {
          const src = readSourceFile(g.baseDir, file);
          const req: SwapRequest = { service_id: parseServiceId(service), source: src.source, filename: src.filename };
          const window = parseDurationOption(o.rollbackWindow, '--rollback-window');
          if (window !== undefined) req.rollback_window_ms = window;
          return req;
        },
        run: async (req, g, out) => {
          const reply = await withClient(g, (client) => client.swap(req));
          out.result(reply, () => formatSwap(reply));
        },
      }),
    );
}
