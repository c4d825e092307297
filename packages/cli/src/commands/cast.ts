// `solo cast <service> <json>`: puts a message in a service's durable mailbox; prints the accepted sequence.
import type { Command } from 'commander';
import { parseServiceId } from '@solo/protocol';
import { parseJsonArgument } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';

/** Registers `solo cast`. */
export function registerCastCommand(program: Command, run: CliRun): void {
  program
    .command('cast')
    .description("send a fire-and-forget message to a service's durable mailbox")
    .argument('<service>', 'service id')
    .argument('<json>', `the message, as JSON (e.g. '{"op":"inc"}')`)
    .action((service: string, json: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => ({ service: parseServiceId(service), message: parseJsonArgument(json, 'message') }),
        run: async (input, g, out) => {
          const reply = await withClient(g, (client) => client.cast(input.service, input.message));
          out.result(reply, () => `accepted seq ${reply.seq}`);
        },
      }),
    );
}
