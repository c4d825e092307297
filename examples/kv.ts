// An in-memory key-value store: `{"op":"put","key":k,"value":v}`, `{"op":"get","key":k}`,
// `{"op":"delete","key":k}`, `{"op":"keys"}`.
import type { CallResult, Json, ServiceDefinition } from '@solo/sdk';

type State = { data: Record<string, Json> };
type Msg = { op?: string; key?: string; value?: Json };

export default {
  version: '1.0.0',
  init() {
    return { data: {} };
  },
  handleCall(msg, state): CallResult<State> {
    const m = (msg ?? {}) as Msg;
    switch (m.op) {
      case 'put': {
        if (typeof m.key !== 'string') throw new Error('put needs a string key');
        return { reply: { ok: true }, state: { data: { ...state.data, [m.key]: m.value ?? null } } };
      }
      case 'get':
        return { reply: { found: typeof m.key === 'string' && m.key in state.data, value: typeof m.key === 'string' ? (state.data[m.key] ?? null) : null }, state };
      case 'delete': {
        if (typeof m.key !== 'string') throw new Error('delete needs a string key');
        const { [m.key]: removed, ...rest } = state.data;
        return { reply: { deleted: removed !== undefined }, state: { data: rest } };
      }
      case 'keys':
        return { reply: Object.keys(state.data), state };
      default:
        return { reply: { error: `unknown op ${String(m.op)}` }, state };
    }
  },
  handleCast(msg, state) {
    const m = (msg ?? {}) as Msg;
    if (m.op === 'put' && typeof m.key === 'string') return { data: { ...state.data, [m.key]: m.value ?? null } };
    return state;
  },
} satisfies ServiceDefinition<State>;
