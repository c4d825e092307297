// `solo tree`: the tenant's live supervision tree — its supervisor and each service's child state.
import type { Command } from 'commander';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';
import { formatTree } from '../supervision-format.ts';

/** Registers `solo tree`. */
export function registerTreeCommand(program: Command, run: CliRun): void {
  program
    .command('tree')
    .description("print the tenant's live supervision tree: policy, and each service's state, restarts and last crash")
    .action((_o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => null,
        run: async (_input, g, out) => {
          const tree = await withClient(g, (client) => client.tree());
          out.result(tree, () => formatTree(tree));
        },
      }),
    );
}
