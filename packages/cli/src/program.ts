// Builds the `solo` command tree: global options, then one command per file of src/commands/.
import { Command } from 'commander';
import type { CliRun } from './command-action.ts';
import { DEFAULT_DATA_DIR, DEFAULT_TENANT } from './global-options.ts';
import { registerCallCommand } from './commands/call.ts';
import { registerCastCommand } from './commands/cast.ts';
import { registerDeployCommand } from './commands/deploy.ts';
import { registerEventsCommand } from './commands/events.ts';
import { registerHealthCommand } from './commands/health.ts';
import { registerHistoryCommand } from './commands/history.ts';
import { registerReplaceCommand } from './commands/replace.ts';
import { registerRollbackCommand } from './commands/rollback.ts';
import { registerSupervisionCommand } from './commands/supervision.ts';
import { registerSwapCommand } from './commands/swap.ts';
import { registerTreeCommand } from './commands/tree.ts';
import { registerKillCommand } from './commands/kill.ts';
import { registerLogsCommand } from './commands/logs.ts';
import { registerLsCommand } from './commands/ls.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerUpCommand } from './commands/up.ts';
import { registerRegisterCommand } from './commands/register.ts';
import { registerDiscoverCommand } from './commands/discover.ts';
import { registerCertsCommand } from './commands/certs.ts';
import { registerTenantCommand } from './commands/tenant.ts';
import { registerTokenCommand } from './commands/token.ts';
import { registerSecretsCommand } from './commands/secrets.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerValidateCommand } from './commands/validate.ts';

/** Every command, in the order `solo --help` lists them. */
const COMMANDS = [
  registerUpCommand,
  registerValidateCommand,
  registerDeployCommand,
  registerCallCommand,
  registerCastCommand,
  registerLsCommand,
  registerStatusCommand,
  registerEventsCommand,
  registerLogsCommand,
  registerKillCommand,
  registerHealthCommand,
  registerSwapCommand,
  registerReplaceCommand,
  registerRollbackCommand,
  registerHistoryCommand,
  registerTreeCommand,
  registerSupervisionCommand,
  registerRegisterCommand,
  registerDiscoverCommand,
  registerCertsCommand,
  registerTenantCommand,
  registerTokenCommand,
  registerSecretsCommand,
  registerAuditCommand,
] as const;

/** A fresh program for one run; commander errors are thrown (exitOverride) so runCli decides the exit code. */
export function createProgram(run: CliRun): Command {
  const program = new Command('solo')
    .description('Solo: run LLM-agent services as sandboxed, supervised actors')
    // Set before any subcommand is added: commander copies these settings into each one.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => run.ctx.stdout(s),
      writeErr: (s) => run.ctx.stderr(s),
      // runCli prints commander's errors itself, in Solo's `error <code>: <message>` shape.
      outputError: () => undefined,
    })
    .configureHelp({ showGlobalOptions: true })
    .option('--tenant <id>', `tenant to act for (env SOLO_TENANT, default '${DEFAULT_TENANT}')`)
    .option(
      '--nats <url>',
      "NATS URL of a running node (env SOLO_NATS_URL; default: read from the data dir's node.json)",
    )
    .option('--data-dir <dir>', `data directory of the local node (env SOLO_DATA_DIR, default ./${DEFAULT_DATA_DIR})`)
    .option('--token <token>', 'capability token sent with every request (env SOLO_TOKEN; default: the credentials\' token)')
    .option(
      '--credentials <file>',
      "credentials file from `solo tenant create` (env SOLO_CREDENTIALS): token, NATS user, tenant and URL; default: the data dir's operator.credentials.json on the node's machine",
    )
    .option('--json', 'machine output: one JSON document per result (NDJSON with --follow); errors as {ok:false,error}')
    .showHelpAfterError(false);
  for (const register of COMMANDS) register(program, run);
  return program;
}
