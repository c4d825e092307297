// Starts the OpenTelemetry trace SDK for this process when the OTEL_* variables ask for it (see
// tracing-config.ts). The SDK modules are imported only then: with tracing off nothing is loaded and
// @opentelemetry/api stays a no-op.
import { DiagLogLevel, context, diag, propagation, trace, type DiagLogger } from '@opentelemetry/api';
import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { KernelLogger } from '@solo/kernel';
import { resolveTracingConfig, type TracingConfig } from './tracing-config.ts';

/** How long stopping waits for the last spans to be exported. */
const SHUTDOWN_WAIT_MS = 3000;

/** Options of {@link startTracing}. */
export interface StartTracingOptions {
  /** Where the OTEL_* variables are read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Export to this exporter instead of the configured ones; tracing starts even when the env leaves it off. */
  exporter?: SpanExporter;
  /** 'batch' exports in the background; 'simple' exports each span as it ends. @default 'batch' */
  processor?: 'batch' | 'simple';
  /** `service.version` of the resource. */
  serviceVersion?: string;
  /** `service.instance.id` of the resource (the node id). */
  instanceId?: string;
  log?: KernelLogger;
}

/** Tracing started by {@link startTracing}. */
export interface Tracing {
  /** Exports every span that ended and is still buffered; never rejects (failures are logged). */
  forceFlush(): Promise<void>;
  /** Flushes, stops exporting and unregisters what it registered. Idempotent; never rejects (failures are logged). */
  shutdown(): Promise<void>;
}

/** OpenTelemetry's own complaints (an export that failed, a dropped span) as node log warnings. */
function diagLogger(log: KernelLogger): DiagLogger {
  const warn = (message: string, ...args: unknown[]): void => log.warn(`opentelemetry: ${message}`, args.length > 0 ? { detail: args.map(String).join(' ') } : {});
  const ignore = (): void => undefined;
  return { error: warn, warn, info: ignore, debug: ignore, verbose: ignore };
}

async function createSampler(c: TracingConfig | null): Promise<Sampler> {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = await import('@opentelemetry/sdk-trace-base');
  const ratio = new TraceIdRatioBasedSampler(c?.samplerRatio ?? 1);
  switch (c?.sampler ?? 'parentbased_always_on') {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

async function createProcessors(c: TracingConfig | null, o: StartTracingOptions): Promise<SpanProcessor[]> {
  const { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const wrap = (e: SpanExporter, mode: 'batch' | 'simple'): SpanProcessor => (mode === 'simple' ? new SimpleSpanProcessor(e) : new BatchSpanProcessor(e));
  if (o.exporter) return [wrap(o.exporter, o.processor ?? 'batch')];
  const out: SpanProcessor[] = [];
  for (const name of c?.exporters ?? []) {
    if (name === 'console') {
      out.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
    } else if (c?.protocol === 'http/json') {
      // The OTLP exporters read the endpoint, headers, timeout and TLS files from OTEL_EXPORTER_OTLP_*.
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      out.push(wrap(new OTLPTraceExporter(), o.processor ?? 'batch'));
    } else {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      out.push(wrap(new OTLPTraceExporter(), o.processor ?? 'batch'));
    }
  }
  return out;
}

/**
 * Starts tracing when the environment asks for it (or an exporter is given) and registers it as this
 * process's global tracer provider, W3C propagator and async-local context manager.
 * Returns null when tracing stays off, or when another provider is already registered (its spans then
 * include the node's).
 * @throws `invalid_request` naming the OTEL_* variable that has a value the node cannot honour.
 */
export async function startTracing(o: StartTracingOptions = {}): Promise<Tracing | null> {
  const config = resolveTracingConfig(o.env ?? process.env);
  if (!config && !o.exporter) return null;
  const [{ BasicTracerProvider }, { AsyncLocalStorageContextManager }, core, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);
  const attributes: Record<string, string> = { 'service.name': config?.serviceName ?? 'solo' };
  if (o.serviceVersion !== undefined) attributes['service.version'] = o.serviceVersion;
  if (o.instanceId !== undefined) attributes['service.instance.id'] = o.instanceId;
  // OTEL_RESOURCE_ATTRIBUTES (the env detector) wins over the node's own attributes, as the spec asks.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes(attributes))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new BasicTracerProvider({ resource, sampler: await createSampler(config), spanProcessors: await createProcessors(config, o) });
  if (!trace.setGlobalTracerProvider(provider)) {
    await provider.shutdown();
    o.log?.warn('another OpenTelemetry tracer provider is registered in this process; the node uses it');
    return null;
  }
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  const ownsContext = context.setGlobalContextManager(contextManager);
  const ownsPropagator = propagation.setGlobalPropagator(
    new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] }),
  );
  if (o.log) diag.setLogger(diagLogger(o.log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  o.log?.info('tracing started', { exporters: o.exporter ? ['custom'] : (config?.exporters ?? []), protocol: config?.protocol, sampler: config?.sampler });
  let stopping: Promise<void> | null = null;
  return {
    forceFlush: () => provider.forceFlush().catch((err: unknown) => o.log?.warn('tracing: spans could not be exported', { error: String(err) })),
    shutdown: () =>
      (stopping ??= (async () => {
        // A collector that is down must not keep the node from stopping (the exporter retries for up to
        // OTEL_EXPORTER_OTLP_TIMEOUT): after a bounded wait the last spans are given up and the stop goes on.
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<'gave_up'>((r) => (timer = setTimeout(() => r('gave_up'), SHUTDOWN_WAIT_MS)));
        const outcome = await Promise.race([
          provider.shutdown().then(
            () => 'flushed' as const,
            (err: unknown) => String(err),
          ),
          gaveUp,
        ]);
        clearTimeout(timer);
        if (outcome !== 'flushed') o.log?.warn('tracing: the last spans could not be exported', { error: outcome === 'gave_up' ? `no answer within ${SHUTDOWN_WAIT_MS} ms` : outcome });
        trace.disable();
        if (ownsContext) context.disable();
        else contextManager.disable();
        if (ownsPropagator) propagation.disable();
        if (o.log) diag.disable();
      })()),
  };
}
