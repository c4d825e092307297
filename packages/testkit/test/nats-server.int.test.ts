import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { startNatsServer, waitFor, uniqueName, ManualClock, createTempDir } from '@solo/testkit';
import { existsSync } from 'node:fs';

describe('startNatsServer', () => {
  it('starts a JetStream server on a free port and stops it by pid', async () => {
    const srv = await startNatsServer();
    assert.notEqual(srv.port, 4222);
    const nc = await connect({ servers: srv.url });
    const jsm = await nc.jetstreamManager();
    const info = await jsm.getAccountInfo();
    assert.ok(info.limits);
    await nc.close();
    const pid = srv.pid;
    await srv.stop();
    assert.throws(() => process.kill(pid, 0));
    assert.equal(existsSync(srv.storeDir), false);
  });

  it('restarts on the same port and store after kill -9', async () => {
    const srv = await startNatsServer();
    try {
      let nc = await connect({ servers: srv.url });
      const js = nc.jetstream();
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: 'T', subjects: ['t.>'] });
      await js.publish('t.a', new TextEncoder().encode('x'));
      await nc.close();
      await srv.kill9();
      await srv.restart();
      nc = await connect({ servers: srv.url });
      const si = await (await nc.jetstreamManager()).streams.info('T');
      assert.equal(si.state.messages, 1);
      await nc.close();
    } finally {
      await srv.stop();
    }
  });
});

describe('helpers', () => {
  it('uniqueName returns valid distinct ids', () => {
    const a = uniqueName();
    const b = uniqueName();
    assert.notEqual(a, b);
    assert.match(a, /^[a-z0-9][a-z0-9_-]{0,62}$/);
  });
  it('waitFor resolves with the first truthy value and rejects on timeout', async () => {
    let n = 0;
    assert.equal(await waitFor(() => (++n >= 3 ? n : 0)), 3);
    await assert.rejects(waitFor(() => false, { timeoutMs: 50, message: 'never' }), /never/);
  });
  it('ManualClock moves only when told', () => {
    const c = new ManualClock(0);
    c.advance(5);
    assert.equal(c.now(), 5);
  });
  it('createTempDir makes and removes a directory', () => {
    const d = createTempDir();
    assert.ok(existsSync(d.path));
    d.remove();
    assert.equal(existsSync(d.path), false);
  });
});
