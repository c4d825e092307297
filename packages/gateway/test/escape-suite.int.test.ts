// Issue #6: the sandbox escape suite. Every hostile service in test/escape/ is deployed by a real tenant's token on
// a real node (embedded nats-server, LMDB; in a child process, so a service that kills its node is a failed case
// and not a dead test runner) and must end contained: its deploy refused, or it crashed, or its request refused or
// throttled. After each case the node must answer `health`, a bystander tenant's counter must answer with the
// right count, and the node's RSS must stay under its baseline + 256 MiB. See docs/ESCAPE-SUITE.md.
//
// The node runs its services in sandbox host processes (the default); SOLO_ESCAPE_SANDBOX=isolate runs them in the
// node's own process instead (escape-suite-isolate.int.test.ts does, for the memory bombs and floods);
// SOLO_ESCAPE_CASES=name,name runs only those cases.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_KINDS, type SandboxKind } from '@solo/gateway';
import type { SoloCredentials } from '@solo/protocol';
import { uniqueName, waitFor } from '@solo/testkit';
import { example } from './node-fixture.ts';
import { assertOutcome, describeOutcome } from './escape/assert-outcome.ts';
import { createCaseProbe } from './escape/case-probe.ts';
import { ESCAPE_CASES } from './escape/cases.ts';
import { startEscapeNode, type EscapeNode } from './escape/escape-node.ts';
import { cleanUpCase, runCase, type CaseRun, type CaseSetting, type TenantToken } from './escape/run-case.ts';

const MIB = 1024 * 1024;
/** How far the node's RSS may grow over its baseline, after any case and at the end. Generous: it is no benchmark. */
const RSS_HEADROOM_BYTES = 256 * MIB;
const BYSTANDER_SERVICE = 'counter';
const BYSTANDER_SECRET = 'api_key';

const sandbox = (process.env['SOLO_ESCAPE_SANDBOX'] ?? 'process') as SandboxKind;
assert.ok(
  (SANDBOX_KINDS as readonly string[]).includes(sandbox),
  `SOLO_ESCAPE_SANDBOX must be one of ${SANDBOX_KINDS.join(', ')}`,
);
const only = new Set((process.env['SOLO_ESCAPE_CASES'] ?? '').split(',').filter((n) => n !== ''));
const cases = only.size === 0 ? ESCAPE_CASES : ESCAPE_CASES.filter((c) => only.has(c.name));

/** One node and its two tenants; a new one starts when a case killed the node. */
interface Session {
  node: EscapeNode;
  hostile: TenantToken;
  bystander: TenantToken;
  setting: CaseSetting;
  /** The bystander's count as it must be after its last answered `inc`. */
  bystanderCount: number;
  baselineRss: number;
}

const mib = (bytes: number | null): number | null => (bytes === null ? null : Math.round(bytes / MIB));

async function createTenant(node: EscapeNode, prefix: string): Promise<TenantToken> {
  const tenant = uniqueName(prefix);
  const r = await node.admin('tenant_create', { tenant });
  assert.equal(r['ok'], true, JSON.stringify(r));
  return { tenant, token: (r['credentials'] as SoloCredentials).token };
}

/** Health answers, and the bystander tenant's counter answers `inc` with the next count. */
async function assertNodeServesBystander(s: Session): Promise<void> {
  const health = await s.node.api(s.bystander.tenant, 'health', {}, s.bystander.token);
  assert.equal(health['ok'], true, JSON.stringify(health));
  assert.equal(health['status'], 'ready', JSON.stringify(health));
  const want = s.bystanderCount + 1;
  const r = await s.node.api(
    s.bystander.tenant,
    'call',
    { service_id: BYSTANDER_SERVICE, message: { op: 'inc' }, timeout_ms: 5000 },
    s.bystander.token,
  );
  const got = (r['reply'] as { count?: unknown } | undefined)?.count;
  // Follow the count the service reports, so one wrong answer fails one case and not every case after it.
  if (typeof got === 'number') s.bystanderCount = got;
  assert.equal(got, want, `the bystander's counter answered ${JSON.stringify(r)}`);
}

async function openSession(): Promise<Session> {
  const node = await startEscapeNode({ sandbox });
  try {
    const hostile = await createTenant(node, 'hostile');
    const bystander = await createTenant(node, 'bystander');
    const deployed = await node.api(
      bystander.tenant,
      'deploy',
      { service_id: BYSTANDER_SERVICE, source: example('counter') },
      bystander.token,
    );
    assert.equal(deployed['ok'], true, JSON.stringify(deployed));
    const secret = await node.api(
      bystander.tenant,
      'secret_set',
      { name: BYSTANDER_SECRET, value: 'bystander-only' },
      bystander.token,
    );
    assert.equal(secret['ok'], true, JSON.stringify(secret));
    const setting: CaseSetting = {
      node,
      hostile,
      env: { bystanderTenant: bystander.tenant, bystanderSecret: BYSTANDER_SECRET },
    };
    const s: Session = { node, hostile, bystander, setting, bystanderCount: 0, baselineRss: 0 };
    await assertNodeServesBystander(s);
    s.baselineRss = node.rssBytes() ?? 0;
    return s;
  } catch (err) {
    await node.close();
    throw err;
  }
}

