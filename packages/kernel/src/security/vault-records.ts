// The vault's records in LMDB: their keys, their shapes, and the checks that turn what was read from disk
// into trusted values. `k/<tenant>` holds a tenant's wrapped data key; `s/<tenant>/<name>` one secret.
// Neither a tenant id nor a secret name may contain '/', so the prefixes never overlap.
import { SoloError } from '@solo/protocol';
import type { TenantId } from '@solo/protocol';

/** Prefix of every wrapped data key record. */
export const DEK_PREFIX = 'k/';

/** Where a tenant's wrapped data key lives. */
export function dekKey(tenant: TenantId): string {
  return `${DEK_PREFIX}${tenant}`;
}
/** Prefix of every secret of a tenant. */
export function secretPrefix(tenant: TenantId): string {
  return `s/${tenant}/`;
}
/** Where one secret lives. */
export function secretKey(tenant: TenantId, name: string): string {
  return `${secretPrefix(tenant)}${name}`;
}

/** Additional authenticated data of a wrapped data key: the tenant it belongs to. */
export function dekAad(tenant: TenantId): string {
  return tenant;
}
/** Additional authenticated data of a secret value: `tenant/name`. */
export function secretAad(tenant: TenantId, name: string): string {
  return `${tenant}/${name}`;
}

/** A tenant's data key, sealed by the master key whose id it names. */
export interface DekRecord {
  v: 1;
  master_key_id: string;
  box: Buffer;
  created_at: string;
}

/** One secret: its sealed value and its metadata (the metadata is not secret). */
export interface SecretRecord {
  v: 1;
  box: Buffer;
  size: number;
  version: number;
  created_at: string;
  updated_at: string;
}

function corrupt(what: string): SoloError {
  return new SoloError('internal', `The vault record of ${what} is malformed: the local store was altered or damaged. Set the secret again, or restore the data directory from a backup.`, {
    details: { record: what },
  });
}

type RawRecord = Record<string, unknown>;

function asRecord(raw: unknown): RawRecord | null {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as RawRecord) : null;
}

/** A copy of stored bytes: values read from LMDB may share a buffer that the next read overwrites. */
function bytes(v: unknown): Buffer | null {
  return v instanceof Uint8Array ? Buffer.from(v) : null;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Validates a data key record read from disk. @throws `internal` when malformed. */
export function decodeDekRecord(raw: unknown, tenant: string): DekRecord {
  const r = asRecord(raw);
  const box = bytes(r?.['box']);
  if (r === null || r['v'] !== 1 || !isText(r['master_key_id']) || box === null || !isText(r['created_at'])) {
    throw corrupt(`tenant '${tenant}' data key`);
  }
  return { v: 1, master_key_id: r['master_key_id'], box, created_at: r['created_at'] };
}

/** Validates a secret record read from disk. @throws `internal` when malformed. */
export function decodeSecretRecord(raw: unknown, tenant: string, name: string): SecretRecord {
  const r = asRecord(raw);
  const box = bytes(r?.['box']);
  if (r === null || r['v'] !== 1 || box === null || !isCount(r['size']) || !isCount(r['version']) || !isText(r['created_at']) || !isText(r['updated_at'])) {
    throw corrupt(`secret '${name}' of tenant '${tenant}'`);
  }
  return { v: 1, box, size: r['size'], version: r['version'], created_at: r['created_at'], updated_at: r['updated_at'] };
}
