// `solo audit export`: the operator's export of the audit trail (every request on every door), as JSON Lines
// or CSV, filtered by tenant (the global --tenant flag), time and count.
import type { Command } from 'commander';
import { SoloError, parseTenantId } from '@solo/protocol';
import type { AuditExportRequest } from '@solo/protocol';
import { AUDIT_FORMATS, formatAuditRecords, parseSince } from '../audit-format.ts';
import { parseChoice, parseIntegerOption } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import type { GlobalOptions } from '../global-options.ts';
import { withAdminClient } from '../node-client.ts';

/** Most records one export returns (the node's bound). */
const MAX_LIMIT = 10_000;

interface AuditExportOptions {
  format?: string;
  since?: string;
  limit?: string;
}

/** Registers `solo audit` and `solo audit export`. */
export function registerAuditCommand(program: Command, run: CliRun): void {
  const audit = program.command('audit').description('the audit trail of every request on every door (operator)');
  audit
    .command('export')
    .description('export audit records, oldest first: JSON Lines (default) or CSV; --tenant T keeps one tenant (default: all)')
    .option('--format <format>', `output format: ${AUDIT_FORMATS.join(', ')} (default json: one JSON object per line)`)
    .option('--since <time>', 'records at or after this time: ISO-8601 (2025-01-31T12:00:00Z) or a duration before now (15m, 2h, 7d)')
    .option('--limit <n>', `at most this many records, 1-${MAX_LIMIT} (node default 1000)`)
    .action((o: AuditExportOptions, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => {
          const format = parseChoice(o.format, '--format', AUDIT_FORMATS) ?? 'json';
          if (g.json && o.format !== undefined) {
            throw new SoloError('invalid_request', '--format does not apply with --json, which prints the reply {records, truncated} as one JSON document.', {
              details: { field: '--format' },
            });
          }
          const req: AuditExportRequest = {};
          // Only the flag filters: SOLO_TENANT or a credentials file name who acts, not whose records to export.
          const tenant = cmd.optsWithGlobals<GlobalOptions>().tenant;
          if (tenant !== undefined) req.tenant = parseTenantId(tenant.trim());
          if (o.since !== undefined) req.since = parseSince(o.since, new Date()).toISOString();
          const limit = parseIntegerOption(o.limit, '--limit', 1);
          if (limit !== undefined) {
            if (limit > MAX_LIMIT) throw new SoloError('invalid_request', `--limit must be at most ${MAX_LIMIT}, got '${o.limit ?? ''}'.`, { details: { field: '--limit' } });
            req.limit = limit;
          }
          return { req, format };
        },
        run: async ({ req, format }, g, out) => {
          const reply = await withAdminClient(g, (admin) => admin.exportAudit(req));
          if (out.json) out.result(reply, () => '');
          // Written as is: the formatter ends every line itself (CSV with CRLF, as RFC 4180 says).
          else run.ctx.stdout(formatAuditRecords(reply.records, format));
          if (reply.truncated) out.note(`More records matched than the ${reply.records.length} exported: narrow --since, or raise --limit (at most ${MAX_LIMIT}).`);
        },
      }),
    );
}
