// Tracing is driven by the standard OTEL_* variables: off without them, and with an OTLP endpoint the node
// exports its spans over HTTP to that endpoint (a real collector stand-in on a loopback socket) (issue #8).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { createTempDir, freePort, uniqueName, type TempDir } from '@solo/testkit';
import { startNode, startTracing } from '@solo/gateway';
import { tenantApiSubject, type TenantId } from '@solo/protocol';
import { adminHeaders, example, nodeNats } from './node-fixture.ts';

interface OtlpSpan {
  name: string;
  traceId: string;
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const received: { path: string; contentType: string; body: OtlpExport | null; bytes: number }[] = [];
let collector: Server;
let endpoint: string;
let dir: TempDir;

before(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      const body = contentType.includes('json') ? (JSON.parse(raw.toString('utf8')) as OtlpExport) : null;
      received.push({ path: req.url ?? '', contentType, body, bytes: raw.length });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  dir = createTempDir('solo-otlp-');
});
after(async () => {
  await new Promise<void>((r) => collector.close(() => r()));
  dir.remove();
});

describe('tracing from OTEL_* variables', () => {
  it('stays off, with nothing registered, when no exporter or endpoint is set', async () => {
    assert.equal(await startTracing({ env: { OTEL_SERVICE_NAME: 'x' } }), null);
    assert.equal(trace.getTracer('probe').startSpan('probe').isRecording(), false);
  });

  it('exports the spans of a call as OTLP JSON to the endpoint and flushes them when the node stops', async () => {
    // The OTLP exporter reads its endpoint from the process environment, as any OpenTelemetry SDK does.
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = endpoint;
    process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] = 'http/json';
    process.env['OTEL_SERVICE_NAME'] = 'solo-under-test';
    const node = await startNode({ dataDir: dir.path });
    const t = uniqueName() as TenantId;
    const nc = await nodeNats(node);
    try {
      const ask = async (verb: string, body: unknown): Promise<Record<string, unknown>> =>
        JSON.parse((await nc.request(tenantApiSubject(t, verb), JSON.stringify(body), { timeout: 15_000, headers: adminHeaders(node) })).string()) as Record<string, unknown>;
      assert.equal((await ask('deploy', { service_id: 'counter', source: example('counter') }))['ok'], true);
      assert.equal((await ask('call', { service_id: 'counter', message: { op: 'inc' } }))['ok'], true);
    } finally {
      await nc.close();
      await node.stop();
    }
    assert.ok(received.length > 0, 'the collector received an export');
    assert.equal(received[0]?.path, '/v1/traces');
    assert.match(received[0]?.contentType ?? '', /application\/json/);
    const exported = received.flatMap((r) => r.body?.resourceSpans ?? []);
    const serviceNames = exported.flatMap((rs) => rs.resource.attributes.filter((a) => a.key === 'service.name').map((a) => a.value.stringValue));
    assert.ok(serviceNames.includes('solo-under-test'));
    const names = new Set(exported.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans.map((x) => x.name))));
    for (const n of ['solo.nats.deploy', 'solo.deploy.compile', 'solo.nats.call', 'solo.kernel.call', 'solo.actor.call', 'solo.recovery']) {
      assert.ok(names.has(n), `exported spans lack ${n}: ${[...names].join(', ')}`);
    }
    assert.equal(trace.getTracer('probe').startSpan('probe').isRecording(), false, 'stopping the node unregistered its provider');
  });

  it('exports OTLP protobuf by default', async () => {
    received.length = 0;
    delete process.env['OTEL_EXPORTER_OTLP_PROTOCOL'];
    const node = await startNode({ dataDir: dir.path });
    await node.stop();
    assert.ok(received.length > 0, 'the recovery span was exported');
    assert.equal(received[0]?.path, '/v1/traces');
    assert.equal(received[0]?.contentType, 'application/x-protobuf');
    assert.ok((received[0]?.bytes ?? 0) > 0);
  });

  it('still stops when the collector is down, and logs that the last spans were lost', async () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `http://127.0.0.1:${await freePort()}`;
    const lines: string[] = [];
    const node = await startNode({ dataDir: dir.path, log: (l) => lines.push(l) });
    await node.stop();
    const warning = lines.map((l) => JSON.parse(l) as { level: string; msg: string }).find((r) => r.msg === 'tracing: the last spans could not be exported');
    assert.equal(warning?.level, 'warn');
    assert.equal(trace.getTracer('probe').startSpan('probe').isRecording(), false);
  });
});
