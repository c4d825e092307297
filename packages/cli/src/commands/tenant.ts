// `solo tenant create|list|show|set-limits|delete|rotate-nats`: the operator's tenant accounts. `create` writes
// the tenant's credentials to a file (mode 0600) and never prints the token or NATS seed.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SoloError, parseTenantId } from '@solo/protocol';
import type { TenantInfo, TenantId, TenantLimits } from '@solo/protocol';
import { readCredentialsFile, writeCredentialsFile } from '@solo/sdk';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { fileExists, resolveOutputFile } from '../fs/output-file.ts';
import { withAdminClient } from '../node-client.ts';
import { parseTenantLimitFlags } from '../security-flags.ts';
import type { TenantLimitFlagValues } from '../security-flags.ts';
import { renderFields, renderTable } from '../text-layout.ts';
import { formatRate, formatTenantLimits, tokenIdOf } from '../token-format.ts';

/** Default credentials file of a tenant, relative to where the command runs. */
export function defaultCredentialsFile(tenant: string): string {
  return `${tenant}.credentials.json`;
}

function addLimitFlags(cmd: Command): Command {
  return cmd
    .option('--max-services <n>', 'services the tenant may run at once (node default 100)')
    .option('--max-memory-mb <n>', "sum of the memory limits of the tenant's services, MiB (node default 4096)")
    .option('--rate <rps[:burst]>', 'requests per second over every door, and the burst (node default 1000:2000)');
}

function tenantFields(t: TenantInfo): Array<[string, string]> {
  return [
    ['tenant', t.tenant],
    ['limits', formatTenantLimits(t.limits)],
    ['usage', `${t.usage.services} services, ${t.usage.memory_mb} MiB reserved`],
    ['created at', t.created_at],
  ];
}

function registerCreate(tenant: Command, run: CliRun): void {
  addLimitFlags(
    tenant
      .command('create')
      .description("create a tenant and write its credentials (token, NATS user) to a file only you can read")
      .argument('<id>', 'tenant id')
      .option('--out <file>', 'credentials file to write, mode 0600 (default ./<id>.credentials.json)')
      .option('--force', 'replace the credentials file if it exists'),
  ).action((id: string, o: TenantLimitFlagValues & { out?: string; force?: boolean }, cmd: Command) =>
    runAction(run, cmd, {
      parse: (g) => {
        const tenantId = parseTenantId(id);
        const limits = parseTenantLimitFlags(o);
        // Checked before the tenant exists: credentials shown once must have somewhere to go.
        const out = resolveOutputFile(g.baseDir, o.out ?? defaultCredentialsFile(tenantId), { force: o.force === true, what: 'credentials file' });
        return { tenantId, limits, out, force: o.force === true };
      },
      run: async (input, g, out) => {
        const reply = await withAdminClient(g, (admin) => admin.createTenant(input.tenantId, input.limits));
        try {
          writeCredentialsFile(input.out, reply.credentials, { force: input.force });
        } catch (err) {
          throw new SoloError(
            'internal',
            `Tenant '${input.tenantId}' was created, but its credentials could not be written to ${input.out} (${(err as Error).message}); they were shown only once. Run \`solo tenant delete ${input.tenantId} --yes\` and create it again with a writable --out.`,
            { cause: err, details: { tenant: input.tenantId, path: input.out } },
          );
        }
        const tokenId = tokenIdOf(reply.credentials.token);
        const natsUser = reply.credentials.nats?.user ?? null;
        out.result({ tenant: reply.tenant, credentials_file: input.out, token_id: tokenId, nats_user: natsUser }, () =>
          renderFields([
            ['created', reply.tenant.tenant],
            ['credentials', `${input.out} (mode 0600: the token and NATS seed; keep it secret)`],
            ['token id', tokenId ?? '-'],
            ['nats user', natsUser ?? 'none (the node runs on an external NATS)'],
            ['limits', formatTenantLimits(reply.tenant.limits)],
            ['use it', `solo --credentials ${input.out} <command>, or SOLO_CREDENTIALS=${input.out}`],
          ]),
        );
      },
    }),
  );
}

function registerList(tenant: Command, run: CliRun): void {
  tenant
    .command('list')
    .alias('ls')
    .description('list tenants with their limits and usage')
    .action((_o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => null,
        run: async (_i, g, out) => {
          const tenants = await withAdminClient(g, (admin) => admin.listTenants());
          out.result({ tenants }, () =>
            tenants.length === 0
              ? 'no tenants; create one with `solo tenant create <id>`'
              : renderTable(
                  ['TENANT', 'SERVICES', 'MEMORY MIB', 'RATE', 'CREATED'],
                  tenants.map((t) => [
                    t.tenant,
                    `${t.usage.services}/${t.limits.max_services}`,
                    `${t.usage.memory_mb}/${t.limits.max_memory_mb}`,
                    formatRate(t.limits.rate),
                    t.created_at,
                  ]),
                ),
          );
        },
      }),
    );
}

