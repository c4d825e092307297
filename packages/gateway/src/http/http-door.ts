// The node's HTTP door: one fastify instance on loopback by default, with route plugins (metrics, health, the
// REST API with its SSE streams, tokens and secrets, and /openapi.json). Every API route authorizes with a
// bearer token; hooks shared by every route live in http-hooks.ts.
import type { AddressInfo } from 'node:net';
import { fastify } from 'fastify';
import { SoloError } from '@solo/protocol';
import type { Kernel, KernelLogger, NodeMetrics } from '@solo/kernel';
import { healthRoutes } from './health-route.ts';
import { registerHttpHooks } from './http-hooks.ts';
import { metricsRoutes } from './metrics-route.ts';
import { openApiRoutes } from './openapi-route.ts';
import { routeList } from './rest-route-table.ts';
import { restRoutes } from './rest-routes.ts';
import { securityRoutes } from './security-routes.ts';
import { sseRoutes } from './sse-routes.ts';
import type { AuditSink } from '../telemetry/request-observer.ts';

/** Where the HTTP door listens unless told otherwise: loopback only. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';

/** Options of {@link startHttpDoor}. */
export interface HttpDoorOptions {
  kernel: Kernel;
  metrics: NodeMetrics;
  log: KernelLogger;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interval of SSE heartbeat comments on `/events` and `/logs`. @default 15000 */
  sseHeartbeatMs?: number;
  /** Version in `/openapi.json`. @default '0.0.0' */
  version?: string;
  /** Receives one audit record per API request (`AuditLog` of `@solo/kernel`). @default none */
  audit?: AuditSink;
}

/** The running HTTP door. */
export interface HttpDoor {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Number of open SSE streams (`/events`, `/logs`). */
  readonly sseStreams: number;
  /** Stops listening and closes open connections. Idempotent. */
  stop(): Promise<void>;
}

/** Validates the listen address. @throws `invalid_request` naming `--http-port` or `--http-host` */
export function resolveHttpAddress(o: { host?: string | undefined; port?: number | undefined }): { host: string; port: number } {
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new SoloError('invalid_request', `HTTP port ${String(port)} is not a TCP port. Pass --http-port with 1-65535, or 0 for a free port.`, {
      details: { field: 'http_port' },
    });
  }
  const host = (o.host ?? DEFAULT_HTTP_HOST).trim();
  if (host === '' || /[\s/]/.test(host)) {
    throw new SoloError('invalid_request', `HTTP host '${host}' is not a host name or address. Pass --http-host, e.g. 127.0.0.1 or 0.0.0.0.`, {
      details: { field: 'http_host' },
    });
  }
  return { host, port };
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Starts the HTTP door and resolves once it listens.
 * @throws `invalid_request` for a bad host or port; `unavailable` when the address cannot be bound (in use, no such interface).
 */
export async function startHttpDoor(o: HttpDoorOptions): Promise<HttpDoor> {
  const { host, port } = resolveHttpAddress(o);
  // fastify's own logger stays off: every request the node cares about is logged by the request observer.
  const app = fastify({ logger: false, forceCloseConnections: true, return503OnClosing: true });
  registerHttpHooks(app, { log: o.log, metrics: o.metrics, audit: o.audit, routes: routeList() });
  await app.register(metricsRoutes, { metrics: o.metrics });
  await app.register(healthRoutes, { kernel: o.kernel });
  const streams = new Set<() => void>();
  await app.register(restRoutes, { kernel: o.kernel });
  await app.register(securityRoutes, { kernel: o.kernel });
  await app.register(sseRoutes, { kernel: o.kernel, streams, ...(o.sseHeartbeatMs !== undefined ? { heartbeatMs: o.sseHeartbeatMs } : {}) });
  await app.register(openApiRoutes, { version: o.version ?? '0.0.0' });
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw new SoloError('unavailable', `The HTTP door cannot listen on ${host}:${port}: ${(err as Error).message}. Pass another --http-port (0 picks a free one) or --http-host.`, {
      cause: err,
      details: { host, port },
    });
  }
  const url = urlOf(app.server.address() as AddressInfo);
  let stopping: Promise<void> | null = null;
  return {
    url,
    get sseStreams() {
      return streams.size;
    },
    stop: () =>
      (stopping ??= (async () => {
        // End the streams first: each deletes its consumer while NATS is still connected.
        for (const end of [...streams]) end();
        await app.close();
      })()),
  };
}
