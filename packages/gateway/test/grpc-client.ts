// A gRPC client for the tests, generated at run time from the same proto files the door serves
// (proto-loader), with promise helpers for unary calls and collected server streams. A client made with a
// token sends it on every call (metadata `authorization: Bearer <token>`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@grpc/grpc-js';
import {
  Metadata,
  credentials,
  loadPackageDefinition,
  type ChannelCredentials,
  type ClientReadableStream,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { issueClientCertificate, loadSoloProto } from '@solo/gateway';

const root = loadPackageDefinition(loadSoloProto());

function ctorOf(r: GrpcObject, path: string[]): ServiceClientConstructor {
  let node: unknown = r;
  for (const p of path) node = (node as Record<string, unknown>)[p];
  return node as ServiceClientConstructor;
}

/** A loaded client certificate. */
export interface ClientTls {
  ca: Buffer;
  cert: Buffer | null;
  key: Buffer | null;
}

/** Issues a client certificate for `tenant` from the CA of `dataDir` and reads it back. */
export async function clientTls(dataDir: string, tenant: string, outDir: string): Promise<ClientTls> {
  const paths = await issueClientCertificate(dataDir, tenant, outDir);
  return { ca: readFileSync(paths.ca), cert: readFileSync(paths.cert), key: readFileSync(paths.key) };
}

/** The address to dial for a `grpcs://host:port` url. */
export function target(url: string): string {
  return url.replace(/^grpcs:\/\//, '');
}

/** Options of {@link soloClient}. */
export interface SoloClientOptions {
  /** Sent on every call as `authorization: Bearer <token>`. @default none */
  token?: string;
  /** Raw `authorization` metadata value (overrides `token`), for malformed-header tests. @default none */
  authorization?: string;
  /** The service path. @default solo.v1.SoloKernel */
  service?: string[];
}

/** Mutual TLS credentials, plus the token on every call when one is given. */
function channelCredentials(tls: ClientTls, o: SoloClientOptions): ChannelCredentials {
  const ssl = credentials.createSsl(tls.ca, tls.key, tls.cert);
  const auth = o.authorization ?? (o.token !== undefined ? `Bearer ${o.token}` : undefined);
  if (auth === undefined) return ssl;
  const perCall = credentials.createFromMetadataGenerator((_params, cb) => {
    const md = new Metadata();
    md.set('authorization', auth);
    cb(null, md);
  });
  return credentials.combineChannelCredentials(ssl, perCall);
}

/** A SoloKernel client over mutual TLS (no client certificate when `tls.cert` is null). */
export function soloClient(url: string, tls: ClientTls, o: SoloClientOptions = {}): Client {
  const Ctor = ctorOf(root, o.service ?? ['solo', 'v1', 'SoloKernel']);
  return new Ctor(target(url), channelCredentials(tls, o));
}

/** The reflection client (grpc.reflection.v1), from the proto shipped with @grpc/reflection. */
export function reflectionClient(url: string, tls: ClientTls): Client {
  const dir = join(import.meta.dirname, '..', 'node_modules', '@grpc', 'reflection', 'build', 'proto');
  const def = loadPackageDefinition(
    loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [dir], keepCase: true, defaults: true }),
  );
  const Ctor = ctorOf(def, ['grpc', 'reflection', 'v1', 'ServerReflection']);
  return new Ctor(target(url), credentials.createSsl(tls.ca, tls.key, tls.cert));
}

type UnaryMethod = (
  req: unknown,
  metadata: Metadata,
  opts: { deadline?: Date },
  cb: (err: ServiceError | null, res: unknown) => void,
) => void;

/** Per-call options: a deadline, and metadata (e.g. `traceparent`, `solo-correlation-id`). */
export interface CallOptions {
  deadline?: Date;
  metadata?: Record<string, string>;
}

function metadataOf(values: Record<string, string> | undefined): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries(values ?? {})) md.set(k, v);
  return md;
}

/** One unary call; resolves with the reply message. */
export function unary<T = Record<string, unknown>>(client: Client, method: string, req: unknown, opts: CallOptions = {}): Promise<T> {
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (fn === undefined) throw new Error(`no method ${method}`);
  const callOpts = opts.deadline !== undefined ? { deadline: opts.deadline } : {};
  return new Promise((resolve, reject) => fn.call(client, req, metadataOf(opts.metadata), callOpts, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/** The parsed `json` of a JsonReply. */
export async function unaryJson(client: Client, method: string, req: unknown, opts: CallOptions = {}): Promise<Record<string, unknown>> {
  const r = await unary<{ json: string }>(client, method, req, opts);
  return JSON.parse(r.json) as Record<string, unknown>;
}

/** Opens a server stream. */
export function serverStream<T>(client: Client, method: string, req: unknown): ClientReadableStream<T> {
  const fn = (client as unknown as Record<string, (req: unknown) => ClientReadableStream<T>>)[method];
  if (fn === undefined) throw new Error(`no method ${method}`);
  return fn.call(client, req);
}

/** The gRPC status and the Solo code (trailing metadata `solo-code`) of a failed call. */
export async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; code: string | undefined; details: string; soloDetails: Record<string, unknown> | undefined; correlationId: string | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as ServiceError & { metadata?: Metadata };
    const code = e.metadata?.get('solo-code')[0];
    const details = e.metadata?.get('solo-details')[0];
    const correlation = e.metadata?.get('solo-correlation-id')[0];
    return {
      status: e.code,
      code: typeof code === 'string' ? code : undefined,
      details: e.details,
      soloDetails: typeof details === 'string' ? (JSON.parse(details) as Record<string, unknown>) : undefined,
      correlationId: typeof correlation === 'string' ? correlation : undefined,
    };
  }
  throw new Error('expected the call to fail');
}
