// The server-streaming verbs of solo.v1.SoloKernel (Watch, Logs): one ordered JetStream tail per stream,
// resumable from a sequence, and stopped (its consumer deleted) as soon as the client cancels or the door stops.
// Each is authorized like a unary call (certificate + token) and observed up to its opening: the request is
// "open the stream", and its outcome is known once the first item could be delivered.
import type { ServerWritableStream, UntypedServiceImplementation, handleServerStreamingCall } from '@grpc/grpc-js';
import { isSoloError, type ApiVerb, type LogEntry, type SoloEvent, type TenantId } from '@solo/protocol';
import { REQUEST_SCHEMAS, parseWireBody } from '../nats/request-schemas.ts';
import {
  given,
  type EventMessage,
  type LogEntryMessage,
  type LogsMessage,
  type WatchMessage,
} from './grpc-messages.ts';
import { authorizeGrpcCall, grpcFailure, observeGrpcCall, type GrpcDoorDeps } from './grpc-call.ts';

/** What the stream handlers need from the node. */
export interface StreamHandlersOptions extends GrpcDoorDeps {
  /** Ends of the open streams; the door calls each on stop. */
  streams: Set<() => Promise<void>>;
}

interface OpenTail<T> extends AsyncIterable<T> {
  ready(): Promise<void>;
  stop(): Promise<void>;
}

const watchQuery = REQUEST_SCHEMAS.events.pick({ service_id: true, type: true, since_seq: true });
const logsQuery = REQUEST_SCHEMAS.logs.pick({ service_id: true, since_seq: true });

function drained(call: ServerWritableStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const go = (): void => {
      call.off('drain', go);
      call.off('cancelled', go);
      resolve();
    };
    call.on('drain', go);
    call.on('cancelled', go);
  });
}

/** The streaming handlers, by rpc name. */
export function streamHandlers(o: StreamHandlersOptions): UntypedServiceImplementation {
  const { kernel, log } = o;
  const stream =
    <Req extends { tenant: string; service_id: string }, T, Res>(
      verb: ApiVerb,
      open: (tenant: TenantId, req: Req) => OpenTail<T>,
      encode: (item: T) => Res,
    ): handleServerStreamingCall<Req, Res> =>
    (call) => {
      void (async () => {
        let tail: OpenTail<T> | null = null;
        const r = observeGrpcCall(o, call, verb);
        try {
          await kernel.whenAccepting();
          const { tenant } = authorizeGrpcCall(kernel, call, r, verb, call.request.service_id);
          tail = open(tenant, call.request);
          // Errors up to here (bad filter, stream missing) end the call with their status, before any item.
          await tail.ready();
        } catch (err) {
          await tail?.stop();
          if (!isSoloError(err)) log.error('grpc stream failed to open', { correlation_id: r.correlationId, error: String(err) });
          r.obs.fail(err);
          r.obs.end();
          call.emit('error', grpcFailure(err, r.correlationId));
          return;
        }
        r.obs.end();
        const opened = tail;
        let ended = false;
        let stopped: Promise<void> | null = null;
        const end = (): Promise<void> => {
          ended = true;
          // Deletes the JetStream consumer: a cancelled client leaves nothing behind. The stream counts as open
          // until the consumer is gone, so the door's `streams` is also the number of consumers it holds.
          stopped ??= opened.stop().finally(() => o.streams.delete(end));
          return stopped;
        };
        o.streams.add(end);
        call.on('cancelled', () => void end());
        try {
          for await (const item of opened) {
            if (ended) break;
            if (!call.write(encode(item))) await drained(call as ServerWritableStream<unknown, unknown>);
          }
          if (!call.cancelled) call.end();
        } catch (err) {
          if (!ended && !call.cancelled) call.emit('error', grpcFailure(err, r.correlationId));
        } finally {
          await end();
        }
      })();
    };

  const handlers = {
    Watch: stream<WatchMessage, SoloEvent, EventMessage>(
      'events_follow',
      (tenant, r) => {
        const q = parseWireBody(watchQuery, {
          service_id: given(r.service_id, ''),
          type: given(r.type, ''),
          since_seq: given(r.since_seq, 0),
        });
        return kernel.tailEvents(tenant, {
          ...(q.service_id ? { service: q.service_id } : {}),
          ...(q.type ? { type: q.type } : {}),
          ...(q.since_seq ? { sinceSeq: q.since_seq } : {}),
        });
      },
      (e) => ({ seq: e.seq, type: e.type, service_id: e.service_id ?? '', json: JSON.stringify(e) }),
    ),
    Logs: stream<LogsMessage, LogEntry, LogEntryMessage>(
      'logs_follow',
      (tenant, r) => {
        const q = parseWireBody(logsQuery, { service_id: given(r.service_id, ''), since_seq: given(r.since_seq, 0) });
        return kernel.tailLogs(tenant, {
          ...(q.service_id ? { service: q.service_id } : {}),
          ...(q.since_seq ? { sinceSeq: q.since_seq } : {}),
        });
      },
      (e) => ({ seq: e.seq, service_id: e.service_id, json: JSON.stringify(e) }),
    ),
  };
  return handlers as unknown as UntypedServiceImplementation;
}
