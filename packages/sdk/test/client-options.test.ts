// Table tests of connectSolo's option validation: nothing here touches the network.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveClientOptions, DEFAULT_REQUEST_TIMEOUT_MS } from '../src/client-options.ts';
import type { SoloClientOptions } from '../src/client-options.ts';

describe('resolveClientOptions', () => {
  it('applies the documented defaults', () => {
    const r = resolveClientOptions({ natsUrl: ' nats://127.0.0.1:4222 ', tenant: 'acme' });
    assert.deepEqual(r, {
      natsUrl: 'nats://127.0.0.1:4222',
      tenant: 'acme',
      token: undefined,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      name: 'solo-sdk',
    });
  });

  const bad: Array<[string, SoloClientOptions, string]> = [
    ['an empty natsUrl', { natsUrl: '', tenant: 'acme' }, 'natsUrl'],
    ['an invalid tenant', { natsUrl: 'nats://x', tenant: 'Acme!' }, 'tenant'],
    ['a zero timeout', { natsUrl: 'nats://x', tenant: 'acme', requestTimeoutMs: 0 }, 'requestTimeoutMs'],
    ['a fractional timeout', { natsUrl: 'nats://x', tenant: 'acme', requestTimeoutMs: 1.5 }, 'requestTimeoutMs'],
    ['an empty token', { natsUrl: 'nats://x', tenant: 'acme', token: '' }, 'token'],
  ];
  for (const [name, opts, field] of bad) {
    it(`rejects ${name} with invalid_request`, () => {
      assert.throws(
        () => resolveClientOptions(opts),
        (err: { code: string; details: { field: string } }) => {
          assert.equal(err.code, 'invalid_request');
          assert.equal(err.details.field, field);
          return true;
        },
      );
    });
  }
});
