// `solo ls`: one page of the tenant's services as a table.
import type { Command } from 'commander';
import { SERVICE_STATUSES } from '@solo/protocol';
import type { ListRequest } from '@solo/protocol';
import { parseChoice, parseIntegerOption } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { withClient } from '../node-client.ts';
import { formatServiceTable } from '../service-status-format.ts';

interface LsOptions {
  status?: string;
  limit?: string;
  offset?: string;
}

/** Registers `solo ls`. */
export function registerLsCommand(program: Command, run: CliRun): void {
  program
    .command('ls')
    .description("list the tenant's services")
    .option('--status <status>', `only services in this state (${SERVICE_STATUSES.join(', ')})`)
    .option('--limit <n>', 'page size, 1-1000 (node default 100)')
    .option('--offset <n>', 'skip this many services (default 0)')
    .action((o: LsOptions, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => {
          const req: ListRequest = {};
          const status = parseChoice(o.status, '--status', SERVICE_STATUSES);
          const limit = parseIntegerOption(o.limit, '--limit', 1);
          const offset = parseIntegerOption(o.offset, '--offset', 0);
          if (status !== undefined) req.status = status;
          if (limit !== undefined) req.limit = limit;
          if (offset !== undefined) req.offset = offset;
          return req;
        },
        run: async (req, g, out) => {
          const reply = await withClient(g, (client) => client.list(req));
          if (reply.services.length === 0 && (req.offset ?? 0) === 0) {
            out.result(
              reply,
              () =>
                `No services${req.status ? ` in state ${req.status}` : ''} for tenant '${g.tenant}'. Deploy one with \`solo deploy <file>\`.`,
            );
            return;
          }
          out.result(reply, () => formatServiceTable(reply.services));
          if (reply.next_offset !== null)
            out.note(`${reply.services.length} of ${reply.total} shown; next page: --offset ${reply.next_offset}`);
        },
      }),
    );
}
