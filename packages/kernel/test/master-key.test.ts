import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMasterKey, masterKeyId } from '@solo/kernel';
import { createTempDir } from '@solo/testkit';

function withDir(fn: (dir: string) => void): void {
  const d = createTempDir('solo-master-key-');
  try {
    fn(d.path);
  } finally {
    d.remove();
  }
}

const keyPath = (dir: string): string => join(dir, 'keys', 'master.key');

/** Asserts `fn` throws a SoloError with `code` whose message does not contain any of `secrets`. */
function assertRefuses(fn: () => unknown, code: string, secrets: string[] = [], match?: RegExp): void {
  assert.throws(fn, (err: { code?: string; message?: string }) => {
    assert.equal(err.code, code);
    for (const s of secrets) assert.equal(String(err.message).includes(s), false, 'the message must not quote the key');
    if (match) assert.match(String(err.message), match);
    return true;
  });
}

describe('loadMasterKey', () => {
  it('creates keys/master.key with 32 random bytes, mode 0600 in a 0700 directory', () => {
    withDir((dir) => {
      const m = loadMasterKey({ dataDir: dir, env: {} });
      assert.equal(m.source, 'file');
      assert.equal(m.path, keyPath(dir));
      assert.equal(m.key.length, 32);
      assert.deepEqual(readFileSync(keyPath(dir)), m.key);
      assert.equal(statSync(keyPath(dir)).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'keys')).mode & 0o777, 0o700);
      assert.equal(existsSync(`${keyPath(dir)}.tmp`), false);
    });
  });

  it('creates the file 0600 and the directory 0700 even under a permissive umask', () => {
    withDir((dir) => {
      const old = process.umask(0);
      try {
        loadMasterKey({ dataDir: dir, env: {} });
      } finally {
        process.umask(old);
      }
      assert.equal(statSync(keyPath(dir)).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'keys')).mode & 0o777, 0o700);
    });
  });

  it('loads the same key on the next start', () => {
    withDir((dir) => {
      const a = loadMasterKey({ dataDir: dir, env: {} });
      const b = loadMasterKey({ dataDir: dir, env: {} });
      assert.deepEqual(b.key, a.key);
      assert.equal(b.id, a.id);
    });
  });

  it('derives the id from sha256 of the key and never exposes the key in it', () => {
    withDir((dir) => {
      const m = loadMasterKey({ dataDir: dir, env: {} });
      assert.match(m.id, /^[0-9a-f]{16}$/);
      assert.equal(m.id, createHash('sha256').update(m.key).digest('hex').slice(0, 16));
      assert.equal(masterKeyId(m.key), m.id);
      assert.equal(m.key.toString('hex').includes(m.id), false);
    });
  });

  it('takes SOLO_MASTER_KEY as base64 or hex, prefers it over the file and writes no file', () => {
    withDir((dir) => {
      const key = randomBytes(32);
      const b64 = loadMasterKey({ dataDir: dir, env: { SOLO_MASTER_KEY: key.toString('base64') } });
      const hex = loadMasterKey({ dataDir: dir, env: { SOLO_MASTER_KEY: key.toString('hex').toUpperCase() } });
      const padded = loadMasterKey({ dataDir: dir, env: { SOLO_MASTER_KEY: ` ${key.toString('base64')}\n` } });
      for (const m of [b64, hex, padded]) {
        assert.equal(m.source, 'env');
        assert.equal(m.path, null);
        assert.deepEqual(m.key, key);
        assert.equal(m.id, masterKeyId(key));
      }
      assert.equal(existsSync(join(dir, 'keys')), false);
    });
  });

  it('refuses a malformed SOLO_MASTER_KEY with invalid_request that does not quote it', () => {
    withDir((dir) => {
      const bad = [
        '',
        'not a key',
        randomBytes(31).toString('base64'),
        randomBytes(33).toString('base64'),
        randomBytes(32).toString('hex').slice(1),
        `${randomBytes(32).toString('hex')}00`,
        `${randomBytes(32).toString('hex').slice(2)}zz`,
      ];
      for (const value of bad) {
        assertRefuses(() => loadMasterKey({ dataDir: dir, env: { SOLO_MASTER_KEY: value } }), 'invalid_request', value.length > 3 ? [value.trim()] : [], /SOLO_MASTER_KEY/);
      }
      assert.equal(existsSync(join(dir, 'keys')), false, 'a bad variable must not fall back to creating a key file');
    });
  });

  it('returns SOLO_MASTER_KEY_PREVIOUS as previous, and refuses a malformed one', () => {
    withDir((dir) => {
      const cur = randomBytes(32);
      const prev = randomBytes(32);
      const m = loadMasterKey({ dataDir: dir, env: { SOLO_MASTER_KEY: cur.toString('base64'), SOLO_MASTER_KEY_PREVIOUS: prev.toString('hex') } });
      assert.deepEqual(m.previous?.key, prev);
      assert.equal(m.previous?.id, masterKeyId(prev));
      const same = loadMasterKey({ dataDir: dir, env: { SOLO_MASTER_KEY: cur.toString('base64'), SOLO_MASTER_KEY_PREVIOUS: cur.toString('hex') } });
      assert.equal(same.previous, null);
      assertRefuses(
        () => loadMasterKey({ dataDir: dir, env: { SOLO_MASTER_KEY: cur.toString('base64'), SOLO_MASTER_KEY_PREVIOUS: 'short' } }),
        'invalid_request',
        [],
        /SOLO_MASTER_KEY_PREVIOUS/,
      );
    });
  });

  it('refuses a key file readable by group or others and leaves it untouched', () => {
    withDir((dir) => {
      const m = loadMasterKey({ dataDir: dir, env: {} });
      for (const mode of [0o644, 0o640, 0o604, 0o660]) {
        chmodSync(keyPath(dir), mode);
        assertRefuses(() => loadMasterKey({ dataDir: dir, env: {} }), 'invalid_request', [], /chmod 600/);
        assert.deepEqual(readFileSync(keyPath(dir)), m.key);
        assert.equal(statSync(keyPath(dir)).mode & 0o777, mode);
      }
      chmodSync(keyPath(dir), 0o400);
      assert.equal(loadMasterKey({ dataDir: dir, env: {} }).id, m.id, 'a narrower mode than 0600 is fine');
    });
  });

  it('refuses a key file of the wrong length instead of replacing it', () => {
    withDir((dir) => {
      mkdirSync(join(dir, 'keys'), { mode: 0o700 });
      for (const size of [0, 31, 33, 44]) {
        const content = randomBytes(size);
        writeFileSync(keyPath(dir), content, { mode: 0o600 });
        assertRefuses(() => loadMasterKey({ dataDir: dir, env: {} }), 'invalid_request', [], new RegExp(`${size} bytes`));
        assert.deepEqual(readFileSync(keyPath(dir)), content);
      }
    });
  });

  it('refuses a symlink or a directory at the key path', () => {
    withDir((dir) => {
      mkdirSync(join(dir, 'keys'), { mode: 0o700 });
      const real = join(dir, 'elsewhere.key');
      writeFileSync(real, randomBytes(32), { mode: 0o600 });
      symlinkSync(real, keyPath(dir));
      assertRefuses(() => loadMasterKey({ dataDir: dir, env: {} }), 'invalid_request', [], /symbolic link/);
    });
    withDir((dir) => {
      mkdirSync(keyPath(dir), { recursive: true, mode: 0o700 });
      assertRefuses(() => loadMasterKey({ dataDir: dir, env: {} }), 'invalid_request', [], /not a regular file/);
    });
  });

  it('refuses an empty or missing data directory path', () => {
    assertRefuses(() => loadMasterKey({ dataDir: '', env: {} }), 'invalid_request');
    assertRefuses(() => loadMasterKey({ dataDir: undefined as unknown as string, env: {} }), 'invalid_request');
  });
});
