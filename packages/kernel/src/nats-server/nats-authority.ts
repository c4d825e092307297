// The users of the embedded nats-server: the kernel, the operator and one nkey user per tenant, kept in
// <dir>/auth-users.json and rendered into <dir>/auth.conf, which nats-server.conf includes. The node adds,
// rotates and removes tenants here, then calls writeConfig() and ManagedNatsServer.reload().
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isValidId, parseTenantId, SoloError } from '@solo/protocol';
import { renderAuthConfig, type AuthConfigUser } from './nats-auth-config.ts';
import { writePrivateFileAtomic } from './nats-auth-files.ts';
import { createUserKey, isUserPublicKey, userPublicKeyOf, type UserKey } from './nats-auth-keys.ts';
import {
  KERNEL_INBOX_PREFIX,
  OPERATOR_INBOX_PREFIX,
  kernelPermissions,
  operatorPermissions,
  tenantInboxPrefix,
  tenantPermissions,
} from './nats-auth-permissions.ts';

/** What a NATS client needs to connect as one user: see {@link natsAuthOptions}. */
export interface NatsUserCredentials {
  /** Public user nkey (`U…`): the only part the server knows. */
  user: string;
  /** The user's nkey seed (`SU…`): a secret, handed to the client only. */
  seed: string;
  /** The inbox prefix the client must set: the user may subscribe only under it. */
  inbox_prefix: string;
}

/** The stored form of auth-users.json. Tenant seeds are never stored: only their public keys. */
interface AuthUsersFile {
  version: 1;
  kernel: UserKey;
  operator: UserKey;
  tenants: Record<string, { user: string }>;
}

const USERS_FILE = 'auth-users.json';
const CONFIG_FILE = 'auth.conf';

function corrupt(file: string, why: string, cause?: unknown): SoloError {
  return new SoloError(
    'unavailable',
    `The NATS user file ${file} is unusable (${why}). Restore it from a backup; or move it away to start with new kernel and operator keys, then re-add every tenant (each gets new credentials).`,
    { details: { file, reason: why }, cause },
  );
}

function parseStoredKey(file: string, field: string, value: unknown): UserKey {
  const v = value as Partial<UserKey> | null;
  if (typeof v !== 'object' || v === null || typeof v.seed !== 'string' || typeof v.user !== 'string')
    throw corrupt(file, `'${field}' is missing its user or seed`);
  if (userPublicKeyOf(v.seed) !== v.user) throw corrupt(file, `'${field}' has a seed that does not match its user key`);
  return { user: v.user, seed: v.seed };
}

function parseUsersFile(file: string, text: string): AuthUsersFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw corrupt(file, 'not valid JSON', err);
  }
  const r = raw as Partial<Record<keyof AuthUsersFile, unknown>> | null;
  if (typeof r !== 'object' || r === null || r.version !== 1) throw corrupt(file, 'unknown version');
  const tenants: Record<string, { user: string }> = {};
  if (typeof r.tenants !== 'object' || r.tenants === null) throw corrupt(file, "'tenants' is missing");
  for (const [t, v] of Object.entries(r.tenants as Record<string, unknown>)) {
    const user = (v as { user?: unknown } | null)?.user;
    if (!isValidId(t) || !isUserPublicKey(user)) throw corrupt(file, `tenant entry '${t}' is malformed`);
    tenants[t] = { user };
  }
  return {
    version: 1,
    kernel: parseStoredKey(file, 'kernel', r.kernel),
    operator: parseStoredKey(file, 'operator', r.operator),
    tenants,
  };
}

/**
 * The static nkey users of the embedded nats-server. State lives in `<dir>/auth-users.json` (mode 0600):
 * the kernel's and the operator's seeds (they must survive restarts) and the tenants' public keys only.
 * Changes are saved at once but reach the server only through {@link NatsAuthority.writeConfig} and
 * `ManagedNatsServer.reload()`.
 */
export class NatsAuthority {
  readonly kernel: NatsUserCredentials;
  readonly operator: NatsUserCredentials;
  readonly #usersFile: string;
  readonly #configFile: string;
  readonly #stored: AuthUsersFile;
  #probe: UserKey | null = null;

  private constructor(dir: string, stored: AuthUsersFile) {
    this.#usersFile = join(dir, USERS_FILE);
    this.#configFile = join(dir, CONFIG_FILE);
    this.#stored = stored;
    this.kernel = { ...stored.kernel, inbox_prefix: KERNEL_INBOX_PREFIX };
    this.operator = { ...stored.operator, inbox_prefix: OPERATOR_INBOX_PREFIX };
  }

