// Test helper: compiles the fixture services under test/fixtures/ (once each) and builds spawn specs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResolvedServiceLimits, SandboxLimits } from '@solo/protocol';
import { compileService, type SpawnSpec } from '../src/index.ts';

const cache = new Map<string, Promise<string>>();

/** The source text of `test/fixtures/<name>.ts`. */
export function fixtureSource(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url)), 'utf8');
}

/** The compiled code of a fixture. */
export function fixtureCode(name: string): Promise<string> {
  let code = cache.get(name);
  if (code === undefined) {
    code = compileService(fixtureSource(name), { filename: `${name}.ts` }).then((c) => c.code);
    cache.set(name, code);
  }
  return code;
}

/** Roomy limits, so that a loaded test machine does not trip them by accident. */
export const TEST_LIMITS: SandboxLimits = { memory_mb: 32, cpu_ms: 2000, wall_ms: 5000 };

/** A spawn spec for a fixture. */
export async function fixtureSpec(name: string, opts: { tenant?: string; service?: string; limits?: Partial<ResolvedServiceLimits> } = {}): Promise<SpawnSpec> {
  return {
    tenant: opts.tenant ?? 'acme',
    service: opts.service ?? name,
    code: await fixtureCode(name),
    limits: { ...TEST_LIMITS, ...opts.limits },
  };
}
