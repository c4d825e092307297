// RLIMIT_DATA of a sandbox host process, sized to what it hosts: a base (the host's own needs, and room for
// what isolate limits do not count) plus, per actor, its `memory_mb` and a fixed overhead (an idle isolate maps
// ~2.3 MiB of private memory besides its heap). The launch command sets the base (`prlimit --data`); as actors
// come, the process raises its own soft limit (it may run as another user, and the kernel's process may lack
// CAP_SYS_RESOURCE), by at least half again so that most spawns need no raise. It is never lowered: it bounds
// what the process may grow to, and the actors it hosts change all the time. The hard limit is left open, so
// this bounds memory the isolate limits do not count, not code that took the process over (other guards do).

const MIB = 1024 * 1024;
/** Private memory an isolate maps besides its heap, with room to spare. */
export const ACTOR_DATA_OVERHEAD_MB = 8;

/** The limit of one process: its base, and how to raise it (resolves once raised). */
export interface DataLimitTarget {
  baseMb: number;
  raise(bytes: number): Promise<void>;
}

/** The data limit of one host process and the memory its actors reserved against it. */
export class DataLimit {
  readonly #t: DataLimitTarget;
  #limitBytes: number;
  #reservedBytes = 0;
  #raising: Promise<void> = Promise.resolve();

  constructor(target: DataLimitTarget) {
    this.#t = target;
    this.#limitBytes = target.baseMb * MIB;
  }

  /** The limit now, in bytes. */
  get limitBytes(): number {
    return this.#limitBytes;
  }

  /**
   * Reserves room for an actor of `memoryMb`, raising the limit first when needed.
   * @throws `unavailable` when the limit cannot be raised (the reservation is then undone).
   */
  async reserve(memoryMb: number): Promise<void> {
    const bytes = (memoryMb + ACTOR_DATA_OVERHEAD_MB) * MIB;
    this.#reservedBytes += bytes;
    const raise = this.#raising.then(() => this.#raiseTo(this.#t.baseMb * MIB + this.#reservedBytes));
    this.#raising = raise.catch(() => undefined);
    try {
      await raise;
    } catch (err) {
      this.#reservedBytes -= bytes;
      throw err;
    }
  }

  /** Gives back what {@link reserve} took (the actor is gone); the limit stays. */
  release(memoryMb: number): void {
    this.#reservedBytes = Math.max(0, this.#reservedBytes - (memoryMb + ACTOR_DATA_OVERHEAD_MB) * MIB);
  }

  async #raiseTo(needed: number): Promise<void> {
    if (needed <= this.#limitBytes) return;
    const next = Math.max(needed, Math.ceil(this.#limitBytes * 1.5));
    await this.#t.raise(next);
    this.#limitBytes = next;
  }
}
