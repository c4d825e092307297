// `solo replace <service> <file>`: restarts a service on new code with fresh state, as a new version.
import type { Command } from 'commander';
import { parseServiceId } from '@solo/protocol';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { formatReplace } from '../code-change-format.ts';
import { readSourceFile } from '../fs/read-source-file.ts';
import { withClient } from '../node-client.ts';

/** Registers `solo replace`. */
export function registerReplaceCommand(program: Command, run: CliRun): void {
  program
    .command('replace')
    .description('restart a service on new code with fresh state (init runs again); queued messages are kept')
    .argument('<service>', 'service id')
    .argument('<file>', 'path of the new module')
    .action((service: string, file: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => {
          const src = readSourceFile(g.baseDir, file);
          return { service_id: parseServiceId(service), source: src.source, filename: src.filename };
        },
        run: async (req, g, out) => {
          const reply = await withClient(g, (client) => client.replace(req));
          out.result(reply, () => formatReplace(reply));
        },
      }),
    );
}
