import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireDataDirLock } from '@solo/kernel';
import { createTempDir } from '@solo/testkit';

describe('acquireDataDirLock', () => {
  it('takes the lock and releases it', () => {
    const d = createTempDir();
    try {
      const lock = acquireDataDirLock(d.path);
      assert.equal(readFileSync(join(d.path, 'solo.lock'), 'utf8'), String(process.pid));
      lock.release();
      assert.equal(existsSync(join(d.path, 'solo.lock')), false);
    } finally {
      d.remove();
    }
  });

  it('refuses with already_exists while a live process holds it', async () => {
    const d = createTempDir();
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(d.path, 'solo.lock'), String(holder.pid));
      assert.throws(() => acquireDataDirLock(d.path), (err: { code?: string; message?: string }) => {
        assert.equal(err.code, 'already_exists');
        assert.match(String(err.message), new RegExp(`pid ${holder.pid}`));
        return true;
      });
    } finally {
      holder.kill('SIGKILL');
      d.remove();
    }
  });

  it('takes over a stale lock left by a dead process', () => {
    const d = createTempDir();
    try {
      writeFileSync(join(d.path, 'solo.lock'), '999999999');
      const lock = acquireDataDirLock(d.path);
      lock.release();
    } finally {
      d.remove();
    }
  });
});
