// The composition root of a node (reached through `solo up`): data-dir lock, embedded or external NATS,
// streams, LMDB, sandbox, kernel and doors, wired once, and torn down in reverse order by stop().
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { IsolateSandbox, ProcessSandbox, type HostProcessInfo } from '@solo/actor-core';
import {
  AuditLog,
  Kernel,
  NatsAuthority,
  NodeMetrics,
  SecretVault,
  acquireDataDirLock,
  loadMasterKey,
  loadTokenKey,
  natsAuthOptions,
  startManagedNatsServer,
  type DataDirLock,
  type ManagedNatsServer,
  type NatsUserCredentials,
  type TenantNatsUsers,
} from '@solo/kernel';
import { SoloError, type NodeInfo, type SoloCredentials } from '@solo/protocol';
import { AuditStream, DeadLetters, EventLog, LocalStore, LogStream, MailboxStream, RegistryBucket, ensureStreams } from '@solo/store';
import { embeddedTenantUsers, ensureOperatorCredentials } from './node-security.ts';
import { startNatsDoor, type NatsDoor } from '../nats/nats-door.ts';
import { resolveHttpAddress, startHttpDoor, type HttpDoor } from '../http/http-door.ts';
import { startGrpcDoor, type GrpcDoor } from '../grpc/grpc-door.ts';
import { ensureNodeTls } from '../grpc/tls-certs.ts';
import { DEFAULT_NODE_LOG_LEVEL, parseNodeLogLevel, type NodeLogLevel } from '../logging/log-level.ts';
import { createNodeLogger } from '../logging/node-logger.ts';
import { startTracing } from '../telemetry/start-tracing.ts';
import { resolveTracingConfig } from '../telemetry/tracing-config.ts';
import { watchNatsConnection } from './nats-connection-gauge.ts';

/** Solo's version, reported by health. */
export const SOLO_VERSION = '0.1.0';

/** Options of {@link startNode}. */
export interface StartNodeOptions {
  /** Data directory (LMDB, embedded NATS store, node.json, lock). */
  dataDir: string;
  /** Use this NATS server instead of starting an embedded one. */
  natsUrl?: string;
  /** Receives one JSON line per node log record. @default silent */
  log?: (line: string) => void;
  /** Lowest level of the node's own records written to `log`. @default 'info' */
  logLevel?: NodeLogLevel;
  /** Interface of the HTTP door (`/metrics`, `/health`). @default '127.0.0.1' */
  httpHost?: string;
  /** Port of the HTTP door; 0 picks a free one. @default 0 */
  httpPort?: number;
  /** Port of the gRPC door (mutual TLS, on 127.0.0.1, certificates in `<dataDir>/tls/`); 0 picks a free one. @default 0 */
  grpcPort?: number;
  /** Where the OTEL_* variables are read; tracing is off unless they name an exporter. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Deadline for in-flight handlers and terminate at stop. @default 10000 */
  shutdownTimeoutMs?: number;
  /** Events between checkpoints of the kernel state. @default 1000 */
  checkpointEvery?: number;
  /**
   * nkey seed the node connects with to an external NATS (`natsUrl`); the operator configures that user with
   * full permissions (see docs/SECURITY.md). @default env SOLO_NATS_NKEY_SEED, else no authentication
   */
  natsNkeySeed?: string;
  /**
   * Where service isolates run: `process` — sandbox host processes (one per tenant, own V8 heap cap, a crash or
   * out-of-memory takes down only that tenant's actors); `isolate` — isolates inside the node's process (faster
   * calls, no process boundary: for trusted code only, since a V8 fatal out-of-memory in one isolate aborts the
   * whole node). See docs/PERFORMANCE.md for the cost. @default 'process'
   */
  sandbox?: SandboxKind;
}

/** Where a node runs its service isolates. */
export const SANDBOX_KINDS = ['isolate', 'process'] as const;
/** One of {@link SANDBOX_KINDS}. */
export type SandboxKind = (typeof SANDBOX_KINDS)[number];

