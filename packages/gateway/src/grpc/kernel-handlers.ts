// The unary verbs of solo.v1.SoloKernel: each authorizes through the shared check, turns the proto fields
// into the NATS door's wire body and validates it with the same parsers, so every door gives the same codes.
import { randomUUID } from 'node:crypto';
import type { ServerUnaryCall, UntypedServiceImplementation, handleUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { SoloError, isSoloError, type ApiVerb, type Json, type TenantId } from '@solo/protocol';
import type { Kernel, KernelLogger } from '@solo/kernel';
import { authorizeGrpcAdminRequest, authorizeGrpcRequest } from '../authorize.ts';
import { parseDiscover, parseRegister, parseServices } from '../nats/discovery-schemas.ts';
import { parseCall, parseCast, parseDeploy, parseKill, parseList, parseRef } from '../nats/request-schemas.ts';
import { toGrpcError } from './grpc-status.ts';
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
export interface KernelHandlersOptions {
  kernel: Kernel;
  log: KernelLogger;
  /** Asked by `Shutdown` (admin only), after its reply is sent. */
  onShutdown: () => void;
}

/** The upper bound of a call's timeout on every door (the NATS schema's `timeout_ms` maximum). */
const MAX_CALL_TIMEOUT_MS = 300_000;

type Unary<Req, Res> = (call: ServerUnaryCall<Req, Res>) => Promise<Res>;

function reply(value: unknown): JsonReplyMessage {
  return { json: JSON.stringify(value) };
}

/** Milliseconds left before the call's gRPC deadline (Infinity when the client set none). */
export function remainingMs(call: { getDeadline(): Date | number }): number {
  const d = call.getDeadline();
  const at = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(at) ? at - Date.now() : Infinity;
}

/** The unary handlers, by rpc name. */
export function kernelHandlers(o: KernelHandlersOptions): UntypedServiceImplementation {
  const { kernel, log } = o;
  const unary =
    <Req, Res>(fn: Unary<Req, Res>): handleUnaryCall<Req, Res> =>
    (call: ServerUnaryCall<Req, Res>, done: sendUnaryData<Res>) => {
      fn(call).then(
        (res) => done(null, res),
        (err: unknown) => {
          if (!isSoloError(err))
            log.error('grpc request failed unexpectedly', { error: String(err), stack: (err as Error).stack });
          done(toGrpcError(err));
        },
      );
    };
  /** Authorizes against the client certificate, then waits for recovery like the other doors. */
  const enter = async (call: ServerUnaryCall<{ tenant: string }, unknown>, verb: ApiVerb): Promise<TenantId> => {
    const tenant = authorizeGrpcRequest({ verb, peer: peerIdentity(call), tenant: call.request.tenant });
    await kernel.whenAccepting();
    return tenant;
  };
  const meta = (): { correlationId: string } => ({ correlationId: randomUUID() });

  const handlers = {
    Deploy: unary<DeployMessage, JsonReplyMessage>(async (call) => {
      const tenant = await enter(call, 'deploy');
      const r = call.request;
      const options = parseJsonField(r.options_json, 'options_json', {});
      if (typeof options !== 'object' || options === null || Array.isArray(options)) {
        throw new SoloError(
          'invalid_request',
          'Invalid request: options_json must be a JSON object of deploy fields.',
          { details: { field: 'options_json' } },
        );
      }
      const input = parseDeploy({ ...options, service_id: r.service_id, source: r.source });
      return reply(await kernel.deploy(tenant, input, meta()));
    }),
    Status: unary<ServiceRefMessage, JsonReplyMessage>(async (call) => {
      const tenant = await enter(call, 'status');
      return reply(await kernel.status(tenant, parseRef({ service_id: call.request.service_id }).service));
    }),
    Kill: unary<KillMessage, JsonReplyMessage>(async (call) => {
      const tenant = await enter(call, 'kill');
      const r = call.request;
      return reply(
        await kernel.kill(
          tenant,
          parseKill({ service_id: r.service_id, force: r.force, timeout_ms: given(r.timeout_ms, 0) }),
          meta(),
        ),
      );
    }),
    List: unary<ListMessage, JsonReplyMessage>(async (call) => {
      const tenant = await enter(call, 'list');
      const r = call.request;
      return reply(
        await kernel.list(
          tenant,
          parseList({ status: given(r.status, ''), limit: given(r.limit, 0), offset: given(r.offset, 0) }),
        ),
      );
    }),
    Shutdown: unary<Record<string, never>, JsonReplyMessage>(async (call) => {
      authorizeGrpcAdminRequest({ verb: 'shutdown', peer: peerIdentity(call) });
      log.info('shutdown requested over gRPC by the admin certificate');
      // After the reply has left: stopping the node closes this door.
      setImmediate(o.onShutdown);
      return reply({ stopping: true });
    }),
    RegisterService: unary<RegisterMessage, JsonReplyMessage>(async (call) => {
      const tenant = await enter(call, 'register');
      const r = call.request;
      const input = parseRegister({
        service_id: r.service_id,
        name: r.name,
        version: given(r.version, ''),
        tags: Object.keys(r.tags).length > 0 ? r.tags : undefined,
        ttl_ms: given(r.ttl_ms, 0),
        shared_with: r.shared_with.length > 0 ? r.shared_with : undefined,
      });
      return reply({
        registration: await kernel.discovery.register(tenant, input, kernel.lockKeyOf(tenant, input.service)),
      });
    }),
    DiscoverService: unary<DiscoverMessage, JsonReplyMessage>(async (call) => {
      const tenant = await enter(call, 'discover');
      const r = call.request;
      const q = parseDiscover({
        name: given(r.name, ''),
        filter: Object.keys(r.filter).length > 0 ? r.filter : undefined,
        alive_only: given(r.alive_only, false),
        limit: given(r.limit, 0),
        offset: given(r.offset, 0),
      });
      return reply(kernel.discovery.discover(tenant, q));
    }),
    GetServices: unary<PageMessage, JsonReplyMessage>(async (call) => {
      const tenant = await enter(call, 'services');
      return reply(
        kernel.discovery.discover(
          tenant,
          parseServices({ limit: given(call.request.limit, 0), offset: given(call.request.offset, 0) }),
        ),
      );
    }),
    Call: unary<CallMessage, CallReplyMessage>(async (call) => {
      const tenant = await enter(call, 'call');
      const r = call.request;
      const left = remainingMs(call);
      // The deadline bounds the actor call: without an explicit timeout_ms it is the timeout.
      const asked =
        r.timeout_ms !== 0
          ? r.timeout_ms
          : Number.isFinite(left)
            ? Math.min(Math.max(1, Math.floor(left)), MAX_CALL_TIMEOUT_MS)
            : undefined;
      const c = parseCall({
        service_id: r.service_id,
        message: parseJsonField(r.message_json, 'message_json', null),
        timeout_ms: asked,
      });
      const timeoutMs = Math.max(1, Math.min(c.timeoutMs, Math.floor(left)));
      const answer: Json = await kernel.call(tenant, c.service, c.message, { timeoutMs });
      return { reply_json: JSON.stringify(answer) };
    }),
    Cast: unary<CastMessage, JsonReplyMessage>(async (call) => {
      const tenant = await enter(call, 'cast');
      const r = parseCast({
        service_id: call.request.service_id,
        message: parseJsonField(call.request.message_json, 'message_json', null),
      });
      return reply(await kernel.cast(tenant, r.service, r.message, meta()));
    }),
    Health: unary<Record<string, never>, JsonReplyMessage>(async (call) => {
      if (peerIdentity(call).kind === 'none')
        throw new SoloError(
          'unauthorized',
          'The client certificate names no tenant. Use a certificate from `solo certs issue <tenant>`.',
        );
      return reply(kernel.health());
    }),
  };
  return handlers as unknown as UntypedServiceImplementation;
}