  /**
   * Loads `<dir>/auth-users.json`, or creates it (with new kernel and operator keys) when missing.
   * @throws `unavailable` when the file exists but is corrupt, or the dir cannot be written.
   */
  static open(dir: string): NatsAuthority {
    const file = join(dir, USERS_FILE);
    if (existsSync(file)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
        // The file holds the kernel's and the operator's seeds: narrow it back if someone widened it.
        if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      } catch (err) {
        throw corrupt(file, `cannot be read or made owner-only: ${(err as Error).message}`, err);
      }
      return new NatsAuthority(dir, parseUsersFile(file, text));
    }
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new SoloError(
        'unavailable',
        `Cannot create the NATS auth dir ${dir}: ${(err as Error).message}. Check the data dir's permissions.`,
        { cause: err },
      );
    }
    const authority = new NatsAuthority(dir, {
      version: 1,
      kernel: createUserKey(),
      operator: createUserKey(),
      tenants: {},
    });
    authority.#save();
    return authority;
  }

  /** Tenants that have a NATS user, sorted. */
  tenants(): string[] {
    return Object.keys(this.#stored.tenants).sort();
  }

  /** True when `tenant` has a NATS user. @throws `invalid_request` for an invalid tenant id. */
  hasTenant(tenant: string): boolean {
    return Object.hasOwn(this.#stored.tenants, parseTenantId(tenant));
  }

  /**
   * Creates the tenant's user and returns its credentials. The seed is returned only here: it is not stored.
   * @throws `invalid_request` for an invalid tenant id; `already_exists` when the tenant has a user.
   */
  addTenant(tenant: string): NatsUserCredentials {
    const t = parseTenantId(tenant);
    if (this.hasTenant(t)) {
      throw new SoloError(
        'already_exists',
        `Tenant '${t}' already has NATS credentials. Rotate them to issue a new seed (the old one stops working at the next reload).`,
        {
          details: { tenant: t },
        },
      );
    }
    return this.#issue(t);
  }

  /**
   * Replaces the tenant's key. After writeConfig() and reload(), the old seed is refused and live connections
   * that authenticated with it are closed by the server.
   * @throws `invalid_request` for an invalid tenant id; `not_found` when the tenant has no user.
   */
  rotateTenant(tenant: string): NatsUserCredentials {
    const t = parseTenantId(tenant);
    if (!this.hasTenant(t))
      throw new SoloError('not_found', `Tenant '${t}' has no NATS credentials to rotate. Add the tenant first.`, {
        details: { tenant: t },
      });
    return this.#issue(t);
  }

  /**
   * Deletes the tenant's user; false when it had none. After writeConfig() and reload() the server closes the
   * tenant's live connections and refuses new ones.
   * @throws `invalid_request` for an invalid tenant id.
   */
  removeTenant(tenant: string): boolean {
    const t = parseTenantId(tenant);
    const previous = this.#stored.tenants[t];
    if (!previous) return false;
    delete this.#stored.tenants[t];
    try {
      this.#save();
    } catch (err) {
      this.#stored.tenants[t] = previous;
      throw err;
    }
    return true;
  }

  /**
   * Writes `<dir>/auth.conf` (mode 0600) atomically from the current users and returns its path. Each write
   * also adds a fresh deny-all probe user, through which `reload()` sees that this very file is live.
   * @throws `unavailable` when the file cannot be written.
   */
  writeConfig(): string {
    const probe = createUserKey();
    const users: AuthConfigUser[] = [
      { label: 'kernel', nkey: this.kernel.user, permissions: { ...kernelPermissions(), allowResponses: false } },
      { label: 'operator', nkey: this.operator.user, permissions: { ...operatorPermissions(), allowResponses: true } },
      { label: 'reload probe (can do nothing)', nkey: probe.user, permissions: 'deny_all' },
    ];
    for (const t of this.tenants()) {
      users.push({
        label: `tenant ${t}`,
        nkey: (this.#stored.tenants[t] as { user: string }).user,
        permissions: { ...tenantPermissions(t), allowResponses: true },
      });
    }
    try {
      writePrivateFileAtomic(this.#configFile, renderAuthConfig(users));
    } catch (err) {
      throw new SoloError(
        'unavailable',
        `Cannot write ${this.#configFile}: ${(err as Error).message}. Check the data dir's permissions and free space.`,
        { cause: err },
      );
    }
    this.#probe = probe;
    return this.#configFile;
  }

  /** Path of auth.conf (written by {@link NatsAuthority.writeConfig}). */
  get configFile(): string {
    return this.#configFile;
  }

  /**
   * The deny-all user of the last auth.conf written, null before the first writeConfig(). Connecting with it
   * succeeds once the server runs that file. Used by `ManagedNatsServer.reload()`.
   */
  configProbe(): NatsUserCredentials | null {
    return this.#probe ? { ...this.#probe, inbox_prefix: KERNEL_INBOX_PREFIX } : null;
  }

  #issue(t: string): NatsUserCredentials {
    const key = createUserKey();
    const previous = this.#stored.tenants[t];
    this.#stored.tenants[t] = { user: key.user };
    try {
      this.#save();
    } catch (err) {
      if (previous) this.#stored.tenants[t] = previous;
      else delete this.#stored.tenants[t];
      throw err;
    }
    return { user: key.user, seed: key.seed, inbox_prefix: tenantInboxPrefix(t) };
  }

  #save(): void {
    try {
      writePrivateFileAtomic(this.#usersFile, `${JSON.stringify(this.#stored, null, 2)}\n`);
    } catch (err) {
      throw new SoloError(
        'unavailable',
        `Cannot write ${this.#usersFile}: ${(err as Error).message}. Check the data dir's permissions and free space.`,
        { cause: err },
      );
    }
  }
}
