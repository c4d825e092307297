// `solo call <service> <json>`: request/reply to a service; prints its reply.
import type { Command } from 'commander';
import { parseServiceId } from '@solo/protocol';
import { DEFAULT_CALL_TIMEOUT_MS } from '@solo/sdk';
import { parseIntegerOption, parseJsonArgument } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';

/** Registers `solo call`. */
export function registerCallCommand(program: Command, run: CliRun): void {
  program
    .command('call')
    .description('send a message to a service and print its reply (JSON)')
    .argument('<service>', 'service id')
    .argument('<json>', `the message, as JSON (e.g. '{"op":"inc"}')`)
    .option('--timeout-ms <n>', `how long to wait for the reply (default ${DEFAULT_CALL_TIMEOUT_MS})`)
    .action((service: string, json: string, o: { timeoutMs?: string }, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => ({
          service: parseServiceId(service),
          message: parseJsonArgument(json, 'message'),
          timeoutMs: parseIntegerOption(o.timeoutMs, '--timeout-ms', 1),
        }),
        run: async (input, g, out) => {
          const opts = input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs };
          const reply = await withClient(g, (client) => client.call(input.service, input.message, opts));
          out.result(reply, () => JSON.stringify(reply.reply, null, 2));
        },
      }),
    );
}
