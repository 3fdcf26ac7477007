// Signalling one spawned process's whole tree, reliably. POSIX: the root leads its own process
// group (one kill(-pgid) reaches every member atomically, even one forked a moment ago) and the
// process table finds members that left the group; each member seen is remembered. A forced
// kill stops (SIGSTOP) every member it finds before killing any, so a member cannot fork a
// child that escapes between a scan and the kill. Windows: `taskkill /T /F` via tree-kill.
import treeKill from 'tree-kill';
import type { HostPlatform } from './platform.js';
import { processTableSource, treeSignalling } from './platform.js';
import type { PidScope, ProcessEntry } from './process-tree.js';
import { handedOutBetween, pidMark, rootExited as forgetRoot, rootStart, rootStarted } from './pid-clock.js';
import { hasTreeMarker, readProcessTable, selectTree } from './process-tree.js';
import { unreachable } from '../unreachable.js';
import { backoff, pollUntil, sleep } from './containment/sweep-pace.js';
import { monotonicMs } from './system-clock.js';

/** Tuning of the sweeps. */
export interface KillTreeOptions {
  /** Pause between two sweeps of a kill, and between two checks while waiting for a tree to go. */
  readonly sweepIntervalMs: number;
  /** A sweep gives up after this long: a process stuck in the kernel cannot be killed at all. */
  readonly sweepTimeoutMs: number;
}

/** The tree of one spawned process. */
export interface ProcessTreeControl {
  /** Tells the tree its root exited and was reaped: its pid no longer identifies it. */
  rootExited(): void;
  /** The members alive now, besides the root. Cheap when nothing was left behind. */
  leftovers(): Promise<ReadonlyArray<ProcessEntry>>;
  /** Sends SIGTERM to every member (Windows: terminates the tree, there is no gentler way). */
  terminate(): Promise<void>;
  /** Kills every member and sweeps until none is left (or `sweepTimeoutMs` passed). */
  forceKill(): Promise<void>;
  /** Resolves true once no member is left, or false after `ms`. */
  waitGone(ms: number): Promise<boolean>;
}

/** What the tree needs from the spawned process. */
export interface TreeRoot {
  readonly pid: number;
  /** Signals the root through Node, which refuses once the child was reaped (no pid-reuse race). */
  readonly signal: (signal: NodeJS.Signals) => void;
  /** The value of the tree marker variable in the root's environment, if it has one. */
  readonly marker: string | undefined;
}

/** Sends a signal, and says whether the process is gone or may not be signalled by us (EPERM). */
const send = (pid: number, signal: NodeJS.Signals | 0): 'sent' | 'gone' | 'denied' => {
  try {
    process.kill(pid, signal);
    return 'sent';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'denied' : 'gone';
  }
};

