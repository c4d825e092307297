// The NATS door: the tenant API (`solo.t.<tenant>.api.<verb>`) and service calls (`solo.t.<tenant>.svc.<id>`)
// as request/reply with JSON bodies. Every reply is `{ok:true,...}` or `{ok:false,error}` with a stable code.
import { randomUUID } from 'node:crypto';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { createHash } from 'node:crypto';
import {
  API_VERBS,
  HEADERS,
  SoloError,
  adminApiWildcard,
  parseAdminApiSubject,
  doorQueueGroup,
  parseServiceId,
  parseServiceSubject,
  parseTenantApiSubject,
  parseTenantId,
  serviceWildcard,
  tenantApiWildcard,
  toWireError,
  type ApiVerb,
  type Json,
  type TenantId,
} from '@solo/protocol';
import type { AuditLog, Kernel, KernelLogger, NodeMetrics, Principal } from '@solo/kernel';
import { authorizeAdminRequest, authorizeRequest, checkFollowInbox, deployCapability } from '../authorize.ts';
import { dispatchAdmin } from './admin-dispatch.ts';
import { dispatchSecurityVerb } from './security-dispatch.ts';
import { canonicalJson } from '@solo/kernel';
import { FollowManager } from './follow-manager.ts';
import { observeNatsRequest } from './nats-request-observer.ts';
import { serviceIdOf } from '../telemetry/request-observer.ts';
import {
  parseCall,
  parseCast,
  parseDeploy,
  parseEmpty,
  parseEvents,
  parseFollow,
  parseFollowStop,
  parseKill,
  parseList,
  parseLogs,
  parseRef,
  parseWireBody,
} from './request-schemas.ts';
import { parseHistory, parseReplace, parseRollback, parseSwap } from './code-change-schemas.ts';
import { supervisionChange, supervisionRequest, treeRequest } from './supervision-schemas.ts';
import { parseDeregister, parseDiscover, parseRegister, parseServices } from './discovery-schemas.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Options of {@link startNatsDoor}. */
export interface NatsDoorOptions {
  nc: NatsConnection;
  kernel: Kernel;
  log: KernelLogger;
  /** Interval of follow heartbeats. @default 5000 */
  followHeartbeatMs?: number;
  /** Counts and times every request (`solo_api_requests_total`, latency histogram). @default none */
  metrics?: NodeMetrics;
  /** Appends one audit record per request. @default none */
  audit?: AuditLog;
  /** Stops the node (operator verb `shutdown`). @default the verb is refused */
  onShutdown?: () => void;
}

/** The running NATS door. */
export interface NatsDoor {
  /** Number of live follows (event and log tails). */
  readonly follows: number;
  /** Stops taking requests, ends every follow and waits for in-flight requests. */
  stop(): Promise<void>;
}

function decodeBody(msg: Msg): unknown {
  if (msg.data.length === 0) return undefined;
  try {
    return JSON.parse(dec.decode(msg.data)) as unknown;
  } catch {
    throw new SoloError('invalid_request', 'The request body is not valid JSON. Send a JSON object (UTF-8).');
  }
}

