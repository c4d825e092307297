// Wrapping and unwrapping a tenant's data key (DEK) with a master key. The wrapped record names the master
// key id that sealed it, so open and rotation know which key opens it.
import { SoloError } from '@solo/protocol';
import type { TenantId } from '@solo/protocol';
import type { MasterKey } from './master-key.ts';
import { seal, unseal } from './vault-crypto.ts';
import { dekAad } from './vault-records.ts';
import type { DekRecord } from './vault-records.ts';

/** Seals `dek` for `tenant` under `master`. */
export function wrapDataKey(master: MasterKey, tenant: TenantId, dek: Buffer, createdAt: string): DekRecord {
  return { v: 1, master_key_id: master.id, box: seal(master.key, dek, dekAad(tenant)), created_at: createdAt };
}

/**
 * Opens a wrapped data key with `master`, which must be the key the record names.
 * @throws `internal` when it does not authenticate: the record was altered or copied from another tenant.
 */
export function unwrapDataKey(master: MasterKey, tenant: TenantId, record: DekRecord): Buffer {
  const dek = unseal(master.key, record.box, dekAad(tenant));
  if (dek === null || dek.length !== 32) {
    throw new SoloError(
      'internal',
      `The data key of tenant '${tenant}' failed authentication under master key ${master.id}: its record in the local store was altered or damaged, so the tenant's secrets cannot be decrypted. Restore the data directory from a backup, or delete the tenant's secrets and set them again.`,
      { details: { tenant, master_key_id: master.id } },
    );
  }
  return dek;
}
