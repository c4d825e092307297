// `solo up`: starts a node in this process (embedded nats-server unless --nats) and runs it until Ctrl-C.
import { join } from 'node:path';
import type { Command } from 'commander';
import { ADMIN_TOKEN_FILE, NODE_LOG_LEVELS, OPERATOR_CREDENTIALS_FILE, SoloError, type NodeInfo, type NodeLogLevel } from '@solo/protocol';
import { parseChoice, parseIntegerOption } from '../argument-parsing.ts';
import { runAction } from '../command-action.ts';
import type { CliRun } from '../command-action.ts';
import { onInterrupt } from '../interrupt.ts';
import { renderFields } from '../text-layout.ts';

function formatNodeInfo(info: NodeInfo, files: { adminToken: string; operatorCredentials: string }): string {
  const nats = info.embedded_nats
    ? `${info.nats_url} (embedded nats-server, pid ${info.nats_pid ?? '?'}; nkey users only)`
    : `${info.nats_url} (external)`;
  return renderFields([
    ['node', `${info.node_id} is up`],
    ['nats', nats],
    ['http', `${info.http_url} (REST API, /openapi.json, /metrics, /health)`],
    ['grpc', `${info.grpc_url} (mutual TLS; client certificates: solo certs issue <tenant>)`],
    ['sandbox', info.sandbox === 'isolate' ? "isolate (services run in the node's process: trusted code only)" : 'process (one sandbox host process per tenant; its guards are in the log)'],
    ['admin token', `${files.adminToken} (mode 0600; the operator's token: keep it secret)`],
    ['operator', `${files.operatorCredentials} (token + NATS user; the CLI reads it by default)`],
    ['data dir', info.data_dir],
    ['pid', String(info.pid)],
    ['started at', info.started_at],
  ]);
}

// Mirrors SANDBOX_KINDS of @solo/gateway, which this file loads only when the node starts.
const SANDBOX_CHOICES = ['isolate', 'process'] as const;

function parseCheckpointEvery(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new SoloError('invalid_request', `--checkpoint-every must be an integer from 1 to 1000000; got '${v}'.`, { details: { field: 'checkpoint_every' } });
  }
  return n;
}

interface UpObservabilityOptions {
  logLevel?: string;
  httpPort?: string;
  httpHost?: string;
  grpcPort?: string;
}

/** The node's log level, HTTP address and log rendering, from the flags and SOLO_LOG_LEVEL. */
function parseObservability(o: UpObservabilityOptions, run: CliRun): { logLevel: NodeLogLevel; httpPort?: number; httpHost?: string; grpcPort?: number; pretty: boolean } {
  const level = o.logLevel ?? run.ctx.env['SOLO_LOG_LEVEL']?.trim();
  const logLevel = parseChoice(level === '' ? undefined : level, '--log-level', NODE_LOG_LEVELS) ?? 'info';
  const httpPort = parseIntegerOption(o.httpPort, '--http-port', 0);
  if (httpPort !== undefined && httpPort > 65_535) {
    throw new SoloError('invalid_request', `--http-port must be a TCP port (1-65535, or 0 for a free one); got '${o.httpPort ?? ''}'.`, { details: { field: '--http-port' } });
  }
  const grpcPort = parseIntegerOption(o.grpcPort, '--grpc-port', 0);
  if (grpcPort !== undefined && grpcPort > 65_535) {
    throw new SoloError('invalid_request', `--grpc-port must be a TCP port (1-65535, or 0 for a free one); got '${o.grpcPort ?? ''}'.`, { details: { field: '--grpc-port' } });
  }
  const out: { logLevel: NodeLogLevel; httpPort?: number; httpHost?: string; grpcPort?: number; pretty: boolean } = { logLevel, pretty: run.ctx.stderrIsTTY === true };
  if (grpcPort !== undefined) out.grpcPort = grpcPort;
  if (httpPort !== undefined) out.httpPort = httpPort;
  if (o.httpHost !== undefined) out.httpHost = o.httpHost;
  return out;
}

/** Registers `solo up`. */
export function registerUpCommand(program: Command, run: CliRun): void {
  program
    .command('up')
    .description('start a Solo node: runs until Ctrl-C (or SIGTERM), then drains and exits 0')
    .option('--checkpoint-every <n>', 'events between checkpoints of the kernel state (default 1000)')
    .option('--log-level <level>', `node log level: ${NODE_LOG_LEVELS.join(', ')} (env SOLO_LOG_LEVEL, default info)`)
    .option('--http-port <n>', 'port of the HTTP door serving /metrics and /health (default 0: a free port)')
    .option('--http-host <host>', 'interface of the HTTP door (default 127.0.0.1)')
    .option('--grpc-port <n>', 'port of the gRPC door on 127.0.0.1, mutual TLS (default 0: a free one)')
    .option('--sandbox <kind>', `where service isolates run: ${SANDBOX_CHOICES.join(', ')} (env SOLO_SANDBOX, default process: one sandbox host process per tenant; isolate: in the node's process, for trusted code only)`)
    .action((o: { checkpointEvery?: string; sandbox?: string } & UpObservabilityOptions, cmd: Command) =>
      runAction(run, cmd, {
        parse: (g) => ({
          dataDir: g.dataDir,
          natsUrl: g.natsUrl,
          checkpointEvery: parseCheckpointEvery(o.checkpointEvery),
          sandbox: parseChoice(o.sandbox ?? (run.ctx.env['SOLO_SANDBOX']?.trim() || undefined), '--sandbox', SANDBOX_CHOICES) ?? 'process',
          ...parseObservability(o, run),
        }),
        run: async (input, _g, out) => {
          // Loaded only here: the kernel brings LMDB, isolates and nats-server, which no client command needs.
          const { startNode, createPrettyLogSink } = await import('@solo/gateway');
          const opts: Parameters<typeof startNode>[0] = {
            dataDir: input.dataDir,
            // JSON lines unless a person is watching stderr.
            log: input.pretty ? createPrettyLogSink((text) => run.ctx.stderr(text)) : (line: string) => run.ctx.stderr(`${line}\n`),
            logLevel: input.logLevel,
            env: run.ctx.env,
          };
          if (input.natsUrl !== undefined) opts.natsUrl = input.natsUrl;
          if (input.httpPort !== undefined) opts.httpPort = input.httpPort;
          if (input.httpHost !== undefined) opts.httpHost = input.httpHost;
          if (input.grpcPort !== undefined) opts.grpcPort = input.grpcPort;
          opts.sandbox = input.sandbox;
          const node = await startNode({ ...opts, ...(input.checkpointEvery !== undefined ? { checkpointEvery: input.checkpointEvery } : {}) });
          const files = { adminToken: join(node.info.data_dir, ADMIN_TOKEN_FILE), operatorCredentials: join(node.info.data_dir, OPERATOR_CREDENTIALS_FILE) };
          out.result({ ...node.info, admin_token_file: files.adminToken, operator_credentials_file: files.operatorCredentials }, () => formatNodeInfo(node.info, files));
          out.note('Press Ctrl-C to stop.');
          let off = (): void => undefined;
          const stopped = new Promise<void>((resolve, reject) => {
            off = onInterrupt(run.ctx, (signal) => {
              out.note(`${signal}: stopping the node…`);
              node.stop().then(resolve, reject);
            });
          });
          try {
            await Promise.race([node.closed, stopped]);
          } finally {
            off();
          }
          out.note('Node stopped.');
        },
      }),
    );
}
