import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMasterKey, MAX_SECRET_BYTES, MAX_SECRETS_PER_TENANT, parseSecretName, SecretVault } from '@solo/kernel';
import type { MasterKeySource } from '@solo/kernel';
import { LocalStore } from '@solo/store';
import type { VaultRecord } from '@solo/store';
import { createTempDir, uniqueName } from '@solo/testkit';

interface Opened {
  local: LocalStore;
  master: MasterKeySource;
  vault: SecretVault;
}

const storeDir = (dataDir: string): string => join(dataDir, 'store');
const keyFile = (dataDir: string): string => join(dataDir, 'keys', 'master.key');

function openVault(dataDir: string, env: Record<string, string> = {}, now?: () => number): Opened {
  const master = loadMasterKey({ dataDir, env });
  const local = LocalStore.open(storeDir(dataDir));
  try {
    return { local, master, vault: SecretVault.open({ local, master, dataDir, ...(now ? { now } : {}) }) };
  } catch (err) {
    void local.close();
    throw err;
  }
}

/** Runs `fn` with a fresh data directory, removed afterwards. */
async function withDataDir(fn: (dataDir: string) => Promise<void> | void): Promise<void> {
  const d = createTempDir('solo-vault-');
  try {
    await fn(d.path);
  } finally {
    d.remove();
  }
}

/** Asserts `fn` throws a SoloError with `code` and returns its message. */
function refused(fn: () => unknown, code: string): string {
  let message = '';
  assert.throws(fn, (err: { code?: string; message?: string }) => {
    assert.equal(err.code, code, `expected ${code}, got ${String(err.code)}: ${String(err.message)}`);
    message = String(err.message);
    return true;
  });
  return message;
}

