// The options every command accepts (--tenant, --nats, --data-dir, --token, --json), resolved with the environment.
import { isAbsolute, resolve } from 'node:path';
import { parseTenantId } from '@solo/protocol';
import type { TenantId } from '@solo/protocol';

/** Global options as commander parsed them. */
export interface GlobalOptions {
  tenant?: string;
  nats?: string;
  dataDir?: string;
  token?: string;
  json?: boolean;
}

/** Global options after the environment and defaults were applied. */
export interface ResolvedGlobalOptions {
  tenant: TenantId;
  /** From --nats or SOLO_NATS_URL; undefined means "read it from node.json in the data dir". */
  natsUrl: string | undefined;
  /** Absolute data dir. */
  dataDir: string;
  token: string | undefined;
  json: boolean;
  /** Directory that relative file arguments resolve from (where the user ran the command). */
  baseDir: string;
}

/** Default tenant when neither --tenant nor SOLO_TENANT is set. */
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

/** Applies flags, then SOLO_* variables, then defaults. @throws `invalid_request` for an invalid tenant id */
export function resolveGlobalOptions(raw: GlobalOptions, env: Env, cwd: string): ResolvedGlobalOptions {
  const baseDir = invocationDir(env, cwd);
  return {
    tenant: parseTenantId(nonEmpty(raw.tenant) ?? nonEmpty(env['SOLO_TENANT']) ?? DEFAULT_TENANT),
    natsUrl: nonEmpty(raw.nats) ?? nonEmpty(env['SOLO_NATS_URL']),
    dataDir: resolve(baseDir, nonEmpty(raw.dataDir) ?? nonEmpty(env['SOLO_DATA_DIR']) ?? DEFAULT_DATA_DIR),
    token: nonEmpty(raw.token) ?? nonEmpty(env['SOLO_TOKEN']),
    json: raw.json === true,
    baseDir,
  };
}
