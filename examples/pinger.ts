// Calls another service of the same tenant through ctx.call: `{"target":"counter","message":{...}}`
// forwards the message and replies with what the target answered, plus how many pings it has sent.
import type { Json, ServiceDefinition } from '@solo/sdk';

type State = { sent: number };

export default {
  version: '1.0.0',
  init() {
    return { sent: 0 };
  },
  async handleCall(msg, state, ctx) {
    const m = (msg ?? {}) as { target?: string; message?: Json };
    const target = m.target ?? 'counter';
    const answer = await ctx.call(target, m.message ?? { op: 'get' }, { timeoutMs: 2000 });
    return { reply: { from: target, answer, sent: state.sent + 1 }, state: { sent: state.sent + 1 } };
  },
  async handleCast(msg, state, ctx) {
    const m = (msg ?? {}) as { target?: string; message?: Json };
    await ctx.cast(m.target ?? 'counter', m.message ?? { op: 'inc' });
    return { sent: state.sent + 1 };
  },
} satisfies ServiceDefinition<State>;