const processGroupTree = (
  platform: HostPlatform,
  root: TreeRoot,
  options: KillTreeOptions,
): ProcessTreeControl => {
  const start = rootStarted(root.pid);
  const known = new Map<number, string>();
  const denied = new Set<number>();
  let rootAlive = true;
  let groupAlive = true;
  const marker = root.marker;
  const hasMarker =
    marker === undefined ? () => false : (entry: ProcessEntry) => hasTreeMarker(entry, marker);

  const signalGroup = (signal: NodeJS.Signals | 0): void => {
    // An empty group's id may be handed to a new process group: never signal it again. (While the
    // root lives its pid is taken, so no other group can have that id; just after the fork the
    // root may not lead its group yet.)
    if (groupAlive && send(-root.pid, signal) === 'gone' && !rootAlive) groupAlive = false;
  };

  const scan = async (scope: PidScope): Promise<ReadonlyArray<ProcessEntry>> => {
    const table = await readProcessTable(platform, scope);
    const members = selectTree(table, {
      livePid: rootAlive ? root.pid : undefined,
      pgid: groupAlive ? root.pid : undefined,
      known,
      hasMarker,
      excluded: process.pid,
    });
    for (const m of members) known.set(m.pid, m.identity);
    // Every group member descends from the root, so the scope covers them all (zombies included):
    // none seen means the group is empty, learnt without a syscall.
    if (groupAlive && !rootAlive && !table.some((e) => e.pgid === root.pid)) groupAlive = false;
    return members.filter((m) => m.pid !== root.pid && !denied.has(m.pid));
  };

  // Descendants are created after the root, so their pids were handed out after its pid; the roots
  // this host started since are no one's descendants. Once the pid counter may have gone round
  // since the start (pid-clock.ts), read everything.
  const recentScope = (): PidScope => {
    const now = pidMark();
    if (start.mark === undefined || now === undefined || handedOutBetween(start.mark, now) === undefined)
      return { _tag: 'all' };
    return {
      _tag: 'after',
      pid: root.pid,
      last: now.last,
      also: new Set(known.keys()),
      skip: (pid) => (rootStart(pid)?.at ?? -1) >= start.at,
    };
  };

  const leftovers = async (): Promise<ReadonlyArray<ProcessEntry>> => {
    if (processTableSource(platform) === 'proc') return scan(recentScope());
    // Elsewhere a full `ps` costs milliseconds: only run it when the group or a known member suggests one.
    signalGroup(0);
    return groupAlive || known.size > 0 ? scan({ _tag: 'all' }) : [];
  };

  const signalAll = async (signal: NodeJS.Signals): Promise<void> => {
    // The table is read before the root is signalled: a root that dies at once would otherwise
    // leave its children re-parented before the read, and a child without the marker unfound.
    const members = await scan({ _tag: 'all' });
    if (rootAlive) root.signal(signal);
    signalGroup(signal);
    for (const m of members) {
      // Group members already got it; a second SIGTERM would reach a handler twice.
      if (groupAlive && m.pgid === root.pid) continue;
      if (send(m.pid, signal) === 'denied') denied.add(m.pid);
    }
  };

  const forceKill = async (): Promise<void> => {
    const deadline = monotonicMs() + options.sweepTimeoutMs;
    if (rootAlive) root.signal('SIGKILL');
    signalGroup('SIGKILL');
    const stopped = new Set<number>();
    const pause = backoff(options.sweepIntervalMs);
    while (monotonicMs() < deadline) {
      const members = await scan({ _tag: 'all' });
      if (members.length === 0) return;
      const fresh = members.filter((m) => !stopped.has(m.pid));
      if (fresh.length > 0) {
        // Freeze first: a stopped process cannot fork, and a child forked before the stop
        // still has it as parent at the next scan, so the scans converge on the whole tree.
        for (const m of fresh) {
          stopped.add(m.pid);
          if (send(m.pid, 'SIGSTOP') === 'denied') denied.add(m.pid);
        }
        signalGroup('SIGKILL');
        continue;
      }
      for (const m of members) send(m.pid, 'SIGKILL');
      signalGroup('SIGKILL');
      await sleep(pause());
    }
  };

  const waitGone = (ms: number): Promise<boolean> =>
    pollUntil(
      async () => (await scan({ _tag: 'all' })).length === 0 && !(rootAlive && send(root.pid, 0) === 'sent'),
      ms,
      options.sweepIntervalMs,
    );

  return {
    rootExited: () => {
      rootAlive = false;
      forgetRoot(root.pid);
    },
    leftovers,
    terminate: () => signalAll('SIGTERM'),
    forceKill,
    waitGone,
  };
};

// Windows keeps no process groups we can use without native code; taskkill /T walks the tree
// by parent id, which only works while the root runs (documented in docs/processes.md).
const taskkillTree = (root: TreeRoot): ProcessTreeControl => {
  let rootAlive = true;
  const kill = (): Promise<void> =>
    rootAlive ? new Promise((resolve) => treeKill(root.pid, 'SIGKILL', () => resolve())) : Promise.resolve();
  return {
    rootExited: () => {
      rootAlive = false;
    },
    leftovers: () => Promise.resolve([]),
    terminate: kill,
    forceKill: kill,
    waitGone: async () => !rootAlive,
  };
};

/** The control of one spawned process's tree, by the platform's means. */
export const processTreeControl = (
  platform: HostPlatform,
  root: TreeRoot,
  options: KillTreeOptions,
): ProcessTreeControl => {
  const method = treeSignalling(platform);
  switch (method) {
    case 'process-group':
      return processGroupTree(platform, root, options);
    case 'taskkill':
      return taskkillTree(root);
    default:
      return unreachable(method);
  }
};
