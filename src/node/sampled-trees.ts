// Which processes belong to the trees a sampler measures, sample after sample. The tree itself is
// decided by process-tree.ts (`selectTree`: the live root, its process group, the members seen
// before, the tree's environment marker, and their descendants); this module adds what repeated
// sampling needs: each tree's members are remembered between samples (so a daemon that left the
// group and lost its parent is still counted), and the process table is read only where new
// members can be — the pids handed out since the last full read — instead of every process on
// the machine at every tick.
import * as fs from 'node:fs';
import type { HostPlatform, ProcessTableSource } from './platform.js';
import { processTableSource } from './platform.js';
import type { PidScope, ProcessEntry } from './process-tree.js';
import {
  hasTreeMarker,
  lastAssignedPid,
  parseProcStat,
  readProcessTable,
  selectTree,
  TREE_MARKER_VARIABLE,
} from './process-tree.js';
import { kernelUnits } from './kernel-units.js';
import { handedOutBetween, pidMark, pidMax, pidsHandedOut, rootStart } from './pid-clock.js';

/** The processes of some trees at one moment. */
export interface TreeMembers {
  /** Live members, each once (trees may share members). */
  readonly live: ReadonlyArray<ProcessEntry>;
  /**
   * Members that exited but are not collected yet. Their CPU time and I/O move to their parent
   * when it collects them; counting them meanwhile keeps the tree's cumulative totals continuous.
   */
  readonly zombies: ReadonlyArray<ProcessEntry>;
}

/** What is remembered of one tree between samples. */
interface TreeMemory {
  /** The root's start time when first seen: a different one means its pid was reused. */
  rootIdentity: string | undefined;
  /** The tree's own environment marker (read once from the root), or null when it has none. */
  marker: string | null | undefined;
  /** The live members at the last sample, by pid, with their identity. */
  known: Map<number, string>;
  /** The pid counter at the last full read of the table: later members have pids handed out after it. */
  anchor: number | undefined;
  /** Pids handed out since `anchor` (at least): past half the pid range the counter may come round. */
  advanced: number;
  /** The pid counter at the last sample. */
  lastSeen: number | undefined;
}

// Trees are forgotten least recently sampled first: the sampler is not told when a step ends.
const TREES_KEPT = 256;

// Within a second of a root's start the pid counter cannot have gone round (kill-tree.ts relies on
// the same), so every descendant's pid was handed out after the root's.
const YOUNG_SECONDS = 1;

/** Seconds since `pid` started (Linux), from its start time and the uptime, both counted from boot. */
const ageSeconds = (pid: number): number | undefined => {
  try {
    const entry = parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'latin1'));
    const uptime = Number(fs.readFileSync('/proc/uptime', 'latin1').split(' ')[0]);
    if (entry === undefined || !Number.isFinite(uptime)) return undefined;
    return uptime - Number(entry.identity) / kernelUnits().ticksPerSecond;
  } catch {
    return undefined;
  }
};

export { pidsHandedOut } from './pid-clock.js';

/** Where a tree's new members can be: pids handed out after `anchor`, `advanced` of them so far. */
export interface PidAnchor {
  /** The pid counter at the last full read of the table (undefined: never read in full). */
  readonly anchor: number | undefined;
  readonly advanced: number;
}

/**
 * The pid after which every new member of these trees was handed out, or undefined when the whole
 * table must be read: a tree without an anchor (seen for the first time, and too old for its
 * root's pid to be one: its members may be older than any pid we know of), or once half the pid
 * space was handed out since (the counter may come round to older pids). The anchor furthest
 * back covers the others' new pids too.
 */
export const scopeAnchor = (trees: ReadonlyArray<PidAnchor>, range: number): number | undefined => {
  let best: PidAnchor | undefined;
  for (const t of trees) {
    if (t.anchor === undefined || t.advanced >= range / 2) return undefined;
    if (best === undefined || t.advanced > best.advanced) best = t;
  }
  return best?.anchor;
};

const statusBuffer = Buffer.allocUnsafe(512);

/**
 * Whether `pid` is a process rather than one of its threads. Listing /proc shows only processes,
 * but process-tree.ts reads a few new pids directly when only a few were handed out, and
 * /proc/<tid>/stat answers for a thread with its process's figures and parent: counted, it
 * would count the process once per thread.
 */
