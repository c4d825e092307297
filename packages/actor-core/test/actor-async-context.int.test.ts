// Each message runs in its sender's async context, even when it waited in the mailbox behind others: what a
// handler does through ctx (a ctx.call's trace span, for one) belongs to the message that caused it (issue #8).
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, it } from 'node:test';
import type { Json } from '@solo/protocol';
import {
  Actor,
  IsolateSandbox,
  ProcessSandbox,
  compileService,
  startIncarnation,
  type ActorSandbox,
  type LogLevel,
} from '../src/index.ts';
import { RecordingHost } from './recording-host.ts';

const sender = new AsyncLocalStorage<Json>();

/** Records which sender's context each ctx.log ran in. */
class ContextHost extends RecordingHost {
  readonly seen: { message: Json | undefined; sender: Json | undefined }[] = [];
  override log(level: LogLevel, message: string, data: Json | undefined): void {
    this.seen.push({ message: data, sender: sender.getStore() });
    super.log(level, message, data);
  }
}

const SOURCE = `export default {
  init() { return 0; },
  async handleCall(m, s, ctx) { await null; ctx.log.info('handling', m); return { reply: m, state: s + 1 }; },
  handleCast(m, s, ctx) { ctx.log.info('handling', m); return s + 1; },
};`;

describe('Actor async context', () => {
  for (const [kind, make] of [
    ['in-process', () => new IsolateSandbox()],
    ['sandbox host process', () => new ProcessSandbox({ spareProcesses: 0 })],
  ] as const) {
    it(`runs queued calls and casts in the async context of whoever sent them (${kind})`, async () => {
      const sandbox = make();
      try {
        await sendersKeepTheirContext(sandbox);
      } finally {
        sandbox.close();
      }
    });
  }
});

async function sendersKeepTheirContext(sandbox: ActorSandbox): Promise<void> {
  {
    const code = (await compileService(SOURCE, { filename: 'ctx.js' })).code;
    const host = new ContextHost();
    const actor = new Actor({ tenant: 't', service: 'ctx', onExit: () => undefined });
    host.actor = actor;
    actor.attach(
      await startIncarnation(
        sandbox,
        { tenant: 't', service: 'ctx', code, limits: { memory_mb: 32, cpu_ms: 1000, wall_ms: 5000 } },
        host,
        null,
      ),
    );
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i <= 6; i++) {
      sends.push(sender.run(i, () => (i % 2 === 0 ? actor.cast(i) : actor.call(i, { timeoutMs: 5000 }))));
    }
    await Promise.all(sends);
    assert.equal(host.seen.length, 6);
    for (const s of host.seen)
      assert.equal(
        s.sender,
        s.message,
        `message ${String(s.message)} ran in the context of sender ${String(s.sender)}`,
      );
    await actor.stop();
  }
}
