// Who may publish and subscribe to what on the embedded nats-server: the kernel, the operator (local CLI and
// admin tools) and one user per tenant. Pure: the NatsAuthority renders these into auth.conf.
import {
  adminApiSubject,
  parseTenantId,
  serviceSubject,
  tenantApiSubject,
  type ServiceId,
  type TenantId,
} from '@solo/protocol';

/** Publish and subscribe allow-lists of one NATS user. */
export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
}

/**
 * Inbox prefix of the operator's connections. It can never equal or overlap a tenant's `_INBOX_<tenant>`
 * (those all start with `_INBOX_`), nor the kernel's default `_INBOX`.
 */
export const OPERATOR_INBOX_PREFIX = '_SOLO_OPS_INBOX';

/** Inbox prefix of the kernel's own connection: nats.js's default. */
export const KERNEL_INBOX_PREFIX = '_INBOX';

// Subject builders are reused with wildcard tokens (`*` for any tenant, `>` for any verb or service), so the
// subject layout stays defined only in protocol's names.ts.
const ANY_TENANT = '*' as TenantId;
const ANY_SERVICE = '>' as ServiceId;
const ANY_VERB = '>';

/**
 * The inbox prefix a tenant's client must use (`_INBOX_<tenant>`): replies to its requests and the node's
 * heartbeat requests arrive under it, and it is the only thing the tenant may subscribe to.
 * @throws `invalid_request` when `tenant` is not a valid tenant id.
 */
export function tenantInboxPrefix(tenant: string): string {
  return `_INBOX_${parseTenantId(tenant)}`;
}

/**
 * What a tenant's NATS user may do: publish its own API verbs and service calls, subscribe its own inbox.
 * Nothing else (no `$JS.API.>`, no other tenant, no streams). This is also what an operator must configure
 * for a tenant on an external NATS server. Responses to requests it receives are allowed separately
 * (`allow_responses`).
 * @throws `invalid_request` when `tenant` is not a valid tenant id.
 */
export function tenantPermissions(tenant: string): NatsPermissions {
  const t = parseTenantId(tenant);
  return {
    publish: [tenantApiSubject(t, ANY_VERB), serviceSubject(t, ANY_SERVICE)],
    subscribe: [`${tenantInboxPrefix(t)}.>`],
  };
}

/** The operator acts for any tenant (always with the admin token, checked by the node) and on the admin API. */
export function operatorPermissions(): NatsPermissions {
  return {
    publish: [
      adminApiSubject(ANY_VERB),
      tenantApiSubject(ANY_TENANT, ANY_VERB),
      serviceSubject(ANY_TENANT, ANY_SERVICE),
    ],
    subscribe: [`${OPERATOR_INBOX_PREFIX}.>`],
  };
}

/** The node's own connection may do everything: it owns the streams, the doors and the mailboxes. */
export function kernelPermissions(): NatsPermissions {
  return { publish: ['>'], subscribe: ['>'] };
}