/** A running node. */
export interface RunningNode {
  readonly info: NodeInfo;
  readonly kernel: Kernel;
  readonly door: NatsDoor;
  /** The HTTP door (`info.http_url`). */
  readonly http: HttpDoor;
  /** The gRPC door (`info.grpc_url`). */
  readonly grpc: GrpcDoor;
  /** The node's metrics, as served on `/metrics`. */
  readonly metrics: NodeMetrics;
  /** Graceful stop; idempotent. */
  stop(): Promise<void>;
  /** Resolves once the node has stopped (by stop() or because its embedded NATS died). */
  readonly closed: Promise<void>;
  /** The operator's token (also in `<dataDir>/admin.token`, mode 0600). */
  readonly adminToken: string;
  /** The operator's credentials (also in `<dataDir>/operator.credentials.json`, mode 0600). */
  readonly operatorCredentials: SoloCredentials;
  /** The NATS user of the node itself (every permission), for in-process tools and tests; null on an external NATS. */
  readonly kernelNats: NatsUserCredentials | null;
  /** The node's audit trail. */
  readonly audit: AuditLog;
  /** The sandbox host processes (pid, tenants, actors) when `sandbox` is `process`; empty otherwise. */
  hostProcesses(): HostProcessInfo[];
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Starts a node on `dataDir`.
 * @throws `invalid_request` for a bad log level, HTTP address or OTEL_* variable; `already_exists` when another
 * node holds the data dir; `unavailable` when NATS cannot be started or reached or the HTTP port cannot be bound.
 */
export async function startNode(opts: StartNodeOptions): Promise<RunningNode> {
  const dataDir = resolve(opts.dataDir);
  let nodeId = '';
  const log = createNodeLogger({ level: parseNodeLogLevel(opts.logLevel ?? DEFAULT_NODE_LOG_LEVEL), sink: opts.log, nodeId: () => nodeId });
  // Checked before anything starts, so a bad flag or variable leaves nothing behind.
  const env = opts.env ?? process.env;
  resolveTracingConfig(env);
  const httpAddress = resolveHttpAddress({ host: opts.httpHost, port: opts.httpPort });
  const sandboxKind = opts.sandbox ?? 'process';
  if (!(SANDBOX_KINDS as readonly string[]).includes(sandboxKind)) {
    throw new SoloError('invalid_request', `Unknown sandbox '${String(sandboxKind)}'. Use one of: ${SANDBOX_KINDS.join(', ')}.`, { details: { field: 'sandbox' } });
  }
  const metrics = new NodeMetrics();
  const cleanup: (() => Promise<void> | void)[] = [];
  const undo = async (): Promise<void> => {
    for (const fn of cleanup.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.warn('cleanup step failed', { error: String(err) });
      }
    }
  };
  let lock: DataDirLock | null = null;
  let published: NodeInfo | null = null;
  try {
    lock = acquireDataDirLock(dataDir);
    const heldLock = lock;
    cleanup.push(() => heldLock.release());
    let nats: ManagedNatsServer | null = null;
    let natsUrl = opts.natsUrl;
    let natsAuth: NatsAuthority | null = null;
    if (!natsUrl) {
      natsAuth = NatsAuthority.open(join(dataDir, 'nats'));
      nats = await startManagedNatsServer({
        dir: join(dataDir, 'nats'),
        auth: natsAuth,
        onCrash: (i) => {
          log.error('embedded nats-server died', { ...i, note: i.restarted ? 'restarted on the same port; clients reconnect' : 'not restarted' });
          // Keep node.json's nats_pid true to the running server.
          if (i.restarted && published && nats) writeJsonAtomic(join(dataDir, 'node.json'), { ...published, nats_pid: nats.pid });
        },
      });
      const started = nats;
      cleanup.push(() => started.stop());
      natsUrl = nats.url;
    }
    let nc: NatsConnection;
    try {
      const externalSeed = opts.natsNkeySeed ?? env['SOLO_NATS_NKEY_SEED'];
      const auth = natsAuth !== null ? natsAuthOptions(natsAuth.kernel) : externalSeed ? natsAuthOptions({ user: '', seed: externalSeed, inbox_prefix: '_INBOX' }) : {};
      nc = await connect({ servers: natsUrl, name: 'solo-node', maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000, ...auth });
    } catch (err) {
      throw new SoloError('unavailable', `Cannot connect to NATS at ${natsUrl}: ${(err as Error).message}. Check the URL, or omit --nats to start an embedded server.`, { cause: err });
    }
    cleanup.push(() => nc.close());
    watchNatsConnection(nc, metrics);
    await ensureStreams(nc);
    mkdirSync(join(dataDir, 'lmdb'), { recursive: true });
    const local = LocalStore.open(join(dataDir, 'lmdb'));
    cleanup.push(() => local.close());
    const storedId = local.meta.get('node_id') as string | undefined;
    nodeId = storedId ?? `n${randomBytes(4).toString('hex')}`;
    if (!storedId) await local.meta.put('node_id', nodeId);
    const tracing = await startTracing({ env, serviceVersion: SOLO_VERSION, instanceId: nodeId, log });
    if (tracing) cleanup.push(() => tracing.shutdown());
    const [events, mailbox, logs, deadLetters, registry, auditStream] = await Promise.all([
      EventLog.open(nc),
      MailboxStream.open(nc),
      LogStream.open(nc),
      DeadLetters.open(nc),
      RegistryBucket.open(nc),
      AuditStream.open(nc),
    ]);
    cleanup.push(() => auditStream.flush());
    const tokenKey = loadTokenKey({ dataDir, env });
    const processSandbox =
      sandboxKind === 'process'
        ? new ProcessSandbox({
            onProcessExit: (d) => log.warn('sandbox host process ended', { ...d }),
            // Which guards confine the host processes on this machine; a missing one is worth a warning.
            onLaunch: (g) => {
              const fields = { ...g, user: g.user === null ? null : { ...g.user } };
              if (g.missing.length === 0) log.info('sandbox host processes', fields);
              else log.warn('sandbox host processes run with fewer guards', fields);
            },
          })
        : null;
    const vault = SecretVault.open({ local, master: loadMasterKey({ dataDir, env }), dataDir });
    const tenantUsers: TenantNatsUsers | undefined = natsAuth !== null && nats !== null ? embeddedTenantUsers(natsAuth, nats) : undefined;
    // Alerts become `security_alert` events once the kernel exists (it is created just below).
    let alert: (a: Record<string, unknown>) => void = () => {};
    const audit = new AuditLog({ stream: auditStream, log, onAlert: (a) => alert({ ...a }) });
    const kernel = Kernel.create({
      nodeId,
      events,
      mailbox,
      logs,
      deadLetters,
      registry,
      local,
      sandbox: processSandbox ?? new IsolateSandbox(),
      version: SOLO_VERSION,
      log,
      metrics,
      tokenKey,
      secrets: vault,
      natsUrl,
      ...(tenantUsers !== undefined ? { natsUsers: tenantUsers } : {}),
      ...(opts.checkpointEvery !== undefined ? { checkpointEvery: opts.checkpointEvery } : {}),
    });
    alert = (a) => kernel.recordSecurityAlert(a);
    cleanup.push(() => kernel.stop({ timeoutMs: opts.shutdownTimeoutMs ?? 10_000 }));
    // The door answers from the start: during recovery requests wait for it (bounded) or get `unavailable`.
    // Shutdown (operator verb, or gRPC with the admin certificate) stops the node the way Ctrl-C does; `stop` is set below.
    let stopNode: () => Promise<void> = () => Promise.resolve();
    const door = startNatsDoor({ nc, kernel, log, metrics, audit, onShutdown: () => void stopNode() });
    cleanup.push(() => door.stop());
    // Also up before recovery, so probes see 503 until the node is ready.
    const http = await startHttpDoor({ kernel, metrics, log, version: SOLO_VERSION, audit, ...httpAddress });
    cleanup.push(() => http.stop());
    const grpc = await startGrpcDoor({ kernel, log, metrics, audit, tls: await ensureNodeTls(dataDir), port: opts.grpcPort ?? 0, onShutdown: () => void stopNode() });
    cleanup.push(() => grpc.stop());
    const recovery = await kernel.start();
    log.info('recovery completed', { ...recovery });
    const operator = await ensureOperatorCredentials({ dataDir, kernel, natsUrl, operatorNats: natsAuth?.operator ?? null, log });

    const info: NodeInfo = {
      node_id: nodeId,
      nats_url: natsUrl,
      data_dir: dataDir,
      pid: process.pid,
      nats_pid: nats?.pid ?? null,
      embedded_nats: nats !== null,
      started_at: new Date().toISOString(),
      http_url: http.url,
      grpc_url: grpc.url,
      sandbox: sandboxKind,
    };
    const infoPath = join(dataDir, 'node.json');
    writeJsonAtomic(infoPath, info);
    published = info;
    cleanup.push(() => rmSync(infoPath, { force: true }));
    await events.append({ type: 'node_started', tenant: null, service_id: null, at: info.started_at, data: { node_id: nodeId, nats_url: natsUrl, embedded_nats: info.embedded_nats } });
    log.info('node started', { nats_url: natsUrl, http_url: http.url, grpc_url: grpc.url, data_dir: dataDir, pid: process.pid });

    let stopping: Promise<void> | null = null;
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((r) => (markClosed = r));
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        // Reverse order: doors first (no new work), then the kernel drains, then the event, then stores.
        await door.stop();
        await http.stop();
        await grpc.stop();
        await kernel.stop({ timeoutMs: opts.shutdownTimeoutMs ?? 10_000 });
        await auditStream.flush().catch(() => {});
        try {
          await events.append({ type: 'node_stopped', tenant: null, service_id: null, at: new Date().toISOString(), data: { node_id: nodeId } });
        } catch (err) {
          log.warn('could not append node_stopped', { error: String(err) });
        }
        rmSync(infoPath, { force: true });
        await nc.drain().catch(() => nc.close());
        await local.close();
        await nats?.stop();
        heldLock.release();
        await tracing?.shutdown();
        log.info('node stopped');
        markClosed();
      })();
      return stopping;
    };
    stopNode = stop;
    if (nats) {
      void nats.exited.then((code) => {
        if (stopping) return;
        log.error('embedded nats-server is gone and could not be restarted; stopping the node', { code, log_file: nats?.logFile });
        void stop();
      });
    }
    return {
      info,
      kernel,
      door,
      http,
      grpc,
      metrics,
      stop,
      closed,
      adminToken: operator.token,
      operatorCredentials: operator.credentials,
      kernelNats: natsAuth?.kernel ?? null,
      audit,
      hostProcesses: () => processSandbox?.hostProcesses() ?? [],
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
