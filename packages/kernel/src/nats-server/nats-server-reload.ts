// The two halves of a safe config reload around the SIGHUP: check the file first (nats-server ignores a
// broken file on reload with only a log line, and the signal still "succeeds"), then see the new users live.
import { execFile } from 'node:child_process';
import { connect } from 'nats';
import { SoloError } from '@solo/protocol';
import { natsAuthOptions } from './nats-auth-client.ts';
import type { NatsUserCredentials } from './nats-authority.ts';

/**
 * Runs `nats-server -t -c <conf>`, which parses the config and its includes (auth.conf) and validates them.
 * @throws `unavailable` when the server rejects the file; the message quotes its error.
 */
export async function validateNatsConfig(bin: string, conf: string, opts: { timeoutMs: number }): Promise<void> {
  const result = await new Promise<{ ok: boolean; output: string }>((resolve) => {
    execFile(bin, ['-t', '-c', conf], { timeout: opts.timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ ok: err === null, output: `${stderr}${stdout}`.trim() || String(err) });
    });
  });
  if (!result.ok) {
    throw new SoloError(
      'unavailable',
      `nats-server rejects its config ${conf}: ${result.output}. The running server keeps its previous users; rewrite auth.conf with NatsAuthority.writeConfig() (or fix the file) and reload again.`,
      { details: { conf, output: result.output, stage: 'validate' } },
    );
  }
}

/**
 * Connects (and disconnects) as `user` until the server accepts it or `deadline` (epoch ms) passes.
 * @returns false on timeout.
 */
export async function waitUntilUserAccepted(
  url: string,
  user: NatsUserCredentials,
  deadline: number,
): Promise<boolean> {
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    try {
      const nc = await connect({
        servers: url,
        ...natsAuthOptions(user),
        timeout: Math.max(50, Math.min(1000, left)),
        reconnect: false,
      });
      await nc.close();
      return true;
    } catch {
      // Not live yet (authorization violation) or the server is restarting: poll again until the deadline.
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
