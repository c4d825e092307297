// Baselines, measured in the same run as the Solo rows they are compared with: a plain function call, an
// isolated-vm crossing, an isolate start, a raw NATS round trip and a raw JetStream publish+consume+ack.
import ivm from 'isolated-vm';
import { AckPolicy, StorageType } from 'nats';
import { QUICK_PLAN, tinybenchLatency, type LatencyPlan } from '../lib/latency.ts';
import { latencyFromSamples } from '../lib/measurement.ts';
import { RAW_SUBJECTS } from '../lib/raw-nats.ts';
import { baselineRef, type Suite, type SuiteContext } from '../lib/suite.ts';

/** Keys other suites read baselines by. */
export const BASELINE = {
  fnCall: 'fn_call',
  isolateApply: 'isolate_apply_sync',
  isolateStart: 'isolate_start',
  natsEcho: 'nats_echo',
  jetstream: 'jetstream_pub_consume_ack',
} as const;

const M = {
  fnCall: 'baseline: plain in-process function call',
  isolateApply: 'baseline: isolated-vm applySync (JSON string in and out)',
  isolateStart: 'baseline: new isolate + context + module + first call',
  natsEcho: 'baseline: raw NATS request/reply echo (responder process)',
  jetstream: 'baseline: raw JetStream publish + consume + ack (acks awaited)',
} as const;

/** The message the Solo call row sends to the counter example; the raw baselines carry the same bytes. */
export const CALL_MESSAGE = { op: 'get' } as const;
const MESSAGE = JSON.stringify(CALL_MESSAGE);
const STREAM = 'BENCH_RAW';

function plan(ctx: SuiteContext, full: LatencyPlan): LatencyPlan {
  return ctx.pick(full, { ...QUICK_PLAN, opsPerRun: full.opsPerRun ?? 1 });
}

function isolateStartSamples(count: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const isolate = new ivm.Isolate({ memoryLimit: 32 });
    // Sync variants: the floor of an isolate start, without thread-pool hops.
    const context = isolate.createContextSync();
    const mod = isolate.compileModuleSync('let count = 0; export default (s) => JSON.stringify({ count: ++count, m: JSON.parse(s) });');
    mod.instantiateSync(context, () => {
      throw new Error('no imports');
    });
    mod.evaluateSync();
    const handler = mod.namespace.getSync('default', { reference: true }) as ivm.Reference<(s: string) => string>;
    handler.applySync(undefined, [MESSAGE]);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    // Disposal is not part of starting an actor, so it is outside the timed span.
    isolate.dispose();
  }
  return samples;
}

export const baselinesSuite: Suite = {
  name: 'baselines',
  plan: () => Object.values(M).map((measure) => ({ measure })),
  async run(ctx, emit) {
    const state = { count: 0 };
    let sink = 0;
    const handleCall = (msg: { by: number }, s: { count: number }): { reply: number; state: { count: number } } => {
      const next = { count: s.count + msg.by };
      return { reply: next.count, state: next };
    };
    const msg = { by: 1 };
    const fnCall = await tinybenchLatency(M.fnCall, () => {
      for (let i = 0; i < 1000; i++) sink += handleCall(msg, state).reply;
    }, plan(ctx, { timeMs: 500, iterations: 200, warmupIterations: 20, opsPerRun: 1000 }));
    if (sink === -1) ctx.log('unreachable: keeps the calls alive');
    ctx.setBaseline(BASELINE.fnCall, baselineRef('fn call', fnCall));
    emit({ measure: M.fnCall, result: fnCall });

    const isolate = new ivm.Isolate({ memoryLimit: 32 });
    try {
      const context = isolate.createContextSync();
      context.evalSync('let count = 0; globalThis.handle = (s) => JSON.stringify({ count: count += JSON.parse(s).op.length });');
      const handle = context.global.getSync('handle', { reference: true }) as ivm.Reference<(s: string) => string>;
      const apply = await tinybenchLatency(M.isolateApply, () => {
        for (let i = 0; i < 100; i++) handle.applySync(undefined, [MESSAGE]);
      }, plan(ctx, { timeMs: 500, iterations: 200, warmupIterations: 20, opsPerRun: 100 }));
      ctx.setBaseline(BASELINE.isolateApply, baselineRef('applySync', apply));
      emit({ measure: M.isolateApply, result: apply });
    } finally {
      isolate.dispose();
    }

    isolateStartSamples(ctx.pick(20, 1));
    const start = latencyFromSamples(isolateStartSamples(ctx.pick(300, 3)));
    ctx.setBaseline(BASELINE.isolateStart, baselineRef('isolate start', start));
    emit({ measure: M.isolateStart, result: start });

    const raw = await ctx.rawNats();
    const payload = new TextEncoder().encode(MESSAGE);
    const echo = await tinybenchLatency(M.natsEcho, () => raw.echo(payload), plan(ctx, { timeMs: 2000, iterations: 1000, warmupIterations: 100 }));
    ctx.setBaseline(BASELINE.natsEcho, baselineRef('raw NATS echo', echo));
    emit({ measure: M.natsEcho, result: echo });

    const jsm = await raw.nc.jetstreamManager();
    await jsm.streams.add({ name: STREAM, subjects: [RAW_SUBJECTS.jetstream], storage: StorageType.File });
    await jsm.consumers.add(STREAM, { durable_name: 'bench', ack_policy: AckPolicy.Explicit, filter_subject: RAW_SUBJECTS.jetstream });
    const js = raw.nc.jetstream();
    const consumer = await js.consumers.get(STREAM, 'bench');
    const jetstream = await tinybenchLatency(M.jetstream, async () => {
      await js.publish(RAW_SUBJECTS.jetstream, payload);
      const m = await consumer.next({ expires: 5000 });
      if (!m) throw new Error('JetStream consumer returned no message within 5 s');
      await m.ackAck();
    }, plan(ctx, { timeMs: 2000, iterations: 500, warmupIterations: 50 }));
    ctx.setBaseline(BASELINE.jetstream, baselineRef('raw JetStream', jetstream));
    emit({ measure: M.jetstream, result: jetstream });
    await jsm.streams.delete(STREAM);
  },
};
