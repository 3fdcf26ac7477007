// Finding a process tree: reads the process table (/proc on Linux, `ps` elsewhere) and decides
// which processes belong to a tree. A process belongs if it is the live root, is in the root's
// process group, was seen in the tree before (same pid AND same start time, so a reused pid is
// never mistaken for it), carries the tree's environment marker, or descends from a member.
// The marker is what finds a daemon that left the group (setsid) and lost its parent.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import type { HostPlatform } from './platform.js';
import { processTableSource } from './platform.js';
import { unreachable } from '../unreachable.js';

/** The variable every spawned tree inherits; a comma-separated list so nested runs keep theirs. */
export const TREE_MARKER_VARIABLE = 'MISSIONKIT_TREE';

/** One row of the process table. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Exited but not reaped: it cannot run, fork or be signalled, so it counts as gone. */
  readonly zombie: boolean;
  /** Tells this process from a later one that reuses its pid (its start time). */
  readonly identity: string;
}

/** What a tree is recognised by. */
export interface TreeSeeds {
  /** The root's pid while it runs (undefined once it exited: its pid may then be reused). */
  readonly livePid: number | undefined;
  /** The root's process group while it has members (undefined once it was seen empty). */
  readonly pgid: number | undefined;
  /** Every member ever seen, by pid, with its identity. */
  readonly known: ReadonlyMap<number, string>;
  /** Whether a process carries the tree's marker (read lazily: it costs a file read). */
  readonly hasMarker: (entry: ProcessEntry) => boolean;
  /** Never a member, whatever it looks like (the host itself). */
  readonly excluded: number;
}

/** Parses `/proc/<pid>/stat`; the command name may contain spaces and parentheses. */
export const parseProcStat = (text: string): ProcessEntry | undefined => {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // Fields after the name, from field 3 (state): ppid is field 4, pgrp 5, starttime 22.
  const rest = text.slice(close + 2).split(' ');
  const state = rest[0];
  const ppid = Number(rest[1]);
  const pgid = Number(rest[2]);
  const start = rest[19];
  if (!Number.isInteger(pid) || state === undefined || !Number.isInteger(ppid) || start === undefined)
    return undefined;
  // /proc/<tid>/stat also answers for a thread (not listed in /proc itself), with its process's
  // parent and group; a thread's exit signal (field 38) is -1, a process's never is.
  if (rest[35] === '-1') return undefined;
  return { pid, ppid, pgid, zombie: state === 'Z' || state === 'X' || state === 'x', identity: start };
};

/** Parses `ps -A -o pid=,ppid=,pgid=,stat=,lstart=` (lstart, the start time, holds spaces). */
export const parsePsTable = (text: string): ReadonlyArray<ProcessEntry> =>
  text.split('\n').flatMap((line): ReadonlyArray<ProcessEntry> => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*?)\s*$/.exec(line);
    if (m === null) return [];
    const [, pid, ppid, pgid, stat, start] = m;
    return [
      {
        pid: Number(pid),
        ppid: Number(ppid),
        pgid: Number(pgid),
        zombie: stat?.startsWith('Z') ?? false,
        identity: start ?? '',
      },
    ];
  });

/** The members of a tree in a process table snapshot (zombies excluded). */
export const selectTree = (
  entries: ReadonlyArray<ProcessEntry>,
  seeds: TreeSeeds,
): ReadonlyArray<ProcessEntry> => {
  const live = entries.filter((e) => !e.zombie && e.pid !== seeds.excluded);
  const children = new Map<number, ProcessEntry[]>();
  for (const e of live) {
    const list = children.get(e.ppid);
    if (list === undefined) children.set(e.ppid, [e]);
    else list.push(e);
  }
  const members = new Map<number, ProcessEntry>();
  const add = (e: ProcessEntry): void => {
    const stack = [e];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (members.has(next.pid)) continue;
      members.set(next.pid, next);
      stack.push(...(children.get(next.pid) ?? []));
    }
  };
  for (const e of live) {
    if (e.pid === seeds.livePid || e.pgid === seeds.pgid || seeds.known.get(e.pid) === e.identity) add(e);
  }
  // The marker costs a read per process, so it is asked only of what is not already linked, and
  // not of the host's own children (other trees' roots): a descendant never has the host as parent.
  for (const e of live) if (!members.has(e.pid) && e.ppid !== seeds.excluded && seeds.hasMarker(e)) add(e);
  return [...members.values()];
};

