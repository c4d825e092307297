// deploy/grafana/solo-dashboard.json only queries metrics a real node exports: every metric name in every
// panel query and variable is checked against the scrape of a node that deployed, called and crashed a
// service (issue #8).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uniqueName, waitFor } from '@solo/testkit';
import { example, startNodeFixture, type NodeFixture } from './node-fixture.ts';
import { sampleNames, sampleValue, scrapeMetrics } from './metrics-scrape.ts';

const DASHBOARD = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy', 'grafana', 'solo-dashboard.json');

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}
interface Dashboard {
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query?: string | { query?: string } }[] };
}

/** Every PromQL expression of the dashboard, with where it comes from. */
function queries(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel '${p.title ?? '?'}'`, expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(d.panels);
  for (const v of d.templating.list) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    if (q && /label_values|query_result/.test(q)) out.push({ where: `variable '${v.name}'`, expr: q });
  }
  return out;
}

// Metric names in PromQL: identifiers of Solo's and the process metrics (functions, labels and keywords
// such as `sum`, `by`, `le` never start with these prefixes).
const METRIC = /\b((?:solo|process|nodejs)_[a-zA-Z0-9_]+)\b/g;

let f: NodeFixture;
before(async () => {
  f = await startNodeFixture();
  // Traffic that gives every series a sample: a deploy, a call, a crash and its restart.
  const t = uniqueName();
  assert.equal((await f.api(t, 'deploy', { service_id: 'crashy', source: example('crashy') }))['ok'], true);
  assert.equal((await f.api(t, 'call', { service_id: 'crashy', message: {} }))['ok'], true);
  await f.api(t, 'call', { service_id: 'crashy', message: { op: 'crash' } });
  await waitFor(async () => sampleValue(await scrapeMetrics(f.node.info.http_url), 'solo_service_restarts_total', { tenant: t }) === 1, { timeoutMs: 15_000 });
});
after(async () => {
  await f.close();
});

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;

  it('has the panels the issue asks for', () => {
    const titles = dashboard.panels.map((p) => p.title ?? '').join(' | ');
    for (const want of [/services running per tenant/i, /events over time/i, /memory|cpu/i, /error rate/i, /latency percentiles/i, /restarts/i]) {
      assert.match(titles, want);
    }
  });

  it('queries only metrics the node exports', async () => {
    const exported = sampleNames(await scrapeMetrics(f.node.info.http_url));
    const all = queries(dashboard);
    assert.ok(all.length >= 15, `only ${all.length} queries found`);
    const missing: string[] = [];
    for (const q of all) {
      const names = [...q.expr.matchAll(METRIC)].map((m) => m[1] ?? '');
      assert.ok(names.length > 0, `${q.where} names no metric: ${q.expr}`);
      for (const n of names) if (!exported.has(n)) missing.push(`${q.where}: ${n}`);
    }
    assert.deepEqual(missing, []);
  });
});
