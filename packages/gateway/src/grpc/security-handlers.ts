// The security verbs of solo.v1.SoloKernel: Validate (static analysis), capability tokens (grant, revoke, list) and secrets (set, list,
// exists, delete). They run the NATS door's security verbs (`dispatchSecurityVerb`) on a wire body built from
// the proto fields, so the same bad input gets the same code on every door. No reply ever carries a secret value.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { dispatchSecurityVerb, type SecurityVerb } from '../nats/security-dispatch.ts';
import { enterGrpc, jsonReply, unaryCall, type GrpcCallLike, type GrpcDoorDeps, type GrpcRequest } from './grpc-call.ts';
import {
  given,
  type GrantCapabilityMessage,
  type JsonReplyMessage,
  type RevokeCapabilityMessage,
  type SecretRefMessage,
  type SetSecretMessage,
  type TenantMessage,
  type ValidateMessage,
} from './grpc-messages.ts';

/** The wire body of a grant: proto3 leaves absent scalars at zero, so only what was given is passed on. */
export function grantBody(m: GrantCapabilityMessage): Record<string, unknown> {
  const body: Record<string, unknown> = { permissions: m.permissions };
  if (m.services.length > 0) body['services'] = m.services;
  if (m.ttl_s !== undefined) body['ttl_s'] = m.ttl_s;
  if (m.rate_limit !== null) body['rate_limit'] = { requests_per_second: m.rate_limit.requests_per_second, burst: m.rate_limit.burst };
  if (m.persistent !== undefined) body['persistent'] = m.persistent;
  const label = given(m.label, '');
  if (label !== undefined) body['label'] = label;
  return body;
}

/** The security handlers, by rpc name. */
export function securityHandlers(d: GrpcDoorDeps): UntypedServiceImplementation {
  const { kernel } = d;
  const run = async <Req extends { tenant: string }>(call: GrpcCallLike<Req>, r: GrpcRequest, verb: SecurityVerb, body: unknown): Promise<JsonReplyMessage> => {
    const principal = await enterGrpc(d, call, r, verb);
    return jsonReply(await dispatchSecurityVerb(kernel, principal, verb, body, r.meta));
  };
  const handlers = {
    GrantCapability: unaryCall<GrantCapabilityMessage, JsonReplyMessage>(d, 'token_grant', (call, r) => run(call, r, 'token_grant', grantBody(call.request))),
    RevokeCapability: unaryCall<RevokeCapabilityMessage, JsonReplyMessage>(d, 'token_revoke', (call, r) => run(call, r, 'token_revoke', { token_id: call.request.token_id })),
    ListCapabilities: unaryCall<TenantMessage, JsonReplyMessage>(d, 'token_list', (call, r) => run(call, r, 'token_list', {})),
    SetSecret: unaryCall<SetSecretMessage, JsonReplyMessage>(d, 'secret_set', (call, r) => run(call, r, 'secret_set', { name: call.request.name, value: call.request.value })),
    ListSecrets: unaryCall<TenantMessage, JsonReplyMessage>(d, 'secret_list', (call, r) => run(call, r, 'secret_list', {})),
    SecretExists: unaryCall<SecretRefMessage, JsonReplyMessage>(d, 'secret_exists', (call, r) => run(call, r, 'secret_exists', { name: call.request.name })),
    DeleteSecret: unaryCall<SecretRefMessage, JsonReplyMessage>(d, 'secret_delete', (call, r) => run(call, r, 'secret_delete', { name: call.request.name })),
    Validate: unaryCall<ValidateMessage, JsonReplyMessage>(d, 'validate', (call, r) => {
      const filename = given(call.request.filename, '');
      return run(call, r, 'validate', filename === undefined ? { source: call.request.source } : { source: call.request.source, filename });
    }),
  };
  return handlers as unknown as UntypedServiceImplementation;
}
