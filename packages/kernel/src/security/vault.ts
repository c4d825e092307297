// The secrets vault: envelope encryption over the LMDB `vault` sub-database. Each value is sealed with
// AES-256-GCM under its tenant's data key (DEK); each DEK is sealed by the node's master key. Only `get`
// returns plaintext: metadata, errors and the store never carry it.
import { randomBytes } from 'node:crypto';
import { isSoloError, parseTenantId, SoloError } from '@solo/protocol';
import type { TenantId } from '@solo/protocol';
import type { VaultDb } from '@solo/store';
import { masterKeyId, masterKeyPath, MASTER_KEY_ENV, PREVIOUS_MASTER_KEY_ENV } from './master-key.ts';
import type { MasterKey, MasterKeySource } from './master-key.ts';
import { checkSecretValue, MAX_SECRETS_PER_TENANT, parseSecretName } from './secret-names.ts';
import { seal, unseal } from './vault-crypto.ts';
import { unwrapDataKey, wrapDataKey } from './vault-data-key.ts';
import { KEY_BYTES, removeKeyFile, replaceKeyFile, writeKeyFile } from './vault-key-file.ts';
import { nextKeyPath, settleMasterKey } from './vault-master-settle.ts';
import { DEK_PREFIX, decodeDekRecord, decodeSecretRecord, dekKey, secretAad, secretKey, secretPrefix } from './vault-records.ts';
import type { SecretRecord } from './vault-records.ts';

/** A secret's metadata: everything but its value. */
export interface SecretMeta {
  name: string;
  /** Size of the value in UTF-8 bytes. */
  size: number;
  /** 1 on creation, +1 on each overwrite. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** Options of {@link SecretVault.open}. */
export interface SecretVaultOptions {
  /** The node's LocalStore (only its `vault` sub-database is used). */
  local: { readonly vault: VaultDb };
  /** The master key, from loadMasterKey. */
  master: MasterKeySource;
  /** The data directory; the key file is `<dataDir>/keys/master.key` unless `master.path` says otherwise. */
  dataDir: string;
  /** Clock for created_at/updated_at. @default Date.now */
  now?: () => number;
}

function toMeta(name: string, r: SecretRecord): SecretMeta {
  return { name, size: r.size, version: r.version, created_at: r.created_at, updated_at: r.updated_at };
}

function tryDecodeSecretRecord(raw: unknown, tenant: TenantId, name: string): SecretRecord | null {
  try {
    return decodeSecretRecord(raw, tenant, name);
  } catch (err) {
    if (isSoloError(err, 'internal')) return null;
    throw err;
  }
}

function notFound(tenant: TenantId, name: string): SoloError {
  return new SoloError('not_found', `Secret '${name}' is not set for tenant '${tenant}'. Call secret_list to see the tenant's secrets, or secret_set to set it.`, {
    details: { tenant, name },
  });
}

function tampered(tenant: TenantId, name: string): SoloError {
  return new SoloError(
    'internal',
    `Secret '${name}' of tenant '${tenant}' failed authentication: its record in the local store was altered, damaged or moved from another place. Set the secret again with secret_set.`,
    { details: { tenant, name } },
  );
}

/** The node's secrets vault. Open one per LocalStore; every method is synchronous. */
export class SecretVault {
  readonly #db: VaultDb;
  readonly #source: MasterKeySource['source'];
  readonly #keyPath: string | null;
  readonly #now: () => number;
  #master: MasterKey;
  /**
   * Unwrapped DEKs by tenant. A rotation changes only how DEKs are wrapped, never the DEKs, so entries stay
   * valid across it; an entry is added only after the commit that stored its DEK, and removed with the tenant.
   */
  readonly #deks = new Map<TenantId, Buffer>();

  private constructor(db: VaultDb, master: MasterKey, source: MasterKeySource['source'], keyPath: string | null, now: () => number) {
    this.#db = db;
    this.#master = master;
    this.#source = source;
    this.#keyPath = keyPath;
    this.#now = now;
  }