const statBuffer = Buffer.allocUnsafe(1024);

/** Reads one `/proc/<pid>/stat` with a reused buffer: a scan reads hundreds of them. */
const readStat = (pid: number): ProcessEntry | undefined => {
  let fd: number | undefined;
  try {
    fd = fs.openSync(`/proc/${pid}/stat`, 'r');
    const n = fs.readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return parseProcStat(statBuffer.toString('latin1', 0, n));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

// Kept open: it is read after every process exits, and on a busy machine each syscall is a
// chance to lose the CPU, so one pread beats open, fstat, read, close.
let loadavgFd: number | undefined;
const loadavgBuffer = Buffer.alloc(128);

/** The pid the kernel handed out last (Linux), from the fifth field of /proc/loadavg. */
export const lastAssignedPid = (): number | undefined => {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      loadavgFd ??= fs.openSync('/proc/loadavg', 'r');
      const n = fs.readSync(loadavgFd, loadavgBuffer, 0, loadavgBuffer.length, 0);
      const last = Number(loadavgBuffer.toString('latin1', 0, n).trim().split('/').pop()?.split(' ').pop());
      return Number.isInteger(last) ? last : undefined;
    } catch {
      loadavgFd = undefined; // closed under us, or no /proc: try once more, then give up
    }
  }
  return undefined;
};

/**
 * Which pids to read: all of them, or (much cheaper) those handed out after `pid` up to `last`
 * (the counter may have wrapped past its maximum in between), plus `also`, less `skip`.
 */
export type PidScope =
  | { readonly _tag: 'all' }
  | {
      readonly _tag: 'after';
      readonly pid: number;
      readonly last: number;
      readonly also: ReadonlySet<number>;
      readonly skip: (pid: number) => boolean;
    };

// Up to this many new pids are read one by one; beyond, listing /proc is cheaper.
const PROBE_LIMIT = 16;

/** Whether `candidate` was handed out after `pid`, up to `last` (which is below `pid` after a wrap). */
export const handedOutAfter = (candidate: number, pid: number, last: number): boolean =>
  last >= pid ? candidate > pid && candidate <= last : candidate > pid || candidate <= last;

const listProc = (): ReadonlyArray<number> => {
  try {
    return fs
      .readdirSync('/proc')
      .filter((name) => name.charCodeAt(0) <= 57)
      .map(Number);
  } catch {
    return [];
  }
};

const scopedPids = (scope: PidScope, list: () => ReadonlyArray<number>): Iterable<number> => {
  switch (scope._tag) {
    case 'all':
      return list();
    case 'after': {
      const { pid, last, also, skip } = scope;
      if (last >= pid && last - pid <= PROBE_LIMIT) {
        const pids = new Set(also);
        for (let p = pid + 1; p <= last; p++) if (!skip(p)) pids.add(p);
        return pids;
      }
      return list().filter((p) => also.has(p) || (handedOutAfter(p, pid, last) && !skip(p)));
    }
    default:
      return unreachable(scope);
  }
};

interface TableRequest {
  readonly scope: PidScope;
  readonly resolve: (entries: ReadonlyArray<ProcessEntry>) => void;
}

// The requests made since the last read. Under load hundreds of exits, kills and samples want the
// table within one turn of the event loop; reading it once for each of them made the host's work
// grow with the square of the processes running, and kept the event loop from reading output and
// reaping children for seconds. So requests wait for the end of the turn and share one read, made
// after every one of them (so each sees the table as it was after it asked).
let pending: TableRequest[] | undefined;

const readBatch = (): void => {
  const requests = pending ?? [];
  pending = undefined;
  let listed: ReadonlyArray<number> | undefined;
  const list = (): ReadonlyArray<number> => (listed ??= listProc());
  const read = new Map<number, ProcessEntry | undefined>();
  for (const { scope, resolve } of requests) {
    const entries: ProcessEntry[] = [];
    for (const pid of scopedPids(scope, list)) {
      let e = read.get(pid);
      if (e === undefined && !read.has(pid)) {
        e = readStat(pid);
        read.set(pid, e);
      }
      if (e !== undefined) entries.push(e);
    }
    resolve(entries);
  }
};

