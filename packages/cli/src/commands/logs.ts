// `solo logs [service]`: reads service logs, or tails them live with --follow.
import type { Command } from 'commander';
import { parseServiceId } from '@solo/protocol';
import type { LogsRequest } from '@solo/protocol';
import { parseIntegerOption, parsePageLimit } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { printFollow } from '../follow-output.ts';
import { withClient } from '../node-client.ts';
import { formatLogLine } from '../stream-format.ts';

interface LogsOptions {
  sinceSeq?: string;
  limit?: string;
  follow?: boolean;
}

/** Page size the node uses when --limit is not given. */
const NODE_DEFAULT_LIMIT = 100;

function parseLogsRequest(service: string | undefined, o: LogsOptions): LogsRequest {
  const req: LogsRequest = {};
  if (service !== undefined) req.service_id = parseServiceId(service);
  const since = parseIntegerOption(o.sinceSeq, '--since-seq', 1);
  if (since !== undefined) req.since_seq = since;
  const limit = parsePageLimit(o.limit, { follow: o.follow === true });
  if (limit !== undefined) req.limit = limit;
  return req;
}

/** Registers `solo logs`. */
export function registerLogsCommand(program: Command, run: CliRun): void {
  program
    .command('logs')
    .description('show service logs: one line per entry (seq time level service message data)')
    .argument('[service]', 'only this service (default: every service of the tenant)')
    .option('--since-seq <n>', 'start at this log sequence')
    .option('--limit <n>', `at most this many entries, up to 1000 (node default ${NODE_DEFAULT_LIMIT})`)
    .option('--follow', 'keep printing new entries until Ctrl-C')
    .action((service: string | undefined, o: LogsOptions, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => parseLogsRequest(service, o),
        run: (req, g, out) =>
          withClient(g, async (client) => {
            if (o.follow === true) {
              const { limit: _limit, ...followReq } = req;
              await printFollow(run.ctx, client.followLogs(followReq), out, formatLogLine);
              return;
            }
            const reply = await client.logs(req);
            if (out.json || reply.entries.length > 0)
              out.result(reply, () => reply.entries.map(formatLogLine).join('\n'));
            if (reply.entries.length === 0) out.note('No log entries match.');
            else if (reply.next_seq !== null && (reply.truncated || reply.entries.length >= (req.limit ?? NODE_DEFAULT_LIMIT)))
              out.note(`more: --since-seq ${reply.next_seq}`);
          }),
      }),
    );
}
