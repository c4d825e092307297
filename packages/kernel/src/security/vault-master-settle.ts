// Settling the master key when the vault opens: finish or discard a rotation that a crash interrupted
// (`master.key.next` left behind), re-wrap data keys sealed by SOLO_MASTER_KEY_PREVIOUS, and refuse a master
// key that opens none of the stored data keys instead of silently starting over with new ones.
import { SoloError } from '@solo/protocol';
import type { TenantId } from '@solo/protocol';
import type { VaultDb } from '@solo/store';
import { masterKeyId, PREVIOUS_MASTER_KEY_ENV, MASTER_KEY_ENV } from './master-key.ts';
import type { MasterKey, MasterKeySource } from './master-key.ts';
import { unwrapDataKey, wrapDataKey } from './vault-data-key.ts';
import { DEK_PREFIX, decodeDekRecord } from './vault-records.ts';
import type { DekRecord } from './vault-records.ts';
import { keyFileExists, readKeyFile, removeKeyFile, replaceKeyFile } from './vault-key-file.ts';

/** Where the next master key waits during a rotation of a file key. */
export function nextKeyPath(keyPath: string): string {
  return `${keyPath}.next`;
}

/** What {@link settleMasterKey} did. */
export interface SettledMasterKey {
  master: MasterKey;
  /** Data keys re-wrapped on open (from SOLO_MASTER_KEY_PREVIOUS). */
  rewrapped: number;
  /** What happened to a leftover `master.key.next`. */
  interruptedRotation: 'none' | 'finished' | 'discarded';
}

function wrongKey(source: MasterKeySource, unknownIds: string[]): SoloError {
  const where = source.source === 'env' ? `from ${MASTER_KEY_ENV}` : `from ${source.path ?? 'the key file'}`;
  return new SoloError(
    'invalid_request',
    `The vault's data keys were sealed by master key ${unknownIds.join(', ')}, but the master key ${where} has id ${source.id}: it cannot decrypt the stored secrets, so the vault refuses to open rather than start over. Start the node with the master key whose id is ${unknownIds[0]} (set ${MASTER_KEY_ENV}, or restore keys/master.key from a backup). To switch keys, set ${MASTER_KEY_ENV} to the new key and ${PREVIOUS_MASTER_KEY_ENV} to the old one for one start.`,
    { details: { master_key_id: source.id, expected_master_key_ids: unknownIds } },
  );
}

/**
 * Decides which master key the vault runs with and brings every stored data key under it, in one LMDB
 * transaction. `keyPath` is the key file for a file-sourced key, else null.
 * @throws `invalid_request` when a data key names a master key that is not available.
 */
export function settleMasterKey(o: { db: VaultDb; source: MasterKeySource; keyPath: string | null }): SettledMasterKey {
  const current: MasterKey = { key: o.source.key, id: o.source.id };
  const known = new Map<string, MasterKey>([[current.id, current]]);
  if (o.source.previous) known.set(o.source.previous.id, o.source.previous);
  let next: MasterKey | null = null;
  const nextPath = o.keyPath === null ? null : nextKeyPath(o.keyPath);
  if (nextPath !== null && keyFileExists(nextPath)) {
    const key = readKeyFile(nextPath);
    next = { key, id: masterKeyId(key) };
    known.set(next.id, next);
  }

  const deks: Array<[TenantId, DekRecord]> = o.db.entries(DEK_PREFIX).map(([k, raw]) => {
    const tenant = k.slice(DEK_PREFIX.length) as TenantId;
    return [tenant, decodeDekRecord(raw, tenant)];
  });
  const used = new Set(deks.map(([, r]) => r.master_key_id));
  const unknownIds = [...used].filter((id) => !known.has(id));
  if (unknownIds.length > 0) throw wrongKey(o.source, unknownIds);

  // A rotation re-wraps every data key in one transaction before it renames master.key.next over master.key.
  // So if any data key names the next key, that transaction committed and the rename is what is missing;
  // if none does, the crash came before the commit and the next key never protected anything.
  const target = next !== null && used.has(next.id) ? next : current;
  const stale = deks.filter(([, r]) => r.master_key_id !== target.id);
  if (stale.length > 0) {
    o.db.writeSync((w) => {
      for (const [tenant, record] of stale) {
        const dek = unwrapDataKey(known.get(record.master_key_id) as MasterKey, tenant, record);
        w.put(`${DEK_PREFIX}${tenant}`, { ...wrapDataKey(target, tenant, dek, record.created_at) });
        dek.fill(0);
      }
    });
  }

  let interruptedRotation: SettledMasterKey['interruptedRotation'] = 'none';
  if (next !== null && nextPath !== null && o.keyPath !== null) {
    // Only after the data keys are durably under the target may the other key file go away.
    if (target === next) {
      replaceKeyFile(nextPath, o.keyPath);
      interruptedRotation = 'finished';
    } else {
      removeKeyFile(nextPath);
      interruptedRotation = 'discarded';
    }
  }
  return { master: target, rewrapped: stale.length, interruptedRotation };
}
