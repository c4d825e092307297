// One call through the gRPC door: its observation (a server span continuing `traceparent` from the metadata,
// `solo_api_requests_total{door="grpc"}`, the log record and the audit record, as on the other doors), its
// credentials (the verified client certificate plus `authorization: Bearer <token>` in the metadata), and the
// translation of whatever it throws into the gRPC status of the Solo code.
import { randomUUID } from 'node:crypto';
import type { Metadata, ServerUnaryCall, handleUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import { HEADERS, isSoloError, type ApiVerb } from '@solo/protocol';
import type { Kernel, KernelLogger, NodeMetrics, Principal, RequestMeta } from '@solo/kernel';
import { authorizeGrpcRequest, bearerToken } from '../authorize.ts';
import { observeRequest, type AuditSink, type RequestObservation } from '../telemetry/request-observer.ts';
import type { JsonReplyMessage } from './grpc-messages.ts';
import { toGrpcError } from './grpc-status.ts';
import { peerIdentity } from './peer-identity.ts';

/** Metadata key of the correlation id (lower case, as gRPC metadata keys are). */
export const CORRELATION_METADATA = HEADERS.correlationId.toLowerCase();

/** What every handler of the door needs from the node. */
export interface GrpcDoorDeps {
  kernel: Kernel;
  log: KernelLogger;
  /** Counts and times every call. @default none */
  metrics?: NodeMetrics | undefined;
  /** Receives one audit record per call. @default none */
  audit?: AuditSink | undefined;
}

/** The server side of any call: its metadata, its TLS peer and its request message. */
export interface GrpcCallLike<Req> {
  metadata: Metadata;
  request: Req;
  getAuthContext(): { sslPeerCertificate?: PeerCertificate } | null;
}

/** One call being handled. */
export interface GrpcRequest {
  obs: RequestObservation;
  correlationId: string;
  /** What the kernel records with the changes the call makes. */
  meta: RequestMeta;
}

/** A text metadata value, or undefined when absent or empty. */
export function metadataValue(md: Metadata, key: string): string | undefined {
  const v = md.get(key.toLowerCase())[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The bearer token of a call (`authorization: Bearer <token>`), or undefined. */
export function grpcToken(call: { metadata: Metadata }): string | undefined {
  return bearerToken((name) => metadataValue(call.metadata, name));
}

/** Starts observing a call; `verb` names it in the span, the metrics, the log and the audit trail. */
export function observeGrpcCall(d: GrpcDoorDeps, call: { metadata: Metadata }, verb: string): GrpcRequest {
  const correlationId = metadataValue(call.metadata, CORRELATION_METADATA) ?? randomUUID();
  const obs = observeRequest({
    door: 'grpc',
    correlationId,
    header: (name) => metadataValue(call.metadata, name),
    metrics: d.metrics,
    log: d.log,
    audit: d.audit,
  });
  obs.describe({ verb });
  return { obs, correlationId, meta: { correlationId } };
}

/**
 * Authorizes a tenant verb: the client certificate names the tenant (the operator's acts for the one the
 * request names), the token must be of that tenant and allow the verb. Records who on the observation.
 * @throws `unauthorized`, `invalid_request`, `forbidden`, `rate_limited`
 */
export function authorizeGrpcCall(kernel: Kernel, call: GrpcCallLike<{ tenant: string }>, r: GrpcRequest, verb: ApiVerb, service?: string): Principal {
  if (service !== undefined && service !== '') r.obs.describe({ service });
  const peer = peerIdentity(call);
  // The certificate's tenant (verified by the handshake) labels a refused call's record too.
  if (peer.kind === 'tenant') r.obs.describe({ tenant: peer.tenant });
  const principal = authorizeGrpcRequest(
    kernel,
    { verb, peer, tenant: call.request.tenant, token: grpcToken(call), service: service === '' ? undefined : service },
    r.meta,
  );
  r.obs.describe({ tenant: principal.tenant, tokenId: principal.cap.tokenId });
  return principal;
}

/** A reply body as a `JsonReply`. */
export function jsonReply(value: unknown): JsonReplyMessage {
  return { json: JSON.stringify(value) };
}

/**
 * Waits for recovery like the other doors, then authorizes a tenant verb: nobody reads or changes
 * half-recovered state, and the tokens and revocations the log holds are known before any token is checked.
 */
export async function enterGrpc(d: GrpcDoorDeps, call: GrpcCallLike<{ tenant: string }>, r: GrpcRequest, verb: ApiVerb, service?: string): Promise<Principal> {
  await d.kernel.whenAccepting();
  return authorizeGrpcCall(d.kernel, call, r, verb, service);
}

/** The gRPC error for `err`, with the call's correlation id in its trailing metadata. */
export function grpcFailure(err: unknown, correlationId: string): ReturnType<typeof toGrpcError> {
  const e = toGrpcError(err);
  e.metadata.set(CORRELATION_METADATA, correlationId);
  return e;
}

/** The body of a unary handler: gets the call and its observation, returns the reply message. */
export type UnaryBody<Req, Res> = (call: ServerUnaryCall<Req, Res>, r: GrpcRequest) => Promise<Res>;

/** A unary handler observed from start to reply, its failures answered with their Solo code. */
export function unaryCall<Req, Res>(d: GrpcDoorDeps, verb: string, body: UnaryBody<Req, Res>): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, done: sendUnaryData<Res>) => {
    const r = observeGrpcCall(d, call, verb);
    // The span is active for the whole handler, so the kernel's spans become its children. A body that throws
    // before its first await is a rejection too, never an uncaught throw (gRPC would answer UNKNOWN).
    new Promise<Res>((resolve) => resolve(r.obs.run(() => body(call, r)))).then(
      (res) => {
        done(null, res);
        r.obs.end();
      },
      (err: unknown) => {
        if (!isSoloError(err)) d.log.error('grpc request failed unexpectedly', { correlation_id: r.correlationId, error: String(err), stack: (err as Error).stack });
        r.obs.fail(err);
        done(grpcFailure(err, r.correlationId));
        r.obs.end();
      },
    );
  };
}