const isProcess = (pid: number): boolean => {
  let fd: number | undefined;
  try {
    fd = fs.openSync(`/proc/${pid}/status`, 'r');
    const n = fs.readSync(fd, statusBuffer, 0, statusBuffer.length, 0);
    const m = /\nTgid:\s*(\d+)/.exec(statusBuffer.toString('latin1', 0, n));
    return m !== null && Number(m[1]) === pid;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

const markerKey = `${TREE_MARKER_VARIABLE}=`;

/**
 * The tree's own marker: the last entry of the root's marker variable (the executor appends its
 * marker to those of enclosing runs). Read once per tree.
 */
const rootMarker = (pid: number): string | null => {
  let environ: string;
  try {
    environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return null;
  }
  const entry = environ.split('\0').find((e) => e.startsWith(markerKey));
  const own = entry?.slice(markerKey.length).split(',').pop();
  return own === undefined || own === '' ? null : own;
};

/** Finds the members of process trees, remembering each tree between calls. */
export class SampledTrees {
  private readonly trees = new Map<number, TreeMemory>();
  private readonly source: ProcessTableSource;

  /** Trees on `platform`: /proc on Linux, `ps` on other POSIX systems, only the roots on Windows. */
  constructor(private readonly platform: HostPlatform) {
    this.source = processTableSource(platform);
  }

  /** The members of the trees rooted at `rootPids` now. Never rejects. */
  async members(rootPids: ReadonlyArray<number>): Promise<TreeMembers> {
    if (this.source === 'none') {
      // No process table to find descendants in (Windows): the roots are all that can be seen.
      return {
        live: [...new Set(rootPids)].map((pid) => ({ pid, ppid: 0, pgid: pid, zombie: false, identity: '' })),
        zombies: [],
      };
    }
    const range = this.source === 'proc' ? pidMax() : null;
    const last = range === null ? undefined : lastAssignedPid();
    const trees = [...new Set(rootPids)].map((root) => [root, this.memory(root)] as const);
    const now = range === null ? undefined : pidMark();
    const sinceStart = (root: number): number | undefined => {
      const mark = rootStart(root)?.mark;
      return mark === undefined || now === undefined ? undefined : handedOutBetween(mark, now);
    };
    for (const [root, t] of trees) {
      if (last === undefined || range === null) continue;
      const followed = t.lastSeen === undefined ? sinceStart(root) : undefined;
      if (t.lastSeen !== undefined) t.advanced += pidsHandedOut(t.lastSeen, last, range);
      else if (followed !== undefined) {
        // A root this host started, followed on the pid counter since (pid-clock.ts): its
        // members were all handed out after it, however long ago it started.
        t.anchor = root;
        t.advanced = followed;
      } else if ((ageSeconds(root) ?? Infinity) < YOUNG_SECONDS) {
        // A tree seen for the first time need not cost a read of the whole table if it is young.
        t.anchor = root;
        t.advanced = pidsHandedOut(root, last, range);
      }
      t.lastSeen = last;
    }
    const scope = this.scope(trees, last, range);
    let table: ReadonlyArray<ProcessEntry>;
    try {
      table = await readProcessTable(this.platform, scope);
    } catch {
      table = [];
    }
    if (scope._tag === 'all')
      for (const [, t] of trees) {
        t.anchor = last;
        t.advanced = 0;
      }

    const live = new Map<number, ProcessEntry>();
    const zombies = new Map<number, ProcessEntry>();
    for (const [root, t] of trees) {
      const rootEntry = table.find((e) => e.pid === root);
      if (rootEntry !== undefined && t.rootIdentity !== undefined && t.rootIdentity !== rootEntry.identity) {
        // The pid now names another process: what was remembered belongs to a tree that ended.
        t.known.clear();
        t.marker = undefined;
      }
      if (rootEntry !== undefined) t.rootIdentity = rootEntry.identity;
      const rootLive = rootEntry !== undefined && !rootEntry.zombie;
      if (t.marker === undefined && rootLive && this.source === 'proc') t.marker = rootMarker(root);
      const marker = t.marker;
      const selected = selectTree(table, {
        livePid: rootLive ? root : undefined,
        // The executor makes each root lead its own process group; the group outlives the root.
        pgid: root,
        known: t.known,
        hasMarker: typeof marker === 'string' ? (e) => hasTreeMarker(e, marker) : () => false,
        excluded: process.pid,
      });
      // Members found by reading pids one by one may be threads; those known were checked before.
      const members =
        scope._tag === 'all'
          ? selected
          : selected.filter((m) => m.pid === root || t.known.get(m.pid) === m.identity || isProcess(m.pid));
      const memberPids = new Set(members.map((m) => m.pid));
      const exited = table.filter((e) => e.zombie && (e.pid === root || memberPids.has(e.ppid)));
      // A member that is gone cannot come back with the same start time: forget it. One that
      // exited is kept until collected, so it is read again (its pid may be older than the anchor).
      t.known = new Map([...members, ...exited].map((m) => [m.pid, m.identity]));
      for (const m of members) live.set(m.pid, m);
      for (const z of exited) zombies.set(z.pid, z);
    }
    return { live: [...live.values()], zombies: [...zombies.values()] };
  }

  /** The tree's memory, created on first sight; the most recently used are kept. */
  private memory(root: number): TreeMemory {
    const found = this.trees.get(root);
    this.trees.delete(root);
    const t: TreeMemory = found ?? {
      rootIdentity: undefined,
      marker: undefined,
      known: new Map(),
      anchor: undefined,
      advanced: 0,
      lastSeen: undefined,
    };
    this.trees.set(root, t);
    if (this.trees.size > TREES_KEPT) {
      const oldest = this.trees.keys().next();
      if (oldest.done !== true) this.trees.delete(oldest.value);
    }
    return t;
  }

  /** What to read of the table: the pids handed out since the last full read, and the known members. */
  private scope(
    trees: ReadonlyArray<readonly [number, TreeMemory]>,
    last: number | undefined,
    range: number | null,
  ): PidScope {
    const anchor =
      last === undefined || range === null
        ? undefined
        : scopeAnchor(
            trees.map(([, t]) => t),
            range,
          );
    if (last === undefined || anchor === undefined) return { _tag: 'all' };
    const also = new Set<number>();
    for (const [root, t] of trees) {
      also.add(root);
      for (const pid of t.known.keys()) also.add(pid);
    }
    return { _tag: 'after', pid: anchor, last, also, skip: () => false };
  }
}