/** Every byte of every file under `dir`. */
function allBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(readFileSync(join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(parts);
}

function rawRecord(local: LocalStore, key: string): VaultRecord {
  const raw = local.vault.get(key);
  assert.ok(raw !== undefined, `no vault record under ${key}`);
  return raw as VaultRecord;
}

describe('SecretVault', () => {
  it('sets, gets, lists, checks and deletes secrets, counting versions', async () => {
    await withDataDir(async (dir) => {
      let t = Date.parse('2030-01-01T00:00:00Z');
      const { local, vault } = openVault(dir, {}, () => t);
      try {
        const tenant = uniqueName('acme');
        const a = vault.set(tenant, 'API_KEY', 'sk-123');
        assert.deepEqual(a, { name: 'API_KEY', size: 6, version: 1, created_at: '2030-01-01T00:00:00.000Z', updated_at: '2030-01-01T00:00:00.000Z' });
        assert.equal(vault.get(tenant, 'API_KEY'), 'sk-123');
        t += 1000;
        const b = vault.set(tenant, 'API_KEY', 'sk-456-é');
        assert.equal(b.version, 2);
        assert.equal(b.size, Buffer.byteLength('sk-456-é'));
        assert.equal(b.created_at, a.created_at);
        assert.equal(b.updated_at, '2030-01-01T00:00:01.000Z');
        assert.equal(vault.get(tenant, 'API_KEY'), 'sk-456-é');
        vault.set(tenant, 'db-url', '');
        assert.equal(vault.get(tenant, 'db-url'), '');
        assert.equal(vault.exists(tenant, 'API_KEY'), true);
        assert.equal(vault.exists(tenant, 'OTHER'), false);
        const list = vault.list(tenant);
        assert.deepEqual(
          list.map((m) => [m.name, m.version, m.size]),
          [
            ['API_KEY', 2, b.size],
            ['db-url', 1, 0],
          ],
        );
        for (const m of list) assert.deepEqual(Object.keys(m).sort(), ['created_at', 'name', 'size', 'updated_at', 'version']);
        assert.equal(vault.delete(tenant, 'API_KEY'), true);
        assert.equal(vault.delete(tenant, 'API_KEY'), false);
        assert.equal(vault.exists(tenant, 'API_KEY'), false);
        refused(() => vault.get(tenant, 'API_KEY'), 'not_found');
        assert.deepEqual(
          vault.list(tenant).map((m) => m.name),
          ['db-url'],
        );
        assert.deepEqual(vault.list(uniqueName('empty')), []);
      } finally {
        await local.close();
      }
    });
  });

  it('keeps secrets across a restart', async () => {
    await withDataDir(async (dir) => {
      const tenant = uniqueName('acme');
      const first = openVault(dir);
      first.vault.set(tenant, 'TOKEN', 'persisted value');
      await first.local.close();
      const second = openVault(dir);
      try {
        assert.equal(second.vault.masterKeyId, first.vault.masterKeyId);
        assert.equal(second.vault.get(tenant, 'TOKEN'), 'persisted value');
      } finally {
        await second.local.close();
      }
    });
  });

  it("never lets tenant A read tenant B's secret by name", async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const a = uniqueName('a');
        const b = uniqueName('b');
        vault.set(b, 'SHARED_NAME', 'b-only');
        refused(() => vault.get(a, 'SHARED_NAME'), 'not_found');
        assert.equal(vault.exists(a, 'SHARED_NAME'), false);
        assert.deepEqual(vault.list(a), []);
        assert.equal(vault.delete(a, 'SHARED_NAME'), false);
        vault.set(a, 'SHARED_NAME', 'a-only');
        assert.equal(vault.get(a, 'SHARED_NAME'), 'a-only');
        assert.equal(vault.get(b, 'SHARED_NAME'), 'b-only');
        assert.equal(vault.deleteTenant(a), 1);
        assert.equal(vault.get(b, 'SHARED_NAME'), 'b-only');
      } finally {
        await local.close();
      }
    });
  });

  it('fails authentication when a record is moved to another tenant or name, or its data key is swapped', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const a = uniqueName('a');
        const b = uniqueName('b');
        vault.set(a, 'X', 'value-of-a-x');
        vault.set(a, 'Y', 'value-of-a-y');
        vault.set(b, 'X', 'value-of-b-x');
        const ax = rawRecord(local, `s/${a}/X`);
        // Same tenant, other name: same data key, but the additional data names the place.
        local.vault.writeSync((w) => w.put(`s/${a}/Y`, ax));
        const m1 = refused(() => vault.get(a, 'Y'), 'internal');
        // Other tenant, same name.
        local.vault.writeSync((w) => w.put(`s/${b}/X`, ax));
        const m2 = refused(() => vault.get(b, 'X'), 'internal');
        for (const m of [m1, m2]) assert.equal(m.includes('value-of-a-x'), false);
        vault.set(a, 'Y', 'value-of-a-y');
        vault.set(b, 'X', 'value-of-b-x');
        // B's data key record copied over A's: sealed for B, so it does not open as A's (fresh vault, empty cache).
        local.vault.writeSync((w) => w.put(`k/${a}`, rawRecord(local, `k/${b}`)));
        const reopened = SecretVault.open({ local, master: loadMasterKey({ dataDir: dir, env: {} }), dataDir: dir });
        refused(() => reopened.get(a, 'Y'), 'internal');
        assert.equal(reopened.get(b, 'X'), 'value-of-b-x');
      } finally {
        await local.close();
      }
    });
  });

  it('refuses a tampered ciphertext with internal and a message without the value', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const tenant = uniqueName('acme');
        const value = 'tamper-target-7c1e9b';
        vault.set(tenant, 'K', value);
        const record = rawRecord(local, `s/${tenant}/K`);
        const box = Buffer.from(record['box'] as Uint8Array);
        for (const index of [0, 13, 28, box.length - 1]) {
          const flipped = Buffer.from(box);
          flipped[index] = (flipped[index] as number) ^ 0x01;
          local.vault.writeSync((w) => w.put(`s/${tenant}/K`, { ...record, box: flipped }));
          const message = refused(() => vault.get(tenant, 'K'), 'internal');
          assert.equal(message.includes(value), false);
          assert.match(message, /failed authentication/);
        }
        local.vault.writeSync((w) => w.put(`s/${tenant}/K`, { ...record, box: box.subarray(0, 10) }));
        refused(() => vault.get(tenant, 'K'), 'internal');
        local.vault.writeSync((w) => w.put(`s/${tenant}/K`, { v: 1, junk: 'yes' }));
        refused(() => vault.get(tenant, 'K'), 'internal');
        refused(() => vault.list(tenant), 'internal');
        // Setting it again repairs it.
        vault.set(tenant, 'K', value);
        assert.equal(vault.get(tenant, 'K'), value);
      } finally {
        await local.close();
      }
    });
  });

  it('rejects bad names with invalid_request naming the rule, and stores nothing', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const tenant = uniqueName('acme');
        const cases: Array<[unknown, RegExp]> = [
          ['a/b', /'\/'/],
          ['../etc', /'\/'/],
          ['..', /'\.\.'/],
          ['a.b', /'\.'/],
          ['.', /'\.'/],
          ['a>', /wildcard/],
          ['a*', /wildcard/],
          ['*', /wildcard/],
          ['has space', /whitespace/],
          ['tab\there', /whitespace/],
          ['nul\u0000x', /control character/],
          ['del\u007fx', /control character/],
          ['ключ', /non-ASCII/],
          ['caf\u00e9', /non-ASCII/],
          ['emoji\u{1F511}', /non-ASCII/],
          ['', /empty/],
          [`A${'b'.repeat(128)}`, /129 characters/],
          ['1abc', /start with a letter/],
          ['_abc', /start with a letter/],
          ['-abc', /start with a letter/],
          ['a+b', /letters, digits/],
          [42, /type number/],
          [null, /type null/],
          [undefined, /type undefined/],
          [{ name: 'x' }, /type object/],
        ];
        for (const [name, rule] of cases) {
          for (const fn of [
            () => parseSecretName(name),
            () => vault.set(tenant, name as string, 'v'),
            () => vault.get(tenant, name as string),
            () => vault.exists(tenant, name as string),
            () => vault.delete(tenant, name as string),
          ]) {
            assert.match(refused(fn, 'invalid_request'), rule, `name ${JSON.stringify(name)}`);
          }
        }
        assert.equal(parseSecretName(`A${'b'.repeat(127)}`).length, 128);
        assert.equal(parseSecretName('a'), 'a');
        assert.equal(parseSecretName('Z_9-x'), 'Z_9-x');
        assert.deepEqual(vault.list(tenant), []);
        assert.deepEqual(local.vault.keys('k/'), [], 'a refused set must not create a data key');
      } finally {
        await local.close();
      }
    });
  });

  it('rejects bad tenant ids with invalid_request', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        for (const tenant of ['', 'UPPER', 'a/b', 'a.b', '*', '>', 'x'.repeat(64), 42, null]) {
          refused(() => vault.set(tenant as string, 'NAME', 'v'), 'invalid_request');
          refused(() => vault.get(tenant as string, 'NAME'), 'invalid_request');
          refused(() => vault.list(tenant as string), 'invalid_request');
          refused(() => vault.deleteTenant(tenant as string), 'invalid_request');
        }
        assert.deepEqual(local.vault.keys('s/'), []);
      } finally {
        await local.close();
      }
    });
  });

  it('accepts a value of exactly 64 KiB and refuses one byte more, or a non-string, without a trace', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const tenant = uniqueName('acme');
        const exact = 'x'.repeat(MAX_SECRET_BYTES);
        assert.equal(vault.set(tenant, 'EXACT', exact).size, MAX_SECRET_BYTES);
        assert.equal(vault.get(tenant, 'EXACT'), exact);
        const multibyte = 'é'.repeat(MAX_SECRET_BYTES / 2);
        assert.equal(vault.set(tenant, 'MULTI', multibyte).size, MAX_SECRET_BYTES);
        const marker = 'oversize-marker-51d2';
        const over = marker + 'y'.repeat(MAX_SECRET_BYTES + 1 - marker.length);
        const message = refused(() => vault.set(tenant, 'OVER', over), 'limit_exceeded');
        assert.equal(message.includes(marker), false);
        refused(() => vault.set(tenant, 'OVER_MB', `${multibyte}é`), 'limit_exceeded');
        refused(() => vault.set(tenant, 'EXACT', `${exact}z`), 'limit_exceeded');
        for (const value of [42, null, undefined, { v: 'x' }, ['x'], Buffer.from('x'), true]) {
          refused(() => vault.set(tenant, 'TYPED', value as unknown as string), 'invalid_request');
        }
        assert.equal(vault.exists(tenant, 'OVER'), false);
        assert.equal(vault.exists(tenant, 'TYPED'), false);
        assert.equal(vault.list(tenant).find((m) => m.name === 'EXACT')?.version, 1, 'a refused overwrite keeps the old version');
        assert.equal(vault.get(tenant, 'EXACT'), exact);
        // A refused first secret of a new tenant must not leave a data key behind.
        const fresh = uniqueName('fresh');
        refused(() => vault.set(fresh, 'OVER', over), 'limit_exceeded');
        assert.equal(local.vault.has(`k/${fresh}`), false);
      } finally {
        await local.close();
      }
    });
  });

  it(`refuses secret number ${MAX_SECRETS_PER_TENANT + 1} of a tenant with limit_exceeded, but allows overwrites`, async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const tenant = uniqueName('acme');
        for (let i = 0; i < MAX_SECRETS_PER_TENANT; i++) vault.set(tenant, `S${i}`, `v${i}`);
        const message = refused(() => vault.set(tenant, 'ONE_MORE', 'v'), 'limit_exceeded');
        assert.match(message, /1000/);
        assert.equal(vault.exists(tenant, 'ONE_MORE'), false);
        assert.equal(vault.set(tenant, 'S7', 'new').version, 2);
        assert.equal(vault.list(tenant).length, MAX_SECRETS_PER_TENANT);
        vault.set(uniqueName('other'), 'ONE_MORE', 'v');
        vault.delete(tenant, 'S0');
        assert.equal(vault.set(tenant, 'ONE_MORE', 'v').version, 1);
      } finally {
        await local.close();
      }
    });
  });

  it('deleteTenant removes every secret and the data key, and a later set starts a new key', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const tenant = uniqueName('acme');
        const keep = uniqueName('keep');
        vault.set(tenant, 'A', '1');
        vault.set(tenant, 'B', '2');
        vault.set(keep, 'A', 'kept');
        const oldDek = Buffer.from(rawRecord(local, `k/${tenant}`)['box'] as Uint8Array);
        assert.equal(vault.deleteTenant(tenant), 2);
        assert.equal(local.vault.has(`k/${tenant}`), false);
        assert.deepEqual(local.vault.keys(`s/${tenant}/`), []);
        refused(() => vault.get(tenant, 'A'), 'not_found');
        assert.equal(vault.deleteTenant(tenant), 0);
        vault.set(tenant, 'A', 'again');
        assert.equal(vault.get(tenant, 'A'), 'again');
        assert.notDeepEqual(Buffer.from(rawRecord(local, `k/${tenant}`)['box'] as Uint8Array), oldDek);
        assert.equal(vault.get(keep, 'A'), 'kept');
      } finally {
        await local.close();
      }
    });
  });

  it('refuses to set a secret when the data key is gone but secrets remain, rather than orphan them', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const tenant = uniqueName('acme');
        vault.set(tenant, 'A', '1');
        local.vault.writeSync((w) => w.remove(`k/${tenant}`));
        const fresh = SecretVault.open({ local, master: loadMasterKey({ dataDir: dir, env: {} }), dataDir: dir });
        refused(() => fresh.set(tenant, 'B', '2'), 'internal');
        refused(() => fresh.get(tenant, 'A'), 'internal');
        assert.equal(local.vault.has(`k/${tenant}`), false);
      } finally {
        await local.close();
      }
    });
  });
});

