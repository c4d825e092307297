// Version 2 of counter.ts, for `solo swap`: the same messages, and it also counts how many increments it saw.
// `codeChange` migrates the state of 1.x (`{ count }`) into 2.x (`{ count, incs }`) while the service runs.
import type { Json, ServiceDefinition } from '@solo/sdk';

type Msg = { op?: string; by?: number };
type State = { count: number; incs: number };

export default {
  version: '2.0.0',
  init() {
    return { count: 0, incs: 0 };
  },
  codeChange(oldState: Json, fromVersion, ctx) {
    const old = (oldState ?? {}) as { count?: number; incs?: number };
    ctx.log.info('migrated', { fromVersion });
    return { count: old.count ?? 0, incs: old.incs ?? 0 };
  },
  handleCall(msg, state) {
    const m = (msg ?? {}) as Msg;
    if (m.op === 'inc') {
      const next = { count: state.count + (typeof m.by === 'number' ? m.by : 1), incs: state.incs + 1 };
      return { reply: { count: next.count, incs: next.incs }, state: next };
    }
    return { reply: { count: state.count, incs: state.incs }, state };
  },
  handleCast(msg, state) {
    const m = (msg ?? {}) as Msg;
    if (m.op === 'inc') return { count: state.count + (typeof m.by === 'number' ? m.by : 1), incs: state.incs + 1 };
    if (m.op === 'reset') return { count: 0, incs: 0 };
    return state;
  },
} satisfies ServiceDefinition<State>;
