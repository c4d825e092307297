// Exit signals between the actors of one tenant: `ctx.monitor` / `ctx.link` and what happens when an
// incarnation ends. A monitor delivers `{ type: 'down' }` once; a link crashes the partner on a crash unless
// the partner traps exits, which turns every exit into `{ type: 'exit' }` for its handleInfo (as in OTP).
import { linkedCrash } from '@solo/actor-core';
import { SoloError, type DownReason, type ExitReason, type Json, type ServiceId, type TenantId } from '@solo/protocol';
import type { ServiceEntry } from '../service-entry.ts';
import { LinksTable } from './links-table.ts';

/** Options of {@link ExitSignals}. */
export interface ExitSignalsOptions {
  /** The live entry of a service, by key (`tenant/service`). */
  lookup(key: string): ServiceEntry | undefined;
  /** The key of a service of `tenant`. */
  keyOf(tenant: TenantId, service: ServiceId): string;
}

function isRunning(e: ServiceEntry): boolean {
  return !e.actor.closed && e.actor.incarnation !== null && !e.actor.incarnation.disposed;
}

/** A down or exit reason as data a service reads (no stack, no internals). */
export function downReason(reason: ExitReason): DownReason {
  if (reason.kind !== 'crash') return { kind: reason.kind };
  return { kind: 'crash', error: { code: String(reason.error.details?.['reason'] ?? reason.error.code), message: reason.error.message } };
}

/** Links and monitors of a node's actors, and the delivery of their signals. */
export class ExitSignals {
  readonly #o: ExitSignalsOptions;
  readonly #table = new LinksTable();

  constructor(o: ExitSignalsOptions) {
    this.#o = o;
  }

  /**
   * `ctx.monitor(target)` of `watcher`. A target deployed but not running gets a `noproc` notice at once.
   * @throws `invalid_request` for itself, `not_found` for an unknown target, `limit_exceeded`.
   */
  monitor(watcher: ServiceEntry, target: ServiceId): string {
    const t = this.#target(watcher, target, 'monitor');
    const ref = this.#table.monitor(watcher.key, t.key);
    if (!isRunning(t)) {
      this.#table.demonitor(watcher.key, ref);
      this.#deliver(watcher, { type: 'down', ref, target, reason: { kind: 'noproc' } });
    }
    return ref;
  }

  /** `ctx.demonitor(ref)`; false when it already fired or is not the watcher's. */
  demonitor(watcher: ServiceEntry, ref: string): boolean {
    return this.#table.demonitor(watcher.key, ref);
  }

  /**
   * `ctx.link(target)`: both ways, idempotent.
   * @throws `invalid_request` for itself, `not_found` for an unknown target, `unavailable` when it is not running.
   */
  link(a: ServiceEntry, target: ServiceId): void {
    const t = this.#target(a, target, 'link');
    if (!isRunning(t)) {
      throw new SoloError('unavailable', `Service '${target}' of tenant '${a.tenant}' is not running (${t.status}); a link needs a live partner. Retry once it runs.`, {
        details: { service_id: target, status: t.status },
      });
    }
    this.#table.link(a.key, t.key);
  }

  /** `ctx.unlink(target)`: a no-op when not linked. @throws `invalid_request` for a bad id. */
  unlink(a: ServiceEntry, target: ServiceId): void {
    this.#table.unlink(a.key, this.#o.keyOf(a.tenant, target));
  }

  /** True when two services are linked (for tests). */
  linked(a: ServiceEntry, b: ServiceEntry): boolean {
    return this.#table.linked(a.key, b.key);
  }

  /**
   * The incarnation of `entry` ended with `reason`: watchers get `down`, linked actors that trap exits get
   * `exit`, and on a crash the others crash too (their own departure then signals further, once each).
   */
  departed(entry: ServiceEntry, reason: ExitReason): void {
    const { downs, links } = this.#table.depart(entry.key);
    const data = downReason(reason);
    for (const d of downs) {
      const w = this.#o.lookup(d.watcher);
      if (w) this.#deliver(w, { type: 'down', ref: d.ref, target: entry.service, reason: data });
    }
    for (const key of links) {
      const p = this.#o.lookup(key);
      if (!p) continue;
      if (p.actor.incarnation?.shape.trapExits === true) this.#deliver(p, { type: 'exit', from: entry.service, reason: data });
      else if (reason.kind === 'crash') p.actor.kill(linkedCrash({ tenant: p.tenant, service: p.service }, entry.service, data.kind === 'crash' ? data.error : reason.error));
    }
  }

  /** Forgets `key` without signalling anyone (a deploy that never committed). */
  forget(key: string): void {
    this.#table.depart(key);
  }

  #target(self: ServiceEntry, target: ServiceId, what: string): ServiceEntry {
    if (target === self.service) {
      throw new SoloError('invalid_request', `Service '${self.service}' cannot ${what} itself. Pass another service id of tenant '${self.tenant}'.`, { details: { field: 'target' } });
    }
    const t = this.#o.lookup(this.#o.keyOf(self.tenant, target));
    if (!t) {
      throw new SoloError('not_found', `Service '${target}' is not deployed for tenant '${self.tenant}', so '${self.service}' cannot ${what} it.`, { details: { service_id: target } });
    }
    return t;
  }

  #deliver(to: ServiceEntry, message: { type: string } & Record<string, Json>): void {
    if (!to.actor.closed) void to.actor.info(message);
  }
}