let session: Session | null = null;
/** Per case: RSS of the node and of its nats-server right after the drive, in MiB, and how the node ended. */
const measured: Array<{ name: string; rssMib: number | null; natsRssMib: number | null; died: string | null }> = [];

/** The running session, or a fresh one when the last case killed the node. */
async function currentSession(): Promise<Session> {
  if (session !== null && session.node.death() === null) return session;
  if (session !== null) await session.node.close();
  session = await openSession();
  return session;
}

/** Fails when the node process died, quoting how and its last output. */
function assertNodeAlive(s: Session): void {
  const d = s.node.death();
  if (d !== null)
    assert.fail(`the node process died (code ${d.code}, signal ${d.signal}) while this case ran:\n${d.outputTail}`);
}

before(async () => {
  await currentSession();
});

after(async () => {
  await session?.node.close();
});

describe('the case manifest', () => {
  it('names every case once, as a valid service id', () => {
    const names = ESCAPE_CASES.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^[a-z0-9][a-z0-9_-]{0,62}$/);
  });
});

for (const c of cases) {
  const todo = c.openHole !== undefined && c.openHole.sandboxes.includes(sandbox) ? `open hole: ${c.openHole.why}` : undefined;
  describe(c.name, () => {
    let s: Session;
    let run: CaseRun | undefined;
    let driveError: unknown;
    let rssAfter: number | null = null;

    before(async () => {
      s = await currentSession();
      try {
        run = await runCase(c, s.setting);
      } catch (err) {
        driveError = err;
        // A request that failed may mean the node is dying: give its exit a moment to be seen.
        await waitFor(() => s.node.death() !== null, { timeoutMs: 2000 }).catch(() => undefined);
      }
      rssAfter = s.node.rssBytes();
      const d = s.node.death();
      measured.push({
        name: c.name,
        rssMib: mib(rssAfter),
        natsRssMib: mib(s.node.natsRssBytes()),
        died: d === null ? null : String(d.signal ?? d.code),
      });
    });

    after(async () => {
      if (s.node.death() === null) await cleanUpCase(c, s.setting);
    });

    it(describeOutcome(c), { todo }, async () => {
      assertNodeAlive(s);
      if (driveError !== undefined) throw driveError;
      assert.ok(run, 'the case did not run');
      await assertOutcome(c, run, createCaseProbe(s.node, s.hostile.tenant, s.hostile.token, c.name));
    });

    if (c.verify !== undefined) {
      const verify = c.verify;
      it('reaches nothing beyond its own isolate and incarnation', { todo }, async () => {
        assertNodeAlive(s);
        await verify(createCaseProbe(s.node, s.hostile.tenant, s.hostile.token, c.name));
      });
    }

    it('leaves the node alive and healthy, the bystander answered and the node RSS bounded', { todo }, async () => {
      assertNodeAlive(s);
      await assertNodeServesBystander(s);
      assertNodeAlive(s);
      assert.ok(
        rssAfter !== null && rssAfter <= s.baselineRss + RSS_HEADROOM_BYTES,
        `the node's RSS reached ${mib(rssAfter)} MiB after this case, over its baseline ${mib(s.baselineRss)} MiB + ${mib(RSS_HEADROOM_BYTES)} MiB`,
      );
    });
  });
}

describe('the node after every case', () => {
  it('still serves the bystander and stays under its RSS bound', async (t) => {
    const s = await currentSession();
    await assertNodeServesBystander(s);
    const rss = s.node.rssBytes();
    const peak = measured.reduce(
      (m, x) => ((x.rssMib ?? 0) > (m.rssMib ?? 0) ? x : m),
      measured[0] ?? { name: 'none', rssMib: 0, natsRssMib: null, died: null },
    );
    t.diagnostic(
      `sandbox ${sandbox}; node RSS: baseline ${mib(s.baselineRss)} MiB, peak ${peak.rssMib} MiB (after ${peak.name}), end ${mib(rss)} MiB`,
    );
    const nats = measured.map((x) => x.natsRssMib).filter((x): x is number => x !== null);
    if (nats.length > 0) t.diagnostic(`nats-server RSS: ${Math.min(...nats)}..${Math.max(...nats)} MiB`);
    const deaths = measured.filter((x) => x.died !== null);
    if (deaths.length > 0)
      t.diagnostic(`the node died during: ${deaths.map((x) => `${x.name} (${x.died})`).join(', ')}`);
    assert.ok(
      rss !== null && rss <= s.baselineRss + RSS_HEADROOM_BYTES,
      `the node's RSS is ${mib(rss)} MiB at the end, over ${mib(s.baselineRss)} + ${mib(RSS_HEADROOM_BYTES)} MiB`,
    );
  });
});
