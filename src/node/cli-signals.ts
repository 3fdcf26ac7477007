// The signals that stop a CLI run: SIGINT (Ctrl-C) and SIGTERM as for any host, and SIGHUP, which
// a terminal sends when its window closes. Node's default for SIGHUP is to exit at once, which
// would leave every step's process tree running in its own session with no one to stop it; the
// CLI cancels instead, as for the others.
import { onHostTermination, type HostSignal } from './host-signals.js';

/** A signal that asks the CLI to stop. */
export type CliSignal = HostSignal | 'SIGHUP';

/** Calls `handler` for every SIGINT, SIGTERM or SIGHUP until the returned function is called. */
export const onCliInterrupt = (handler: (signal: CliSignal) => void): (() => void) => {
  const disposeHost = onHostTermination(handler);
  const hangup = (): void => handler('SIGHUP');
  process.on('SIGHUP', hangup);
  return () => {
    disposeHost();
    process.removeListener('SIGHUP', hangup);
  };
};
