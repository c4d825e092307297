// `solo status <service>`: everything the node knows about one service, as `key: value` lines.
import type { Command } from 'commander';
import { parseServiceId } from '@solo/protocol';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';
import { formatServiceStatus } from '../service-status-format.ts';

/** Registers `solo status`. */
export function registerStatusCommand(program: Command, run: CliRun): void {
  program
    .command('status')
    .description('show the status of one service, including its last crash')
    .argument('<service>', 'service id')
    .action((service: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => parseServiceId(service),
        run: async (id, g, out) => {
          const status = await withClient(g, (client) => client.status(id));
          out.result(status, () => formatServiceStatus(status));
        },
      }),
    );
}
