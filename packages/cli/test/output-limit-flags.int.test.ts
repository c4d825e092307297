// `solo deploy` flags of the output limits (issue #6) and the `more:` hint of `solo events` for a page the node cut
// at its byte budget, against a fake Solo peer on a real nats-server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, startNatsServer, uniqueName, type TempDir, type TestNatsServer } from '@solo/testkit';
import { startFakeNode, type FakeNode } from './fake-node.ts';
import { killLeftoverClis, runCli } from './run-cli.ts';

describe('output limit flags (fake peer)', () => {
  let nats: TestNatsServer;
  let dir: TempDir;
  let node: FakeNode;
  const tenant = uniqueName();
  const solo = (args: string[]) => runCli(args, { env: { SOLO_NATS_URL: nats.url, SOLO_TENANT: tenant, SOLO_TOKEN: 'tok' }, cwd: dir.path });
  const last = (verb: string) => [...node.seen].reverse().find((s) => s.verb === verb);
  let eventsReply: Record<string, unknown> = {};

  before(async () => {
    nats = await startNatsServer();
    dir = createTempDir();
    mkdirSync(join(dir.path, 'svc'));
    writeFileSync(join(dir.path, 'svc', 'Counter.ts'), 'export default { handleCall: (m, s) => ({ reply: s, state: s }) };');
    node = await startFakeNode(nats.url, tenant, (verb) => {
      if (verb === 'deploy') {
        return { ok: true, service_id: 'counter', tenant, version: 1, code_version: null, artifact_hash: 'f'.repeat(64), deployed_at: 'T', duration_ms: 1, event_seq: 1 };
      }
      if (verb === 'events') return { ok: true, ...eventsReply };
      return { ok: false, error: { code: 'invalid_request', message: `unexpected verb ${verb}` } };
    });
  });
  after(async () => {
    killLeftoverClis();
    await node.close();
    await nats.stop();
    dir.remove();
  });

  it('sends --max-event-bytes, --max-events-per-second and --max-log-lines-per-second as limits', async () => {
    const r = await solo(['deploy', 'svc/Counter.ts', '--max-event-bytes', '2048', '--max-events-per-second', '7', '--max-log-lines-per-second', '9']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((last('deploy')?.body as Record<string, unknown>)['limits'], { max_event_bytes: 2048, max_events_per_second: 7, max_log_lines_per_second: 9 });
  });

  it('refuses a malformed value before sending, naming the flag', async () => {
    const before = node.seen.length;
    for (const [flag, value] of [
      ['--max-event-bytes', 'big'],
      ['--max-events-per-second', '0'],
      ['--max-log-lines-per-second', '2.5'],
    ] as const) {
      const r = await solo(['deploy', 'svc/Counter.ts', flag, value]);
      assert.equal(r.code, 2, `${flag} ${value}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(flag));
    }
    assert.equal(node.seen.length, before);
  });

  it('notes where to read on when the node cut a page at its byte budget', async () => {
    eventsReply = {
      events: [{ seq: 3, at: 'T', type: 'service_emitted', tenant, service_id: 'counter', data: {} }],
      next_seq: 4,
      truncated: true,
    };
    const cut = await solo(['events', '--limit', '1000']);
    assert.equal(cut.code, 0, cut.stderr);
    assert.match(cut.stderr, /more: --since-seq 4/);
    eventsReply = { ...eventsReply, truncated: false };
    const whole = await solo(['events', '--limit', '1000']);
    assert.equal(whole.code, 0, whole.stderr);
    assert.doesNotMatch(whole.stderr, /more:/);
  });
});
