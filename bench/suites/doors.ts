// The HTTP and gRPC doors against the NATS door on one node: a call round trip through REST and through gRPC
// (mutual TLS), each beside the sdk call over NATS (paired rounds), `GET /services` listing 1000 services, and how many SSE clients one node holds with
// events flowing to every one of them.
import { Agent, request, type ClientRequest } from 'node:http';
import { connectSolo } from '@solo/sdk';
import { counterSource, deployCounter } from '../lib/counter-source.ts';
import { connectGrpcCaller } from '../lib/grpc-call.ts';
import { QUICK_PLAN, pairedLatency, sampleLoop, tinybenchLatency } from '../lib/latency.ts';
import { singleValue } from '../lib/measurement.ts';
import { baselineRef, type Suite, type SuiteContext } from '../lib/suite.ts';
import { CALL_MESSAGE } from './baselines.ts';

const TENANT = 'bench-doors';
const SSE_TENANT = 'bench-sse';

function measures(ctx: SuiteContext) {
  const services = ctx.pick(1000, 20);
  const clients = ctx.pick(1000, 20);
  return {
    services,
    clients,
    call: 'call round trip through REST (POST /services/{id}/call), paired with the sdk call over NATS',
    grpc: 'call round trip through gRPC (mTLS), paired with the sdk call over NATS',
    list: `GET /services listing ${services} services (REST, one page)`,
    sse: `SSE clients on GET /events held by one node, each receiving an event (of ${clients} opened)`,
  } as const;
}

/** Opens one SSE stream; resolves once the node sent its first comment, and counts the events it receives. */
function openStream(url: string, agent: Agent, onEvent: () => void): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /events answered ${String(res.statusCode)}`));
      let connected = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!connected && chunk.includes(': connected')) {
          connected = true;
          resolve(req);
        }
        if (/^data: /m.test(chunk)) onEvent();
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
}

export const doorsSuite: Suite = {
  name: 'doors',
  plan(ctx) {
    const m = measures(ctx);
    return [
      { measure: m.call, target: { unit: 'ms', checks: [{ stat: 'p50', maxTimesBaseline: 2 }] } },
      { measure: m.grpc, target: { unit: 'ms', checks: [{ stat: 'p50', maxTimesBaseline: 2 }] } },
      { measure: m.list, target: { unit: 'ms', checks: [{ stat: 'p50', max: 10 }] } },
      { measure: m.sse },
    ];
  },
  async run(ctx, emit) {
    const m = measures(ctx);
    const node = await ctx.startNode('doors');
    const http = node.info.http_url;
    await node.benchTenant(TENANT);
    const client = await connectSolo({ natsUrl: node.info.nats_url, tenant: TENANT, credentials: node.credentials });
    try {
      const source = counterSource(ctx.repoRoot);
      await deployCounter(client, 'c-call', source);
      const body = JSON.stringify({ message: CALL_MESSAGE });
      const restCall = async (): Promise<void> => {
        const res = await fetch(`${http}/services/c-call/call`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-solo-tenant': TENANT, authorization: `Bearer ${node.adminToken()}` }, body });
        if (res.status !== 200) throw new Error(`REST call answered ${res.status}`);
        await res.arrayBuffer();
      };
      await restCall();
      const [rest, nats] = await pairedLatency(
        { name: m.call, fn: restCall },
        { name: 'sdk call over NATS', fn: () => client.call('c-call', CALL_MESSAGE) },
        ctx.pick({ timeMs: 4000, iterations: 2000, warmupIterations: 100, rounds: 5 }, { ...QUICK_PLAN, rounds: 1 }),
      );
      emit({ measure: m.call, result: rest, baseline: baselineRef('sdk call over NATS, paired', nats) });

      const grpc = await connectGrpcCaller(node.info, TENANT, node.adminToken());
      try {
        const grpcMessage = JSON.stringify(CALL_MESSAGE);
        const grpcCall = (): Promise<string> => grpc.call('c-call', grpcMessage);
        await grpcCall();
        const [viaGrpc, viaNats] = await pairedLatency(
          { name: m.grpc, fn: grpcCall },
          { name: 'sdk call over NATS', fn: () => client.call('c-call', CALL_MESSAGE) },
          ctx.pick({ timeMs: 4000, iterations: 2000, warmupIterations: 100, rounds: 5 }, { ...QUICK_PLAN, rounds: 1 }),
        );
        emit({ measure: m.grpc, result: viaGrpc, baseline: baselineRef('sdk call over NATS, paired', viaNats) });
      } finally {
        grpc.close();
      }

      ctx.log(`deploying ${m.services} counters for GET /services`);
      await sampleLoop(m.services - 1, (i) => deployCounter(client, `l${i}`, source));
      const list = await tinybenchLatency(
        m.list,
        async () => {
          const res = await fetch(`${http}/services?limit=1000`, { headers: { 'x-solo-tenant': TENANT, authorization: `Bearer ${node.adminToken()}` } });
          await res.arrayBuffer();
        },
        ctx.pick({ timeMs: 2000, iterations: 100, warmupIterations: 10 }, QUICK_PLAN),
      );
      emit({ measure: m.list, result: list });

      ctx.log(`opening ${m.clients} SSE clients`);
      const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
      let received = 0;
      const seen = new Set<number>();
      const open: ClientRequest[] = [];
      try {
        for (let i = 0; i < m.clients; i += 50) {
          const batch = await Promise.all(
            Array.from({ length: Math.min(50, m.clients - i) }, (_, j) =>
              openStream(`${http}/events?tenant=${SSE_TENANT}&access_token=${encodeURIComponent(node.adminToken())}`, agent, () => {
                if (!seen.has(i + j)) {
                  seen.add(i + j);
                  received++;
                }
              }),
            ),
          );
          open.push(...batch);
        }
        await node.benchTenant(SSE_TENANT);
        const sse = await connectSolo({ natsUrl: node.info.nats_url, tenant: SSE_TENANT, credentials: node.credentials });
        try {
          await deployCounter(sse, 'flow', source);
          const deadline = Date.now() + 30_000;
          while (received < open.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        } finally {
          await sse.close();
        }
        emit({ measure: m.sse, result: singleValue('count', received), note: `${open.length} streams open; the target is at least 1000 in a full run` });
      } finally {
        for (const r of open) r.destroy();
        agent.destroy();
      }
    } finally {
      await client.close();
    }
  },
};
