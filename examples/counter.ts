// A counter: `call {"op":"get"}` or `{"op":"inc","by":n}` replies with the count; casts increment it.
import type { ServiceDefinition } from '@solo/sdk';

type Msg = { op?: string; by?: number };
type State = { count: number };

export default {
  version: '1.0.0',
  init() {
    return { count: 0 };
  },
  handleCall(msg, state, ctx) {
    const m = (msg ?? {}) as Msg;
    if (m.op === 'inc') {
      const count = state.count + (typeof m.by === 'number' ? m.by : 1);
      ctx.log.info('incremented', { count });
      return { reply: { count }, state: { count } };
    }
    return { reply: { count: state.count }, state };
  },
  handleCast(msg, state) {
    const m = (msg ?? {}) as Msg;
    if (m.op === 'inc') return { count: state.count + (typeof m.by === 'number' ? m.by : 1) };
    if (m.op === 'reset') return { count: 0 };
    return state;
  },
} satisfies ServiceDefinition<State>;