function registerShow(tenant: Command, run: CliRun): void {
  tenant
    .command('show')
    .description("show one tenant's limits and usage")
    .argument('<id>', 'tenant id')
    .action((id: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => parseTenantId(id),
        run: async (tenantId, g, out) => {
          const t = await withAdminClient(g, (admin) => admin.showTenant(tenantId));
          out.result({ tenant: t }, () => renderFields(tenantFields(t)));
        },
      }),
    );
}

function registerSetLimits(tenant: Command, run: CliRun): void {
  addLimitFlags(tenant.command('set-limits').description("change a tenant's limits (the others keep their value)").argument('<id>', 'tenant id')).action(
    (id: string, o: TenantLimitFlagValues, cmd: Command) =>
      runAction(run, cmd, {
        parse: (): { tenantId: TenantId; limits: TenantLimits } => {
          const tenantId = parseTenantId(id);
          const limits = parseTenantLimitFlags(o);
          if (limits === undefined) {
            throw new SoloError('invalid_request', 'Nothing to change: pass --max-services, --max-memory-mb or --rate.', { details: { field: 'limits' } });
          }
          return { tenantId, limits };
        },
        run: async (input, g, out) => {
          const t = await withAdminClient(g, (admin) => admin.setTenantLimits(input.tenantId, input.limits));
          out.result({ tenant: t }, () => renderFields(tenantFields(t)));
        },
      }),
  );
}

function registerDelete(tenant: Command, run: CliRun): void {
  tenant
    .command('delete')
    .description('delete a tenant: kills its services, revokes its tokens, deletes its secrets and NATS user')
    .argument('<id>', 'tenant id')
    .option('--yes', 'confirm: this cannot be undone')
    .action((id: string, o: { yes?: boolean }, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => {
          const tenantId = parseTenantId(id);
          if (o.yes !== true) {
            throw new SoloError(
              'invalid_request',
              `Deleting tenant '${tenantId}' kills its services and deletes its tokens, secrets and NATS user, for good. Pass --yes to confirm.`,
              { details: { field: '--yes' } },
            );
          }
          return tenantId;
        },
        run: async (tenantId, g, out) => {
          const r = await withAdminClient(g, (admin) => admin.deleteTenant(tenantId));
          out.result(r, () => `deleted tenant ${r.tenant}: ${r.services_killed} services killed, ${r.tokens_revoked} tokens revoked, ${r.secrets_deleted} secrets deleted`);
        },
      }),
    );
}

function registerRotateNats(tenant: Command, run: CliRun): void {
  tenant
    .command('rotate-nats')
    .description("replace a tenant's NATS user (the old seed stops working) and update its credentials file")
    .argument('<id>', 'tenant id')
    .option('--out <file>', "the tenant's credentials file to update (default ./<id>.credentials.json; must exist)")
    .action((id: string, o: { out?: string }, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => {
          const tenantId = parseTenantId(id);
          const path = resolve(g.baseDir, o.out ?? defaultCredentialsFile(tenantId));
          // The new seed is shown once: check the file it goes into before the old seed is revoked.
          if (!fileExists(path)) {
            throw new SoloError(
              'invalid_request',
              `The credentials file ${path} does not exist; the new NATS seed must be written into the tenant's credentials file. Pass --out <file> with the file \`solo tenant create ${tenantId}\` wrote.`,
              { details: { field: '--out', path } },
            );
          }
          const creds = readCredentialsFile(path);
          if (creds.tenant !== tenantId) {
            throw new SoloError('invalid_request', `${path} holds credentials of ${creds.tenant === null ? 'the operator' : `tenant '${creds.tenant}'`}, not of '${tenantId}'. Pass --out with tenant '${tenantId}''s credentials file.`, {
              details: { field: '--out', path },
            });
          }
          return { tenantId, path, creds };
        },
        run: async (input, g, out) => {
          const nats = await withAdminClient(g, (admin) => admin.rotateTenantNats(input.tenantId));
          writeCredentialsFile(input.path, { ...input.creds, nats }, { force: true });
          out.result({ tenant: input.tenantId, credentials_file: input.path, nats_user: nats.user }, () =>
            renderFields([
              ['rotated', `NATS user of ${input.tenantId}: the old seed no longer connects`],
              ['credentials', `${input.path} updated (mode 0600)`],
              ['nats user', nats.user],
            ]),
          );
        },
      }),
    );
}

/** Registers `solo tenant` and its subcommands. */
export function registerTenantCommand(program: Command, run: CliRun): void {
  const tenant = program.command('tenant').description('manage tenants (operator): create, list, show, set-limits, delete, rotate-nats');
  registerCreate(tenant, run);
  registerList(tenant, run);
  registerShow(tenant, run);
  registerSetLimits(tenant, run);
  registerDelete(tenant, run);
  registerRotateNats(tenant, run);
}
