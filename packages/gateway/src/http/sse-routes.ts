// `GET /events` and `GET /logs` as Server-Sent Events: one ordered JetStream consumer per open stream, resumable
// from `Last-Event-ID` (or `?since_seq=`), a `: heartbeat` comment every 15 s, and the consumer deleted as soon
// as the client leaves or the door stops, so no stream outlives its client. The token may come as
// `?access_token=` (EventSource cannot set headers); the request is observed up to the stream's opening.
import type { ServerResponse } from 'node:http';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { HEADERS, SoloError, type ApiVerb, type TenantId } from '@solo/protocol';
import type { Kernel } from '@solo/kernel';
import { REQUEST_SCHEMAS, parseWireBody } from '../nats/request-schemas.ts';
import { httpError } from './http-error-body.ts';
import { restPrincipal } from './rest-principal.ts';
import { queryBody } from './rest-request.ts';

/** Default interval of SSE heartbeat comments. */
export const SSE_HEARTBEAT_MS = 15_000;

/** Options of {@link sseRoutes}. */
export interface SseRoutesOptions {
  kernel: Kernel;
  /** Interval of `: heartbeat` comments. @default 15000 */
  heartbeatMs?: number;
  /** Counts open streams (the door reports it). */
  streams: Set<() => void>;
}

const eventsQuery = REQUEST_SCHEMAS.events.pick({ service_id: true, type: true, since_seq: true });
const logsQuery = REQUEST_SCHEMAS.logs.pick({ service_id: true, since_seq: true });

interface Item {
  seq: number;
  type?: string;
}

/** The sequence to resume after: `Last-Event-ID` (the last seq the client saw) wins over `since_seq`. */
function resumeSeq(req: FastifyRequest, sinceSeq: number | undefined): number | undefined {
  const last = req.headers['last-event-id'];
  const text = Array.isArray(last) ? last[0] : last;
  if (text === undefined || text === '') return sinceSeq;
  if (!/^\d+$/.test(text)) {
    throw new SoloError('invalid_request', `Last-Event-ID '${text}' is not a sequence number. Send the id of the last event received.`, { details: { field: 'Last-Event-ID' } });
  }
  return Number(text) + 1;
}

function write(res: ServerResponse, chunk: string): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  // A slow client: wait until its socket drains (or closes) instead of buffering without bound.
  return new Promise((resolve) => {
    const go = (): void => {
      res.off('drain', go);
      res.off('close', go);
      resolve();
    };
    res.on('drain', go);
    res.on('close', go);
  });
}

/** Route plugin serving the two streams. */
export const sseRoutes: FastifyPluginCallback<SseRoutesOptions> = (app, o, done) => {
  const heartbeatMs = o.heartbeatMs ?? SSE_HEARTBEAT_MS;

  const stream = async <T extends Item>(req: FastifyRequest, reply: FastifyReply, verb: ApiVerb, open: (tenant: TenantId) => AsyncIterable<T> & { ready(): Promise<void>; stop(): Promise<void> }): Promise<void> => {
    await o.kernel.whenAccepting();
    const { tenant } = restPrincipal(o.kernel, req, verb, { allowQueryToken: true });
    const tail = open(tenant);
    try {
      // Errors up to here (bad filter, stream missing) are answered as a normal HTTP error.
      await tail.ready();
    } catch (err) {
      await tail.stop();
      throw err;
    }
    // The request (authorize, open the tail) is done: its observation ends here, not when the stream does.
    req.soloObservation?.end();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      [HEADERS.correlationId]: req.soloCorrelationId,
    });
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      o.streams.delete(end);
      void tail.stop();
      if (!res.writableEnded) res.end();
    };
    o.streams.add(end);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    res.on('close', end);
    res.write(': connected\n\n');
    try {
      for await (const item of tail) {
        if (ended) break;
        await write(res, `id: ${item.seq}\n${item.type ? `event: ${item.type}\n` : ''}data: ${JSON.stringify(item)}\n\n`);
      }
    } catch (err) {
      if (!ended) res.write(`event: error\ndata: ${JSON.stringify(httpError(err, req.soloCorrelationId).body)}\n\n`);
    } finally {
      end();
    }
  };

  app.get('/events', { config: { soloVerb: 'events_follow' } }, (req, reply) =>
    stream(req, reply, 'events_follow', (tenant) => {
      const q = parseWireBody(eventsQuery, queryBody(req.query, { numeric: ['since_seq'] }));
      const sinceSeq = resumeSeq(req, q.since_seq);
      return o.kernel.tailEvents(tenant, { ...(q.service_id ? { service: q.service_id } : {}), ...(q.type ? { type: q.type } : {}), ...(sinceSeq ? { sinceSeq } : {}) });
    }),
  );
  app.get('/logs', { config: { soloVerb: 'logs_follow' } }, (req, reply) =>
    stream(req, reply, 'logs_follow', (tenant) => {
      const q = parseWireBody(logsQuery, queryBody(req.query, { numeric: ['since_seq'] }));
      const sinceSeq = resumeSeq(req, q.since_seq);
      return o.kernel.tailLogs(tenant, { ...(q.service_id ? { service: q.service_id } : {}), ...(sinceSeq ? { sinceSeq } : {}) });
    }),
  );
  done();
};
