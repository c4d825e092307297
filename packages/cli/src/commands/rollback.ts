// `solo rollback <service> [--to VERSION]`: restarts a service on an earlier version from its history.
import type { Command } from 'commander';
import { parseServiceId, type RollbackRequest } from '@solo/protocol';
import { parseIntegerOption } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { formatRollback } from '../code-change-format.ts';
import { withClient } from '../node-client.ts';

/** Registers `solo rollback`. */
export function registerRollbackCommand(program: Command, run: CliRun): void {
  program
    .command('rollback')
    .description('restart a service on an earlier version (its code is kept on the node) with fresh state')
    .argument('<service>', 'service id')
    .option('--to <version>', 'a version number from `solo history` (default: the version before the current one)')
    .action((service: string, o: { to?: string }, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => {
          const req: RollbackRequest = { service_id: parseServiceId(service) };
          const to = parseIntegerOption(o.to, '--to', 1);
          if (to !== undefined) req.to_version = to;
          return req;
        },
        run: async (req, g, out) => {
          const reply = await withClient(g, (client) => client.rollback(req));
          out.result(reply, () => formatRollback(reply));
        },
      }),
    );
}
