// `solo kill <service>`: stops a service (running its terminate unless --force) and removes it.
import type { Command } from 'commander';
import { parseServiceId } from '@solo/protocol';
import type { KillRequest } from '@solo/protocol';
import { parseIntegerOption } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';

/** Registers `solo kill`. */
export function registerKillCommand(program: Command, run: CliRun): void {
  program
    .command('kill')
    .description('stop a service and remove it')
    .argument('<service>', 'service id')
    .option('--force', 'skip terminate and stop at once')
    .option('--timeout-ms <n>', 'how long terminate may run before the service is stopped anyway (node default 5000)')
    .action((service: string, o: { force?: boolean; timeoutMs?: string }, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => {
          const req: KillRequest = { service_id: parseServiceId(service) };
          if (o.force === true) req.force = true;
          const timeoutMs = parseIntegerOption(o.timeoutMs, '--timeout-ms', 1);
          if (timeoutMs !== undefined) req.timeout_ms = timeoutMs;
          return req;
        },
        run: async (req, g, out) => {
          const reply = await withClient(g, (client) => client.kill(req));
          out.result(reply, () => `killed ${reply.service_id} (${reply.mode}) at ${reply.killed_at}`);
        },
      }),
    );
}
