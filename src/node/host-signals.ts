// The host's own termination signals, for the duration of a run. Step processes live in their
// own process groups (so a terminal's Ctrl-C does not reach them directly); when the host is
// asked to stop, the run must terminate every tree and report `cancelled` before it exits.
// Installing a listener replaces Node's default (exit at once), so it must be removed after the run.

/** The signals that ask the host to stop. */
export type HostSignal = 'SIGINT' | 'SIGTERM';

const hostSignals: ReadonlyArray<HostSignal> = ['SIGINT', 'SIGTERM'];

/**
 * Calls `handler` for every SIGINT or SIGTERM the host receives until the returned function is
 * called. A second signal while cancelling reaches `handler` too (the CLI forces on it).
 * @example
 * const dispose = onHostTermination((signal) => controller.abort(signal));
 * try { await runMission(path, { signal: controller.signal }); } finally { dispose(); }
 */
export const onHostTermination = (handler: (signal: HostSignal) => void): (() => void) => {
  const listeners = hostSignals.map((signal) => {
    const listener = (): void => handler(signal);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    for (const [signal, listener] of listeners) process.removeListener(signal, listener);
  };
};
