// `solo token grant|revoke|ls|attenuate`: capability tokens of the tenant. A token is printed alone on one line
// (so `T=$(solo token grant …)` captures it) or written to --out (mode 0600); nothing else goes to stdout.
import type { Command } from 'commander';
import { SoloError, TENANT_PERMISSIONS, attenuateToken } from '@solo/protocol';
import type { Permission, TokenGrantRequest, TokenInfo, TokenNarrowing, TokenRateLimit } from '@solo/protocol';
import { writePrivateFile } from '@solo/sdk';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { resolveOutputFile } from '../fs/output-file.ts';
import { withClient } from '../node-client.ts';
import type { Output } from '../output.ts';
import { collect, parsePermissionFlags, parseRateFlag, parseServiceFlags, parseTtlFlag } from '../security-flags.ts';
import { renderTable } from '../text-layout.ts';
import { formatRate, tokenIdOf } from '../token-format.ts';

interface TokenShapeFlags {
  perm: string[];
  service: string[];
  ttl?: string;
  rate?: string;
  out?: string;
  force?: boolean;
}

/** Where a new token goes: stdout alone, or a 0600 file. */
type TokenSink = { kind: 'stdout' } | { kind: 'file'; path: string; force: boolean };

function parseSink(baseDir: string, o: TokenShapeFlags): TokenSink {
  if (o.out === undefined) return { kind: 'stdout' };
  return { kind: 'file', path: resolveOutputFile(baseDir, o.out, { force: o.force === true, what: 'token file' }), force: o.force === true };
}

/** Prints or writes a token; `extra` is the rest of the machine output (never the token when it went to a file). */
function emitToken(out: Output, sink: TokenSink, token: string, extra: Record<string, unknown>): void {
  if (sink.kind === 'stdout') {
    out.result({ token, ...extra }, () => token);
    return;
  }
  writePrivateFile(sink.path, `${token}\n`, { force: sink.force, what: 'token file' });
  out.result({ token_file: sink.path, ...extra }, () => `token ${tokenIdOf(token) ?? '?'} written to ${sink.path} (mode 0600)`);
}

function addShapeFlags(cmd: Command, ttlHelp: string): Command {
  return cmd
    .option('--perm <list>', `permissions, comma-separated or repeated: ${TENANT_PERMISSIONS.join(', ')}`, collect, [])
    .option('--service <pattern>', "service patterns the token covers ('api-*', 'billing', '*'); repeatable", collect, [])
    .option('--ttl <duration>', ttlHelp)
    .option('--rate <rps[:burst]>', "the token's own rate limit, e.g. 10:20")
    .option('--out <file>', 'write the token to this file (mode 0600) instead of stdout')
    .option('--force', 'replace the --out file if it exists');
}

function describeInfo(i: TokenInfo): string {
  return `token ${i.token_id}: ${i.permissions.join(',')} on ${i.services.join(',')}, expires ${i.expires_at ?? 'never'}${i.persistent ? '' : ', ephemeral'}`;
}

function registerGrant(token: Command, run: CliRun): void {
  addShapeFlags(
    token.command('grant').description('grant a new token, never wider than yours; prints it alone on stdout (or --out)'),
    'lifetime: 90s, 15m, 2h, 7d; 0 for no expiry (node default 1d)',
  )
    .option('--ephemeral', 'forget the token when the node restarts (default: it survives restarts)')
    .option('--label <text>', 'a note shown by `solo token ls`')
    .action((o: TokenShapeFlags & { ephemeral?: boolean; label?: string }, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => {
          const req: TokenGrantRequest = { permissions: parsePermissionFlags(o.perm) };
          const services = parseServiceFlags(o.service);
          if (services !== undefined) req.services = services;
          const ttl = parseTtlFlag(o.ttl, '--ttl', { allowZero: true });
          if (ttl !== undefined) req.ttl_s = ttl;
          const rate = parseRateFlag(o.rate);
          if (rate !== undefined) req.rate_limit = rate;
          if (o.ephemeral === true) req.persistent = false;
          if (o.label !== undefined) req.label = o.label;
          return { req, sink: parseSink(g.baseDir, o) };
        },
        run: async ({ req, sink }, g, out) => {
          const reply = await withClient(g, (client) => client.grantToken(req));
          emitToken(out, sink, reply.token, { info: reply.info });
          if (sink.kind === 'stdout') out.note(describeInfo(reply.info));
        },
      }),
    );
}

