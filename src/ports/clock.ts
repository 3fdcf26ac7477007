// Time is a port (DESIGN.md rule 3): everything that waits, times out, repeats or samples uses this.

/** A pending timer; cancelling one that already fired does nothing. */
export interface TimerHandle {
  cancel(): void;
}

/** The source of time for a run: the system clock in production, a VirtualClock in tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch, never decreasing during a run. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now (0 or less: as soon as possible, still asynchronously). */
  setTimer(ms: number, fn: () => void): TimerHandle;
}