describe('SecretVault master key', () => {
  it('rotates the file master key: re-wraps every data key, replaces master.key and keeps every secret readable', async () => {
    await withDataDir(async (dir) => {
      const a = uniqueName('a');
      const b = uniqueName('b');
      const first = openVault(dir);
      try {
        first.vault.set(a, 'K', 'a-value');
        first.vault.set(b, 'K', 'b-value');
        const before = first.vault.masterKeyId;
        const dekBefore = Buffer.from(rawRecord(first.local, `k/${a}`)['box'] as Uint8Array);
        const r = first.vault.rotateMaster();
        assert.equal(r.rewrapped, 2);
        assert.notEqual(r.master_key_id, before);
        assert.equal(first.vault.masterKeyId, r.master_key_id);
        assert.equal(rawRecord(first.local, `k/${a}`)['master_key_id'], r.master_key_id);
        assert.notDeepEqual(Buffer.from(rawRecord(first.local, `k/${a}`)['box'] as Uint8Array), dekBefore);
        assert.equal(existsSync(`${keyFile(dir)}.next`), false);
        assert.equal(statSync(keyFile(dir)).mode & 0o777, 0o600);
        assert.equal(first.vault.get(a, 'K'), 'a-value');
        first.vault.set(a, 'AFTER', 'after-rotation');
        const again = first.vault.rotateMaster();
        assert.notEqual(again.master_key_id, r.master_key_id);
      } finally {
        await first.local.close();
      }
      const second = openVault(dir);
      try {
        assert.equal(second.master.id, second.vault.masterKeyId);
        assert.equal(second.vault.get(a, 'K'), 'a-value');
        assert.equal(second.vault.get(a, 'AFTER'), 'after-rotation');
        assert.equal(second.vault.get(b, 'K'), 'b-value');
      } finally {
        await second.local.close();
      }
    });
  });

  it('rotates an empty vault', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const r = vault.rotateMaster();
        assert.equal(r.rewrapped, 0);
        assert.equal(loadMasterKey({ dataDir: dir, env: {} }).id, r.master_key_id);
      } finally {
        await local.close();
      }
    });
  });

  it('discards master.key.next when a crash came before the data keys were re-wrapped', async () => {
    await withDataDir(async (dir) => {
      const tenant = uniqueName('acme');
      const first = openVault(dir);
      first.vault.set(tenant, 'K', 'survives');
      const id = first.vault.masterKeyId;
      await first.local.close();
      // The state a crash right after step 1 leaves: the next key written, no data key re-wrapped.
      writeFileSync(`${keyFile(dir)}.next`, randomBytes(32), { mode: 0o600 });
      const second = openVault(dir);
      try {
        assert.equal(second.vault.masterKeyId, id);
        assert.equal(existsSync(`${keyFile(dir)}.next`), false);
        assert.equal(second.vault.get(tenant, 'K'), 'survives');
        assert.equal(loadMasterKey({ dataDir: dir, env: {} }).id, id);
      } finally {
        await second.local.close();
      }
    });
  });

  it('finishes the rotation when a crash came after the re-wrap but before the rename', async () => {
    await withDataDir(async (dir) => {
      const tenant = uniqueName('acme');
      const first = openVault(dir);
      first.vault.set(tenant, 'K', 'survives');
      const oldKey = readFileSync(keyFile(dir));
      const { master_key_id: newId } = first.vault.rotateMaster();
      const newKey = readFileSync(keyFile(dir));
      await first.local.close();
      // The state a crash between step 2 and 3 leaves: data keys under the new key, which is still in
      // master.key.next, while master.key holds the old one.
      writeFileSync(`${keyFile(dir)}.next`, newKey, { mode: 0o600 });
      writeFileSync(keyFile(dir), oldKey, { mode: 0o600 });
      const second = openVault(dir);
      try {
        assert.notEqual(second.master.id, newId, 'loadMasterKey still sees the old key');
        assert.equal(second.vault.masterKeyId, newId);
        assert.equal(existsSync(`${keyFile(dir)}.next`), false);
        assert.deepEqual(readFileSync(keyFile(dir)), newKey);
        assert.equal(second.vault.get(tenant, 'K'), 'survives');
        second.vault.set(tenant, 'NEW', 'after');
      } finally {
        await second.local.close();
      }
      const third = openVault(dir);
      try {
        assert.equal(third.vault.masterKeyId, newId);
        assert.equal(third.vault.get(tenant, 'NEW'), 'after');
      } finally {
        await third.local.close();
      }
    });
  });

  it('refuses a master key that did not seal the stored data keys, and changes nothing', async () => {
    await withDataDir(async (dir) => {
      const tenant = uniqueName('acme');
      const first = openVault(dir);
      first.vault.set(tenant, 'K', 'guarded');
      const rightId = first.vault.masterKeyId;
      const dekBefore = Buffer.from(rawRecord(first.local, `k/${tenant}`)['box'] as Uint8Array);
      await first.local.close();
      const wrong = randomBytes(32);
      const message = (() => {
        try {
          openVault(dir, { SOLO_MASTER_KEY: wrong.toString('base64') });
        } catch (err) {
          assert.equal((err as { code?: string }).code, 'invalid_request');
          return String((err as Error).message);
        }
        assert.fail('opening with the wrong master key must fail');
      })();
      assert.match(message, new RegExp(rightId));
      assert.equal(message.includes(wrong.toString('base64')), false);
      // A replaced key file is refused the same way.
      const rightKey = readFileSync(keyFile(dir));
      writeFileSync(keyFile(dir), randomBytes(32), { mode: 0o600 });
      assert.throws(() => openVault(dir), { code: 'invalid_request' });
      writeFileSync(keyFile(dir), rightKey, { mode: 0o600 });
      const again = openVault(dir);
      try {
        assert.deepEqual(Buffer.from(rawRecord(again.local, `k/${tenant}`)['box'] as Uint8Array), dekBefore, 'no data key was replaced');
        assert.deepEqual(again.local.vault.keys('k/'), [`k/${tenant}`]);
        assert.equal(again.vault.get(tenant, 'K'), 'guarded');
      } finally {
        await again.local.close();
      }
    });
  });

  it('with SOLO_MASTER_KEY: refuses rotateMaster, and re-wraps from SOLO_MASTER_KEY_PREVIOUS on open', async () => {
    await withDataDir(async (dir) => {
      const tenant = uniqueName('acme');
      const k1 = randomBytes(32).toString('base64');
      const k2 = randomBytes(32).toString('hex');
      const first = openVault(dir, { SOLO_MASTER_KEY: k1 });
      try {
        first.vault.set(tenant, 'K', 'env-guarded');
        const message = refused(() => first.vault.rotateMaster(), 'invalid_request');
        assert.match(message, /SOLO_MASTER_KEY/);
        assert.equal(first.vault.get(tenant, 'K'), 'env-guarded');
        assert.equal(existsSync(join(dir, 'keys')), false);
      } finally {
        await first.local.close();
      }
      assert.throws(() => openVault(dir, { SOLO_MASTER_KEY: k2 }), { code: 'invalid_request' });
      const second = openVault(dir, { SOLO_MASTER_KEY: k2, SOLO_MASTER_KEY_PREVIOUS: k1 });
      try {
        assert.equal(second.vault.masterKeyId, second.master.id);
        assert.equal(rawRecord(second.local, `k/${tenant}`)['master_key_id'], second.master.id);
        assert.equal(second.vault.get(tenant, 'K'), 'env-guarded');
      } finally {
        await second.local.close();
      }
      const third = openVault(dir, { SOLO_MASTER_KEY: k2 });
      try {
        assert.equal(third.vault.get(tenant, 'K'), 'env-guarded');
      } finally {
        await third.local.close();
      }
      assert.throws(() => openVault(dir, { SOLO_MASTER_KEY: k1 }), { code: 'invalid_request' });
    });
  });

  it('keeps get and set working between and across rotations (the data key cache stays valid)', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const tenants = [uniqueName('a'), uniqueName('b'), uniqueName('c')];
        const expected = new Map<string, string>();
        for (let i = 0; i < 60; i++) {
          const t = tenants[i % tenants.length] as string;
          const value = `v-${i}-${randomBytes(4).toString('hex')}`;
          vault.set(t, `K${i % 7}`, value);
          expected.set(`${t}/K${i % 7}`, value);
          if (i % 10 === 9) vault.rotateMaster();
          // Interleave: every secret set so far reads back right after each step.
          for (const [k, v] of expected) {
            const [tenant, name] = k.split('/') as [string, string];
            assert.equal(vault.get(tenant, name), v);
          }
        }
        // A fresh vault (no cache) on the same store agrees.
        const fresh = SecretVault.open({ local, master: loadMasterKey({ dataDir: dir, env: {} }), dataDir: dir });
        for (const [k, v] of expected) {
          const [tenant, name] = k.split('/') as [string, string];
          assert.equal(fresh.get(tenant, name), v);
        }
      } finally {
        await local.close();
      }
    });
  });

  it('never writes a plaintext value or a master key to the LMDB files', async () => {
    await withDataDir(async (dir) => {
      const value = `plaintext-canary-${randomBytes(12).toString('hex')}`;
      const overwritten = `plaintext-canary-old-${randomBytes(12).toString('hex')}`;
      const { local, master, vault } = openVault(dir);
      const masterKeys = [Buffer.from(master.key)];
      const tenant = uniqueName('acme');
      const errors: string[] = [];
      try {
        vault.set(tenant, 'OLD', overwritten);
        vault.set(tenant, 'OLD', 'replacement');
        vault.set(tenant, 'CANARY', value);
        vault.set(uniqueName('other'), 'CANARY', value);
        vault.list(tenant);
        vault.exists(tenant, 'CANARY');
        vault.set(tenant, 'GONE', value);
        vault.delete(tenant, 'GONE');
        vault.rotateMaster();
        masterKeys.push(readFileSync(keyFile(dir)));
        assert.equal(vault.get(tenant, 'CANARY'), value);
        for (const fn of [() => vault.set(tenant, 'BIG', value.repeat(5000)), () => vault.set(tenant, 'bad/name', value), () => vault.get(tenant, 'MISSING')]) {
          try {
            fn();
          } catch (err) {
            errors.push(String((err as Error).message), JSON.stringify((err as { details?: unknown }).details ?? null));
          }
        }
      } finally {
        await local.close();
      }
      const bytes = allBytes(storeDir(dir));
      assert.ok(bytes.length > 0);
      for (const secret of [value, overwritten]) {
        for (const form of [Buffer.from(secret, 'utf8'), Buffer.from(Buffer.from(secret).toString('base64')), Buffer.from(Buffer.from(secret).toString('hex'))]) {
          assert.equal(bytes.includes(form), false, `the store holds a plaintext value (${form.length} bytes)`);
        }
        for (const e of errors) assert.equal(e.includes(secret), false);
      }
      for (const key of masterKeys) {
        assert.equal(bytes.includes(key), false, 'the store holds a master key');
        assert.equal(bytes.includes(Buffer.from(key.toString('hex'))), false);
        assert.equal(bytes.includes(Buffer.from(key.toString('base64'))), false);
      }
    });
  });

  it('refuses a master key source whose id does not match its key', async () => {
    await withDataDir(async (dir) => {
      const local = LocalStore.open(storeDir(dir));
      try {
        const master = loadMasterKey({ dataDir: dir, env: {} });
        assert.throws(() => SecretVault.open({ local, master: { ...master, id: '0000000000000000' }, dataDir: dir }), { code: 'invalid_request' });
        assert.throws(() => SecretVault.open({ local, master: { ...master, key: Buffer.alloc(16) }, dataDir: dir }), { code: 'invalid_request' });
      } finally {
        await local.close();
      }
    });
  });
});

