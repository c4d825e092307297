// `solo events`: reads the tenant's event log, or tails it live with --follow.
import type { Command } from 'commander';
import { EVENT_TYPES, parseServiceId } from '@solo/protocol';
import type { EventsRequest } from '@solo/protocol';
import { parseChoice, parseIntegerOption, parsePageLimit } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { printFollow } from '../follow-output.ts';
import { withClient } from '../node-client.ts';
import { formatEventLine } from '../stream-format.ts';

interface EventsOptions {
  service?: string;
  type?: string;
  sinceSeq?: string;
  limit?: string;
  follow?: boolean;
}

/** Page size the node uses when --limit is not given. */
const NODE_DEFAULT_LIMIT = 100;

function parseEventsRequest(o: EventsOptions): EventsRequest {
  const req: EventsRequest = {};
  if (o.service !== undefined) req.service_id = parseServiceId(o.service);
  const type = parseChoice(o.type, '--type', EVENT_TYPES);
  if (type !== undefined) req.type = type;
  const since = parseIntegerOption(o.sinceSeq, '--since-seq', 1);
  if (since !== undefined) req.since_seq = since;
  const limit = parsePageLimit(o.limit, { follow: o.follow === true });
  if (limit !== undefined) req.limit = limit;
  return req;
}

/** Registers `solo events`. */
export function registerEventsCommand(program: Command, run: CliRun): void {
  program
    .command('events')
    .description("show the tenant's event log: one line per event (seq time type service data)")
    .option('--service <id>', 'only events about this service')
    .option('--type <type>', 'only events of this type (e.g. service_crashed)')
    .option('--since-seq <n>', 'start at this event sequence')
    .option('--limit <n>', `at most this many events, up to 1000 (node default ${NODE_DEFAULT_LIMIT})`)
    .option('--follow', 'keep printing new events until Ctrl-C')
    .action((o: EventsOptions, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => parseEventsRequest(o),
        run: (req, g, out) =>
          withClient(g, async (client) => {
            if (o.follow === true) {
              const { limit: _limit, since_time: _sinceTime, ...followReq } = req;
              await printFollow(run.ctx, client.followEvents(followReq), out, formatEventLine);
              return;
            }
            const reply = await client.events(req);
            if (out.json || reply.events.length > 0)
              out.result(reply, () => reply.events.map(formatEventLine).join('\n'));
            if (reply.events.length === 0) out.note('No events match.');
            // A page also stops short of its limit at the node's byte budget (512 KiB of events): `truncated` says so.
            else if (reply.next_seq !== null && (reply.truncated || reply.events.length >= (req.limit ?? NODE_DEFAULT_LIMIT)))
              out.note(`more: --since-seq ${reply.next_seq}`);
          }),
      }),
    );
}