const readProc = (scope: PidScope): Promise<ReadonlyArray<ProcessEntry>> =>
  new Promise((resolve) => {
    if (pending === undefined) {
      pending = [];
      setImmediate(readBatch);
    }
    pending.push({ scope, resolve });
  });

const readPs = (): Promise<ReadonlyArray<ProcessEntry>> =>
  new Promise((resolve) => {
    execFile(
      'ps',
      ['-A', '-o', 'pid=,ppid=,pgid=,stat=,lstart='],
      { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => resolve(error === null ? parsePsTable(stdout) : []),
    );
  });

/** Reads the process table, or the part of it `scope` names (a scope is only honoured on /proc). */
export const readProcessTable = (
  platform: HostPlatform,
  scope: PidScope,
): Promise<ReadonlyArray<ProcessEntry>> => {
  const source = processTableSource(platform);
  switch (source) {
    case 'proc':
      return readProc(scope);
    case 'ps':
      return readPs();
    case 'none':
      return Promise.resolve([]);
    default:
      return unreachable(source);
  }
};

const markerKey = Buffer.from(`${TREE_MARKER_VARIABLE}=`, 'latin1');

/** The markers in `/proc/<pid>/environ` (Linux; none when unreadable). */
const readMarkers = (pid: number): ReadonlyArray<string> => {
  let environ: Buffer;
  try {
    environ = fs.readFileSync(`/proc/${pid}/environ`);
  } catch {
    return [];
  }
  for (let at = environ.indexOf(markerKey); at >= 0; at = environ.indexOf(markerKey, at + 1)) {
    if (at > 0 && environ[at - 1] !== 0) continue;
    const end = environ.indexOf(0, at);
    return environ.toString('latin1', at + markerKey.length, end < 0 ? environ.length : end).split(',');
  }
  return [];
};

// Reading another process's environment is the costliest read of a scan, and a process cannot
// gain a marker it did not inherit, so each process (pid and start time) is read once.
const markerCache = new Map<number, { readonly identity: string; readonly markers: ReadonlyArray<string> }>();
const MARKER_CACHE_LIMIT = 4096;

/** Whether a process (`/proc/<pid>/environ`) holds `marker` in the tree variable (Linux; false when unreadable). */
export const hasTreeMarker = (entry: Pick<ProcessEntry, 'pid' | 'identity'>, marker: string): boolean => {
  const cached = markerCache.get(entry.pid);
  if (cached !== undefined && cached.identity === entry.identity) return cached.markers.includes(marker);
  const markers = readMarkers(entry.pid);
  if (markerCache.size >= MARKER_CACHE_LIMIT) markerCache.clear();
  markerCache.set(entry.pid, { identity: entry.identity, markers });
  return markers.includes(marker);
};

/** Every tree marker a process carries (Linux; none when unreadable). */
export const treeMarkersOf = (entry: Pick<ProcessEntry, 'pid' | 'identity'>): ReadonlyArray<string> => {
  const cached = markerCache.get(entry.pid);
  if (cached !== undefined && cached.identity === entry.identity) return cached.markers;
  const markers = readMarkers(entry.pid);
  if (markerCache.size >= MARKER_CACHE_LIMIT) markerCache.clear();
  markerCache.set(entry.pid, { identity: entry.identity, markers });
  return markers;
};

/** The marker value for a new tree, keeping the markers of enclosing runs (nested missionkit). */
export const markerValue = (inherited: string | undefined, marker: string): string =>
  inherited === undefined || inherited === '' ? marker : `${inherited},${marker}`;

/** The live descendants of a running process, root included (for samplers summing a tree). */
export const processTreeOf = async (
  platform: HostPlatform,
  rootPid: number,
): Promise<ReadonlyArray<ProcessEntry>> =>
  selectTree(await readProcessTable(platform, { _tag: 'all' }), {
    livePid: rootPid,
    pgid: undefined,
    known: new Map(),
    hasMarker: () => false,
    excluded: process.pid,
  });
