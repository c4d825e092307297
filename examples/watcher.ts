// Watches other services with ctx.monitor and ctx.link: `{"op":"monitor","target":"crashy"}` or
// `{"op":"link","target":"crashy"}`, then `{"op":"seen"}` lists the down/exit notices handleInfo received.
// It traps exits, so a linked service's crash arrives as a message instead of crashing the watcher.
import type { Json, ServiceDefinition } from '@solo/sdk';

type State = { seen: Json[] };

export default {
  version: '1.0.0',
  trapExits: true,
  init() {
    return { seen: [] };
  },
  handleCall(msg, state, ctx): { reply: Json; state: State } {
    const m = (msg ?? {}) as { op?: string; target?: string };
    if (m.op === 'monitor' && m.target) return { reply: { ref: ctx.monitor(m.target) }, state };
    if (m.op === 'link' && m.target) {
      ctx.link(m.target);
      return { reply: { linked: m.target }, state };
    }
    return { reply: state.seen, state };
  },
  handleInfo(msg, state, ctx) {
    ctx.log.info('notice', { msg });
    return { seen: [...state.seen, msg] };
  },
} satisfies ServiceDefinition<State>;
