// `solo certs issue <tenant> [--out DIR]`: writes a client certificate and key for the gRPC door, signed by
// the CA in the data dir (made if missing). Runs locally: it needs the data dir, not a running node.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseTenantId } from '@solo/protocol';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { invocationDir } from '../global-options.ts';
import { renderFields } from '../text-layout.ts';

/** Registers `solo certs`. */
export function registerCertsCommand(program: Command, run: CliRun): void {
  const certs = program.command('certs').description("client certificates for the node's gRPC door (mutual TLS)");
  certs
    .command('issue')
    .description(
      "write a client certificate + key naming <tenant> (CN and URI SAN solo:tenant:<tenant>), signed by the data dir's CA; 'admin' issues the operator's certificate",
    )
    .argument('<tenant>', "tenant id, or 'admin' for the operator certificate (may call Shutdown)")
    .option(
      '--out <dir>',
      'directory to write <tenant>.crt, <tenant>.key and ca.crt into (default: <data dir>/tls/clients)',
    )
    .action((tenant: string, o: { out?: string }, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => ({
          dataDir: g.dataDir,
          tenant: tenant === 'admin' ? tenant : parseTenantId(tenant),
          outDir:
            o.out !== undefined
              ? resolve(invocationDir(run.ctx.env, run.ctx.cwd), o.out)
              : resolve(g.dataDir, 'tls', 'clients'),
        }),
        run: async (input, _g, out) => {
          // Loaded only here: certificate work lives in the gateway's gRPC edge (openssl via child_process).
          const { issueClientCertificate } = await import('@solo/gateway');
          const issued = await issueClientCertificate(input.dataDir, input.tenant, input.outDir);
          out.result({ tenant: input.tenant, ...issued }, () =>
            renderFields([
              ['tenant', input.tenant],
              ['certificate', issued.cert],
              ['key', `${issued.key} (mode 0600)`],
              ['ca', issued.ca],
            ]),
          );
        },
      }),
    );
}
