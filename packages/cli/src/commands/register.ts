// `solo register <service> --name N`: publishes a deployed service for discovery under a logical name, with
// tags (`--tag role=api`), an optional TTL (`--ttl 30s`; registering again renews it) and sharing (`--share`).
import type { Command } from 'commander';
import { parseServiceId, parseTagText } from '@solo/protocol';
import type { RegisterRequest } from '@solo/protocol';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';
import { parseDurationOption } from '../supervision-flags.ts';

interface RegisterOptions {
  name: string;
  tag: string[];
  ttl?: string;
  version?: string;
  share: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `solo register`. */
export function registerRegisterCommand(program: Command, run: CliRun): void {
  program
    .command('register')
    .description('register a deployed service for discovery under a logical name')
    .argument('<service>', 'service id')
    .requiredOption('--name <name>', 'logical name to discover it by')
    .option('--tag <k=v>', 'metadata tag (repeatable, or k=v,k2=v2)', collect, [])
    .option('--ttl <duration>', 'expire unless registered again within this time, e.g. 30s (default: no expiry)')
    .option('--version <v>', "version to advertise (default: the module's version)")
    .option('--share <tenant>', "let another tenant discover it ('*' for all; repeatable)", collect, [])
    .action((service: string, o: RegisterOptions, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => {
          const req: RegisterRequest = { service_id: parseServiceId(service), name: o.name, tags: parseTagText(o.tag, '--tag') };
          const ttl = parseDurationOption(o.ttl, '--ttl');
          if (ttl !== undefined) req.ttl_ms = ttl;
          if (o.version !== undefined) req.version = o.version;
          if (o.share.length > 0) req.shared_with = o.share;
          return req;
        },
        run: async (req, g, out) => {
          const reg = await withClient(g, (client) => client.register(req));
          out.result(reg, () => `registered ${reg.id} version ${reg.version}${reg.expires_at ? ` until ${reg.expires_at}` : ''}`);
        },
      }),
    );
}
