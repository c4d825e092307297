// Test helper: runs the real `bin/solo` as a child process, tracked by PID and killed if a test leaves it behind.
// End-to-end tests against a real node use it too: pass `--nats <url>` or a `--data-dir` with a node.json.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@solo/testkit';

/** Absolute path of the `solo` wrapper script. */
export const SOLO_BIN = fileURLToPath(new URL('../bin/solo', import.meta.url));

/** What a finished run printed and how it exited. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli} and {@link startCli}. */
export interface CliRunOptions {
  /** Added to a clean environment (no SOLO_*, INIT_CWD or npm_lifecycle_event from the test's own env). */
  env?: Record<string, string>;
  /** @default the test process's cwd */
  cwd?: string;
  /** Kill the child after this long. @default 30000 */
  timeoutMs?: number;
  /** Written to the child's stdin, which is then closed. @default stdin is /dev/null */
  input?: string;
}

/** A CLI child still running. */
export interface RunningCli {
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout matches `pattern`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  /** Resolves when the child exits. */
  readonly exited: Promise<CliResult>;
}

const live = new Set<ChildProcess>();

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v === undefined ||
      k.startsWith('SOLO_') ||
      k === 'INIT_CWD' ||
      k === 'npm_lifecycle_event' ||
      k === 'NODE_OPTIONS'
    )
      continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Starts `solo <args>` and returns at once. */
export function startCli(args: readonly string[], opts: CliRunOptions = {}): RunningCli {
  const child = spawn(SOLO_BIN, [...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: cleanEnv(opts.env ?? {}),
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${SOLO_BIN}`);
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStdout: async (pattern, timeoutMs = 15_000) => {
      await waitFor(() => pattern.test(stdout), {
        timeoutMs,
        message: `stdout never matched ${pattern}; stdout=${stdout} stderr=${stderr}`,
      });
    },
    signal: (sig) => {
      child.kill(sig);
    },
    exited,
  };
}

/** Runs `solo <args>` to completion. */
export function runCli(args: readonly string[], opts: CliRunOptions = {}): Promise<CliResult> {
  return startCli(args, opts).exited;
}

/** Kills (by PID) every CLI child a test left running; call it from `after()`. */
export function killLeftoverClis(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }
}
