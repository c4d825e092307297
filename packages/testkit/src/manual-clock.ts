// A clock that only moves when a test moves it: for decision code that takes time as an input.

/** The clock interface decision code receives. */
export interface Clock {
  now(): number;
}

/** A {@link Clock} advanced by hand. */
export class ManualClock implements Clock {
  #now: number;
  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  set(ms: number): void {
    this.#now = ms;
  }
}
