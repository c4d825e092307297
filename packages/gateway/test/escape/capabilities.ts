// Capability escapes: reaching another tenant's services and secrets through ctx (ctx never leaves the tenant),
// and a service deployed with a narrow token acting outside its patterns or permissions.
import assert from 'node:assert/strict';
import type { Json } from '@solo/protocol';
import { ECHO_SOURCE } from './ctx-tampering.ts';
import type { EscapeCase } from './escape-case.ts';

/** Tries every ctx door on each target and reports, per attempt, 'ok' or the error code it got. */
const CROSS_TENANT_SOURCE = `export default {
  async handleCall(msg, state, ctx) {
    const out = {};
    const codeOf = async (what, use) => {
      try { await use(); out[what] = 'ok'; } catch (e) { out[what] = e && typeof e.code === 'string' ? e.code : 'threw ' + String(e); }
    };
    for (const target of msg.targets) {
      await codeOf('call ' + target, () => ctx.call(target, { op: 'inc', by: 1000 }, { timeoutMs: 1000 }));
      await codeOf('cast ' + target, () => ctx.cast(target, { op: 'inc', by: 1000 }));
      await codeOf('monitor ' + target, () => ctx.monitor(target));
      await codeOf('link ' + target, () => ctx.link(target));
    }
    await codeOf('secret ' + msg.secret, () => ctx.secret(msg.secret));
    return { reply: out, state };
  },
};`;

/** Calls, casts and reads a secret; reports 'ok' or the error code of each. */
const NARROW_SOURCE = `export default {
  async handleCall(msg, state, ctx) {
    const codeOf = (p) => p.then(() => 'ok', (e) => (e && typeof e.code === 'string' ? e.code : 'threw ' + String(e)));
    return { reply: {
      peer: await codeOf(ctx.call(msg.peer, { n: 1 })),
      outside: await codeOf(ctx.call(msg.outside, { n: 1 })),
      castOutside: await codeOf(ctx.cast(msg.outside, { n: 1 })),
      secret: await codeOf(ctx.secret('anything')),
    }, state };
  },
};`;

const REFUSALS = new Set(['not_found', 'forbidden', 'invalid_request']);

export const CAPABILITY_CASES: readonly EscapeCase[] = [
  {
    name: 'cross-tenant-ctx',
    tries:
      "ctx.call/cast/monitor/link of the bystander tenant's `counter` (by its bare id, `<tenant>.counter`, subject-like and wildcard ids) and ctx.secret of its secret",
    defence: 'capability',
    source: CROSS_TENANT_SOURCE,
    drive: {
      kind: 'call',
      message: (env) => ({
        targets: [
          'counter',
          `${env.bystanderTenant}.counter`,
          `solo.t.${env.bystanderTenant}.svc.counter`,
          '../counter',
          '*',
          '>',
          'counter\u0000',
        ],
        secret: env.bystanderSecret,
      }),
    },
    outcome: {
      kind: 'reply',
      title: 'is refused at every ctx door (not_found, forbidden or invalid_request)',
      check: (reply: Json) => {
        const r = reply as Record<string, string>;
        assert.ok(Object.keys(r).length >= 29, JSON.stringify(r));
        const through = Object.entries(r).filter(([, code]) => !REFUSALS.has(code));
        assert.deepEqual(through, [], 'a ctx door reached past the tenant, or failed with an unexpected code');
      },
    },
  },
  {
    name: 'narrow-token-ctx',
    tries:
      "a service deployed with a token for `['deploy','call','kill']` on `narrow-*` calls and casts a service outside `narrow-*` and reads a secret",
    defence: 'capability',
    source: NARROW_SOURCE,
    helpers: [
      { name: 'narrow-peer', source: ECHO_SOURCE },
      { name: 'outside-target', source: ECHO_SOURCE },
    ],
    narrowToken: { permissions: ['deploy', 'call', 'kill'], services: ['narrow-*'] },
    drive: { kind: 'call', message: { peer: 'narrow-peer', outside: 'outside-target' } },
    outcome: {
      kind: 'reply',
      title: 'gets forbidden outside its token, ok inside it',
      check: (reply: Json) =>
        assert.deepEqual(reply, { peer: 'ok', outside: 'forbidden', castOutside: 'forbidden', secret: 'forbidden' }),
    },
  },
];
