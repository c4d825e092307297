// Tampering with what the sandbox hands in and takes back: a frozen ctx, prototype pollution (which must stay in
// the polluter's own isolate and incarnation), and hostile values as replies, state or exceptions.
import assert from 'node:assert/strict';
import type { Json } from '@solo/protocol';
import type { EscapeCase } from './escape-case.ts';

/** A callee for ctx.call: replies `{ echoed: msg }`. */
export const ECHO_SOURCE = `export default { handleCall(msg, state) { return { reply: { echoed: msg }, state }; } };`;

/** Reports, from a fresh isolate, whether its built-ins look polluted. */
const WITNESS_SOURCE = `export default {
  handleCall(msg, state) {
    const o = {};
    return { reply: {
      polluted: o.polluted === undefined ? null : String(o.polluted),
      pushNative: String([].push).includes('[native code]'),
      parseNative: String(JSON.parse).includes('[native code]'),
    }, state };
  },
};`;

const CTX_FROZEN_SOURCE = `export default {
  async handleCall(msg, state, ctx) {
    const attempts = {
      'ctx.call = …': () => { ctx.call = async () => 'hijacked'; },
      'ctx.self.tenant = …': () => { ctx.self.tenant = 'victim'; },
      'ctx.self = …': () => { ctx.self = { tenant: 'victim', service: 'x' }; },
      'delete ctx.log': () => { delete ctx.log; },
      'ctx.log.info = …': () => { ctx.log.info = () => 'hijacked'; },
      'Object.defineProperty(ctx, secret)': () => { Object.defineProperty(ctx, 'secret', { value: async () => 'stolen' }); },
      'Object.setPrototypeOf(ctx, …)': () => { Object.setPrototypeOf(ctx, { call: async () => 'hijacked' }); },
      'Reflect.set(ctx.self, tenant)': () => { if (!Reflect.set(ctx.self, 'tenant', 'victim')) throw new TypeError('refused'); },
      'Reflect.defineProperty(ctx, cast)': () => { if (!Reflect.defineProperty(ctx, 'cast', { value: 1 })) throw new TypeError('refused'); },
    };
    const accepted = [];
    for (const [what, attempt] of Object.entries(attempts)) {
      try { attempt(); accepted.push(what); } catch (e) { if (!(e instanceof TypeError)) accepted.push(what + ' threw ' + String(e)); }
    }
    const works = await ctx.call(msg.helper, { ping: 1 }).then((r) => r.echoed.ping === 1, (e) => e.code);
    return { reply: {
      accepted,
      self: { tenant: ctx.self.tenant, service: ctx.self.service },
      works,
      frozen: Object.isFrozen(ctx) && Object.isFrozen(ctx.self) && Object.isFrozen(ctx.log),
    }, state };
  },
};`;

const POLLUTER_SOURCE = `const id = (x) => x;
const protoOf = id(Reflect.getPrototypeOf);
export default {
  handleCall(msg, state) {
    if (msg.op === 'crash') throw new Error('crashing on purpose, to get a fresh incarnation');
    if (msg.op === 'pollute') {
      Reflect.set(protoOf({}), 'polluted', 'yes');
      Reflect.set(protoOf([]), 'push', function () { return -1; });
      Reflect.set(id(JSON), 'parse', () => ({ hijacked: true }));
      Reflect.set(id(JSON), 'stringify', () => '"hijacked"');
    }
    const o = {};
    return { reply: { polluted: o.polluted === undefined ? null : String(o.polluted) }, state };
  },
};`;

/** A service whose handleCall returns `{ reply: <expr>, state: <state expr> }`. */
function returning(reply: string, state = 'state', prelude = ''): string {
  return `${prelude}\nexport default { handleCall(msg, state) { return { reply: ${reply}, state: ${state} }; } };`;
}

