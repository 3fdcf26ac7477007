// The real host for runMission: the Node executor, the system clock, the real file system, the
// process's working directory and environment, and its SIGINT/SIGTERM.
import { createHash } from 'node:crypto';
import type { RuntimeHost } from '../runtime/run-mission.js';
import { onHostTermination, type HostSignal } from './host-signals.js';
import { createNodeExecutor } from './node-executor.js';
import { nodeFileSystem } from './node-filesystem.js';
import { nodeHostFacts } from './node-host-facts.js';
import { nodeHttp } from './node-http.js';
import { createResourceSampler } from './resource-usage.js';
import type { ResourceSampler } from '../ports/sampler.js';
import { systemClock } from './system-clock.js';
import { tracksEnvironmentMarker } from './platform.js';

let executor: ReturnType<typeof createNodeExecutor> | undefined;
let sampler: ResourceSampler | undefined;

/** The host a run gets when the caller does not inject ports. */
export const nodeHost = (): RuntimeHost => {
  executor ??= createNodeExecutor();
  // One sampler per host process: it remembers each tree between samples.
  sampler ??= createResourceSampler();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return {
    executor,
    clock: systemClock,
    fs: nodeFileSystem,
    http: nodeHttp,
    facts: nodeHostFacts,
    sampler,
    cwd: process.cwd(),
    env,
    findsTreeMarkers: tracksEnvironmentMarker(process.platform),
    sha256: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
  };
};

// One SIGINT/SIGTERM listener pair for all the runs in progress, however many run at once (a pair
// per run would trip Node's MaxListenersExceededWarning past ten concurrent missions).
const runs = new Set<(signal: HostSignal) => void>();
let stopListening: (() => void) | undefined;

const join = (run: (signal: HostSignal) => void): void => {
  runs.add(run);
  stopListening ??= onHostTermination((s) => {
    for (const r of [...runs]) r(s);
  });
};

const leave = (run: (signal: HostSignal) => void): void => {
  runs.delete(run);
  if (runs.size === 0) {
    stopListening?.();
    stopListening = undefined;
  }
};

/**
 * Runs `body` with an AbortSignal that also fires when the host receives SIGINT or SIGTERM. When
 * one arrived and nothing else listens for it, it is raised again once the run has cleaned up, so
 * the host still ends as it would have without missionkit. With `suspend` (a journaled run),
 * SIGTERM fires the suspend signal instead: a deploy's restart suspends the run, to be resumed.
 */
export const withHostSignals = async <T>(
  signal: AbortSignal | undefined,
  body: (signal: AbortSignal, suspend: AbortSignal | undefined) => Promise<T>,
  suspend?: { readonly signal: AbortSignal | undefined },
): Promise<T> => {
  const controller = new AbortController();
  const suspender = suspend !== undefined ? new AbortController() : undefined;
  const follow = (): void => controller.abort(signal?.reason);
  const followSuspend = (): void => suspender?.abort(suspend?.signal?.reason);
  if (signal?.aborted) follow();
  else signal?.addEventListener('abort', follow, { once: true });
  if (suspend?.signal?.aborted) followSuspend();
  else suspend?.signal?.addEventListener('abort', followSuspend, { once: true });
  let received: HostSignal | undefined;
  const onSignal = (s: HostSignal): void => {
    received ??= s;
    if (s === 'SIGTERM' && suspender !== undefined) suspender.abort(new Error(`the host received ${s}`));
    else controller.abort(new Error(`the host received ${s}`));
  };
  join(onSignal);
  try {
    return await body(controller.signal, suspender?.signal);
  } finally {
    leave(onSignal);
    signal?.removeEventListener('abort', follow);
    suspend?.signal?.removeEventListener('abort', followSuspend);
    if (received !== undefined && process.listenerCount(received) === 0) {
      const again = received;
      setImmediate(() => process.kill(process.pid, again));
    }
  }
};
