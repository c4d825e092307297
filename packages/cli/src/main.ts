// Entry point of the `solo` command (bin/solo, `pnpm solo`): the only module that touches `process`.
import type { CliContext, StopSignal } from './cli-context.ts';
import { runCli } from './run-cli.ts';

const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

const ctx: CliContext = {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  onSignal: (handler) => {
    for (const s of SIGNALS) process.on(s, handler);
    return () => {
      for (const s of SIGNALS) process.off(s, handler);
    };
  },
  exit: (code) => process.exit(code),
  readStdin: async () => {
    if (process.stdin.isTTY) process.stderr.write('Reading from standard input; end with Ctrl-D.\n');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

const code = await runCli(process.argv.slice(2), ctx);
// Writes to a pipe are asynchronous: wait until both streams flushed, or exit() would cut the output short.
await Promise.all(
  [process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))),
);
process.exit(code);
