import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  eventFilter,
  eventSubject,
  logFilter,
  mailboxSubject,
  parseEventSubject,
  parseMailboxSubject,
  parseServiceSubject,
  parseTenantApiSubject,
  parseTenantId,
  parseServiceId,
  serviceSubject,
  tenantApiSubject,
  mailboxConsumerName,
} from '@solo/protocol';

const t = parseTenantId('acme');
const s = parseServiceId('counter');

describe('names', () => {
  it('builds the subjects of DESIGN.md', () => {
    assert.equal(tenantApiSubject(t, 'deploy'), 'solo.t.acme.api.deploy');
    assert.equal(serviceSubject(t, s), 'solo.t.acme.svc.counter');
    assert.equal(mailboxSubject(t, s), 'solo.mbox.acme.counter');
    assert.equal(eventSubject(t, s, 'service_deployed'), 'solo.ev.acme.counter.service_deployed');
    assert.equal(eventSubject(null, null, 'node_started'), 'solo.ev._._.node_started');
  });
  it('builds filters with wildcards for omitted parts', () => {
    assert.equal(eventFilter({ tenant: t }), 'solo.ev.acme.*.*');
    assert.equal(eventFilter({ tenant: t, service: null, type: 'x' }), 'solo.ev.acme._.x');
    assert.equal(logFilter({ tenant: t }), 'solo.log.acme.*');
  });
  it('parses subjects back and refuses other shapes', () => {
    assert.deepEqual(parseTenantApiSubject('solo.t.acme.api.list'), { tenant: 'acme', verb: 'list' });
    assert.equal(parseTenantApiSubject('solo.t.acme.svc.list'), null);
    assert.deepEqual(parseServiceSubject('solo.t.acme.svc.counter'), { tenant: 'acme', service: 'counter' });
    assert.deepEqual(parseMailboxSubject('solo.mbox.acme.counter'), { tenant: 'acme', service: 'counter' });
    assert.deepEqual(parseEventSubject('solo.ev._.x.node_started'), { tenant: null, service: 'x', type: 'node_started' });
    assert.equal(parseEventSubject('solo.ev.a.b'), null);
  });
  it('refuses an invalid node id for the mailbox consumer', () => {
    assert.equal(mailboxConsumerName('n1'), 'solo_mbox_n1');
    assert.throws(() => mailboxConsumerName('a.b'), { code: 'invalid_request' });
  });
});
