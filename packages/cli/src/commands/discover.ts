// `solo discover [name] --filter k=v`: the registrations this tenant may see, with whether each actor is alive.
import type { Command } from 'commander';
import { parseTagText } from '@solo/protocol';
import type { DiscoverRequest } from '@solo/protocol';
import { parseIntegerOption } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';
import { renderTable } from '../text-layout.ts';

interface DiscoverOptions {
  filter: string[];
  alive?: boolean;
  limit?: string;
  offset?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `solo discover`. */
export function registerDiscoverCommand(program: Command, run: CliRun): void {
  program
    .command('discover')
    .description('find registered services by name and tags')
    .argument('[name]', 'logical name (default: every registration)')
    .option('--filter <k=v>', 'only registrations with this tag (repeatable, or k=v,k2=v2)', collect, [])
    .option('--alive', 'only registrations whose actor runs')
    .option('--limit <n>', 'page size, 1-1000 (node default 100)')
    .option('--offset <n>', 'skip this many registrations (default 0)')
    .action((name: string | undefined, o: DiscoverOptions, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => {
          const req: DiscoverRequest = {};
          if (name !== undefined) req.name = name;
          if (o.filter.length > 0) req.filter = parseTagText(o.filter, '--filter');
          if (o.alive === true) req.alive_only = true;
          const limit = parseIntegerOption(o.limit, '--limit', 1);
          const offset = parseIntegerOption(o.offset, '--offset', 0);
          if (limit !== undefined) req.limit = limit;
          if (offset !== undefined) req.offset = offset;
          return req;
        },
        run: async (req, g, out) => {
          const reply = await withClient(g, (client) => client.discover(req));
          out.result(reply, () =>
            reply.services.length === 0
              ? 'no registrations match'
              : renderTable(
                  ['ID', 'VERSION', 'ALIVE', 'TAGS', 'EXPIRES'],
                  reply.services.map((r) => [
                    r.id,
                    r.version,
                    r.alive ? 'yes' : 'no',
                    Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(',') || '-',
                    r.expires_at ?? '-',
                  ]),
                ),
          );
        },
      }),
    );
}
