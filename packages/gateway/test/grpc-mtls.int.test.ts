// Mutual TLS on the gRPC door: the node's CA and server certificate are made on first start; a client without
// a certificate or with one from another CA fails the handshake; a tenant certificate cannot act for another
// tenant or shut the node down; the operator's admin certificate can.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { createTempDir, uniqueName, type TempDir } from '@solo/testkit';
import { ensureNodeTls } from '@solo/gateway';
import { startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { clientTls, failure, soloClient, unary, unaryJson } from './grpc-client.ts';

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
    const tenant = uniqueName('m');
    const client = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, tenant, certs.path));
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
    const client = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, uniqueName('m'), certs.path));
    const r = await failure(unary(client, 'Status', { tenant: uniqueName('other'), service_id: 'counter' }));
    assert.deepEqual([r.status, r.code], [status.UNAUTHENTICATED, 'unauthorized']);
    const w = await failure(unary(client, 'List', { tenant: uniqueName('other') }));
    assert.equal(w.code, 'unauthorized');
    client.close();
  });

  it('refuses Shutdown with a tenant certificate (forbidden), and stops the node for the admin certificate', async () => {
    const tenantClient = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, uniqueName('m'), certs.path));
    const r = await failure(unary(tenantClient, 'Shutdown', {}));
    assert.deepEqual([r.status, r.code], [status.PERMISSION_DENIED, 'forbidden']);
    tenantClient.close();
    const admin = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, 'admin', certs.path));
    assert.deepEqual(await unaryJson(admin, 'Shutdown', {}), { stopping: true });
    await f.node.closed;
    admin.close();
  });
});
