// The audit codec: a record's subject and JSON, batches of records, and the checked records read back (batched or not).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditFilter, auditSubject, parseTenantId } from '@solo/protocol';
import type { AuditRecord } from '@solo/protocol';
import { AUDIT_BATCH_OVERHEAD_BYTES, MAX_AUDIT_FIELD_CHARS, decodeAuditMessage, encodeAuditBatch, encodeAuditRecord } from '../src/audit-codec.ts';

const base: AuditRecord = {
  at: '2024-05-01T12:00:00.000Z',
  door: 'rest',
  verb: 'deploy',
  tenant: 'acme',
  token_id: 'tok_1',
  outcome: 'ok',
  correlation_id: 'c-1',
  duration_ms: 3.5,
};

/** Decodes a single-record message, the format written before batching. */
const decodeOne = (seq: number, payload: string): AuditRecord => {
  const records = decodeAuditMessage(seq, payload);
  assert.equal(records.length, 1);
  return records[0] as AuditRecord;
};

describe('audit names', () => {
  it('files a tenant under its id and everything else under _', () => {
    const acme = parseTenantId('acme');
    assert.equal(auditSubject(acme), 'solo.audit.acme');
    assert.equal(auditSubject(null), 'solo.audit._');
    assert.equal(auditFilter(acme), 'solo.audit.acme');
    assert.equal(auditFilter(null), 'solo.audit._');
    assert.equal(auditFilter(), 'solo.audit.>');
  });
});

describe('encodeAuditRecord', () => {
  it('builds the tenant subject and a payload that decodes to the same record', () => {
    const withService: AuditRecord = { ...base, service_id: 'counter' };
    const e = encodeAuditRecord(withService);
    assert.equal(e.subject, 'solo.audit.acme');
    assert.deepEqual(decodeOne(1, e.payload), withService);
  });

  it('files a null or invalid tenant under _ and keeps the value', () => {
    assert.equal(encodeAuditRecord({ ...base, tenant: null }).subject, 'solo.audit._');
    const odd = encodeAuditRecord({ ...base, tenant: 'ACME.>' });
    assert.equal(odd.subject, 'solo.audit._');
    assert.equal(decodeOne(1, odd.payload).tenant, 'ACME.>');
  });

  it('clips every string field to MAX_AUDIT_FIELD_CHARS', () => {
    const long = 'x'.repeat(MAX_AUDIT_FIELD_CHARS + 1);
    const r = decodeOne(1, encodeAuditRecord({ ...base, verb: long, tenant: long, token_id: long, outcome: long, correlation_id: long, service_id: long }).payload);
    for (const v of [r.verb, r.tenant, r.token_id, r.outcome, r.correlation_id, r.service_id]) {
      assert.equal(v?.length, MAX_AUDIT_FIELD_CHARS);
      assert.ok(v?.endsWith('…'));
    }
    assert.equal(decodeOne(1, encodeAuditRecord({ ...base, verb: 'y'.repeat(MAX_AUDIT_FIELD_CHARS) }).payload).verb.length, MAX_AUDIT_FIELD_CHARS);
  });

  it('drops unknown fields', () => {
    const extra = { ...base, secret: 'hunter2' } as AuditRecord;
    assert.equal(encodeAuditRecord(extra).payload.includes('hunter2'), false);
  });

  const bad: Array<[string, unknown, string | undefined]> = [
    ['a non-object', 'record', undefined],
    ['a null', null, undefined],
    ['an unparseable at', { ...base, at: 'soon' }, 'at'],
    ['a numeric at', { ...base, at: 1 }, 'at'],
    ['an unknown door', { ...base, door: 'smtp' }, 'door'],
    ['a numeric verb', { ...base, verb: 1 }, 'verb'],
    ['a missing outcome', { ...base, outcome: undefined }, 'outcome'],
    ['a missing correlation id', { ...base, correlation_id: undefined }, 'correlation_id'],
    ['an undefined tenant', { ...base, tenant: undefined }, 'tenant'],
    ['a numeric token id', { ...base, token_id: 7 }, 'token_id'],
    ['a negative duration', { ...base, duration_ms: -1 }, 'duration_ms'],
    ['an infinite duration', { ...base, duration_ms: Infinity }, 'duration_ms'],
    ['a string duration', { ...base, duration_ms: '3' }, 'duration_ms'],
    ['a null service id', { ...base, service_id: null }, 'service_id'],
  ];
  for (const [why, value, field] of bad) {
    it(`rejects ${why} with invalid_request`, () => {
      assert.throws(
        () => encodeAuditRecord(value as AuditRecord),
        (err: { code?: string; details?: { field?: string } }) => err.code === 'invalid_request' && err.details?.field === field,
      );
    });
  }
});

describe('encodeAuditBatch', () => {
  it('builds a version 2 batch whose records decode in order', () => {
    const records = [base, { ...base, verb: 'kill', tenant: null }, { ...base, service_id: 'counter' }];
    const payload = encodeAuditBatch(records.map((r) => encodeAuditRecord(r).payload));
    assert.equal(JSON.parse(payload).v, 2);
    assert.deepEqual(decodeAuditMessage(7, payload), records);
  });

  it('adds exactly AUDIT_BATCH_OVERHEAD_BYTES plus one comma between records', () => {
    const one = encodeAuditRecord(base).payload;
    assert.equal(Buffer.byteLength(encodeAuditBatch([one])), Buffer.byteLength(one) + AUDIT_BATCH_OVERHEAD_BYTES);
    assert.equal(Buffer.byteLength(encodeAuditBatch([one, one])), 2 * Buffer.byteLength(one) + 1 + AUDIT_BATCH_OVERHEAD_BYTES);
  });
});

describe('decodeAuditMessage', () => {
  it('reads a single-record message written before batching', () => {
    assert.deepEqual(decodeAuditMessage(3, JSON.stringify(base)), [base]);
  });

  const corrupt: Array<[string, string]> = [
    ['invalid JSON', '{'],
    ['a JSON string', '"x"'],
    ['a record with an unknown door', JSON.stringify({ ...base, door: 'x' })],
    ['a record without duration', JSON.stringify({ ...base, duration_ms: undefined })],
    ['a record with a numeric tenant', JSON.stringify({ ...base, tenant: 1 })],
    ['a batch of an unknown version', JSON.stringify({ v: 3, records: [base] })],
    ['a batch without records', JSON.stringify({ v: 2 })],
    ['a batch whose records are not an array', JSON.stringify({ v: 2, records: base })],
    ['an empty batch', JSON.stringify({ v: 2, records: [] })],
  ];
  for (const [why, payload] of corrupt) {
    it(`reports ${why} as internal with its seq`, () => {
      assert.throws(() => decodeAuditMessage(42, payload), (err: { code?: string; details?: { seq?: number } }) => err.code === 'internal' && err.details?.seq === 42);
    });
  }

  const badInBatch: Array<[string, unknown]> = [
    ['a null', null],
    ['an array', [base]],
    ['a string', 'record'],
    ['a record with an unknown door', { ...base, door: 'x' }],
    ['a record with a string duration', { ...base, duration_ms: '3' }],
  ];
  for (const [why, bad] of badInBatch) {
    it(`reports ${why} inside a batch as internal with its seq and index`, () => {
      const payload = JSON.stringify({ v: 2, records: [base, bad] });
      assert.throws(
        () => decodeAuditMessage(42, payload),
        (err: { code?: string; details?: { seq?: number; index?: number } }) => err.code === 'internal' && err.details?.seq === 42 && err.details.index === 1,
      );
    });
  }
});
