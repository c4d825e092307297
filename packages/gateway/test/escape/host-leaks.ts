// Leaking host references: every value ctx hands back (return values, promises, what they settle with, errors and
// their details, the ctx functions themselves) must belong to the isolate's own realm, never the host's.
import assert from 'node:assert/strict';
import type { Json } from '@solo/protocol';
import { PROBE_JS } from './isolate-probe.ts';
import { ECHO_SOURCE } from './ctx-tampering.ts';
import type { EscapeCase } from './escape-case.ts';

const LEAK_SOURCE = `${PROBE_JS}
export default {
  async handleCall(msg, state, ctx) {
    const seen = [];
    const settle = async (what, use) => {
      try {
        const r = use();
        seen.push([what + ' returned', r]);
        seen.push([what + ' settled', await r]);
      } catch (e) {
        seen.push([what + ' threw', e]);
      }
    };
    await settle('ctx.call', () => ctx.call(msg.helper, { n: 1 }));
    await settle('ctx.call of a missing service', () => ctx.call('no-such-service', {}));
    await settle('ctx.call of a bad id', () => ctx.call('../x', {}));
    await settle('ctx.call with a bad message', () => ctx.call(msg.helper, { f: () => 1 }));
    await settle('ctx.cast', () => ctx.cast(ctx.self.service, { n: 2 }));
    await settle('ctx.secret', () => ctx.secret('nope'));
    await settle('ctx.setTimer', () => ctx.setTimer(60000, { t: 1 }));
    await settle('ctx.setTimer with a bad delay', () => ctx.setTimer(-1, {}));
    await settle('ctx.cancelTimer', () => ctx.cancelTimer('nope'));
    await settle('ctx.emit', () => ctx.emit('probe', { x: 1 }));
    await settle('ctx.log.info', () => ctx.log.info('probe', { x: 1 }));
    await settle('ctx.monitor', () => ctx.monitor(msg.helper));
    await settle('ctx.monitor of itself', () => ctx.monitor(ctx.self.service));
    await settle('ctx.demonitor', () => ctx.demonitor('nope'));
    await settle('ctx.link of a missing service', () => ctx.link('no-such-service'));
    await settle('ctx.unlink', () => ctx.unlink(msg.helper));
    for (const [name, v] of Object.entries(ctx)) seen.push(['ctx.' + name, v]);
    for (const [name, v] of Object.entries(ctx.log)) seen.push(['ctx.log.' + name, v]);
    const leaks = [];
    const walk = (what, v, depth) => {
      if (isForeign(v)) leaks.push(what);
      if (typeof v === 'function' && Object.getPrototypeOf(v) !== Object.getPrototypeOf(walk)) leaks.push(what + ' (not a plain function of this realm)');
      if (depth < 4 && v !== null && typeof v === 'object') for (const key of Object.getOwnPropertyNames(v)) walk(what + '.' + key, v[key], depth + 1);
    };
    for (const [what, v] of seen) walk(what, v, 0);
    return { reply: { checked: seen.length, leaks }, state };
  },
  handleCast(msg, state) { return state; },
  handleInfo(msg, state) { return state; },
};
`;

export const HOST_LEAKS: readonly EscapeCase[] = [
  {
    name: 'ctx-values-realm',
    tries:
      'collects every value ctx returns, resolves, rejects or throws (and the ctx functions) and walks them for objects of another realm',
    defence: 'isolate',
    source: LEAK_SOURCE,
    helpers: [{ name: 'ctx-values-realm-echo', source: ECHO_SOURCE }],
    drive: { kind: 'call', message: { helper: 'ctx-values-realm-echo' } },
    outcome: {
      kind: 'reply',
      title: 'gets only values of its own realm from ctx',
      check: (reply: Json) => {
        const r = reply as { checked: number; leaks: string[] };
        assert.ok(r.checked >= 40, `the probe saw only ${r.checked} values`);
        assert.deepEqual(r.leaks, [], 'host objects reached the isolate');
      },
    },
  },
];
