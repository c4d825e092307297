// The per-service log level (deploy option log_level) that filters ctx.log (issue #8).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Json, ServiceLogLevel } from '@solo/protocol';
import { logLevelPasses, serviceLogLevel } from '../src/service-log-level.ts';

describe('service log level', () => {
  it('lets a line through only at or above the service level', () => {
    const table: [ServiceLogLevel, ServiceLogLevel, boolean][] = [
      ['debug', 'debug', true],
      ['debug', 'error', true],
      ['info', 'debug', false],
      ['info', 'info', true],
      ['warn', 'info', false],
      ['warn', 'warn', true],
      ['error', 'warn', false],
      ['error', 'error', true],
    ];
    for (const [min, level, passes] of table) assert.equal(logLevelPasses(min, level), passes, `${min} lets ${level} through`);
  });

  it('reads the level from the record options, debug when absent or unknown', () => {
    const rec = (options: Record<string, Json>): { options: Record<string, Json> } => ({ options });
    assert.equal(serviceLogLevel(rec({ log_level: 'warn' })), 'warn');
    assert.equal(serviceLogLevel(rec({})), 'debug');
    assert.equal(serviceLogLevel(rec({ log_level: 'loud' })), 'debug');
    assert.equal(serviceLogLevel(rec({ log_level: 3 })), 'debug');
  });
});
