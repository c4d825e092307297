// Event and log lines of `solo events` and `solo logs`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatEventLine, formatLogLine } from '../src/stream-format.ts';

describe('stream lines', () => {
  it('writes an event as seq time type service data', () => {
    const line = formatEventLine({
      seq: 4,
      at: '2025-01-01T00:00:00.000Z',
      type: 'service_deployed',
      tenant: 't',
      service_id: 'counter',
      data: { version: 1 },
    });
    assert.equal(line, '4 2025-01-01T00:00:00.000Z service_deployed counter {"version":1}');
  });
  it('writes - for a tenant-wide event', () => {
    assert.match(
      formatEventLine({ seq: 1, at: 'x', type: 'node_started', tenant: null, service_id: null, data: {} }),
      /^1 x node_started - \{\}$/,
    );
  });
  it('writes a log entry with its data when it has some', () => {
    const base = { seq: 9, at: 'x', tenant: 't', service_id: 'counter', level: 'info' as const, message: 'hello' };
    assert.equal(formatLogLine(base), '9 x info counter hello');
    assert.equal(formatLogLine({ ...base, data: { n: 1 } }), '9 x info counter hello {"n":1}');
  });
});
