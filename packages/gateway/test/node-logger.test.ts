// The node's pino log: one JSON object per line with level, time, node_id and msg; ids renamed to
// tenant_id / service_id; records below the level dropped; the pretty rendering for terminals (issue #8).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeLogger } from '../src/logging/node-logger.ts';
import { parseNodeLogLevel } from '../src/logging/log-level.ts';
import { createPrettyLogSink } from '../src/logging/pretty-log-sink.ts';

describe('createNodeLogger', () => {
  it('writes one JSON object per record with the node id and normalised id fields', () => {
    const lines: string[] = [];
    let nodeId = '';
    const log = createNodeLogger({ level: 'info', sink: (l) => lines.push(l), nodeId: () => nodeId });
    nodeId = 'n1';
    log.info('service crashed', { tenant: 'acme', service: 'counter', correlation_id: 'c-1', duration_ms: 1.5 });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]?.includes('\n'));
    const rec = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(rec['level'], 'info');
    assert.equal(rec['msg'], 'service crashed');
    assert.equal(rec['node_id'], 'n1');
    assert.equal(rec['tenant_id'], 'acme');
    assert.equal(rec['service_id'], 'counter');
    assert.equal(rec['correlation_id'], 'c-1');
    assert.equal(rec['duration_ms'], 1.5);
    assert.equal(rec['tenant'], undefined);
    assert.ok(!Number.isNaN(Date.parse(String(rec['time']))));
  });

  it('drops records below its level and writes nothing without a sink', () => {
    const lines: string[] = [];
    const log = createNodeLogger({ level: 'warn', sink: (l) => lines.push(l), nodeId: () => 'n1' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { msg: string }).msg), ['w', 'e']);
    assert.doesNotThrow(() => createNodeLogger({ level: 'debug', nodeId: () => 'n1' }).error('nowhere'));
  });

  it('refuses an unknown level with invalid_request', () => {
    assert.equal(parseNodeLogLevel('silent'), 'silent');
    assert.throws(() => parseNodeLogLevel('verbose', '--log-level'), { code: 'invalid_request', message: /--log-level 'verbose'.*debug, info, warn, error, silent/ });
  });

  it('renders records for people when asked', () => {
    let out = '';
    const sink = createPrettyLogSink((t) => (out += t), { colorize: false });
    createNodeLogger({ level: 'info', sink, nodeId: () => 'n1' }).info('node started', { http_url: 'http://127.0.0.1:1' });
    assert.match(out, /INFO.*node started/);
    assert.match(out, /http_url: "http:\/\/127\.0\.0\.1:1"/);
  });
});
