import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { createTempDir } from '@solo/testkit';
import type { TempDir } from '@solo/testkit';
import { LMDB_DBS, SoloError } from '@solo/protocol';
import type { Json } from '@solo/protocol';
import { LocalStore, artifactHash } from '@solo/store';

describe('LocalStore', () => {
  const dirs: TempDir[] = [];
  const tempDir = (): string => {
    const d = createTempDir('solo-store-');
    dirs.push(d);
    return d.path;
  };
  after(() => {
    for (const d of dirs) d.remove();
  });

  it('puts, gets, removes and counts typed values', async () => {
    const store = LocalStore.open(tempDir());
    try {
      await store.services.put('acme/counter', { version: 1, hash: 'abc' });
      assert.deepEqual(store.services.get('acme/counter'), { version: 1, hash: 'abc' });
      assert.equal(store.services.get('acme/missing'), undefined);
      assert.equal(store.services.count(), 1);
      assert.equal(await store.services.remove('acme/counter'), true);
      assert.equal(await store.services.remove('acme/counter'), false);
      assert.equal(store.services.count(), 0);
    } finally {
      await store.close();
    }
  });

  it('lists entries under a prefix, in key order, reversed and limited', async () => {
    const store = LocalStore.open(tempDir());
    try {
      await Promise.all([
        store.snapshots.put('acme/b', 2),
        store.snapshots.put('acme/a', 1),
        store.snapshots.put('acmecorp/x', 9),
        store.snapshots.put('beta/a', 3),
      ]);
      assert.deepEqual([...store.snapshots.entries({ prefix: 'acme/' })], [['acme/a', 1], ['acme/b', 2]]);
      assert.deepEqual([...store.snapshots.entries({ prefix: 'acme/', reverse: true })], [['acme/b', 2], ['acme/a', 1]]);
      assert.deepEqual([...store.snapshots.entries({ limit: 2 })].map(([k]) => k), ['acme/a', 'acme/b']);
      assert.deepEqual([...store.snapshots.entries({ reverse: true, limit: 1 })], [['beta/a', 3]]);
      assert.deepEqual([...store.snapshots.entries({ prefix: 'zzz' })], []);
      assert.equal(store.snapshots.count({ prefix: 'acme' }), 3);
      assert.equal(store.snapshots.count(), 4);
    } finally {
      await store.close();
    }
  });

  it('keeps each sub-database separate and survives close and reopen', async () => {
    const dir = tempDir();
    const store = LocalStore.open(dir);
    const hash = await store.artifacts.put('export default {}');
    await store.meta.put('node_id', 'node-1');
    await store.checkpoints.put('00000000000000000042', { services: ['a'] });
    await store.close();
    await store.close();
    const again = LocalStore.open(dir);
    try {
      assert.equal(again.meta.get('node_id'), 'node-1');
      assert.deepEqual(again.checkpoints.get('00000000000000000042'), { services: ['a'] });
      assert.equal(again.services.get('node_id'), undefined);
      assert.equal(again.artifacts.get(hash), 'export default {}');
    } finally {
      await again.close();
    }
  });

  it('commits a transaction across sub-databases atomically', async () => {
    const store = LocalStore.open(tempDir());
    try {
      const result = await store.transaction(() => {
        void store.services.put('t/s', { v: 1 });
        void store.snapshots.put('t/s', { state: 0 });
        return store.services.get('t/s');
      });
      assert.deepEqual(result, { v: 1 });
      assert.deepEqual(store.snapshots.get('t/s'), { state: 0 });
      const failure = new SoloError('rejected_code', 'nope');
      await assert.rejects(
        store.transaction(() => {
          void store.services.put('t/s', { v: 2 });
          void store.meta.put('half', true);
          throw failure;
        }),
        (err) => err === failure,
      );
      assert.deepEqual(store.services.get('t/s'), { v: 1 });
      assert.equal(store.meta.get('half'), undefined);
      await assert.rejects(
        store.transaction(async () => {
          void store.meta.put('async', true);
        }),
        { code: 'internal' },
      );
      assert.equal(store.meta.get('async'), undefined);
      // Writes outside the transaction callback are durable again afterwards.
      await store.meta.put('after', 1);
      assert.equal(store.meta.get('after'), 1);
    } finally {
      await store.close();
    }
  });

  it('rejects bad keys and values with invalid_request', async () => {
    const store = LocalStore.open(tempDir());
    try {
      assert.throws(() => store.meta.get(''), { code: 'invalid_request' });
      await assert.rejects(store.meta.put('x'.repeat(500), 1), { code: 'invalid_request' });
      await assert.rejects(store.meta.put('k', undefined as unknown as Json), { code: 'invalid_request' });
      await assert.rejects(store.meta.remove(42 as unknown as string), { code: 'invalid_request' });
      assert.throws(() => store.meta.entries({ limit: -1 }), { code: 'invalid_request' });
      assert.equal(store.meta.count(), 0);
      assert.throws(() => LocalStore.open(''), { code: 'invalid_request' });
    } finally {
      await store.close();
    }
  });

  it('creates a missing data directory', async () => {
    const dir = join(tempDir(), 'nested', 'lmdb');
    const store = LocalStore.open(dir);
    await store.meta.put('k', 1);
    await store.close();
    assert.ok(statSync(dir).isDirectory());
  });

  it('wraps LMDB failures as internal', async () => {
    const store = LocalStore.open(tempDir());
    await store.close();
    assert.throws(() => store.meta.get('k'), { code: 'internal' });
  });
});

