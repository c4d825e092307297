// Mutual TLS on the gRPC door: the node's CA and server certificate are made on first start; a client without
// a certificate or with one from another CA fails the handshake; a tenant certificate cannot act for another
// tenant or shut the node down; the operator's admin certificate with the admin token can (and health watchers
// see NOT_SERVING before the door closes).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { createTempDir, uniqueName, waitFor, type TempDir } from '@solo/testkit';
import { ensureNodeTls } from '@solo/gateway';
import { startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { clientTls, failure, serverStream, soloClient, unary, unaryJson } from './grpc-client.ts';
import { createTenant } from './tenant-tokens.ts';

let f: NodeFixture;
let certs: TempDir;
let foreign: TempDir;
before(async () => {
  f = await startNodeFixture();
  certs = createTempDir('solo-certs-');
  foreign = createTempDir('solo-foreign-');
});
after(async () => {
  await f.close();
  certs.remove();
  foreign.remove();
});

describe('gRPC door: mutual TLS', () => {
  it('keeps the CA key private to the node owner', () => {
    assert.equal(statSync(join(f.dir.path, 'tls', 'ca.key')).mode & 0o777, 0o600);
  });

  it('reads the tenant from the client certificate when the request names none', async () => {
    const { tenant, token } = await createTenant(f, 'm');
    const client = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, tenant, certs.path), { token });
    assert.deepEqual(await unaryJson(client, 'List', { tenant }), { services: [], total: 0, next_offset: null });
    assert.deepEqual(await unaryJson(client, 'List', {}), { services: [], total: 0, next_offset: null });
    client.close();
  });

  it('fails the handshake for a client without a certificate', async () => {
    const tls = await clientTls(f.dir.path, uniqueName('m'), certs.path);
    const client = soloClient(f.node.info.grpc_url, { ca: tls.ca, cert: null, key: null });
    const r = await failure(unary(client, 'Health', {}, { deadline: new Date(Date.now() + 10_000) }));
    assert.equal(r.status, status.UNAVAILABLE);
    assert.equal(r.code, undefined);
    client.close();
  });

  it('fails the handshake for a certificate from another CA', async () => {
    await ensureNodeTls(foreign.path);
    const other = await clientTls(foreign.path, uniqueName('m'), join(foreign.path, 'out'));
    const ours = await clientTls(f.dir.path, uniqueName('m'), certs.path);
    // Trusts the node's server certificate but presents a client certificate the node's CA never signed.
    const client = soloClient(f.node.info.grpc_url, { ca: ours.ca, cert: other.cert, key: other.key });
    const r = await failure(unary(client, 'Health', {}, { deadline: new Date(Date.now() + 10_000) }));
    assert.equal(r.status, status.UNAVAILABLE);
    assert.equal(r.code, undefined);
    client.close();
  });

  it('refuses a request for another tenant than the certificate with unauthorized', async () => {
    const { tenant, token } = await createTenant(f, 'm');
    const client = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, tenant, certs.path), { token });
    const r = await failure(unary(client, 'Status', { tenant: uniqueName('other'), service_id: 'counter' }));
    assert.deepEqual([r.status, r.code], [status.UNAUTHENTICATED, 'unauthorized']);
    const w = await failure(unary(client, 'List', { tenant: uniqueName('other') }));
    assert.equal(w.code, 'unauthorized');
    client.close();
  });

  it('refuses Shutdown with a tenant certificate or without the admin token, and stops the node for the operator', async () => {
    const { tenant, token } = await createTenant(f, 'm');
    const tenantTls = await clientTls(f.dir.path, tenant, certs.path);
    const tenantClient = soloClient(f.node.info.grpc_url, tenantTls, { token });
    const r = await failure(unary(tenantClient, 'Shutdown', {}));
    assert.deepEqual([r.status, r.code], [status.PERMISSION_DENIED, 'forbidden']);
    // Even with the admin token, a tenant's certificate is not the operator's.
    const tenantWithAdminToken = soloClient(f.node.info.grpc_url, tenantTls, { token: f.adminToken });
    assert.equal((await failure(unary(tenantWithAdminToken, 'Shutdown', {}))).code, 'forbidden');
    tenantWithAdminToken.close();
    const adminTls = await clientTls(f.dir.path, 'admin', certs.path);
    const noToken = soloClient(f.node.info.grpc_url, adminTls);
    assert.deepEqual(await failure(unary(noToken, 'Shutdown', {})).then((x) => [x.status, x.code]), [status.UNAUTHENTICATED, 'unauthorized']);
    noToken.close();
    const tenantToken = soloClient(f.node.info.grpc_url, adminTls, { token });
    assert.equal((await failure(unary(tenantToken, 'Shutdown', {}))).code, 'forbidden');
    tenantToken.close();
    // A health watcher sees the node go away before its stream ends.
    const health = soloClient(f.node.info.grpc_url, tenantTls, { service: ['grpc', 'health', 'v1', 'Health'] });
    const watch = serverStream<{ status: string }>(health, 'Watch', { service: '' });
    const seen: string[] = [];
    const ended = new Promise<string>((resolve) => {
      watch.on('data', (m: { status: string }) => seen.push(m.status));
      watch.on('end', () => resolve('end'));
      watch.on('error', (err: Error) => resolve(`error: ${err.message}`));
    });
    await waitFor(() => seen.length > 0, { timeoutMs: 10_000 });
    const admin = soloClient(f.node.info.grpc_url, adminTls, { token: f.adminToken });
    assert.deepEqual(await unaryJson(admin, 'Shutdown', {}), { stopping: true });
    await f.node.closed;
    assert.equal(await ended, 'end');
    assert.deepEqual(seen, ['SERVING', 'NOT_SERVING']);
    admin.close();
    health.close();
    tenantClient.close();
  });
});
