// Tenant isolation on the bus (#5), enforced by a real embedded nats-server: static nkey users with
// allow-lists, applied by config reload without a restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AckPolicy,
  connect,
  Empty,
  nkeys,
  type ConnectionOptions,
  type NatsConnection,
  type NatsError,
  type Status,
} from 'nats';
import {
  NatsAuthority,
  natsAuthOptions,
  OPERATOR_INBOX_PREFIX,
  startManagedNatsServer,
  tenantInboxPrefix,
  tenantPermissions,
  type ManagedNatsServer,
  type ManagedNatsServerOptions,
  type NatsUserCredentials,
} from '@solo/kernel';
import {
  adminApiSubject,
  eventsStream,
  eventsStreamSubjects,
  mailboxStream,
  mailboxStreamSubjects,
  mailboxSubject,
  parseServiceId,
  parseTenantId,
  serviceSubject,
  tenantApiSubject,
} from '@solo/protocol';
import { createTempDir, waitFor, type TempDir } from '@solo/testkit';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const A = parseTenantId('a');
const B = parseTenantId('b');

/** The error a raw nats.js call failed with, for assertions on its code and permission context. */
async function failure(p: Promise<unknown>): Promise<NatsError> {
  try {
    await p;
  } catch (err) {
    return err as NatsError;
  }
  assert.fail('expected the call to fail');
}

async function expectSubscribeDenied(nc: NatsConnection, subject: string): Promise<void> {
  let err: NatsError | undefined;
  let received = 0;
  nc.subscribe(subject, {
    callback: (e) => {
      if (e) err = e;
      else received++;
    },
  });
  const e = await waitFor(() => err, { timeoutMs: 5000, message: `subscribe ${subject} was not refused` });
  assert.equal(e.code, 'PERMISSIONS_VIOLATION');
  assert.equal(e.permissionContext?.operation, 'subscription');
  assert.equal(e.permissionContext?.subject, subject);
  assert.equal(received, 0);
}

async function expectRequestDenied(nc: NatsConnection, subject: string): Promise<void> {
  const e = await failure(nc.request(subject, Empty, { timeout: 5000 }));
  assert.equal(e.code, 'PERMISSIONS_VIOLATION', `request to ${subject}: ${e.message}`);
  assert.equal(e.permissionContext?.operation, 'publish');
  assert.equal(e.permissionContext?.subject, subject);
}

/** A plain publish cannot fail synchronously: the server answers with an async -ERR, seen as a status event. */
async function expectPublishDenied(nc: NatsConnection, subject: string): Promise<void> {
  let denied: Status | undefined;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'error' && s.data === 'PERMISSIONS_VIOLATION' && s.permissionContext?.subject === subject) {
        denied = s;
        break;
      }
    }
  })();
  nc.publish(subject, Empty);
  await nc.flush();
  const s = await waitFor(() => denied, {
    timeoutMs: 5000,
    message: `publish to ${subject} produced no permissions violation`,
  });
  assert.equal(s.permissionContext?.operation, 'publish');
  assert.equal(nc.isClosed(), false, 'a publish violation leaves the connection up');
}

