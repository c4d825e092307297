// Test helper: the source text of the services the supervision, link and hot swap tests deploy. Each is a
// plain module as an agent would send it; options vary the version label and behaviour between versions.

/**
 * A service for supervision and links: calls `{op}` exit (ctx.exit), crash, inc, get, monitor, demonitor,
 * link, unlink; casts count (`poison` throws); handleInfo keeps every notice in `state.infos`.
 */
export function lifecycleSource(opts: { version?: string; trapExits?: boolean } = {}): string {
  return `
export default {
  version: '${opts.version ?? '1.0.0'}',
  trapExits: ${opts.trapExits === true},
  init() { return { n: 0, infos: [] }; },
  handleCall(msg, state, ctx) {
    const guard = (fn) => { try { return fn(); } catch (err) { return { error: err.code }; } };
    switch (msg.op) {
      case 'exit': ctx.exit(msg.reason); return { reply: 'bye', state };
      case 'crash': throw new Error('crash requested');
      case 'inc': return { reply: state.n + 1, state: { ...state, n: state.n + 1 } };
      case 'get': return { reply: state, state };
      case 'monitor': return { reply: guard(() => ctx.monitor(msg.target)), state };
      case 'demonitor': return { reply: ctx.demonitor(msg.ref), state };
      case 'link': return { reply: guard(() => { ctx.link(msg.target); return 'linked'; }), state };
      case 'unlink': ctx.unlink(msg.target); return { reply: 'unlinked', state };
      default: return { reply: null, state };
    }
  },
  handleCast(msg, state) {
    if (msg.op === 'poison') throw new Error('poison pill');
    return { ...state, n: state.n + 1, last: msg.i ?? null };
  },
  handleInfo(msg, state) { return { ...state, infos: [...state.infos, msg] }; },
};
`;
}

/**
 * A sequence checker for swaps under load: casts carry `{ c: i }` and calls `{ k: i }`, each numbered from 1;
 * the state counts both and records every number that arrived out of order or twice. `crashOn` makes the
 * version throw on a call `{ op: 'boom' }`; `codeChange` 'throw' makes the migration fail.
 */
export function sequenceSource(opts: { version: string; codeChange?: 'migrate' | 'throw' | 'none'; crashOnBoom?: boolean }): string {
  const codeChange =
    opts.codeChange === 'none'
      ? ''
      : opts.codeChange === 'throw'
        ? `codeChange() { throw new Error('cannot migrate'); },`
        : `codeChange(old, from) { return { ...old, migrations: [...(old.migrations ?? []), from + '->' + '${opts.version}'] }; },`;
  return `
export default {
  version: '${opts.version}',
  init() { return { c: 0, k: 0, bad: [], migrations: [], seen: 0 }; },
  ${codeChange}
  handleCall(msg, state) {
    if (msg.op === 'boom' && ${opts.crashOnBoom === true}) throw new Error('boom in ${opts.version}');
    if (msg.op === 'get') return { reply: { ...state, version: '${opts.version}' }, state };
    if (typeof msg.k !== 'number') return { reply: null, state: { ...state, seen: state.seen + 1 } };
    const bad = msg.k === state.k + 1 ? state.bad : [...state.bad, 'k' + msg.k + '@' + state.k];
    return { reply: msg.k, state: { ...state, k: Math.max(state.k, msg.k), bad } };
  },
  handleCast(msg, state) {
    if (typeof msg.c !== 'number') return state;
    const bad = msg.c === state.c + 1 ? state.bad : [...state.bad, 'c' + msg.c + '@' + state.c];
    return { ...state, c: Math.max(state.c, msg.c), bad };
  },
};
`;
}
