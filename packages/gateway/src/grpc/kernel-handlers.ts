// The service verbs of solo.v1.SoloKernel (deploy, status, kill, list, discovery, call, cast, health,
// shutdown): each authorizes through the shared check (certificate + token), turns the proto fields into the
// NATS door's wire body and validates it with the same parsers, so every door gives the same codes.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { SoloError, type Json } from '@solo/protocol';
import { authorizeGrpcAdminRequest, deployCapability } from '../authorize.ts';
import { parseDiscover, parseRegister, parseServices } from '../nats/discovery-schemas.ts';
import { parseCall, parseCast, parseDeploy, parseKill, parseList, parseRef } from '../nats/request-schemas.ts';
import { authorizeGrpcCall, enterGrpc, grpcToken, jsonReply, unaryCall, type GrpcDoorDeps } from './grpc-call.ts';
import {
  given,
  parseJsonField,
  type CallMessage,
  type CallReplyMessage,
  type CastMessage,
  type DeployMessage,
  type DiscoverMessage,
  type JsonReplyMessage,
  type KillMessage,
  type ListMessage,
  type PageMessage,
  type RegisterMessage,
  type ServiceRefMessage,
} from './grpc-messages.ts';
import { peerIdentity } from './peer-identity.ts';

/** What the unary handlers need from the node. */
export interface KernelHandlersOptions extends GrpcDoorDeps {
  /** Asked by `Shutdown` (admin certificate and admin token), after its reply is sent. */
  onShutdown: () => void;
}

/** The upper bound of a call's timeout on every door (the NATS schema's `timeout_ms` maximum). */
const MAX_CALL_TIMEOUT_MS = 300_000;

/** Milliseconds left before the call's gRPC deadline (Infinity when the client set none). */
export function remainingMs(call: { getDeadline(): Date | number }): number {
  const d = call.getDeadline();
  const at = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(at) ? at - Date.now() : Infinity;
}

