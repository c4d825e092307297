// The gRPC door: solo.v1.SoloKernel, the standard grpc.health.v1 service and server reflection, over mutual
// TLS (the node's CA verifies every client certificate), on 127.0.0.1 and a free port by default.
import { fileURLToPath } from 'node:url';
import {
  Server,
  ServerCredentials,
  loadPackageDefinition,
  status,
  type GrpcObject,
  type ServiceDefinition,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { SoloError } from '@solo/protocol';
import type { Kernel, KernelLogger } from '@solo/kernel';
import { kernelHandlers } from './kernel-handlers.ts';
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
}

/** The running gRPC door. */
export interface GrpcDoor {
  /** `grpcs://127.0.0.1:<port>` (TLS; dial `127.0.0.1:<port>` with the node CA). */
  readonly url: string;
  readonly port: number;
  /** Number of open Watch/Logs streams. */
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
  server.addService(serviceOf(root, ['solo', 'v1', 'SoloKernel']), {
    ...kernelHandlers({ kernel: o.kernel, log: o.log, onShutdown: o.onShutdown }),
    ...streamHandlers({ kernel: o.kernel, log: o.log, streams }),
  });
  // grpc.health.v1: SERVING once the kernel accepts requests (after recovery), NOT_SERVING before.
  const healthStatus = (service: string): { status: string } | null =>
    service === '' || service === 'solo.v1.SoloKernel'
      ? { status: o.kernel.health().status === 'ready' ? 'SERVING' : 'NOT_SERVING' }
      : null;
  server.addService(serviceOf(root, ['grpc', 'health', 'v1', 'Health']), {
    Check: (call: ServerUnaryCall<{ service: string }, unknown>, done: sendUnaryData<unknown>) => {
      const s = healthStatus(call.request.service);
      if (s === null) done({ code: status.NOT_FOUND, details: `unknown service '${call.request.service}'` });
      else done(null, s);
    },
    Watch: (call: ServerWritableStream<{ service: string }, unknown>) => {
      call.write(healthStatus(call.request.service) ?? { status: 'SERVICE_UNKNOWN' });
      const end = (): Promise<void> => {
        streams.delete(end);
        if (!call.cancelled) call.end();
        return Promise.resolve();
      };
      streams.add(end);
      call.on('cancelled', () => streams.delete(end));
    },
  });
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