export const CTX_TAMPERING: readonly EscapeCase[] = [
  {
    name: 'ctx-frozen',
    tries:
      'assigns, deletes and redefines `ctx.call`, `ctx.log.info`, `ctx.self.tenant`, and swaps the prototype of ctx',
    defence: 'isolate',
    source: CTX_FROZEN_SOURCE,
    helpers: [{ name: 'ctx-frozen-echo', source: ECHO_SOURCE }],
    drive: { kind: 'call', message: { helper: 'ctx-frozen-echo' } },
    outcome: {
      kind: 'reply',
      title: 'cannot change ctx, which keeps working',
      check: (reply: Json) => {
        const r = reply as {
          accepted: string[];
          self: { service: string; tenant: string };
          works: unknown;
          frozen: boolean;
        };
        assert.deepEqual(r.accepted, [], 'ctx accepted a change');
        assert.equal(r.self.service, 'ctx-frozen');
        assert.notEqual(r.self.tenant, 'victim');
        assert.equal(r.works, true, 'ctx.call still reaches the helper');
        assert.equal(r.frozen, true);
      },
    },
  },
  {
    name: 'plain-proto-pollution',
    tries: "`Object.prototype.polluted = 'yes'` and `({}).__proto__.x = 1`",
    defence: 'analysis',
    source: `export default { handleCall(msg, state) { Object.prototype.polluted = 'yes'; ({}).__proto__.x = 1; return { reply: null, state }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code', rule: 'no-proto-mutation' },
  },
  {
    name: 'obf-proto-pollution',
    tries:
      'pollutes Object.prototype, Array.prototype.push and JSON.parse/stringify through `Reflect.set` on laundered references',
    defence: 'isolate',
    source: POLLUTER_SOURCE,
    helpers: [{ name: 'obf-proto-pollution-witness', source: WITNESS_SOURCE }],
    drive: { kind: 'call', message: { op: 'pollute' } },
    // Inside its own isolate the pollution works (the attack ran); it must reach nothing else.
    outcome: {
      kind: 'reply',
      title: 'pollutes its own isolate only',
      check: (reply: Json) => assert.deepEqual(reply, { polluted: 'yes' }, 'the pollution did not run as written'),
    },
    async verify(p) {
      const witness = await p.call('obf-proto-pollution-witness', {});
      assert.deepEqual(
        witness['reply'],
        { polluted: null, pushNative: true, parseNative: true },
        'another isolate of the same tenant saw the pollution',
      );
      assert.equal(
        Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'),
        false,
        'the host realm was polluted',
      );
      assert.match(String(JSON.parse), /\[native code\]/);
      // A crash ends the incarnation; the next one starts in a fresh isolate, unpolluted.
      const crash = await p.call(p.service, { op: 'crash' });
      assert.equal((crash['error'] as { code?: string } | undefined)?.code, 'service_crashed', JSON.stringify(crash));
      let again: Record<string, unknown> = {};
      await p.until(async () => {
        again = await p.call(p.service, { op: 'check' });
        return again['ok'] === true;
      });
      assert.deepEqual(again['reply'], { polluted: null }, 'the next incarnation inherited the pollution');
    },
  },
  {
    name: 'reply-throwing-getter',
    tries: 'replies with an object whose getter throws while the runtime serialises it',
    defence: 'isolate',
    source: returning(`{ get secret() { throw new Error('getter bomb'); } }`),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['bad_return'] },
  },
  {
    name: 'reply-proxy',
    tries: 'replies with a Proxy that claims to be a plain object and throws from its ownKeys trap',
    defence: 'isolate',
    source: returning(
      `new Proxy({}, { getPrototypeOf() { return Object.getPrototypeOf({}); }, ownKeys() { throw new Error('trap bomb'); } })`,
    ),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['bad_return'] },
  },
  {
    name: 'reply-proxy-spin',
    tries: 'replies with a Proxy whose `get` trap never returns (runs inside the runtime serialiser)',
    defence: 'limit',
    source: returning(`new Proxy({ a: 1 }, { get() { for (;;) {} } })`),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'], limit: 'cpu_ms' },
  },
  {
    name: 'reply-cyclic',
    tries: 'replies with a cyclic object',
    defence: 'isolate',
    source: returning('cyc', 'state', 'const cyc = { name: "loop" }; cyc.self = cyc;'),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['bad_return'] },
  },
  {
    name: 'state-cyclic',
    tries: 'returns a cyclic object as its next state',
    defence: 'isolate',
    source: returning('1', 'cyc', 'const cyc = { name: "loop" }; cyc.self = cyc;'),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['bad_return'] },
  },
  {
    name: 'state-huge',
    tries: 'returns a 64 MiB string as its next state (a 16 MiB isolate)',
    defence: 'limit',
    source: returning('1', `{ blob: 'x'.repeat(64 * 1024 * 1024) }`),
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['memory_limit', 'throw'] },
  },
  {
    name: 'throw-hostile-object',
    tries: 'throws a Proxy whose every trap throws, so describing the exception throws too',
    defence: 'isolate',
    source: `export default { handleCall() { throw new Proxy({}, { get() { throw new Error('describe me'); }, getPrototypeOf() { throw new Error('no'); } }); } };`,
    drive: { kind: 'call', message: {} },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['throw'] },
  },
  {
    name: 'export-getter-spin',
    tries:
      'a default export whose `handleCall` is a getter that never returns (runs when the runtime installs the module)',
    defence: 'limit',
    source: `export default { get handleCall() { for (;;) {} } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'] },
  },
  {
    name: 'top-level-spin',
    tries: 'an infinite loop at module top level (runs at deploy)',
    defence: 'limit',
    source: `for (;;) {}\nexport default { handleCall(m, s) { return { reply: 1, state: s }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'] },
  },
  {
    name: 'top-level-await-forever',
    tries: 'a top-level await that never settles, so the module never finishes loading',
    defence: 'isolate',
    source: `await new Promise(() => {});\nexport default { handleCall(m, s) { return { reply: 1, state: s }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'refused', code: 'rejected_code' },
  },
  {
    name: 'init-spin',
    tries: '`init` that never returns',
    defence: 'limit',
    source: `export default { init() { for (;;) {} }, handleCall(m, s) { return { reply: 1, state: s }; } };`,
    drive: { kind: 'deploy' },
    outcome: { kind: 'error', code: 'service_crashed', reasons: ['cpu_limit'] },
  },
  {
    name: 'terminate-spin',
    tries: '`terminate` that never returns, run by a graceful kill',
    defence: 'limit',
    source: `export default { terminate() { for (;;) {} }, handleCall(m, s) { return { reply: 1, state: s }; } };`,
    drive: { kind: 'kill' },
    outcome: {
      kind: 'contained',
      title: 'is killed anyway, and is gone',
      async check(p, answer) {
        assert.equal(answer['ok'], true, `the kill must finish: ${JSON.stringify(answer)}`);
        const st = await p.status(p.service);
        assert.equal(
          (st['error'] as { code?: string } | undefined)?.code,
          'not_found',
          'the service is gone after the kill',
        );
      },
    },
  },
];