describe('NatsAuthority', () => {
  const dirs: TempDir[] = [];
  const tempDir = (): string => {
    const d = createTempDir();
    dirs.push(d);
    return d.path;
  };
  after(() => dirs.forEach((d) => d.remove()));

  it('keeps the kernel and operator keys across open() in an owner-only file', () => {
    const dir = tempDir();
    const first = NatsAuthority.open(dir);
    const again = NatsAuthority.open(dir);
    assert.deepEqual(again.kernel, first.kernel);
    assert.deepEqual(again.operator, first.operator);
    assert.match(first.kernel.user, /^U[A-Z0-9]{55}$/);
    assert.match(first.kernel.seed, /^SU[A-Z0-9]{56}$/);
    assert.notEqual(first.kernel.user, first.operator.user);
    assert.equal(first.operator.inbox_prefix, OPERATOR_INBOX_PREFIX);
    assert.equal(statSync(join(dir, 'auth-users.json')).mode & 0o777, 0o600);
    chmodSync(join(dir, 'auth-users.json'), 0o644);
    NatsAuthority.open(dir);
    assert.equal(statSync(join(dir, 'auth-users.json')).mode & 0o777, 0o600, 'a widened file is narrowed again');
  });

  it('stores only the public key of a tenant and returns its seed once', () => {
    const dir = tempDir();
    const auth = NatsAuthority.open(dir);
    const creds = auth.addTenant('acme');
    assert.match(creds.user, /^U/);
    assert.equal(creds.inbox_prefix, '_INBOX_acme');
    assert.equal(text(nkeys.fromSeed(new TextEncoder().encode(creds.seed)).getSeed()), creds.seed);
    const stored = readFileSync(join(dir, 'auth-users.json'), 'utf8');
    assert.ok(stored.includes(creds.user));
    assert.ok(!stored.includes(creds.seed), 'a tenant seed is never stored');
    const reopened = NatsAuthority.open(dir);
    assert.deepEqual(reopened.tenants(), ['acme']);
    assert.equal(reopened.hasTenant('acme'), true);
    const rotated = reopened.rotateTenant('acme');
    assert.notEqual(rotated.user, creds.user);
    assert.equal(reopened.removeTenant('acme'), true);
    assert.deepEqual(NatsAuthority.open(dir).tenants(), []);
  });

  it('writes auth.conf owner-only, with public keys only and no anonymous user', () => {
    const dir = tempDir();
    const auth = NatsAuthority.open(dir);
    const a = auth.addTenant('a');
    const path = auth.writeConfig();
    assert.equal(path, join(dir, 'auth.conf'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const conf = readFileSync(path, 'utf8');
    assert.ok(conf.includes(a.user) && conf.includes(auth.kernel.user) && conf.includes(auth.operator.user));
    for (const secret of [a.seed, auth.kernel.seed, auth.operator.seed]) assert.ok(!conf.includes(secret));
    assert.ok(!conf.includes('no_auth_user'));
  });

  it('rejects invalid tenant ids before changing anything', () => {
    const dir = tempDir();
    const auth = NatsAuthority.open(dir);
    const before = readFileSync(join(dir, 'auth-users.json'), 'utf8');
    for (const bad of ['', 'A', 'a.b', 'a*', '>', '_x', 'x'.repeat(64), 'a b']) {
      assert.throws(() => auth.addTenant(bad), { code: 'invalid_request' }, `addTenant(${JSON.stringify(bad)})`);
      assert.throws(() => auth.rotateTenant(bad), { code: 'invalid_request' });
      assert.throws(() => auth.removeTenant(bad), { code: 'invalid_request' });
      assert.throws(() => auth.hasTenant(bad), { code: 'invalid_request' });
      assert.throws(() => tenantInboxPrefix(bad), { code: 'invalid_request' });
      assert.throws(() => tenantPermissions(bad), { code: 'invalid_request' });
    }
    assert.equal(readFileSync(join(dir, 'auth-users.json'), 'utf8'), before);
    assert.deepEqual(auth.tenants(), []);
  });

  it('refuses a second add, a rotation of an unknown tenant, and reports an unknown removal', () => {
    const auth = NatsAuthority.open(tempDir());
    const first = auth.addTenant('a');
    assert.throws(() => auth.addTenant('a'), { code: 'already_exists' });
    assert.throws(() => auth.rotateTenant('nobody'), { code: 'not_found' });
    assert.equal(auth.removeTenant('nobody'), false);
    assert.deepEqual(auth.tenants(), ['a']);
    assert.ok(readFileSync(join(auth.configFile, '..', 'auth-users.json'), 'utf8').includes(first.user));
  });

  it('refuses a corrupt auth-users.json', () => {
    const other = NatsAuthority.open(tempDir());
    const good = JSON.parse(readFileSync(join(other.configFile, '..', 'auth-users.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const cases: Record<string, string> = {
      'not JSON': '{"version": 1,',
      'unknown version': JSON.stringify({ ...good, version: 2 }),
      'seed of another key': JSON.stringify({
        ...good,
        kernel: { user: other.operator.user, seed: other.kernel.seed },
      }),
      'bad tenant key': JSON.stringify({ ...good, tenants: { a: { user: 'UNOTAKEY' } } }),
      'bad tenant id': JSON.stringify({ ...good, tenants: { 'A.B': { user: other.kernel.user } } }),
    };
    for (const [name, body] of Object.entries(cases)) {
      const dir = tempDir();
      writeFileSync(join(dir, 'auth-users.json'), body);
      assert.throws(() => NatsAuthority.open(dir), { code: 'unavailable' }, name);
      assert.equal(
        readFileSync(join(dir, 'auth-users.json'), 'utf8'),
        body,
        `${name}: the file is left for a human to inspect`,
      );
    }
  });

  it('grants a tenant only its own API, services and inbox', () => {
    assert.deepEqual(tenantPermissions('acme'), {
      publish: ['solo.t.acme.api.>', 'solo.t.acme.svc.>'],
      subscribe: ['_INBOX_acme.>'],
    });
    assert.equal(tenantInboxPrefix('acme'), '_INBOX_acme');
    assert.ok(!OPERATOR_INBOX_PREFIX.startsWith('_INBOX'), 'the operator inbox can never be a tenant inbox');
  });

  it('startManagedNatsServer refuses to run without auth', async () => {
    const opts = { dir: tempDir() } as unknown as ManagedNatsServerOptions;
    await assert.rejects(startManagedNatsServer(opts), { code: 'invalid_request' });
  });
});

describe('tenant isolation on the embedded nats-server', () => {
  let dir: TempDir;
  let auth: NatsAuthority;
  let srv: ManagedNatsServer;
  let kernel: NatsConnection;
  let a: NatsUserCredentials;
  let b: NatsUserCredentials;
  const conns: NatsConnection[] = [];
  const open = async (creds: NatsUserCredentials | null, extra: ConnectionOptions = {}): Promise<NatsConnection> => {
    const nc = await connect({ servers: srv.url, ...(creds ? natsAuthOptions(creds) : {}), ...extra });
    conns.push(nc);
    return nc;
  };
  /** Messages the kernel saw on a tenant subject, to prove a refused publish never arrived. */
  const seenByKernel: string[] = [];

  before(async () => {
    dir = createTempDir();
    auth = NatsAuthority.open(dir.path);
    a = auth.addTenant('a');
    b = auth.addTenant('b');
    srv = await startManagedNatsServer({ dir: dir.path, auth });
    kernel = await open(auth.kernel);
    // The kernel answers every tenant's ping and the admin health verb, like the NATS door does.
    kernel.subscribe('solo.t.*.api.ping', {
      callback: (_e, m) => m.respond(new TextEncoder().encode(`pong:${m.subject}`)),
    });
    kernel.subscribe(tenantApiSubject(A, 'x'), { callback: (_e, m) => m.respond(new TextEncoder().encode('x')) });
    kernel.subscribe(adminApiSubject('health'), {
      callback: (_e, m) => m.respond(new TextEncoder().encode('healthy')),
    });
    kernel.subscribe(serviceSubject(B, parseServiceId('x')), { callback: (_e, m) => seenByKernel.push(m.subject) });
    kernel.subscribe(tenantApiSubject(B, 'status'), { callback: (_e, m) => seenByKernel.push(m.subject) });
    await kernel.flush();
    const jsm = await kernel.jetstreamManager();
    await jsm.streams.add({ name: eventsStream(), subjects: [eventsStreamSubjects()] });
    await jsm.streams.add({ name: mailboxStream(), subjects: [mailboxStreamSubjects()] });
    const js = kernel.jetstream();
    await js.publish(mailboxSubject(B, parseServiceId('counter')), new TextEncoder().encode('secret'));
  });
  after(async () => {
    for (const nc of conns) if (!nc.isClosed()) await nc.close();
    await srv.stop();
    dir.remove();
  });

  it('answers a tenant request on its own API from a responder on the kernel connection', async () => {
    const ca = await open(a);
    const reply = await ca.request(tenantApiSubject(A, 'ping'), Empty, { timeout: 5000 });
    assert.equal(text(reply.data), `pong:${tenantApiSubject(A, 'ping')}`);
  });

  it('lets a tenant answer a request the node sends to its inbox', async () => {
    const ca = await open(a);
    const hb = `${a.inbox_prefix}.heartbeat`;
    ca.subscribe(hb, { callback: (_e, m) => m.respond(new TextEncoder().encode('alive')) });
    await ca.flush();
    assert.equal(text((await kernel.request(hb, Empty, { timeout: 5000 })).data), 'alive');
  });

  it('refuses tenant subscriptions outside its own inbox', async () => {
    const ca = await open(a);
    for (const subject of ['solo.>', '_INBOX_b.>', '_INBOX.>', `${OPERATOR_INBOX_PREFIX}.>`, 'solo.t.b.api.>', '>']) {
      await expectSubscribeDenied(ca, subject);
    }
    await expectSubscribeDenied(await open(b), `${a.inbox_prefix}.>`);
  });

  it("rejects tenant requests to another tenant's API and services", async () => {
    const ca = await open(a);
    await expectRequestDenied(ca, tenantApiSubject(B, 'status'));
    await expectRequestDenied(ca, serviceSubject(B, parseServiceId('x')));
    await expectRequestDenied(ca, adminApiSubject('health'));
    await kernel.flush();
    assert.deepEqual(seenByKernel, []);
  });

  it("reports a tenant publish to another tenant's service as a permissions violation and drops it", async () => {
    const ca = await open(a);
    await expectPublishDenied(ca, serviceSubject(B, parseServiceId('x')));
    await expectPublishDenied(ca, tenantApiSubject(B, 'status'));
    await kernel.flush();
    assert.deepEqual(seenByKernel, []);
    // The connection is still usable for what the tenant may do.
    assert.ok((await ca.request(tenantApiSubject(A, 'ping'), Empty, { timeout: 5000 })).data.length > 0);
  });

  it('refuses the JetStream API to a tenant', async () => {
    const ca = await open(a);
    const info = await failure(ca.jetstreamManager());
    assert.equal(info.code, 'PERMISSIONS_VIOLATION');
    assert.equal(info.permissionContext?.subject, '$JS.API.INFO');
    const jsm = await ca.jetstreamManager({ checkAPI: false });
    const stream = await failure(jsm.streams.info(eventsStream()));
    assert.equal(stream.code, 'PERMISSIONS_VIOLATION');
    assert.equal(stream.permissionContext?.subject, `$JS.API.STREAM.INFO.${eventsStream()}`);
    await expectRequestDenied(ca, `$JS.API.STREAM.INFO.${eventsStream()}`);
    const consumer = await failure(
      jsm.consumers.add(mailboxStream(), { durable_name: 'steal', ack_policy: AckPolicy.Explicit }),
    );
    assert.equal(consumer.code, 'PERMISSIONS_VIOLATION');
    assert.match(consumer.permissionContext?.subject ?? '', /^\$JS\.API\.CONSUMER\.(DURABLE\.)?CREATE\.SOLO_MAILBOX/);
    const get = await failure(jsm.streams.getMessage(mailboxStream(), { seq: 1 }));
    assert.equal(get.code, 'PERMISSIONS_VIOLATION');
    // Nothing was created on the tenant's behalf.
    const kjsm = await kernel.jetstreamManager();
    assert.equal((await kjsm.consumers.list(mailboxStream()).next()).length, 0);
  });

  it('refuses tenant reads of the mailbox and event subjects', async () => {
    const ca = await open(a);
    await expectSubscribeDenied(ca, mailboxStreamSubjects());
    await expectSubscribeDenied(ca, eventsStreamSubjects());
  });

  it("lets the operator call any tenant's API and the admin API, and nothing more", async () => {
    const op = await open(auth.operator);
    assert.equal(text((await op.request(tenantApiSubject(A, 'x'), Empty, { timeout: 5000 })).data), 'x');
    assert.equal(text((await op.request(adminApiSubject('health'), Empty, { timeout: 5000 })).data), 'healthy');
    await expectSubscribeDenied(op, '_INBOX_a.>');
    await expectRequestDenied(op, `$JS.API.STREAM.INFO.${eventsStream()}`);
  });

  it('refuses anonymous connections and unknown or mismatched keys', async () => {
    const anon = await failure(connect({ servers: srv.url, reconnect: false }));
    assert.equal(anon.code, 'AUTHORIZATION_VIOLATION');
    const stranger: NatsUserCredentials = {
      user: '',
      seed: text(nkeys.createUser().getSeed()),
      inbox_prefix: '_INBOX_a',
    };
    const wrong = await failure(connect({ servers: srv.url, reconnect: false, ...natsAuthOptions(stranger) }));
    assert.equal(wrong.code, 'AUTHORIZATION_VIOLATION');
    const userPass = await failure(connect({ servers: srv.url, reconnect: false, user: a.user, pass: 'x' }));
    assert.equal(userPass.code, 'AUTHORIZATION_VIOLATION');
  });

  it('applies a tenant added while clients are connected, without a restart', async () => {
    const ca = await open(a);
    const pid = srv.pid;
    const c = auth.addTenant('c');
    auth.writeConfig();
    await srv.reload();
    assert.equal(srv.pid, pid, 'the server was reloaded, not restarted');
    const cc = await open(c);
    const C = parseTenantId('c');
    assert.equal(
      text((await cc.request(tenantApiSubject(C, 'ping'), Empty, { timeout: 5000 })).data),
      `pong:${tenantApiSubject(C, 'ping')}`,
    );
    await expectRequestDenied(cc, tenantApiSubject(A, 'ping'));
    // Connections opened before the reload carry on.
    assert.ok((await ca.request(tenantApiSubject(A, 'ping'), Empty, { timeout: 5000 })).data.length > 0);
    assert.ok((await kernel.request(tenantApiSubject(A, 'ping'), Empty, { timeout: 5000 })).data.length > 0);
  });

  it("closes a removed tenant's live connection and refuses it afterwards", async () => {
    const d = auth.addTenant('d');
    auth.writeConfig();
    await srv.reload();
    const cd = await open(d, { reconnectTimeWait: 50 });
    let closed: { err: Error | void } | undefined;
    void cd.closed().then((err) => (closed = { err }));
    assert.equal(auth.removeTenant('d'), true);
    auth.writeConfig();
    await srv.reload();
    // The server drops the connection at once; nats.js retries with the same seed, is refused twice, and gives up.
    const { err } = await waitFor(() => closed, { timeoutMs: 10_000, message: 'the removed tenant stayed connected' });
    assert.equal((err as NatsError | undefined)?.code, 'AUTHORIZATION_VIOLATION');
    const again = await failure(connect({ servers: srv.url, reconnect: false, ...natsAuthOptions(d) }));
    assert.equal(again.code, 'AUTHORIZATION_VIOLATION');
  });

  it('refuses the old seed after a rotation and accepts the new one', async () => {
    const e = auth.addTenant('e');
    auth.writeConfig();
    await srv.reload();
    const e2 = auth.rotateTenant('e');
    auth.writeConfig();
    await srv.reload();
    assert.equal(
      (await failure(connect({ servers: srv.url, reconnect: false, ...natsAuthOptions(e) }))).code,
      'AUTHORIZATION_VIOLATION',
    );
    const ce = await open(e2);
    const E = parseTenantId('e');
    assert.ok((await ce.request(tenantApiSubject(E, 'ping'), Empty, { timeout: 5000 })).data.length > 0);
  });

  it('detects a corrupted auth.conf on reload and keeps serving the previous users', async () => {
    const pid = srv.pid;
    writeFileSync(auth.configFile, 'authorization { users = [ { nkey: "UBROKEN"');
    await assert.rejects(srv.reload(), (err: { code?: string; details?: { stage?: string } }) => {
      assert.equal(err.code, 'unavailable');
      assert.equal(err.details?.stage, 'validate');
      return true;
    });
    assert.equal(srv.pid, pid);
    const ca = await open(a);
    assert.ok((await ca.request(tenantApiSubject(A, 'ping'), Empty, { timeout: 5000 })).data.length > 0);
    assert.equal((await failure(connect({ servers: srv.url, reconnect: false }))).code, 'AUTHORIZATION_VIOLATION');
    // A valid file (here with a syntactically fine but unknown nkey) is checked too: nats-server -t validates keys.
    writeFileSync(auth.configFile, 'authorization { users = [ { nkey: "UNOTAVALIDKEY" } ] }\n');
    await assert.rejects(srv.reload(), { code: 'unavailable' });
    auth.writeConfig();
    await srv.reload();
  });

  it('measures addTenant + writeConfig + reload', async (t) => {
    const ms: number[] = [];
    let last: NatsUserCredentials | undefined;
    for (let i = 0; i < 20; i++) {
      const started = process.hrtime.bigint();
      last = auth.addTenant(`m${i}`);
      auth.writeConfig();
      await srv.reload();
      ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    ms.sort((x, y) => x - y);
    t.diagnostic(
      `addTenant+writeConfig+reload over ${ms.length}: p50 ${ms[10]?.toFixed(1)} ms, max ${ms[ms.length - 1]?.toFixed(1)} ms`,
    );
    const cm = await open(last ?? assert.fail('no tenant added'));
    assert.ok(
      (await cm.request(tenantApiSubject(parseTenantId('m19'), 'ping'), Empty, { timeout: 5000 })).data.length > 0,
    );
  });
});

describe('ManagedNatsServer auth across restarts', () => {
  it('enforces the same users after kill -9 and the automatic restart', async () => {
    const dir = createTempDir();
    const auth = NatsAuthority.open(dir.path);
    const a = auth.addTenant('a');
    auth.addTenant('b');
    let restarts = 0;
    const srv = await startManagedNatsServer({
      dir: dir.path,
      auth,
      onCrash: (i) => (restarts += i.restarted ? 1 : 0),
    });
    const conns: NatsConnection[] = [];
    try {
      auth.removeTenant('b');
      auth.writeConfig();
      await srv.reload();
      const first = srv.pid;
      process.kill(first, 'SIGKILL');
      await waitFor(() => restarts === 1 && srv.pid !== first, {
        timeoutMs: 15_000,
        message: 'nats-server was not restarted',
      });
      const kernel = await waitFor(
        () => connect({ servers: srv.url, reconnect: false, ...natsAuthOptions(auth.kernel) }),
        { timeoutMs: 15_000 },
      );
      conns.push(kernel);
      kernel.subscribe(tenantApiSubject(A, 'ping'), {
        callback: (_e, m) => m.respond(new TextEncoder().encode('pong')),
      });
      await kernel.flush();
      const ca = await connect({ servers: srv.url, reconnect: false, ...natsAuthOptions(a) });
      conns.push(ca);
      assert.equal(text((await ca.request(tenantApiSubject(A, 'ping'), Empty, { timeout: 5000 })).data), 'pong');
      await expectRequestDenied(ca, tenantApiSubject(B, 'status'));
      await expectSubscribeDenied(ca, 'solo.>');
      assert.equal((await failure(connect({ servers: srv.url, reconnect: false }))).code, 'AUTHORIZATION_VIOLATION');
      // reload() works against the restarted process too.
      auth.addTenant('c');
      auth.writeConfig();
      await srv.reload();
    } finally {
      for (const nc of conns) if (!nc.isClosed()) await nc.close();
      await srv.stop();
      await assert.rejects(srv.reload(), { code: 'unavailable' });
      dir.remove();
    }
  });
});
