// Tokens for the door tests: a real tenant made through the operator verb `tenant_create` (its own token, as an
// agent would hold it), and narrower tokens granted through the NATS door.
import assert from 'node:assert/strict';
import { headers } from 'nats';
import { HEADERS, adminApiSubject, type SoloCredentials } from '@solo/protocol';
import { uniqueName } from '@solo/testkit';
import type { NodeFixture } from './node-fixture.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A tenant and its own token. */
export interface TenantToken {
  tenant: string;
  token: string;
}

/** Creates a tenant with `solo.admin.api.tenant_create` (admin token in `Solo-Token`) and returns its token. */
export async function createTenant(f: NodeFixture, prefix = 't'): Promise<TenantToken> {
  const tenant = uniqueName(prefix);
  const h = headers();
  h.set(HEADERS.token, f.adminToken);
  const m = await f.nc.request(adminApiSubject('tenant_create'), enc.encode(JSON.stringify({ tenant })), { timeout: 15_000, headers: h });
  const r = JSON.parse(dec.decode(m.data)) as { ok: boolean; credentials?: SoloCredentials };
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.ok(r.credentials);
  return { tenant, token: r.credentials.token };
}

/** Grants a token of `tenant` with `permissions` (by the admin token unless `by` is given) over NATS. */
export async function grantToken(f: NodeFixture, tenant: string, grant: Record<string, unknown>, by?: string): Promise<string> {
  const r = await f.api(tenant, 'token_grant', grant, undefined, by ?? f.adminToken);
  assert.equal(r['ok'], true, JSON.stringify(r));
  return r['token'] as string;
}

/** A token whose signature no longer verifies: the first character of its signature changed. */
export function forged(token: string): string {
  const cut = token.lastIndexOf('.') + 1;
  const first = token[cut] === 'A' ? 'B' : 'A';
  return `${token.slice(0, cut)}${first}${token.slice(cut + 1)}`;
}
