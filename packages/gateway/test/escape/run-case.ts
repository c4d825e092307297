// Drives one case on a real node: deploys its helpers and the hostile service with the hostile tenant's own token
// (or a token narrowed from it), calls, casts or kills it as the case says, and removes everything afterwards.
import assert from 'node:assert/strict';
import type { Json } from '@solo/protocol';
import { HOSTILE_LIMITS, type Answer, type CaseEnv, type EscapeCase } from './escape-case.ts';
import type { EscapeNode } from './escape-node.ts';

/** What a drive ended with: the answer of the deploy (when the deploy is the outcome, or failed) or of the drive. */
export interface CaseRun {
  phase: 'deploy' | 'drive';
  answer: Answer;
  /** Calls made (for a `call` drive with `upTo`). */
  calls: number;
}

/** A tenant and its own token (as an agent holds it). */
export interface TenantToken {
  tenant: string;
  token: string;
}

/** The node and the tenant the hostile services belong to. */
export interface CaseSetting {
  node: EscapeNode;
  hostile: TenantToken;
  env: CaseEnv;
}

const codeOf = (a: Answer): string | undefined => (a['error'] as { code?: string } | undefined)?.code;

/** Runs `c` up to its outcome. @throws when a helper cannot be deployed (the case itself is then broken). */
export async function runCase(c: EscapeCase, s: CaseSetting): Promise<CaseRun> {
  const api = (verb: string, body: unknown, token = s.hostile.token): Promise<Answer> =>
    s.node.api(s.hostile.tenant, verb, body, token);
  for (const h of c.helpers ?? []) {
    const r = await api('deploy', { service_id: h.name, source: h.source });
    assert.equal(r['ok'], true, `helper ${h.name} did not deploy: ${JSON.stringify(r)}`);
  }
  let token = s.hostile.token;
  if (c.narrowToken !== undefined) {
    const granted = await api('token_grant', {
      permissions: c.narrowToken.permissions,
      services: c.narrowToken.services,
      ttl_s: 3600,
    });
    assert.equal(granted['ok'], true, `could not grant the narrow token: ${JSON.stringify(granted)}`);
    token = String(granted['token']);
  }
  const deployed = await api(
    'deploy',
    { service_id: c.name, source: c.source, limits: { ...HOSTILE_LIMITS, ...c.limits }, ...c.supervision },
    token,
  );
  if (c.drive.kind === 'deploy' || deployed['ok'] !== true) return { phase: 'deploy', answer: deployed, calls: 0 };
  switch (c.drive.kind) {
    case 'call': {
      const d = c.drive;
      const message: Json = typeof d.message === 'function' ? d.message(s.env) : d.message;
      const upTo = d.upTo ?? 1;
      let answer: Answer = {};
      let calls = 0;
      while (calls < upTo) {
        answer = await api('call', { service_id: c.name, message, timeout_ms: 5000 });
        calls += 1;
        const code = codeOf(answer);
        if (answer['ok'] !== true && (code === undefined || !(d.through ?? []).includes(code as never))) break;
      }
      return { phase: 'drive', answer, calls };
    }
    case 'cast':
      return { phase: 'drive', answer: await api('cast', { service_id: c.name, message: c.drive.message }), calls: 0 };
    case 'kill':
      return { phase: 'drive', answer: await api('kill', { service_id: c.name, timeout_ms: 2000 }), calls: 0 };
  }
}

/** Kills the case's service and helpers (force), whatever state they are in; a service already gone is fine. */
export async function cleanUpCase(c: EscapeCase, s: CaseSetting): Promise<void> {
  for (const service of [c.name, ...(c.helpers ?? []).map((h) => h.name)]) {
    const r = await s.node.api(s.hostile.tenant, 'kill', { service_id: service, force: true }, s.hostile.token);
    assert.ok(r['ok'] === true || codeOf(r) === 'not_found', `could not kill ${service}: ${JSON.stringify(r)}`);
  }
}
