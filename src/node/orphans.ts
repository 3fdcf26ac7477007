// Killing what a dead host left running. The journal recorded, for every attempt, the pid of each
// process it started (on POSIX, the leader of the process group the Node executor put it in) and
// the environment marker every process of the attempt inherited; a resuming host kills every
// process found by either (and the process group of every marked one), and waits until none is
// left before the step may run again.
import type { OrphanedAttempt, OrphanKiller } from '../runtime/journaled-run.js';
import type { HostPlatform } from './platform.js';
import { tracksEnvironmentMarker, treeSignalling } from './platform.js';
import { hasTreeMarker, readProcessTable } from './process-tree.js';
import { thawGroupsOf } from './containment/thaw-orphans.js';
import { monotonicMs } from './system-clock.js';

/** How long a resume waits for orphaned processes to go before it refuses to run their steps again. */
const GIVE_UP_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const kill = (pid: number): void => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already, or not ours to signal: the scan below tells which.
  }
};

/** The orphan killer of this host's platform. */
export const orphanKiller =
  (platform: HostPlatform): OrphanKiller =>
  async (attempts: ReadonlyArray<OrphanedAttempt>): Promise<void> => {
    const recorded = new Set(attempts.flatMap((a) => a.pids));
    const markers = attempts.map((a) => a.marker);
    // Pids are reused (after a reboot at once; on a busy host within seconds). Where markers can be
    // read, a recorded pid or group is trusted only once a process carrying the attempt's marker
    // shows it is still the attempt's: killing by a stale record would kill a stranger's processes.
    // Elsewhere the record is all there is to go by.
    const confirmByMarker = tracksEnvironmentMarker(platform);
    const groups = new Set(confirmByMarker ? [] : recorded);
    const started = monotonicMs();
    for (let pause = 1; ; pause = Math.min(pause * 2, 100)) {
      // POSIX: each recorded pid leads its attempt's process group. Windows has no groups to signal
      // and no process table here: the recorded processes themselves are terminated.
      for (const g of groups) kill(treeSignalling(platform) === 'process-group' ? -g : g);
      const table = await readProcessTable(platform, { _tag: 'all' });
      const own = table.find((e) => e.pid === process.pid)?.pgid;
      const marked = (e: (typeof table)[number]): boolean => markers.some((m) => hasTreeMarker(e, m));
      // A marked process names its attempt's process group even when the dead host's record of
      // the group's pid never reached the disk: a member that cleared its environment is found by it.
      for (const e of table)
        if (!e.zombie && e.pid !== process.pid && e.pgid > 1 && e.pgid !== own && marked(e))
          groups.add(e.pgid);
      const left = table.filter(
        (e) => !e.zombie && e.pid !== process.pid && (groups.has(e.pgid) || groups.has(e.pid) || marked(e)),
      );
      if (left.length === 0) return;
      for (const e of left) kill(e.pid);
      // A group its dead host left frozen holds the kill pending until it thaws.
      if (platform === 'linux') thawGroupsOf(left.map((e) => e.pid));
      if (monotonicMs() - started > GIVE_UP_MS)
        throw new Error(
          `processes left by the interrupted attempts of ${attempts.map((a) => `${a.step_id} (attempt ${a.attempt})`).join(', ')} are still alive after SIGKILL: pids ${left.map((e) => e.pid).join(', ')} — stop them (they may be stuck in the kernel), then resume again`,
        );
      await sleep(pause);
    }
  };
