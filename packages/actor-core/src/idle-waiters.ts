// Waiters on an actor cell's idle conditions (no handler in flight, nothing winding down): pause() and the
// stop/detach wind-down wait here, and the actor re-checks them whenever a message or incarnation ends.
/** Promises that resolve once their condition holds, re-checked on {@link IdleWaiters.notify}. */
export class IdleWaiters {
  #waiters: Array<{ ready: () => boolean; resolve: () => void }> = [];

  /** Resolves at once when `ready()` holds, else at the first notify() after which it does. */
  when(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ ready, resolve }));
  }

  /** Re-checks every waiter; the ones now ready resolve, the others keep waiting. */
  notify(): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const w of waiting) {
      if (w.ready()) w.resolve();
      else this.#waiters.push(w);
    }
  }
}
