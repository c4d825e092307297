import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_LIMITS } from '@solo/protocol';
import { resolveServiceLimits } from '@solo/kernel';

const DEFAULTS = Object.fromEntries(Object.entries(SERVICE_LIMITS).map(([k, b]) => [k, b.default]));

describe('resolveServiceLimits', () => {
  it('applies every default', () => {
    assert.deepEqual(resolveServiceLimits(undefined), { ...DEFAULTS, memory_mb: 32, cpu_ms: 1000, wall_ms: 5000 });
  });
  it('keeps values within bounds', () => {
    assert.deepEqual(resolveServiceLimits({ memory_mb: 64, cpu_ms: 10 }), { ...DEFAULTS, memory_mb: 64, cpu_ms: 10, wall_ms: 5000 });
  });
  it('refuses values out of bounds or not integers with invalid_request', () => {
    for (const bad of [{ memory_mb: 1 }, { memory_mb: 4096 }, { cpu_ms: 0 }, { wall_ms: 1.5 }, { cpu_ms: Number.NaN }]) {
      assert.throws(() => resolveServiceLimits(bad), { code: 'invalid_request' }, JSON.stringify(bad));
    }
  });
});