/** The unary service handlers, by rpc name. */
export function kernelHandlers(o: KernelHandlersOptions): UntypedServiceImplementation {
  const { kernel, log } = o;
  const reply = jsonReply;

  const handlers = {
    Deploy: unaryCall<DeployMessage, JsonReplyMessage>(o, 'deploy', async (call, r) => {
      const principal = await enterGrpc(o, call, r, 'deploy', call.request.service_id);
      const m = call.request;
      const options = parseJsonField(m.options_json, 'options_json', {});
      if (typeof options !== 'object' || options === null || Array.isArray(options)) {
        throw new SoloError('invalid_request', 'Invalid request: options_json must be a JSON object of deploy fields.', { details: { field: 'options_json' } });
      }
      const input = parseDeploy({ ...options, service_id: m.service_id, source: m.source });
      // The service acts through `ctx` with the deployer's permissions and services, never more.
      return reply(await kernel.deploy(principal.tenant, { ...input, capability: deployCapability(principal) }, r.meta));
    }),
    Status: unaryCall<ServiceRefMessage, JsonReplyMessage>(o, 'status', async (call, r) => {
      const { tenant } = await enterGrpc(o, call, r, 'status', call.request.service_id);
      return reply(kernel.status(tenant, parseRef({ service_id: call.request.service_id }).service));
    }),
    Kill: unaryCall<KillMessage, JsonReplyMessage>(o, 'kill', async (call, r) => {
      const { tenant } = await enterGrpc(o, call, r, 'kill', call.request.service_id);
      const m = call.request;
      return reply(await kernel.kill(tenant, parseKill({ service_id: m.service_id, force: m.force, timeout_ms: given(m.timeout_ms, 0) }), r.meta));
    }),
    List: unaryCall<ListMessage, JsonReplyMessage>(o, 'list', async (call, r) => {
      const { tenant } = await enterGrpc(o, call, r, 'list');
      const m = call.request;
      return reply(kernel.list(tenant, parseList({ status: given(m.status, ''), limit: given(m.limit, 0), offset: given(m.offset, 0) })));
    }),
    Shutdown: unaryCall<Record<string, never>, JsonReplyMessage>(o, 'shutdown', (call, r) => {
      const cap = authorizeGrpcAdminRequest(kernel, { verb: 'shutdown', peer: peerIdentity(call), token: grpcToken(call) }, r.meta);
      r.obs.describe({ tokenId: cap.tokenId });
      log.info('shutdown requested over gRPC by the operator', { correlation_id: r.correlationId });
      // After the reply has left: stopping the node closes this door.
      setImmediate(o.onShutdown);
      return Promise.resolve(reply({ stopping: true }));
    }),
    RegisterService: unaryCall<RegisterMessage, JsonReplyMessage>(o, 'register', async (call, r) => {
      const { tenant } = await enterGrpc(o, call, r, 'register', call.request.service_id);
      const m = call.request;
      const input = parseRegister({
        service_id: m.service_id,
        name: m.name,
        version: given(m.version, ''),
        tags: Object.keys(m.tags).length > 0 ? m.tags : undefined,
        ttl_ms: given(m.ttl_ms, 0),
        shared_with: m.shared_with.length > 0 ? m.shared_with : undefined,
      });
      return reply({ registration: await kernel.discovery.register(tenant, input, kernel.lockKeyOf(tenant, input.service)) });
    }),
    DiscoverService: unaryCall<DiscoverMessage, JsonReplyMessage>(o, 'discover', async (call, r) => {
      const { tenant } = await enterGrpc(o, call, r, 'discover');
      const m = call.request;
      const q = parseDiscover({
        name: given(m.name, ''),
        filter: Object.keys(m.filter).length > 0 ? m.filter : undefined,
        alive_only: given(m.alive_only, false),
        limit: given(m.limit, 0),
        offset: given(m.offset, 0),
      });
      return reply(kernel.discovery.discover(tenant, q));
    }),
    GetServices: unaryCall<PageMessage, JsonReplyMessage>(o, 'services', async (call, r) => {
      const { tenant } = await enterGrpc(o, call, r, 'services');
      return reply(kernel.discovery.discover(tenant, parseServices({ limit: given(call.request.limit, 0), offset: given(call.request.offset, 0) })));
    }),
    Call: unaryCall<CallMessage, CallReplyMessage>(o, 'call', async (call, r) => {
      const { tenant } = await enterGrpc(o, call, r, 'call', call.request.service_id);
      const m = call.request;
      const left = remainingMs(call);
      // The deadline bounds the actor call: without an explicit timeout_ms it is the timeout.
      const asked = m.timeout_ms !== 0 ? m.timeout_ms : Number.isFinite(left) ? Math.min(Math.max(1, Math.floor(left)), MAX_CALL_TIMEOUT_MS) : undefined;
      const c = parseCall({ service_id: m.service_id, message: parseJsonField(m.message_json, 'message_json', null), timeout_ms: asked });
      const timeoutMs = Math.max(1, Math.min(c.timeoutMs, Math.floor(left)));
      const answer: Json = await kernel.call(tenant, c.service, c.message, { timeoutMs });
      return { reply_json: JSON.stringify(answer) };
    }),
    Cast: unaryCall<CastMessage, JsonReplyMessage>(o, 'cast', async (call, r) => {
      const { tenant } = await enterGrpc(o, call, r, 'cast', call.request.service_id);
      const c = parseCast({ service_id: call.request.service_id, message: parseJsonField(call.request.message_json, 'message_json', null) });
      return reply(await kernel.cast(tenant, c.service, c.message, r.meta));
    }),
    Health: unaryCall<Record<string, never>, JsonReplyMessage>(o, 'health', (call, r) => {
      // The operator's certificate names no tenant: it asks as the operator, with the admin token.
      if (peerIdentity(call).kind === 'admin') {
        const cap = authorizeGrpcAdminRequest(kernel, { verb: 'health', peer: { kind: 'admin' }, token: grpcToken(call) }, r.meta);
        r.obs.describe({ tokenId: cap.tokenId });
      } else {
        authorizeGrpcCall(kernel, { metadata: call.metadata, request: { tenant: '' }, getAuthContext: () => call.getAuthContext() }, r, 'health');
      }
      return Promise.resolve(reply(kernel.health()));
    }),
  };
  return handlers as unknown as UntypedServiceImplementation;
}
