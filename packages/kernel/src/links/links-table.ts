// The links and monitors between the actors of one node, keyed by service key (`tenant/service`). Pure
// bookkeeping: exit-signals.ts decides what a departure means and delivers it.
import { SoloError } from '@solo/protocol';

/** Monitors one actor may hold, and links one actor may have. */
export const MAX_MONITORS_PER_ACTOR = 1000;
export const MAX_LINKS_PER_ACTOR = 1000;

interface Monitor {
  watcher: string;
  target: string;
}

/** What the departure of an actor leaves to deliver. */
export interface Departure {
  /** Monitors that watched it, now fired and removed. */
  downs: Array<{ watcher: string; ref: string }>;
  /** Actors linked with it; the links are removed both ways. */
  links: string[];
}

/** Links (symmetric) and monitors (watcher → target, one-shot) of a node's actors. */
export class LinksTable {
  readonly #monitors = new Map<string, Monitor>();
  readonly #watching = new Map<string, Set<string>>();
  readonly #watchedBy = new Map<string, Set<string>>();
  readonly #links = new Map<string, Set<string>>();
  #nextRef = 0;

  /** Adds a monitor and returns its ref. @throws `limit_exceeded` beyond {@link MAX_MONITORS_PER_ACTOR}. */
  monitor(watcher: string, target: string): string {
    const held = this.#watching.get(watcher);
    if (held && held.size >= MAX_MONITORS_PER_ACTOR) {
      throw new SoloError('limit_exceeded', `Service '${watcher}' holds ${held.size} monitors, the limit. Demonitor some (ctx.demonitor) first.`, {
        details: { limit: MAX_MONITORS_PER_ACTOR },
      });
    }
    const ref = `mon-${++this.#nextRef}`;
    this.#monitors.set(ref, { watcher, target });
    add(this.#watching, watcher, ref);
    add(this.#watchedBy, target, ref);
    return ref;
  }

  /** Removes one of `watcher`'s monitors; false when it is not (or no longer) there. */
  demonitor(watcher: string, ref: string): boolean {
    const m = this.#monitors.get(ref);
    if (!m || m.watcher !== watcher) return false;
    this.#dropMonitor(ref, m);
    return true;
  }

  /** Links two actors (idempotent). @throws `limit_exceeded` beyond {@link MAX_LINKS_PER_ACTOR}. */
  link(a: string, b: string): void {
    for (const k of [a, b]) {
      const set = this.#links.get(k);
      if (set && set.size >= MAX_LINKS_PER_ACTOR && !set.has(k === a ? b : a)) {
        throw new SoloError('limit_exceeded', `Service '${k}' has ${set.size} links, the limit. Unlink some (ctx.unlink) first.`, { details: { limit: MAX_LINKS_PER_ACTOR } });
      }
    }
    add(this.#links, a, b);
    add(this.#links, b, a);
  }

  /** Removes a link (either side); a no-op when there is none. */
  unlink(a: string, b: string): void {
    remove(this.#links, a, b);
    remove(this.#links, b, a);
  }

  /** True when `a` and `b` are linked. */
  linked(a: string, b: string): boolean {
    return this.#links.get(a)?.has(b) === true;
  }

  /** How many monitors and links `key` takes part in (for tests and status). */
  count(key: string): { monitors: number; watchers: number; links: number } {
    return { monitors: this.#watching.get(key)?.size ?? 0, watchers: this.#watchedBy.get(key)?.size ?? 0, links: this.#links.get(key)?.size ?? 0 };
  }

  /**
   * `key`'s incarnation ended: returns the monitors that watched it and the actors linked with it, and forgets
   * everything `key` took part in (its own monitors die with it, as in OTP).
   */
  depart(key: string): Departure {
    const downs: Departure['downs'] = [];
    for (const ref of [...(this.#watchedBy.get(key) ?? [])]) {
      const m = this.#monitors.get(ref);
      if (!m) continue;
      this.#dropMonitor(ref, m);
      if (m.watcher !== key) downs.push({ watcher: m.watcher, ref });
    }
    for (const ref of [...(this.#watching.get(key) ?? [])]) {
      const m = this.#monitors.get(ref);
      if (m) this.#dropMonitor(ref, m);
    }
    const links = [...(this.#links.get(key) ?? [])];
    for (const other of links) this.unlink(key, other);
    return { downs, links };
  }

  #dropMonitor(ref: string, m: Monitor): void {
    this.#monitors.delete(ref);
    remove(this.#watching, m.watcher, ref);
    remove(this.#watchedBy, m.target, ref);
  }
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function remove(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
