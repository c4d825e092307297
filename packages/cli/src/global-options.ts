// The options every command accepts (--tenant, --nats, --data-dir, --token, --credentials, --json), resolved
// with the environment and the credentials file they name.
import { isAbsolute, resolve } from 'node:path';
import { SoloError, parseTenantId } from '@solo/protocol';
import type { SoloCredentials, TenantId } from '@solo/protocol';
import { readCredentialsFile } from '@solo/sdk';

/** Global options as commander parsed them. */
export interface GlobalOptions {
  tenant?: string;
  nats?: string;
  dataDir?: string;
  token?: string;
  credentials?: string;
  json?: boolean;
}

/** A credentials file named by --credentials or SOLO_CREDENTIALS, read and checked. */
export interface LoadedCredentials {
  /** Absolute path. */
  path: string;
  creds: SoloCredentials;
}

/** Global options after the environment, the credentials file and defaults were applied. */
export interface ResolvedGlobalOptions {
  /** From --tenant or SOLO_TENANT, else the credentials' tenant, else {@link DEFAULT_TENANT}. */
  tenant: TenantId;
  /** From --nats or SOLO_NATS_URL; undefined means "the credentials' nats_url, else node.json in the data dir". */
  natsUrl: string | undefined;
  /** Absolute data dir. */
  dataDir: string;
  /** From --token or SOLO_TOKEN only; the credentials' token is in {@link ResolvedGlobalOptions.credentials}. */
  token: string | undefined;
  /** From --credentials or SOLO_CREDENTIALS. */
  credentials: LoadedCredentials | undefined;
  json: boolean;
  /** Directory that relative file arguments resolve from (where the user ran the command). */
  baseDir: string;
}

/** Default tenant when neither --tenant, SOLO_TENANT nor the credentials name one. */
export const DEFAULT_TENANT = 'default';
/** Default data dir, relative to where the user ran the command. */
export const DEFAULT_DATA_DIR = '.solo';

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/**
 * The directory the user ran the command in. `pnpm solo …` runs the script from the workspace root, so a
 * relative path typed by the user must resolve from INIT_CWD (set by pnpm) instead of the process cwd. Only the
 * `solo` script is trusted this way: a child of another script inherits a stale INIT_CWD.
 */
export function invocationDir(env: Env, cwd: string): string {
  const init = env['INIT_CWD'];
  if (env['npm_lifecycle_event'] === 'solo' && init !== undefined && isAbsolute(init)) return init;
  return cwd;
}

/**
 * Applies flags, then SOLO_* variables, then the credentials file, then defaults. `readCredentials` reads the
 * credentials file (the SDK's `readCredentialsFile`; tests pass their own).
 * @throws `invalid_request` for an invalid tenant id, an unusable credentials file (missing, malformed, mode
 * wider than 0600), or a tenant other than the one the credentials were issued for
 */
export function resolveGlobalOptions(
  raw: GlobalOptions,
  env: Env,
  cwd: string,
  readCredentials: (path: string) => SoloCredentials = readCredentialsFile,
): ResolvedGlobalOptions {
  const baseDir = invocationDir(env, cwd);
  const credentialsPath = nonEmpty(raw.credentials) ?? nonEmpty(env['SOLO_CREDENTIALS']);
  const credentials = credentialsPath === undefined ? undefined : { path: resolve(baseDir, credentialsPath), creds: readCredentials(resolve(baseDir, credentialsPath)) };
  const explicitTenant = nonEmpty(raw.tenant) ?? nonEmpty(env['SOLO_TENANT']);
  const credTenant = credentials?.creds.tenant ?? null;
  if (explicitTenant !== undefined && credTenant !== null && explicitTenant !== credTenant) {
    // The credentials' token and NATS user reach only their own tenant: every request would be refused.
    throw new SoloError(
      'invalid_request',
      `--tenant/SOLO_TENANT '${explicitTenant}' differs from the tenant '${credTenant}' that ${credentials?.path ?? 'the credentials'} was issued for. Drop --tenant (and unset SOLO_TENANT), or use credentials of '${explicitTenant}'.`,
      { details: { field: '--tenant' } },
    );
  }
  return {
    tenant: parseTenantId(explicitTenant ?? credTenant ?? DEFAULT_TENANT),
    natsUrl: nonEmpty(raw.nats) ?? nonEmpty(env['SOLO_NATS_URL']),
    dataDir: resolve(baseDir, nonEmpty(raw.dataDir) ?? nonEmpty(env['SOLO_DATA_DIR']) ?? DEFAULT_DATA_DIR),
    token: nonEmpty(raw.token) ?? nonEmpty(env['SOLO_TOKEN']),
    credentials,
    json: raw.json === true,
    baseDir,
  };
}
