import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'nats';
import { NatsAuthority, natsAuthOptions, startManagedNatsServer } from '@solo/kernel';
import { createTempDir, waitFor } from '@solo/testkit';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startManagedNatsServer', () => {
  it('starts JetStream on a free loopback port with its store and log under the dir, and stops', async () => {
    const d = createTempDir();
    try {
      const auth = NatsAuthority.open(d.path);
      const srv = await startManagedNatsServer({ dir: d.path, auth });
      assert.match(srv.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(srv.url, 'nats://127.0.0.1:4222');
      const nc = await connect({ servers: srv.url, ...natsAuthOptions(auth.kernel) });
      await (await nc.jetstreamManager()).getAccountInfo();
      await nc.close();
      assert.ok(existsSync(join(d.path, 'js')));
      assert.ok(existsSync(srv.logFile));
      await srv.stop();
      assert.equal(alive(srv.pid), false);
    } finally {
      d.remove();
    }
  });

  it('does not outlive its parent process, even after kill -9', async () => {
    const d = createTempDir();
    // A parent node process that starts the server, prints its pid, and waits.
    const script = `
      import { NatsAuthority, startManagedNatsServer } from '@solo/kernel';
      const dir = ${JSON.stringify(d.path)};
      const s = await startManagedNatsServer({ dir, auth: NatsAuthority.open(dir) });
      console.log(String(s.pid));
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      parent.stdout.on('data', (b: Buffer) => (out += b.toString()));
      const natsPid = await waitFor(() => Number.parseInt(out.trim(), 10) || 0, { timeoutMs: 20_000 });
      assert.ok(alive(natsPid));
      parent.kill('SIGKILL');
      await waitFor(() => !alive(natsPid), { timeoutMs: 10_000, message: 'nats-server outlived its parent' });
    } finally {
      parent.kill('SIGKILL');
      d.remove();
    }
  });
});
