// Whether and how the node exports traces, decided from the standard OTEL_* variables. Pure: the caller
// passes the environment. Tracing is off unless an exporter or an OTLP endpoint is named.
import { SoloError } from '@solo/protocol';

/** OTLP encodings the node can export with. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
/** One OTLP encoding. */
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** Samplers of `OTEL_TRACES_SAMPLER`. */
export const TRACE_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
/** One sampler name. */
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

/** The resolved tracing configuration; `null` from {@link resolveTracingConfig} means tracing is off. */
export interface TracingConfig {
  /** Where spans go: OTLP over HTTP, and/or the console (one JSON object per span, for debugging). */
  exporters: ('otlp' | 'console')[];
  protocol: OtlpProtocol;
  sampler: TraceSamplerName;
  /** Ratio of the `traceidratio` samplers, 0–1. */
  samplerRatio: number;
  /** `OTEL_SERVICE_NAME`. @default 'solo' */
  serviceName: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function invalid(name: string, message: string): SoloError {
  return new SoloError('invalid_request', `${name}: ${message}`, { details: { field: name } });
}

function exportersOf(env: Env): TracingConfig['exporters'] {
  const raw = value(env, 'OTEL_TRACES_EXPORTER');
  if (raw === undefined) return value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') || value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ? ['otlp'] : [];
  const names = raw.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (names.includes('none')) return [];
  const out: TracingConfig['exporters'] = [];
  for (const n of names) {
    if (n !== 'otlp' && n !== 'console') throw invalid('OTEL_TRACES_EXPORTER', `'${n}' is not supported. Use otlp, console or none.`);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * Reads the tracing configuration from `env`: `OTEL_SDK_DISABLED`, `OTEL_TRACES_EXPORTER`,
 * `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT`, `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`, `OTEL_TRACES_SAMPLER(_ARG)`
 * and `OTEL_SERVICE_NAME`. Returns null when tracing is off (the default).
 * @throws `invalid_request` naming the variable when one has a value the node cannot honour.
 */
export function resolveTracingConfig(env: Env): TracingConfig | null {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return null;
  const exporters = exportersOf(env);
  if (exporters.length === 0) return null;
  const protocolName = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = value(env, protocolName) ?? 'http/protobuf';
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw invalid(protocolName, `'${protocol}' is not supported. Use http/protobuf (the default) or http/json.`);
  }
  const sampler = value(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase() ?? 'parentbased_always_on';
  if (!(TRACE_SAMPLERS as readonly string[]).includes(sampler)) {
    throw invalid('OTEL_TRACES_SAMPLER', `'${sampler}' is not supported. Use one of: ${TRACE_SAMPLERS.join(', ')}.`);
  }
  const arg = value(env, 'OTEL_TRACES_SAMPLER_ARG');
  const samplerRatio = arg === undefined ? 1 : Number(arg);
  if (!Number.isFinite(samplerRatio) || samplerRatio < 0 || samplerRatio > 1) {
    throw invalid('OTEL_TRACES_SAMPLER_ARG', `'${arg ?? ''}' is not a ratio between 0 and 1.`);
  }
  return {
    exporters,
    protocol: protocol as OtlpProtocol,
    sampler: sampler as TraceSamplerName,
    samplerRatio,
    serviceName: value(env, 'OTEL_SERVICE_NAME') ?? 'solo',
  };
}
