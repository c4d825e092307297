// The security part of the kernel state, as a reducer over the event log: tenant accounts (limits), the
// persistent tokens the node granted (never their text) and revocations. Pure.
import type { Json, Permission, ResolvedTenantLimits, SoloEvent, TokenRateLimit } from '@solo/protocol';
import type { KernelState } from './kernel-state.ts';

/** A created tenant, at `state.tenants[tenant].account`. */
export interface TenantAccount {
  limits: ResolvedTenantLimits;
  created_at: string;
}

/** A persistent token the node granted, at `state.tokens[token_id]`. */
export interface TokenRecord {
  token_id: string;
  tenant: string;
  permissions: Permission[];
  services: string[];
  /** ms since the epoch, or null. */
  exp: number | null;
  rate_limit: TokenRateLimit | null;
  persistent: boolean;
  label: string | null;
  granted_at: string;
  ancestors: string[];
}

/** A revoked token id, at `state.revocations[token_id]`: applies to tokens of `tenant` (or any, for `*`). */
export interface RevocationRecord {
  tenant: string;
  at: string;
}

function obj(v: unknown): Record<string, Json> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, Json>) : null;
}

/** The account of a created tenant, or null. */
export function tenantAccount(state: KernelState, tenant: string): TenantAccount | null {
  const a = obj(obj(state.tenants[tenant])?.['account']);
  return a ? (a as unknown as TenantAccount) : null;
}

/** Applies the security events; returns false for other types. */
export function applySecurityEvent(state: KernelState, ev: SoloEvent): boolean {
  const d = ev.data;
  switch (ev.type) {
    case 'tenant_created':
    case 'tenant_limits_set': {
      if (ev.tenant === null) return true;
      const prev = obj(state.tenants[ev.tenant]) ?? {};
      const prevAccount = tenantAccount(state, ev.tenant);
      const account: TenantAccount = { limits: d['limits'] as ResolvedTenantLimits, created_at: prevAccount?.created_at ?? ev.at };
      state.tenants[ev.tenant] = { ...prev, account: account as unknown as Json };
      return true;
    }
    case 'tenant_deleted':
      if (ev.tenant !== null) delete state.tenants[ev.tenant];
      return true;
    case 'capability_granted': {
      if (d['persistent'] !== true || typeof d['token_id'] !== 'string') return true;
      const rec: TokenRecord = {
        token_id: d['token_id'],
        tenant: String(d['token_tenant'] ?? ev.tenant ?? ''),
        permissions: d['permissions'] as Permission[],
        services: d['services'] as string[],
        exp: typeof d['exp'] === 'number' ? d['exp'] : null,
        rate_limit: (d['rate_limit'] ?? null) as TokenRateLimit | null,
        persistent: true,
        label: typeof d['label'] === 'string' ? d['label'] : null,
        granted_at: ev.at,
        ancestors: (d['ancestors'] ?? []) as string[],
      };
      state.tokens[rec.token_id] = rec as unknown as Json;
      return true;
    }
    case 'capability_revoked': {
      if (typeof d['token_id'] !== 'string') return true;
      const rev: RevocationRecord = { tenant: String(d['token_tenant'] ?? ev.tenant ?? '*'), at: ev.at };
      state.revocations[d['token_id']] = rev as unknown as Json;
      return true;
    }
    default:
      return false;
  }
}
