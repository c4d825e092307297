// grpc.health.v1 on the gRPC door: `Check` answers SERVING once the kernel accepts requests (after recovery)
// and NOT_SERVING before; `Watch` streams every change of that status (one shared poll of the kernel's state
// while anyone watches), sends NOT_SERVING when the door stops, and ends cleanly when the client cancels.
// Probes need the client certificate only (mutual TLS), no token: they carry no tenant data.
import { status, type ServerUnaryCall, type ServerWritableStream, type UntypedServiceImplementation, type sendUnaryData } from '@grpc/grpc-js';
import type { HealthReply } from '@solo/protocol';

/** A serving status of grpc.health.v1 (`HealthCheckResponse.ServingStatus`). */
export type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** The services the health service knows: the whole server (`''`) and SoloKernel. */
const KNOWN_SERVICES = new Set(['', 'solo.v1.SoloKernel']);

/** How often `Watch` looks at the kernel's state while anyone watches. */
export const HEALTH_POLL_MS = 500;

/** The serving status of `service` for a kernel in `state`: SERVING only when ready. */
export function servingStatus(service: string, state: HealthReply['status']): ServingStatus {
  if (!KNOWN_SERVICES.has(service)) return 'SERVICE_UNKNOWN';
  return state === 'ready' ? 'SERVING' : 'NOT_SERVING';
}

/** Options of {@link healthService}. */
export interface HealthServiceOptions {
  /** The kernel's state now (`kernel.health().status`). */
  state: () => HealthReply['status'];
  /** Ends of the open streams; the door calls each on stop. */
  streams: Set<() => Promise<void>>;
  /** Interval of the state poll while a Watch is open. @default 500 */
  pollMs?: number;
}

/** The grpc.health.v1.Health handlers. */
export function healthService(o: HealthServiceOptions): UntypedServiceImplementation {
  const watchers = new Set<(state: HealthReply['status']) => void>();
  let timer: NodeJS.Timeout | null = null;
  const poll = (): void => {
    const state = o.state();
    for (const w of watchers) w(state);
  };
  const watch = (w: (state: HealthReply['status']) => void): (() => void) => {
    watchers.add(w);
    if (timer === null) {
      timer = setInterval(poll, o.pollMs ?? HEALTH_POLL_MS);
      timer.unref();
    }
    return () => {
      watchers.delete(w);
      if (watchers.size === 0 && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    };
  };

  return {
    Check: (call: ServerUnaryCall<{ service: string }, unknown>, done: sendUnaryData<unknown>) => {
      const s = servingStatus(call.request.service, o.state());
      if (s === 'SERVICE_UNKNOWN') done({ code: status.NOT_FOUND, details: `unknown service '${call.request.service}'` });
      else done(null, { status: s });
    },
    Watch: (call: ServerWritableStream<{ service: string }, unknown>) => {
      const service = call.request.service;
      let last: ServingStatus = servingStatus(service, o.state());
      call.write({ status: last });
      let ended = false;
      const unwatch = watch((state) => {
        const now = servingStatus(service, state);
        if (now === last || ended) return;
        last = now;
        call.write({ status: now });
      });
      const close = (): void => {
        ended = true;
        unwatch();
        o.streams.delete(end);
      };
      // The door stops: watchers learn the node is going away before the stream ends.
      const end = (): Promise<void> => {
        if (ended) return Promise.resolve();
        if (!call.cancelled && last !== 'SERVICE_UNKNOWN') call.write({ status: 'NOT_SERVING' });
        close();
        if (!call.cancelled) call.end();
        return Promise.resolve();
      };
      o.streams.add(end);
      call.on('cancelled', close);
    },
  };
}
