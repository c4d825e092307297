// The static analysis deploy runs on every service source: analyzeService on a generated 2,000-line service
// (many typed handlers, not one repeated line), beside esbuild compiling the same source in the same run
// (paired rounds, so both see the same background load). In process, no node needed.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { analyzeService } from '@solo/actor-core';
import { QUICK_PLAN, pairedLatency } from '../lib/latency.ts';
import { baselineRef, type Suite } from '../lib/suite.ts';
import { generateServiceSource } from './analysis-source.ts';

const LINES = 2000;

const M = {
  analysis: `analysis of a ${LINES.toLocaleString('en')}-line service (analyzeService)`,
  esbuild: `baseline: esbuild compile of the same ${LINES.toLocaleString('en')}-line service`,
} as const;

/** The part of esbuild's API the baseline uses. */
interface EsbuildApi {
  build(opts: Record<string, unknown>): Promise<{ outputFiles?: Array<{ text: string }> }>;
}

/**
 * esbuild as compileService runs it. The bench package does not depend on esbuild itself, so it is loaded
 * from @solo/actor-core's own dependencies: the same binary and version deploy uses.
 */
async function loadEsbuild(): Promise<EsbuildApi> {
  const fromActorCore = createRequire(import.meta.resolve('@solo/actor-core'));
  return (await import(pathToFileURL(fromActorCore.resolve('esbuild')).href)) as EsbuildApi;
}

export const analysisSuite: Suite = {
  name: 'analysis',
  plan: () => [{ measure: M.analysis, target: { unit: 'ms', checks: [{ stat: 'p50', max: 20 }] } }, { measure: M.esbuild }],
  async run(ctx, emit) {
    const source = generateServiceSource(LINES);
    const lines = source.split('\n').length;
    const first = analyzeService(source, { filename: 'generated.ts' });
    // A finding on the generated service would be a false positive: it is ordinary code.
    if (first.findings.length > 0) throw new Error(`the generated service has findings: ${JSON.stringify(first.findings.slice(0, 3))}`);
    const esbuild = await loadEsbuild();
    const compile = async (): Promise<void> => {
      const out = await esbuild.build({
        stdin: { contents: source, loader: 'ts', sourcefile: 'generated.ts' },
        bundle: true,
        write: false,
        format: 'esm',
        target: 'es2022',
        platform: 'neutral',
        tsconfigRaw: {},
        legalComments: 'none',
        logLevel: 'silent',
      });
      if (!out.outputFiles?.[0]?.text) throw new Error('esbuild produced no output');
    };
    const [analysis, compiled] = await pairedLatency(
      { name: M.analysis, fn: () => analyzeService(source, { filename: 'generated.ts' }) },
      { name: M.esbuild, fn: compile },
      ctx.pick({ timeMs: 4000, iterations: 120, warmupIterations: 10, rounds: 4 }, { ...QUICK_PLAN, rounds: 1 }),
    );
    const baseline = baselineRef('esbuild compile', compiled);
    emit({ measure: M.esbuild, result: compiled, note: `${lines} lines, ${Buffer.byteLength(source)} bytes` });
    emit({ measure: M.analysis, result: analysis, baseline, note: `${lines} lines; nesting guard + oxc parse (tree by raw transfer, JSON where the 6 GiB buffer is refused) + one walk + 6 rules` });
  },
};
