// The code-change verbs of solo.v1.SoloKernel: HotSwap (new code, state kept, automatic rollback when the new
// code crashes within its window), Replace (new code, fresh state) and Rollback. The proto fields become the
// NATS door's wire body and go through the same parsers, so every door gives the same codes.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { parseReplace, parseRollback, parseSwap } from '../nats/code-change-schemas.ts';
import { enterGrpc, jsonReply, unaryCall, type GrpcDoorDeps } from './grpc-call.ts';
import { given, type HotSwapMessage, type JsonReplyMessage, type ReplaceMessage, type RollbackMessage } from './grpc-messages.ts';

/** The code-change handlers, by rpc name. */
export function codeHandlers(d: GrpcDoorDeps): UntypedServiceImplementation {
  const { kernel } = d;
  const handlers = {
    HotSwap: unaryCall<HotSwapMessage, JsonReplyMessage>(d, 'swap', async (call, r) => {
      const m = call.request;
      const { tenant } = await enterGrpc(d, call, r, 'swap', m.service_id);
      const input = parseSwap({ service_id: m.service_id, source: m.source, filename: given(m.filename, ''), rollback_window_ms: m.rollback_window_ms });
      return jsonReply(await kernel.codeChanges.swap(tenant, input, r.meta));
    }),
    Replace: unaryCall<ReplaceMessage, JsonReplyMessage>(d, 'replace', async (call, r) => {
      const m = call.request;
      const { tenant } = await enterGrpc(d, call, r, 'replace', m.service_id);
      const input = parseReplace({ service_id: m.service_id, source: m.source, filename: given(m.filename, '') });
      return jsonReply(await kernel.codeChanges.replace(tenant, input, r.meta));
    }),
    Rollback: unaryCall<RollbackMessage, JsonReplyMessage>(d, 'rollback', async (call, r) => {
      const m = call.request;
      const { tenant } = await enterGrpc(d, call, r, 'rollback', m.service_id);
      const input = parseRollback({ service_id: m.service_id, to_version: given(m.to_version, 0) });
      return jsonReply(await kernel.codeChanges.rollback(tenant, input, r.meta));
    }),
  };
  return handlers as unknown as UntypedServiceImplementation;
}
