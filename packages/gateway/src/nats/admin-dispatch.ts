// The operator's verbs (`solo.admin.api.<verb>`): tenants, the audit trail, master-key rotation, health and
// shutdown. The caller has checked the admin token.
import { ADMIN_VERBS, SoloError, parseTenantId, type Capability } from '@solo/protocol';
import type { AuditLog, Kernel, RequestMeta } from '@solo/kernel';
import { parseAuditExport, parseNoFields, parseTenantCreate, parseTenantRef, parseTenantSetLimits } from './security-schemas.ts';

/** What the operator verbs reach. */
export interface AdminDispatchDeps {
  kernel: Kernel;
  audit: AuditLog | undefined;
  onShutdown: (() => void) | undefined;
}

/** Runs one operator verb (everything but `state`, which the door answers itself). */
export async function dispatchAdmin(d: AdminDispatchDeps, cap: Capability, verb: string, body: unknown, meta: RequestMeta): Promise<Record<string, unknown>> {
  const { kernel } = d;
  switch (verb) {
    case 'health':
      return { ...kernel.health() };
    case 'tenant_create': {
      const r = parseTenantCreate(body);
      return { ...(await kernel.tenantAdmin.create(r.tenant, r.limits, meta)) };
    }
    case 'tenant_list':
      parseNoFields(body);
      return { tenants: kernel.tenantAdmin.list() };
    case 'tenant_show':
      return { tenant: kernel.tenantAdmin.show(parseTenantId(parseTenantRef(body).tenant)) };
    case 'tenant_set_limits': {
      const r = parseTenantSetLimits(body);
      return { tenant: await kernel.tenantAdmin.setLimits(parseTenantId(r.tenant), r.limits, meta) };
    }
    case 'tenant_delete':
      return { ...(await kernel.tenantAdmin.delete(cap, parseTenantId(parseTenantRef(body).tenant), meta)) };
    case 'tenant_rotate_nats':
      return { nats: await kernel.tenantAdmin.rotateNats(parseTenantId(parseTenantRef(body).tenant)) };
    case 'audit_export': {
      if (d.audit === undefined) throw new SoloError('unavailable', 'This node keeps no audit trail.');
      const q = parseAuditExport(body);
      const query: { tenant?: string; since?: Date; limit: number } = { limit: q.limit ?? 1000 };
      if (q.tenant !== undefined) query.tenant = parseTenantId(q.tenant);
      if (q.since !== undefined) query.since = new Date(q.since);
      return { ...(await d.audit.export(query)) };
    }
    case 'secrets_rotate_master':
      parseNoFields(body);
      return { ...(await kernel.secrets.rotateMaster(meta)) };
    case 'shutdown':
      parseNoFields(body);
      if (d.onShutdown === undefined) throw new SoloError('unavailable', 'This node cannot be stopped through its API.');
      setImmediate(d.onShutdown);
      return { stopping: true };
    default:
      throw new SoloError('invalid_request', `Unknown admin verb '${verb}'. Verbs: ${ADMIN_VERBS.join(', ')}.`, { details: { verb } });
  }
}