describe('ArtifactStore', () => {
  const dirs: TempDir[] = [];
  after(() => {
    for (const d of dirs) d.remove();
  });
  const dir = (): string => {
    const d = createTempDir('solo-artifacts-');
    dirs.push(d);
    return d.path;
  };

  it('addresses code by its sha256 hex and stores it once', async () => {
    const store = LocalStore.open(dir());
    try {
      const code = 'export default { handleCall: (m, s) => ({ reply: m, state: s }) };';
      const hash = await store.artifacts.put(code);
      assert.match(hash, /^[0-9a-f]{64}$/);
      assert.equal(hash, artifactHash(code));
      assert.equal(await store.artifacts.put(code), hash);
      assert.equal(store.artifacts.get(hash), code);
      assert.equal(store.artifacts.has(hash), true);
      assert.equal(store.artifacts.verify(hash), true);
      const missing = artifactHash('other');
      assert.equal(store.artifacts.has(missing), false);
      assert.equal(store.artifacts.get(missing), undefined);
      assert.equal(store.artifacts.verify(missing), false);
    } finally {
      await store.close();
    }
  });

  it('detects an artifact whose stored bytes were altered, and put() repairs it', async () => {
    const path = dir();
    const store = LocalStore.open(path);
    const code = 'export default { handleCast: (m, s) => s };';
    const hash = await store.artifacts.put(code);
    await store.close();

    const raw = open({ path, compression: false });
    await raw.openDB<string, string>({ name: LMDB_DBS.artifacts, encoding: 'string' }).put(hash, 'export default { evil: true };');
    await raw.close();

    const reopened = LocalStore.open(path);
    try {
      assert.equal(reopened.artifacts.verify(hash), false);
      assert.equal(await reopened.artifacts.put(code), hash);
      assert.equal(reopened.artifacts.verify(hash), true);
    } finally {
      await reopened.close();
    }
  });

  it('rejects malformed hashes and non-string code with invalid_request', async () => {
    const store = LocalStore.open(dir());
    try {
      assert.throws(() => store.artifacts.get('abc'), { code: 'invalid_request' });
      assert.throws(() => store.artifacts.has('A'.repeat(64)), { code: 'invalid_request' });
      assert.throws(() => store.artifacts.verify('../etc/passwd'), { code: 'invalid_request' });
      await assert.rejects(store.artifacts.put(42 as unknown as string), { code: 'invalid_request' });
    } finally {
      await store.close();
    }
  });
});