  /**
   * Opens the vault: finishes or discards a rotation a crash interrupted, re-wraps DEKs sealed by
   * `master.previous`, and checks that the master key opens the stored DEKs.
   * @throws `invalid_request` when the master key is malformed or is not the one that sealed the stored data
   * keys (the vault never silently starts over); `internal` for a damaged store or key file.
   */
  static open(o: SecretVaultOptions): SecretVault {
    const m = o.master;
    if (!Buffer.isBuffer(m?.key) || m.key.length !== KEY_BYTES || masterKeyId(m.key) !== m.id) {
      throw new SoloError('invalid_request', 'SecretVault.open needs a master key of 32 bytes whose id matches it: pass what loadMasterKey returned.', {
        details: { field: 'master' },
      });
    }
    const keyPath = m.source === 'file' ? (m.path ?? masterKeyPath(o.dataDir)) : null;
    // A copy, so the vault's key does not change if the caller reuses or clears its buffer.
    const source: MasterKeySource = { ...m, key: Buffer.from(m.key) };
    const settled = settleMasterKey({ db: o.local.vault, source, keyPath });
    return new SecretVault(o.local.vault, settled.master, m.source, keyPath, o.now ?? Date.now);
  }

  /** The id of the master key that wraps every DEK now (never the key). */
  get masterKeyId(): string {
    return this.#master.id;
  }

  /**
   * Creates or overwrites a secret (version + 1) and returns its metadata once durable.
   * @throws `invalid_request` for a bad tenant id, name or non-string value; `limit_exceeded` for a value over
   * MAX_SECRET_BYTES or a new secret past MAX_SECRETS_PER_TENANT.
   */
  set(tenant: string, name: string, value: string): SecretMeta {
    const t = parseTenantId(tenant);
    const n = parseSecretName(name);
    const size = checkSecretValue(value);
    const nowIso = new Date(this.#now()).toISOString();
    let createdDek: Buffer | null = null;
    const meta = this.#db.writeSync((w) => {
      const prevRaw = this.#db.get(secretKey(t, n));
      // A malformed old record is overwritten (setting again is how a damaged secret is repaired); it still
      // occupies its slot, so it does not count as a new secret.
      const prev = prevRaw === undefined ? undefined : tryDecodeSecretRecord(prevRaw, t, n);
      if (prev === undefined) {
        const count = this.#db.keys(secretPrefix(t)).length;
        if (count >= MAX_SECRETS_PER_TENANT) {
          throw new SoloError('limit_exceeded', `Tenant '${t}' already has ${count} secrets, the limit is ${MAX_SECRETS_PER_TENANT}. Delete unused ones with secret_delete, or overwrite an existing secret.`, {
            details: { tenant: t, limit: MAX_SECRETS_PER_TENANT },
          });
        }
      }
      let dek = this.#dek(t);
      if (dek === null) {
        // A missing DEK with secrets still stored would orphan them under a new DEK: refuse instead.
        if (this.#db.keys(secretPrefix(t)).length > 0) throw this.#missingDek(t);
        dek = randomBytes(KEY_BYTES);
        w.put(dekKey(t), { ...wrapDataKey(this.#master, t, dek, nowIso) });
        createdDek = dek;
      }
      const plaintext = Buffer.from(value, 'utf8');
      const box = seal(dek, plaintext, secretAad(t, n));
      plaintext.fill(0);
      const record: SecretRecord = { v: 1, box, size, version: (prev?.version ?? 0) + 1, created_at: prev?.created_at ?? nowIso, updated_at: nowIso };
      w.put(secretKey(t, n), { ...record });
      return toMeta(n, record);
    });
    if (createdDek !== null) this.#deks.set(t, createdDek);
    return meta;
  }

  /**
   * The value of a secret: the only way plaintext leaves the vault.
   * @throws `invalid_request` for a bad tenant id or name; `not_found` when it is not set; `internal` when its
   * stored record fails authentication (the message never contains the value).
   */
  get(tenant: string, name: string): string {
    const t = parseTenantId(tenant);
    const n = parseSecretName(name);
    const raw = this.#db.get(secretKey(t, n));
    if (raw === undefined) throw notFound(t, n);
    const record = decodeSecretRecord(raw, t, n);
    const dek = this.#dek(t);
    if (dek === null) throw this.#missingDek(t);
    const plaintext = unseal(dek, record.box, secretAad(t, n));
    if (plaintext === null) throw tampered(t, n);
    const value = plaintext.toString('utf8');
    plaintext.fill(0);
    return value;
  }

  /** Whether a secret is set. @throws `invalid_request` for a bad tenant id or name. */
  exists(tenant: string, name: string): boolean {
    return this.#db.has(secretKey(parseTenantId(tenant), parseSecretName(name)));
  }

  /** Every secret's metadata of a tenant, by name; never values. @throws `invalid_request` for a bad tenant id. */
  list(tenant: string): SecretMeta[] {
    const t = parseTenantId(tenant);
    const prefix = secretPrefix(t);
    return this.#db.entries(prefix).map(([key, raw]) => {
      const n = key.slice(prefix.length);
      return toMeta(n, decodeSecretRecord(raw, t, n));
    });
  }

  /** Deletes a secret; returns whether it existed. The tenant keeps its DEK. @throws `invalid_request` for a bad tenant id or name. */
  delete(tenant: string, name: string): boolean {
    const key = secretKey(parseTenantId(tenant), parseSecretName(name));
    return this.#db.writeSync((w) => w.remove(key));
  }

  /** Removes every secret of a tenant and its DEK, in one commit; returns how many secrets there were. */
  deleteTenant(tenant: string): number {
    const t = parseTenantId(tenant);
    const removed = this.#db.writeSync((w) => {
      const keys = this.#db.keys(secretPrefix(t));
      for (const key of keys) w.remove(key);
      w.remove(dekKey(t));
      return keys.length;
    });
    this.#deks.get(t)?.fill(0);
    this.#deks.delete(t);
    return removed;
  }

