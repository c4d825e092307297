// Starting a sandbox host process: fork it (with the wrappers and flags of launch-command.ts), pass its stderr
// through while keeping the tail, and wait until it reports ready.
import { fork, type ChildProcess } from 'node:child_process';
import { SoloError } from '@solo/protocol';
import { HostProcess, type HostProcessLaunch } from './host-process.ts';
import { describeEnd } from './process-death.ts';
import type { HostMessage } from './sandbox-wire.ts';

const STDERR_TAIL_CHARS = 4000;

/**
 * Forks a sandbox host process and waits until it reports ready.
 * @throws `unavailable` when it cannot be started, exits first or does not report ready in `startTimeoutMs`.
 */
export function startHostProcess(launch: HostProcessLaunch): Promise<HostProcess> {
  const t0 = performance.now();
  let child: ChildProcess;
  try {
    child = fork(launch.entry, [JSON.stringify(launch.config)], {
      execPath: launch.command,
      execArgv: launch.args,
      serialization: launch.serialization,
      // Nothing of the node's environment (SOLO_MASTER_KEY, tokens, NATS seeds) reaches code that might escape
      // its isolate; `/` as working directory, which any user the host runs as can reach.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      cwd: '/',
      // stdout stays closed: the node may print machine-read JSON there.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc', 'pipe'],
    });
  } catch (err) {
    return Promise.reject(unavailable(`fork failed (${err instanceof Error ? err.message : String(err)})`, err));
  }
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Passed through, as an inherited stderr would be, and kept to tell an out-of-memory death apart.
    process.stderr.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  return new Promise<HostProcess>((resolve, reject) => {
    let settled = false;
    const fail = (what: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      // Node ends a fatal error with its own version line: the line naming the error says more.
      const lines = tail
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      const said = (lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '').slice(0, 300);
      reject(unavailable(said === '' ? what : `${what}: ${said}`, cause));
    };
    const timer = setTimeout(
      () => fail(`it did not report ready within ${launch.startTimeoutMs} ms`),
      launch.startTimeoutMs,
    );
    child.once('error', (err) => fail(`it could not be spawned (${err.message})`, err));
    // 'close' rather than 'exit': by then its stderr is read to the end, so the failure can quote it.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`it exited (${describeEnd({ exitCode: code, signal })}) before it was ready`),
    );
    child.once('message', (m: HostMessage) => {
      if (settled) return;
      if (m.t !== 'ready' || child.pid === undefined) return fail('it sent an unexpected first message');
      settled = true;
      clearTimeout(timer);
      child.removeAllListeners('close');
      child.removeAllListeners('error');
      // Errors after start (a failed send to a dying process) surface as its 'close'.
      child.on('error', () => undefined);
      resolve(
        new HostProcess({ child, pid: child.pid, launch, startMs: performance.now() - t0, stderrTail: () => tail }),
      );
    });
  });
}

function unavailable(what: string, cause?: unknown): SoloError {
  return new SoloError(
    'unavailable',
    `The sandbox host process could not be started: ${what}. Check that node and isolated-vm work on this machine (run \`node --no-node-snapshot -e "require('isolated-vm')"\` in packages/actor-core); the node retries on the next spawn.`,
    { cause },
  );
}