/** Subscribes the door's handlers (queue group: one node answers each request). */
export function startNatsDoor(o: NatsDoorOptions): NatsDoor {
  const { nc, kernel, log } = o;
  const follows = new FollowManager({ nc, kernel, log, heartbeatMs: o.followHeartbeatMs ?? 5000 });
  const inflight = new Set<Promise<void>>();
  let accepting = true;

  const reply = (msg: Msg, body: Record<string, unknown>): void => {
    if (!msg.reply) return;
    try {
      msg.respond(enc.encode(JSON.stringify(body)));
    } catch (err) {
      log.warn('could not send a reply', { subject: msg.subject, error: String(err) });
    }
  };
  const fail = (msg: Msg, err: unknown, correlationId: string): void => {
    const wire = toWireError(err);
    if (wire.code === 'internal') log.error('internal error', { subject: msg.subject, correlation_id: correlationId, error: err instanceof Error ? err.stack : String(err) });
    reply(msg, { ok: false, error: wire, correlation_id: correlationId });
  };
  const track = (p: Promise<void>): void => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const handleApi = async (msg: Msg): Promise<void> => {
    const correlationId = msg.headers?.get(HEADERS.correlationId) || randomUUID();
    const obs = observeNatsRequest(msg, correlationId, o);
    try {
      if (!accepting) throw new SoloError('unavailable', 'The node is shutting down; retry against another node or after it restarts.');
      const parsed = parseTenantApiSubject(msg.subject);
      if (!parsed) throw new SoloError('invalid_request', `Unexpected subject '${msg.subject}'.`);
      obs.describe({ tenant: parsed.tenant, verb: parsed.verb });
      const tenant = parseTenantId(parsed.tenant);
      const verb = parsed.verb as ApiVerb;
      const body = decodeBody(msg);
      const service = serviceIdOf(body);
      obs.describe({ service });
      if (verb === 'health') {
        // Like HTTP /health and grpc.health.v1: answered at once, during recovery too, without a token (the
        // subject is the tenant's own, so a tenant's NATS user reaches only its own door).
        parseEmpty(body);
        reply(msg, { ok: true, ...kernel.health() });
        return;
      }
      // Every other verb waits for recovery (bounded) before its token is checked: nobody reads or changes
      // half-recovered state, and the grants and revocations in the log are known by then.
      await kernel.whenAccepting();
      const principal = authorizeRequest(kernel, { door: 'nats', tenant, verb, token: msg.headers?.get(HEADERS.token) || undefined, service }, { correlationId });
      obs.describe({ tokenId: principal.cap.tokenId });
      const result = await obs.run(() => dispatch(principal, verb, body, correlationId));
      reply(msg, { ok: true, ...result });
    } catch (err) {
      fail(msg, err, correlationId);
      obs.fail(err);
    } finally {
      obs.end();
    }
  };

  const dispatch = async (principal: Principal, verb: ApiVerb, body: unknown, correlationId: string): Promise<Record<string, unknown>> => {
    const meta = { correlationId };
    const tenant: TenantId = principal.tenant;
    switch (verb) {
      case 'deploy':
        return { ...(await kernel.deploy(tenant, { ...parseDeploy(body), capability: deployCapability(principal) }, meta)) };
      case 'kill':
        return { ...(await kernel.kill(tenant, parseKill(body), meta)) };
      case 'status':
        return { ...kernel.status(tenant, parseRef(body).service) };
      case 'list':
        return { ...kernel.list(tenant, parseList(body)) };
      case 'call': {
        const r = parseCall(body);
        return { reply: await kernel.call(tenant, r.service, r.message, { timeoutMs: r.timeoutMs }) };
      }
      case 'cast': {
        const r = parseCast(body);
        return { ...(await kernel.cast(tenant, r.service, r.message, meta)) };
      }
      case 'events':
        return { ...(await kernel.events(tenant, parseEvents(body))) };
      case 'logs':
        return { ...(await kernel.logs(tenant, parseLogs(body))) };
      case 'events_follow': {
        const f = parseFollow(body);
        checkFollowInbox(principal, f.inbox);
        return { follow_id: await follows.start(tenant, 'events', f) };
      }
      case 'logs_follow': {
        const f = parseFollow(body);
        checkFollowInbox(principal, f.inbox);
        return { follow_id: await follows.start(tenant, 'logs', f) };
      }
      case 'follow_stop':
        await follows.stop(tenant, parseFollowStop(body).follow_id);
        return {};
      case 'supervision':
        return { ...(await kernel.supervision.policy(tenant, supervisionChange(parseWireBody(supervisionRequest, body ?? {})), meta)) };
      case 'tree':
        parseWireBody(treeRequest, body ?? {});
        return { ...(await kernel.supervision.tree(tenant)) };
      case 'swap':
        return { ...(await kernel.codeChanges.swap(tenant, parseSwap(body), meta)) };
      case 'replace':
        return { ...(await kernel.codeChanges.replace(tenant, parseReplace(body), meta)) };
      case 'rollback':
        return { ...(await kernel.codeChanges.rollback(tenant, parseRollback(body), meta)) };
      case 'history':
        return { ...(await kernel.codeChanges.history(tenant, parseHistory(body).service)) };
      case 'register': {
        const r = parseRegister(body);
        return { registration: await kernel.discovery.register(tenant, r, kernel.lockKeyOf(tenant, r.service)) };
      }
      case 'deregister': {
        const r = parseDeregister(body);
        return { removed: await kernel.discovery.deregister(tenant, r.service, r.name, kernel.lockKeyOf(tenant, r.service)) };
      }
      case 'discover':
        return { ...kernel.discovery.discover(tenant, parseDiscover(body)) };
      case 'services':
        return { ...kernel.discovery.discover(tenant, parseServices(body)) };
      case 'validate':
      case 'token_grant':
      case 'token_revoke':
      case 'token_list':
      case 'secret_set':
      case 'secret_list':
      case 'secret_exists':
      case 'secret_delete':
        return dispatchSecurityVerb(kernel, principal, verb, body, meta);
      default:
        throw new SoloError('invalid_request', `Unknown API verb '${String(verb)}'. Verbs: ${API_VERBS.join(', ')}.`);
    }
  };

  const handleServiceCall = async (msg: Msg): Promise<void> => {
    const correlationId = msg.headers?.get(HEADERS.correlationId) || randomUUID();
    const obs = observeNatsRequest(msg, correlationId, o);
    try {
      if (!accepting) throw new SoloError('unavailable', 'The node is shutting down; retry in a moment.');
      const parsed = parseServiceSubject(msg.subject);
      if (!parsed) throw new SoloError('invalid_request', `Unexpected subject '${msg.subject}'.`);
      obs.describe({ tenant: parsed.tenant, verb: 'call', service: parsed.service });
      const tenant = parseTenantId(parsed.tenant);
      const service = parseServiceId(parsed.service);
      const message = (decodeBody(msg) ?? null) as Json;
      await kernel.whenAccepting();
      const principal = authorizeRequest(kernel, { door: 'nats', tenant, verb: 'call', token: msg.headers?.get(HEADERS.token) || undefined, service }, { correlationId });
      obs.describe({ tokenId: principal.cap.tokenId });
      const t = Number(msg.headers?.get(HEADERS.timeoutMs) || 5000);
      const timeoutMs = Number.isInteger(t) && t > 0 && t <= 300_000 ? t : 5000;
      const answer = await obs.run(() => kernel.call(tenant, service, message, { timeoutMs }));
      reply(msg, { ok: true, reply: answer });
    } catch (err) {
      fail(msg, err, correlationId);
      obs.fail(err);
    } finally {
      obs.end();
    }
  };

  const handleAdmin = async (msg: Msg): Promise<void> => {
    const correlationId = msg.headers?.get(HEADERS.correlationId) || randomUUID();
    const obs = observeNatsRequest(msg, correlationId, o);
    try {
      const parsed = parseAdminApiSubject(msg.subject);
      if (!parsed) throw new SoloError('invalid_request', `Unexpected subject '${msg.subject}'.`);
      obs.describe({ verb: parsed.verb });
      const body = decodeBody(msg);
      // After recovery: the admin token's grant is in the log.
      await kernel.whenAccepting();
      const cap = authorizeAdminRequest(kernel, { door: 'nats', verb: parsed.verb, token: msg.headers?.get(HEADERS.token) || undefined }, { correlationId });
      obs.describe({ tokenId: cap.tokenId });
      if (parsed.verb === 'state') {
        // The canonical dump of the kernel state: what a replay of the event log rebuilds.
        const state = kernel.stateSnapshot();
        const json = canonicalJson(state);
        reply(msg, { ok: true, seq: state.seq, checksum: createHash('sha256').update(json).digest('hex'), state });
        return;
      }
      const result = await obs.run(() => dispatchAdmin({ kernel, audit: o.audit, onShutdown: o.onShutdown }, cap, parsed.verb, body, { correlationId }));
      reply(msg, { ok: true, ...result });
    } catch (err) {
      fail(msg, err, correlationId);
      obs.fail(err);
    } finally {
      obs.end();
    }
  };

  const subs: Subscription[] = [
    nc.subscribe(adminApiWildcard(), { queue: doorQueueGroup(), callback: (err, msg) => (err ? log.error('admin subscription failed', { error: String(err) }) : track(handleAdmin(msg))) }),
    nc.subscribe(tenantApiWildcard(), { queue: doorQueueGroup(), callback: (err, msg) => (err ? log.error('api subscription failed', { error: String(err) }) : track(handleApi(msg))) }),
    nc.subscribe(serviceWildcard(), { queue: doorQueueGroup(), callback: (err, msg) => (err ? log.error('service subscription failed', { error: String(err) }) : track(handleServiceCall(msg))) }),
  ];

  return {
    get follows() {
      return follows.size;
    },
    async stop() {
      accepting = false;
      for (const s of subs) s.unsubscribe();
      await follows.stopAll();
      await Promise.allSettled([...inflight]);
    },
  };
}
