// A gRPC client for the tests, generated at run time from the same proto files the door serves
// (proto-loader), with promise helpers for unary calls and collected server streams.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@grpc/grpc-js';
import {
  credentials,
  loadPackageDefinition,
  type ClientReadableStream,
  type GrpcObject,
  type Metadata,
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

/** A SoloKernel client over mutual TLS (no client certificate when `tls.cert` is null). */
export function soloClient(url: string, tls: ClientTls, service: string[] = ['solo', 'v1', 'SoloKernel']): Client {
  const Ctor = ctorOf(root, service);
  return new Ctor(target(url), credentials.createSsl(tls.ca, tls.key, tls.cert));
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
  opts: { deadline?: Date },
  cb: (err: ServiceError | null, res: unknown) => void,
) => void;

/** One unary call; resolves with the reply message. */
export function unary<T = Record<string, unknown>>(
  client: Client,
  method: string,
  req: unknown,
  opts: { deadline?: Date } = {},
): Promise<T> {
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (fn === undefined) throw new Error(`no method ${method}`);
  return new Promise((resolve, reject) =>
    fn.call(client, req, opts, (err, res) => (err ? reject(err) : resolve(res as T))),
  );
}

/** The parsed `json` of a JsonReply. */
export async function unaryJson(client: Client, method: string, req: unknown): Promise<Record<string, unknown>> {
  const r = await unary<{ json: string }>(client, method, req);
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
): Promise<{ status: number; code: string | undefined; details: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as ServiceError & { metadata?: Metadata };
    const code = e.metadata?.get('solo-code')[0];
    return { status: e.code, code: typeof code === 'string' ? code : undefined, details: e.details };
  }
  throw new Error('expected the call to fail');
}