function registerAttenuate(token: Command, run: CliRun): void {
  addShapeFlags(
    token
      .command('attenuate')
      .description('narrow your token (from --token, SOLO_TOKEN or --credentials) without the node; prints the narrower token'),
    'expire this long from now: 90s, 15m, 2h, 7d',
  ).action((o: TokenShapeFlags, cmd: Command) =>
    runAction(run, cmd, {
      parse: (g) => {
        const parent = g.token ?? g.credentials?.creds.token;
        if (parent === undefined) {
          throw new SoloError('invalid_request', 'No token to narrow: pass --token, set SOLO_TOKEN, or pass --credentials <file>.', { details: { field: '--token' } });
        }
        const narrowing: { perms?: Permission[]; services?: string[]; ttlS?: number; rate?: TokenRateLimit } = {};
        if (o.perm.length > 0) narrowing.perms = parsePermissionFlags(o.perm);
        const services = parseServiceFlags(o.service);
        if (services !== undefined) narrowing.services = services;
        const ttl = parseTtlFlag(o.ttl, '--ttl', { allowZero: false });
        if (ttl !== undefined) narrowing.ttlS = ttl;
        const rate = parseRateFlag(o.rate);
        if (rate !== undefined) narrowing.rate = rate;
        if (Object.keys(narrowing).length === 0) {
          throw new SoloError('invalid_request', 'Nothing to narrow: pass --perm, --service, --ttl or --rate.', { details: { field: '--perm' } });
        }
        return { parent, narrowing, sink: parseSink(g.baseDir, o) };
      },
      run: async ({ parent, narrowing, sink }, _g, out) => {
        const n: TokenNarrowing = {};
        if (narrowing.perms !== undefined) n.perms = narrowing.perms;
        if (narrowing.services !== undefined) n.services = narrowing.services;
        // The expiry is absolute in the token: the clock is read here, at the edge, once.
        if (narrowing.ttlS !== undefined) n.exp = Date.now() + narrowing.ttlS * 1000;
        if (narrowing.rate !== undefined) n.rate = narrowing.rate;
        const narrower = attenuateToken(parent, n);
        emitToken(out, sink, narrower, { token_id: tokenIdOf(narrower) });
      },
    }),
  );
}

function registerRevoke(token: Command, run: CliRun): void {
  token
    .command('revoke')
    .description('revoke a token by id; every token narrowed from it stops working too')
    .argument('<token-id>', 'token id, as `solo token ls` shows it')
    .action((tokenId: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => tokenId,
        run: async (id, g, out) => {
          const r = await withClient(g, (client) => client.revokeToken(id));
          out.result(r, () => (r.revoked ? `revoked token ${r.token_id}` : `token ${r.token_id} was already revoked`));
        },
      }),
    );
}

function tokenState(t: TokenInfo, nowMs: number): string {
  if (t.revoked) return 'revoked';
  if (t.expires_at !== null && Date.parse(t.expires_at) <= nowMs) return 'expired';
  return 'active';
}

function registerList(token: Command, run: CliRun): void {
  token
    .command('ls')
    .alias('list')
    .description("list the tenant's tokens (ids and what they allow; never the token text)")
    .action((_o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => null,
        run: async (_i, g, out) => {
          const tokens = await withClient(g, (client) => client.listTokens());
          const now = Date.now();
          out.result({ tokens }, () =>
            tokens.length === 0
              ? `no tokens for tenant '${g.tenant}'`
              : renderTable(
                  ['ID', 'STATE', 'PERMISSIONS', 'SERVICES', 'EXPIRES', 'RATE', 'LABEL'],
                  tokens.map((t) => [t.token_id, tokenState(t, now), t.permissions.join(','), t.services.join(','), t.expires_at ?? 'never', formatRate(t.rate_limit), t.label ?? '-']),
                ),
          );
        },
      }),
    );
}

/** Registers `solo token` and its subcommands. */
export function registerTokenCommand(program: Command, run: CliRun): void {
  const token = program.command('token').description("manage the tenant's capability tokens: grant, revoke, ls, attenuate");
  registerGrant(token, run);
  registerRevoke(token, run);
  registerList(token, run);
  registerAttenuate(token, run);
}
