import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventInput } from '@solo/protocol';
import { decodeEvent, encodeEvent } from '../src/event-codec.ts';

const event: EventInput = { type: 'service_crashed', tenant: 'acme', service_id: 'counter', at: '2024-01-01T00:00:00.000Z', correlation_id: 'c1', data: { reason: 'boom' } };

describe('event codec', () => {
  it('round-trips an event and stamps the seq', () => {
    const encoded = encodeEvent(event);
    assert.equal(encoded.correlationId, 'c1');
    assert.deepEqual(decodeEvent(7, encoded.payload), { ...event, seq: 7 });
  });

  it('builds node-wide and tenant-wide subjects with the placeholder', () => {
    assert.notEqual(encodeEvent({ ...event, service_id: null }).subject, encodeEvent(event).subject);
    assert.doesNotThrow(() => encodeEvent({ ...event, tenant: null, service_id: null, correlation_id: undefined }));
  });

  it('rejects payloads that are not events with internal', () => {
    for (const payload of ['nope', '42', '{"type":"made_up","tenant":null,"service_id":null,"at":"x","data":{}}', '{"type":"node_started","tenant":null,"service_id":null,"at":"x"}']) {
      assert.throws(() => decodeEvent(3, payload), { code: 'internal' });
    }
  });
});
