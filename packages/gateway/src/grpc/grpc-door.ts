// The gRPC door: solo.v1.SoloKernel, the standard grpc.health.v1 service and server reflection, over mutual
// TLS (the node's CA verifies every client certificate), on 127.0.0.1 and a free port by default. Every
// SoloKernel call also presents a capability token (metadata `authorization: Bearer <token>`).
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials, loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { SoloError } from '@solo/protocol';
import type { Kernel, KernelLogger, NodeMetrics } from '@solo/kernel';
import type { AuditSink } from '../telemetry/request-observer.ts';
import { codeHandlers } from './code-handlers.ts';
import { healthService } from './health-service.ts';
import { kernelHandlers } from './kernel-handlers.ts';
import { securityHandlers } from './security-handlers.ts';
import { streamHandlers } from './stream-handlers.ts';
import type { NodeTls } from './tls-certs.ts';

/** Default interface of the gRPC door. */
export const DEFAULT_GRPC_HOST = '127.0.0.1';

/** The proto files of the door, shipped in the repo's `proto/` folder. */
export const PROTO_ROOT = fileURLToPath(new URL('../../../../proto', import.meta.url));
const PROTO_FILES = ['solo/v1/solo.proto', 'grpc/health/v1/health.proto'];

/** Options of {@link startGrpcDoor}. */
export interface GrpcDoorOptions {
  kernel: Kernel;
  log: KernelLogger;
  /** The node's CA and server certificate (see `ensureNodeTls`). */
  tls: NodeTls;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Called by the admin-only `Shutdown` verb. */
  onShutdown: () => void;
  /** Grace for in-flight calls at stop before they are cut. @default 5000 */
  stopTimeoutMs?: number;
  /** Counts and times every call (`solo_api_requests_total{door="grpc"}`). @default none */
  metrics?: NodeMetrics;
  /** Receives one audit record per call (`AuditLog` of `@solo/kernel`). @default none */
  audit?: AuditSink;
  /** Interval at which an open health `Watch` looks at the kernel's state. @default 500 */
  healthPollMs?: number;
}

/** The running gRPC door. */
export interface GrpcDoor {
  /** `grpcs://127.0.0.1:<port>` (TLS; dial `127.0.0.1:<port>` with the node CA). */
  readonly url: string;
  readonly port: number;
  /** Number of open streams (Watch, Logs, health Watch). */
  readonly streams: number;
  /** Ends every stream and stops the server. Idempotent. */
  stop(): Promise<void>;
}

/** Loads the door's proto contract (the same definition a client generates from). */
export function loadSoloProto(): PackageDefinition {
  return loadSync(PROTO_FILES, {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
}

function serviceOf(root: GrpcObject, path: string[]): ServiceDefinition {
  let node: unknown = root;
  for (const p of path) node = (node as Record<string, unknown>)[p];
  return (node as { service: ServiceDefinition }).service;
}

/**
 * Starts the gRPC door.
 * @throws `invalid_request` for a bad port; `unavailable` when the address cannot be bound
 */
export async function startGrpcDoor(o: GrpcDoorOptions): Promise<GrpcDoor> {
  const host = o.host ?? DEFAULT_GRPC_HOST;
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new SoloError(
      'invalid_request',
      `--grpc-port must be a TCP port (1-65535, or 0 for a free one); got '${port}'.`,
      { details: { field: '--grpc-port' } },
    );
  }
  const definition = loadSoloProto();
  const root = loadPackageDefinition(definition);
  const streams = new Set<() => Promise<void>>();
  const server = new Server();
  const deps = { kernel: o.kernel, log: o.log, metrics: o.metrics, audit: o.audit };
  server.addService(serviceOf(root, ['solo', 'v1', 'SoloKernel']), {
    ...kernelHandlers({ ...deps, onShutdown: o.onShutdown }),
    ...codeHandlers(deps),
    ...securityHandlers(deps),
    ...streamHandlers({ ...deps, streams }),
  });
  server.addService(
    serviceOf(root, ['grpc', 'health', 'v1', 'Health']),
    healthService({ state: () => o.kernel.health().status, streams, ...(o.healthPollMs !== undefined ? { pollMs: o.healthPollMs } : {}) }),
  );
  new ReflectionService(definition).addToServer(server);

  const credentials = ServerCredentials.createSsl(o.tls.ca, [{ cert_chain: o.tls.cert, private_key: o.tls.key }], true);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (err, p) => (err ? reject(err) : resolve(p)));
  }).catch((err: unknown) => {
    throw new SoloError(
      'unavailable',
      `Cannot listen for gRPC on ${host}:${port}: ${(err as Error).message}. Pick another --grpc-port (0 for a free one).`,
      { cause: err },
    );
  });

  let stopping: Promise<void> | null = null;
  return {
    url: `grpcs://${host}:${bound}`,
    port: bound,
    get streams() {
      return streams.size;
    },
    stop() {
      stopping ??= (async () => {
        // Streams end first, so their consumers are deleted while NATS is still connected.
        await Promise.allSettled([...streams].map((end) => end()));
        await new Promise<void>((resolve) => {
          const cut = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, o.stopTimeoutMs ?? 5000);
          cut.unref();
          server.tryShutdown(() => {
            clearTimeout(cut);
            resolve();
          });
        });
      })();
      return stopping;
    },
  };
}
