// Runs async tasks side by side, at most `width` at once, as a producer hands them in: used to keep
// several database connections busy (PostgreSQL works on one statement per connection, on one core).
// Unlike a plain Promise.all, a failure stops new tasks and is thrown only once the running ones
// have ended, so that nothing is still writing when the caller's clean-up runs.

export interface Lanes {
  /** Waits for a free lane (and throws an earlier task's failure), then starts the task. */
  run(task: () => Promise<void>): Promise<void>;
  /** Waits for every running task; throws the first failure, if any. */
  finish(): Promise<void>;
}

export function lanes(width: number): Lanes {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`lanes: width must be a positive integer, not ${width}`);
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const check = () => {
    if (failure) throw failure.error;
  };
  return {
    async run(task) {
      check();
      while (running.size >= width) await Promise.race(running);
      check();
      // Settled here, never rejected: a rejection nobody awaited yet would be "unhandled".
      const p: Promise<void> = task().then(
        () => {},
        (error: unknown) => void (failure ??= { error }),
      ).finally(() => running.delete(p));
      running.add(p);
    },
    async finish() {
      await Promise.all(running);
      check();
    },
  };
}
