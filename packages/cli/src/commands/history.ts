// `solo history <service>`: the versions a service has run, newest first, with their artifacts and times.
import type { Command } from 'commander';
import { parseServiceId } from '@solo/protocol';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { formatHistory } from '../code-change-format.ts';
import { withClient } from '../node-client.ts';

/** Registers `solo history`. */
export function registerHistoryCommand(program: Command, run: CliRun): void {
  program
    .command('history')
    .description('list the versions of a service (newest first, * = running) with their artifact hashes and times')
    .argument('<service>', 'service id')
    .action((service: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => parseServiceId(service),
        run: async (id, g, out) => {
          const reply = await withClient(g, (client) => client.history(id));
          out.result(reply, () => formatHistory(reply));
        },
      }),
    );
}
