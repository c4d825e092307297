// Crashes on demand, to watch supervision at work: `{"op":"crash"}` throws, `{"op":"loop"}` spins past the
// CPU limit, `{"op":"bomb"}` allocates without bound; anything else replies with how often it started.
import type { ServiceDefinition } from '@solo/sdk';

type State = { calls: number };

export default {
  version: '1.0.0',
  init(_args, ctx) {
    ctx.log.info('started');
    return { calls: 0 };
  },
  handleCall(msg, state) {
    const op = (msg as { op?: string } | null)?.op;
    if (op === 'crash') throw new Error('crash requested');
    if (op === 'loop') for (;;);
    if (op === 'bomb') {
      const hog: string[] = [];
      for (let i = 0; ; i++) hog.push(`${i}`.repeat(1024));
    }
    return { reply: { calls: state.calls + 1 }, state: { calls: state.calls + 1 } };
  },
  handleCast(msg, state) {
    if ((msg as { op?: string } | null)?.op === 'crash') throw new Error('crash requested');
    return state;
  },
} satisfies ServiceDefinition<State>;