describe('SecretVault latency (prints only)', () => {
  it('measures get with a cached data key and set', async () => {
    await withDataDir(async (dir) => {
      const { local, vault } = openVault(dir);
      try {
        const tenant = uniqueName('bench');
        const value = randomBytes(48).toString('base64');
        const setTimes: number[] = [];
        for (let i = 0; i < 200; i++) {
          const t0 = process.hrtime.bigint();
          vault.set(tenant, `K${i % 20}`, value);
          setTimes.push(Number(process.hrtime.bigint() - t0) / 1000);
        }
        const getTimes: number[] = [];
        for (let i = 0; i < 20000; i++) {
          const t0 = process.hrtime.bigint();
          vault.get(tenant, `K${i % 20}`);
          getTimes.push(Number(process.hrtime.bigint() - t0) / 1000);
        }
        const pct = (xs: number[], p: number): string => {
          const s = [...xs].sort((x, y) => x - y);
          return (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number).toFixed(1);
        };
        console.log(`vault latency: get p50 ${pct(getTimes, 50)} µs, p99 ${pct(getTimes, 99)} µs (n=${getTimes.length}); set p50 ${pct(setTimes, 50)} µs, p99 ${pct(setTimes, 99)} µs (n=${setTimes.length})`);
      } finally {
        await local.close();
      }
    });
  });
});
