// The `validate` verb on every door (issue #6): static analysis without deploying, the same verdict and
// findings on NATS, REST and gRPC; deploy refuses the same code with `rejected_code` and the findings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type Client } from '@grpc/grpc-js';
import { createTempDir, type TempDir } from '@solo/testkit';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { clientTls, failure, soloClient, unaryJson } from './grpc-client.ts';
import { createTenant, type TenantToken } from './tenant-tokens.ts';

type Json = Record<string, unknown>;
let f: NodeFixture;
let certs: TempDir;
let t: TenantToken;
let grpc: Client;

before(async () => {
  f = await startNodeFixture();
  certs = createTempDir('solo-validate-');
  t = await createTenant(f, 'val');
  grpc = soloClient(f.node.info.grpc_url, await clientTls(f.dir.path, t.tenant, certs.path), { token: t.token });
});
after(async () => {
  grpc.close();
  await f.close();
  certs.remove();
});

const HOSTILE = `export default {
  handleCall(msg, state) {
    const f = (0, eval)('1');
    return { reply: process.pid + f, state };
  },
};`;

async function rest(body: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${f.node.info.http_url}/validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const rules = (findings: unknown): string[] => (findings as Array<{ rule: string }>).map((x) => x.rule).sort();

describe('validate on every door', () => {
  it('reports the same findings on NATS, REST and gRPC, without deploying', async () => {
    const nats = await f.api(t.tenant, 'validate', { source: HOSTILE, filename: 'evil.ts' }, undefined, t.token);
    assert.equal(nats['ok'], true, JSON.stringify(nats));
    assert.equal(nats['valid'], false);
    assert.deepEqual(rules(nats['findings']), ['no-eval', 'no-host-globals']);
    const viaRest = await rest({ source: HOSTILE, filename: 'evil.ts' });
    assert.equal(viaRest.status, 200);
    assert.deepEqual(viaRest.body['findings'], nats['findings']);
    const viaGrpc = await unaryJson(grpc, 'Validate', { source: HOSTILE, filename: 'evil.ts' });
    assert.deepEqual(viaGrpc['findings'], nats['findings']);
    const finding = (nats['findings'] as Array<Json>)[0] as Json;
    for (const k of ['rule', 'severity', 'message', 'line', 'column', 'hint']) assert.ok(k in finding, k);
    assert.equal((await f.api(t.tenant, 'list', {}, undefined, t.token))['total'], 0, 'nothing was deployed');

    const clean = await f.api(t.tenant, 'validate', { source: example('counter') }, undefined, t.token);
    assert.equal(clean['valid'], true);
    assert.deepEqual(clean['findings'], []);
  });

  it('deploy refuses what validate reports as an error, with the findings', async () => {
    const d = await f.api(t.tenant, 'deploy', { service_id: 'evil', source: HOSTILE }, undefined, t.token);
    const err = d['error'] as { code: string; details: { findings: unknown } };
    assert.equal(err.code, 'rejected_code');
    assert.deepEqual(rules(err.details.findings), ['no-eval', 'no-host-globals']);
  });

  it('refuses bad input with invalid_request on every door', async () => {
    for (const body of [{}, { source: '' }, { source: 'x', filename: '../etc/passwd' }, { source: 'x', extra: 1 }, { source: 'x'.repeat(1024 * 1024 + 1) }]) {
      const nats = await f.api(t.tenant, 'validate', body, undefined, t.token);
      assert.equal((nats['error'] as { code: string }).code, 'invalid_request', JSON.stringify(body).slice(0, 80));
      const viaRest = await rest(body);
      assert.equal(viaRest.status, 400);
      assert.equal(viaRest.body['error'], 'invalid_request');
    }
    const g = await failure(unaryJson(grpc, 'Validate', { source: '' }));
    assert.equal(g.status, status.INVALID_ARGUMENT);
    assert.equal(g.code, 'invalid_request');
    const noToken = await fetch(`${f.node.info.http_url}/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'x' }) });
    assert.equal(noToken.status, 401);
  });
});
