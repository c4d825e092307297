// The tenant's security verbs on any door: validate (static analysis without deploying), tokens (grant never wider than the caller, revoke, list) and
// secrets (set, list, exists, delete — values never come back).
import type { ApiVerb, TenantId } from '@solo/protocol';
import type { Kernel, Principal, RequestMeta } from '@solo/kernel';
import { analyzeService } from '@solo/actor-core';
import { parseNoFields, parseValidate, parseSecretRef, parseSecretSet, parseTokenGrant, parseTokenRevoke } from './security-schemas.ts';

/** The security verbs a door hands over. */
export type SecurityVerb = Extract<ApiVerb, 'validate' | 'token_grant' | 'token_revoke' | 'token_list' | 'secret_set' | 'secret_list' | 'secret_exists' | 'secret_delete'>;

/** Runs one security verb for `principal`. */
export async function dispatchSecurityVerb(kernel: Kernel, principal: Principal, verb: SecurityVerb, body: unknown, meta: RequestMeta): Promise<Record<string, unknown>> {
  const tenant: TenantId = principal.tenant;
  switch (verb) {
    case 'validate': {
      // Analysis only: nothing is compiled, stored or run.
      const r = parseValidate(body);
      const report = analyzeService(r.source, { filename: r.filename ?? 'service.ts' });
      return { valid: report.ok, findings: report.findings, duration_ms: report.duration_ms };
    }
    case 'token_grant': {
      const r = await kernel.security.tokens.grant(principal.cap, tenant, parseTokenGrant(body), meta);
      return { token: r.token, info: r.info };
    }
    case 'token_revoke':
      return { ...(await kernel.security.tokens.revoke(principal.cap, tenant, parseTokenRevoke(body).token_id, meta)) };
    case 'token_list':
      parseNoFields(body);
      return { tokens: kernel.security.tokens.list(tenant) };
    case 'secret_set': {
      const r = parseSecretSet(body);
      return { secret: await kernel.secrets.set(tenant, r.name, r.value, meta) };
    }
    case 'secret_list':
      parseNoFields(body);
      return { secrets: kernel.secrets.list(tenant) };
    case 'secret_exists': {
      const { name } = parseSecretRef(body);
      return { name, exists: kernel.secrets.exists(tenant, name) };
    }
    case 'secret_delete': {
      const { name } = parseSecretRef(body);
      return { name, deleted: await kernel.secrets.delete(tenant, name, meta) };
    }
  }
}
