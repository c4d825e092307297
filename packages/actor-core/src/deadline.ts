// Waiting for work with a deadline, without cancelling the work: used where an actor gives a handler or
// terminate a bounded time before it disposes the incarnation anyway.

/** True when `work` settles (either way) within `ms`; false when the deadline passes first. */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(done, done);
  });
}
