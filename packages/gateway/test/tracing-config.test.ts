// Reading the OTEL_* variables: tracing is off unless an exporter or endpoint is named, and values the
// node cannot honour are refused with the variable's name (issue #8).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTracingConfig } from '../src/telemetry/tracing-config.ts';

describe('resolveTracingConfig', () => {
  it('is off by default and when disabled', () => {
    const off: Record<string, string>[] = [
      {},
      { OTEL_SERVICE_NAME: 'x' },
      { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' },
      { OTEL_TRACES_EXPORTER: '' },
    ];
    for (const env of off) assert.equal(resolveTracingConfig(env), null, JSON.stringify(env));
  });

  it('turns on with an OTLP endpoint or an exporter, with the spec defaults', () => {
    assert.deepEqual(resolveTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), {
      exporters: ['otlp'],
      protocol: 'http/protobuf',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      serviceName: 'solo',
    });
    assert.deepEqual(resolveTracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })?.exporters, ['otlp']);
    assert.deepEqual(resolveTracingConfig({ OTEL_TRACES_EXPORTER: 'console,otlp,console' })?.exporters, ['console', 'otlp']);
  });

  it('honours protocol, sampler and service name', () => {
    const c = resolveTracingConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_SERVICE_NAME: 'solo-eu-1',
    });
    assert.equal(c?.protocol, 'http/json');
    assert.equal(c?.sampler, 'parentbased_traceidratio');
    assert.equal(c?.samplerRatio, 0.25);
    assert.equal(c?.serviceName, 'solo-eu-1');
  });

  it('refuses values it cannot honour, naming the variable', () => {
    const bad: [Record<string, string>, string][] = [
      [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER'],
      [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
      [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER'],
      [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER_ARG: '2' }, 'OTEL_TRACES_SAMPLER_ARG'],
    ];
    for (const [env, field] of bad) {
      assert.throws(() => resolveTracingConfig(env), (err: { code?: string; details?: { field?: string }; message?: string }) => {
        assert.equal(err.code, 'invalid_request');
        assert.equal(err.details?.field, field);
        assert.match(err.message ?? '', new RegExp(field));
        return true;
      });
    }
  });
});
