// `solo secrets set|ls|rm|exists|rotate-master`: the tenant's encrypted secrets. A value is read from stdin by
// default (not the shell history) and is never printed, by any command, in any mode.
import type { Command } from 'commander';
import { SoloError } from '@solo/protocol';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { EXIT_CODES } from '../cli-context.ts';
import { readValueFile } from '../fs/read-value-file.ts';
import { formatBytes } from '../human-units.ts';
import { withAdminClient, withClient } from '../node-client.ts';
import { renderTable } from '../text-layout.ts';

/** Drops one trailing newline (`\n` or `\r\n`): what `echo` or a here-string adds to a value typed on stdin. */
export function stripOneNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

function registerSet(secrets: Command, run: CliRun): void {
  secrets
    .command('set')
    .description('store a secret; the value is read from stdin unless --value or --from-file (one trailing newline of stdin is dropped)')
    .argument('<name>', 'secret name: a letter, then letters, digits, _ or - (e.g. STRIPE_API_KEY)')
    .option('--value <value>', 'the value itself (lands in shell history and the process list: prefer stdin)')
    .option('--from-file <file>', 'read the value from this file, exactly (no newline dropped)')
    .action((name: string, o: { value?: string; fromFile?: string }, cmd: Command) =>
      runAction(run, cmd, {
        parse: async (g) => {
          if (o.value !== undefined && o.fromFile !== undefined) {
            throw new SoloError('invalid_request', 'Pass at most one of --value and --from-file (default: the value is read from stdin).', { details: { field: '--value' } });
          }
          if (o.value !== undefined) {
            // Written straight to stderr so it shows with --json too: this is about the user's safety.
            run.ctx.stderr('warning: --value puts the secret in your shell history and the process list; pipe it on stdin instead.\n');
            return { name, value: o.value };
          }
          if (o.fromFile !== undefined) return { name, value: readValueFile(g.baseDir, o.fromFile, '--from-file') };
          if (run.ctx.readStdin === undefined) {
            throw new SoloError('invalid_request', 'This solo cannot read stdin: pass --from-file <file> (or --value).', { details: { field: '--value' } });
          }
          return { name, value: stripOneNewline(await run.ctx.readStdin()) };
        },
        run: async (input, g, out) => {
          const s = await withClient(g, (client) => client.setSecret(input.name, input.value));
          out.result({ secret: s }, () => `stored secret ${s.name} (version ${s.version}, ${formatBytes(s.size)}) for tenant ${g.tenant}`);
        },
      }),
    );
}

function registerList(secrets: Command, run: CliRun): void {
  secrets
    .command('ls')
    .alias('list')
    .description("list the tenant's secrets: names, sizes and versions, never values")
    .action((_o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => null,
        run: async (_i, g, out) => {
          const list = await withClient(g, (client) => client.listSecrets());
          out.result({ secrets: list }, () =>
            list.length === 0
              ? `no secrets for tenant '${g.tenant}'; store one with \`solo secrets set <name>\``
              : renderTable(['NAME', 'SIZE', 'VERSION', 'UPDATED'], list.map((s) => [s.name, formatBytes(s.size), String(s.version), s.updated_at])),
          );
        },
      }),
    );
}

function registerRemove(secrets: Command, run: CliRun): void {
  secrets
    .command('rm')
    .description('delete a secret (succeeds when there was none)')
    .argument('<name>', 'secret name')
    .action((name: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => name,
        run: async (n, g, out) => {
          const deleted = await withClient(g, (client) => client.deleteSecret(n));
          out.result({ name: n, deleted }, () => (deleted ? `deleted secret ${n}` : `no secret ${n} (nothing deleted)`));
        },
      }),
    );
}

function registerExists(secrets: Command, run: CliRun): void {
  secrets
    .command('exists')
    .description('whether a secret exists: exit 0 if it does, 1 if not (like `test`)')
    .argument('<name>', 'secret name')
    .action((name: string, _o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => name,
        run: async (n, g, out) => {
          const exists = await withClient(g, (client) => client.secretExists(n));
          out.result({ name: n, exists }, () => (exists ? `secret ${n} exists` : `secret ${n} does not exist`));
          if (!exists) run.exitCode = EXIT_CODES.failed;
        },
      }),
    );
}

function registerRotateMaster(secrets: Command, run: CliRun): void {
  secrets
    .command('rotate-master')
    .description("re-wrap every tenant's data key under a new master key (operator)")
    .action((_o: object, cmd: Command) =>
      runAction(run, cmd, {
        parse: () => null,
        run: async (_i, g, out) => {
          const r = await withAdminClient(g, (admin) => admin.rotateMasterKey());
          out.result(r, () => `master key rotated: now ${r.master_key_id}; ${r.rewrapped} data keys re-wrapped`);
        },
      }),
    );
}

/** Registers `solo secrets` and its subcommands. */
export function registerSecretsCommand(program: Command, run: CliRun): void {
  const secrets = program.command('secrets').description("manage the tenant's encrypted secrets: set, ls, rm, exists, rotate-master");
  registerSet(secrets, run);
  registerList(secrets, run);
  registerRemove(secrets, run);
  registerExists(secrets, run);
  registerRotateMaster(secrets, run);
}