  /**
   * Replaces the master key with a new random one and re-wraps every DEK, without downtime: the new key is
   * written to `keys/master.key.next`, every DEK is re-wrapped in one LMDB transaction, then the next file is
   * renamed over `master.key`. A crash at any step is settled by the next open.
   * @throws `invalid_request` when the master key comes from SOLO_MASTER_KEY (rotate by setting a new one);
   * `internal` when the key file or the store cannot be written (the old key stays in force).
   */
  rotateMaster(): { rewrapped: number; master_key_id: string } {
    if (this.#source === 'env' || this.#keyPath === null) {
      throw new SoloError(
        'invalid_request',
        `The master key comes from ${MASTER_KEY_ENV}, so Solo cannot replace it. Rotate by restarting the node with ${MASTER_KEY_ENV} set to a new key (\`openssl rand -base64 32\`) and ${PREVIOUS_MASTER_KEY_ENV} set to the current one: the node re-wraps every data key on start.`,
        { details: { master_key_id: this.#master.id } },
      );
    }
    const old = this.#master;
    const key = randomBytes(KEY_BYTES);
    const next: MasterKey = { key, id: masterKeyId(key) };
    const nextPath = nextKeyPath(this.#keyPath);
    writeKeyFile(nextPath, key);
    let rewrapped: number;
    try {
      rewrapped = this.#db.writeSync((w) => {
        const entries = this.#db.entries(DEK_PREFIX);
        for (const [k, raw] of entries) {
          const t = k.slice(DEK_PREFIX.length) as TenantId;
          const record = decodeDekRecord(raw, t);
          const dek = unwrapDataKey(old, t, record);
          w.put(k, { ...wrapDataKey(next, t, dek, record.created_at) });
          dek.fill(0);
        }
        return entries.length;
      });
    } catch (err) {
      // Nothing was re-wrapped: the old key stays in force, so the next key must not survive to be chosen.
      removeKeyFile(nextPath);
      throw err;
    }
    // Every DEK is now sealed by the next key, whatever happens to the rename: switch before it, so a DEK
    // created after a failed rename is sealed by the same key as the others (the next open finishes the rename).
    this.#master = next;
    // The commit above is durable before this rename, so master.key never names a key the DEKs do not use.
    replaceKeyFile(nextPath, this.#keyPath);
    return { rewrapped, master_key_id: next.id };
  }

  #dek(t: TenantId): Buffer | null {
    const cached = this.#deks.get(t);
    if (cached !== undefined) return cached;
    const raw = this.#db.get(dekKey(t));
    if (raw === undefined) return null;
    const record = decodeDekRecord(raw, t);
    if (record.master_key_id !== this.#master.id) {
      throw new SoloError('internal', `The data key of tenant '${t}' is sealed by master key ${record.master_key_id}, not the vault's ${this.#master.id}: the local store was changed behind the vault. Restart the node so the vault settles its keys.`, {
        details: { tenant: t, master_key_id: this.#master.id },
      });
    }
    const dek = unwrapDataKey(this.#master, t, record);
    this.#deks.set(t, dek);
    return dek;
  }

  #missingDek(t: TenantId): SoloError {
    return new SoloError('internal', `Tenant '${t}' has stored secrets but no data key: the local store was damaged. Restore the data directory from a backup, or delete the tenant's secrets and set them again.`, {
      details: { tenant: t },
    });
  }
}
