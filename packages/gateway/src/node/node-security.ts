// The security parts of a node's composition: the NATS users of the embedded server (tenants get nkey users
// added and removed with a config reload, no restart), and the operator's credentials written on every start:
// `<dataDir>/admin.token` and `<dataDir>/operator.credentials.json` (both 0600; printed by path, never by value).
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Kernel, KernelLogger, ManagedNatsServer, NatsAuthority, NatsUserCredentials, TenantNatsUsers } from '@solo/kernel';
import { ADMIN_TOKEN_FILE, OPERATOR_CREDENTIALS_FILE, OPERATOR_TENANT, type NatsCredentialsWire, type SoloCredentials, type TenantId } from '@solo/protocol';


function writePrivate(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

function wire(c: NatsUserCredentials): NatsCredentialsWire {
  return { user: c.user, seed: c.seed, inbox_prefix: c.inbox_prefix };
}

/** Tenant NATS users on the embedded server: each change rewrites auth.conf and reloads it. */
export function embeddedTenantUsers(auth: NatsAuthority, server: ManagedNatsServer): TenantNatsUsers {
  const apply = async (): Promise<void> => {
    auth.writeConfig();
    await server.reload();
  };
  return {
    async add(tenant: TenantId) {
      // A tenant deleted and created again gets a fresh user.
      const c = auth.hasTenant(tenant) ? auth.rotateTenant(tenant) : auth.addTenant(tenant);
      await apply();
      return wire(c);
    },
    async rotate(tenant: TenantId) {
      const c = auth.hasTenant(tenant) ? auth.rotateTenant(tenant) : auth.addTenant(tenant);
      await apply();
      return wire(c);
    },
    async remove(tenant: TenantId) {
      if (auth.removeTenant(tenant)) await apply();
    },
  };
}

/**
 * Makes sure the operator has a valid admin token: the one in `admin.token` when it still verifies (it is
 * persistent, so it survives restarts), else a new one. Writes `operator.credentials.json` next to it.
 */
export async function ensureOperatorCredentials(o: {
  dataDir: string;
  kernel: Kernel;
  natsUrl: string;
  operatorNats: NatsUserCredentials | null;
  log: KernelLogger;
}): Promise<{ token: string; tokenFile: string; credentials: SoloCredentials; credentialsFile: string }> {
  const tokenFile = join(o.dataDir, ADMIN_TOKEN_FILE);
  let token: string | null = null;
  if (existsSync(tokenFile)) {
    const stored = readFileSync(tokenFile, 'utf8').trim();
    try {
      const cap = o.kernel.security.tokens.verify(stored);
      if (cap.perms.has('admin')) token = stored;
    } catch (err) {
      o.log.warn('the stored admin token is no longer valid; issuing a new one', { file: tokenFile, error: String(err) });
    }
  }
  if (token === null) {
    token = (await o.kernel.security.tokens.mint({ tenant: OPERATOR_TENANT, permissions: ['admin'], label: 'operator (admin.token)' }, {})).token;
    writePrivate(tokenFile, `${token}\n`);
    o.log.info('admin token written', { file: tokenFile });
  }
  const credentials: SoloCredentials = { kind: 'solo-credentials', version: 1, tenant: null, token, nats_url: o.natsUrl };
  if (o.operatorNats !== null) credentials.nats = wire(o.operatorNats);
  const credentialsFile = join(o.dataDir, OPERATOR_CREDENTIALS_FILE);
  writePrivate(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`);
  return { token, tokenFile, credentials, credentialsFile };
}
