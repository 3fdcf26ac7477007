// The size and file count of what a command reads, within a time budget, and the files a chunked
// step covers. Two engines measure sizes:
//  - GNU find (`-printf '%d %s'`), where present: one process walks and stats in C — as fast as
//    `du -sb`, and Node only adds up the numbers it prints;
//  - a Node walk (readdir with file types, then lstat of the files that pass the filter), run
//    synchronously in slices of a few milliseconds so the event loop keeps turning: a plain async
//    walk with a promise per file costs 5–12× `du` here, a synchronous one about 2×.
// A tree too large for the budget is extrapolated from what was walked, and says so.
import { execFile, spawn } from 'node:child_process';
import { lstatSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { compileFilter, isEmptyFilter, type FileFilter } from '../plan/file-filter.js';
import type { ListedFiles, ListFilesOptions, MeasureOptions, Measurement } from '../ports/host-facts.js';
import { monotonicMs } from './system-clock.js';

/** Which engine measures: `auto` takes GNU find when it is on PATH and can express the filter. */
export type SizeEngine = 'auto' | 'find' | 'node';

/** How long a synchronous slice of the Node walk may run before it lets the event loop turn. */
const SLICE_MS = 8;

const now = monotonicMs;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `.` + `src/a.go` → `./src/a.go`, as find and grep -r name what they found. */
const join = (operand: string, name: string): string =>
  operand.endsWith('/') || operand.endsWith(path.sep) ? operand + name : `${operand}/${name}`;

interface Root {
  readonly operand: string;
  readonly abs: string;
  readonly kind: 'file' | 'directory';
  readonly size: number;
}

/** The named paths that exist (a symlink named on the command line is followed, as commands do). */
const rootsOf = (paths: ReadonlyArray<string>, cwd: string): { roots: Root[]; missing: string[] } => {
  const roots: Root[] = [];
  const missing: string[] = [];
  for (const operand of paths) {
    const abs = path.resolve(cwd, operand);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (st === undefined) missing.push(operand);
    else if (st.isDirectory()) roots.push({ operand, abs, kind: 'directory', size: 0 });
    else if (st.isFile()) roots.push({ operand, abs, kind: 'file', size: st.size });
  }
  return { roots, missing };
};

/** What a walk found at one depth (0: the directories named on the command line). */
export interface Level {
  /** Directories entered at this depth. */
  entered: number;
  /** Files (that pass the filter) directly inside them, and their bytes. */
  files: number;
  bytes: number;
  /** Subdirectories found in them (the directories of the next depth, entered or not). */
  children: number;
}

const level = (levels: Level[], depth: number): Level =>
  (levels[depth] ??= { entered: 0, files: 0, bytes: 0, children: 0 });

/**
 * Extrapolates a walk the budget cut short, depth by depth: each directory found but not entered
 * holds what the entered ones at its depth held on average, and (where that depth's branching is
 * known) has as many subdirectories as they had. Below the deepest depth entered nothing is
 * assumed, so the estimate is a floor.
 */
export const projectLevels = (
  levels: ReadonlyArray<Level | undefined>,
  roots: number,
): { files: number; bytes: number; directories: number; pending: number } => {
  const known = (k: number): Level | undefined => {
    // The nearest depth with an entered directory stands in for one without (shallower first).
    for (let d = 0; d <= levels.length; d++)
      for (const j of [k - d, k + d]) {
        const l = levels[j];
        if (l !== undefined && l.entered > 0) return l;
      }
    return undefined;
  };
  let files = 0;
  let bytes = 0;
  let directories = 0;
  let pending = 0;
  let discovered = roots;
  let unseen = 0;
  for (let k = 0; k <= levels.length && discovered + unseen > 0; k++) {
    const l = levels[k];
    const entered = l?.entered ?? 0;
    const notEntered = Math.max(0, discovered - entered);
    const left = notEntered + unseen;
    const avg = known(k);
    files += (l?.files ?? 0) + (avg !== undefined ? (left * avg.files) / avg.entered : 0);
    bytes += (l?.bytes ?? 0) + (avg !== undefined ? (left * avg.bytes) / avg.entered : 0);
    directories += entered + left;
    pending += notEntered;
    discovered = l?.children ?? 0;
    unseen = l !== undefined && l.entered > 0 ? (left * l.children) / l.entered : 0;
  }
  return {
    files: Math.round(files),
    bytes: Math.round(bytes),
    directories: Math.round(directories),
    pending,
  };
};

/** Measures with a breadth-first Node walk, in slices that let the event loop turn. */
export const measureWithNode = async (
  paths: ReadonlyArray<string>,
  options: MeasureOptions,
): Promise<Measurement> => {
  const start = now();
  const deadline = start + options.budget_ms;
  const f = compileFilter(options.filter);
  const all = isEmptyFilter(options.filter);
  const { roots, missing } = rootsOf(paths, options.cwd);
  const levels: Level[] = [];
  let rootFiles = 0;
  let rootBytes = 0;
  const queue: Array<{ readonly abs: string; readonly named: string; readonly depth: number }> = [];
  for (const r of roots) {
    if (r.kind === 'directory') queue.push({ abs: r.abs, named: r.operand, depth: 0 });
    else if (f.file(r.operand)) {
      rootFiles++;
      rootBytes += r.size;
    }
  }
  const rootDirs = queue.length;
  let head = 0;
  let cut = false;
  walk: while (head < queue.length) {
    const sliceEnd = Math.min(now() + SLICE_MS, deadline);
    while (head < queue.length) {
      const dir = queue[head++]!;
      const here = level(levels, dir.depth);
      here.entered++;
      let entries;
      try {
        entries = readdirSync(dir.abs, { withFileTypes: true });
      } catch {
        continue; // unreadable: the command will not read it either
      }
      const prefix = dir.abs + path.sep;
      const chosen: string[] = [];
      for (const e of entries) {
        if (e.isDirectory()) {
          const named = all ? '' : join(dir.named, e.name);
          if (all || f.directory(named)) {
            queue.push({ abs: prefix + e.name, named, depth: dir.depth + 1 });
            here.children++;
          }
        } else if (e.isFile() && (all || f.file(join(dir.named, e.name)))) chosen.push(e.name);
      }
      here.files += chosen.length;
      for (let i = 0; i < chosen.length; i++) {
        // Checked every 256 files, so one huge directory cannot overrun the budget by much.
        if ((i & 255) === 255 && now() > deadline) {
          cut = true;
          here.bytes += (here.bytes / i) * (chosen.length - i);
          break walk;
        }
        here.bytes += lstatSync(prefix + chosen[i]!, { throwIfNoEntry: false })?.size ?? 0;
      }
      const t = now();
      if (t > deadline && head < queue.length) {
        cut = true;
        break walk;
      }
      if (t > sliceEnd) break;
    }
    if (head < queue.length) await yieldToEventLoop();
  }
  const elapsed = now() - start;
  const walked = {
    files: rootFiles + levels.reduce((n, l) => n + l.files, 0),
    bytes: Math.round(rootBytes + levels.reduce((n, l) => n + l.bytes, 0)),
    directories: head,
  };
  if (!cut) return { ...walked, complete: true, elapsed_ms: elapsed, missing, method: 'node' };
  const p = projectLevels(levels, rootDirs);
  return {
    files: rootFiles + p.files,
    bytes: Math.round(rootBytes + p.bytes),
    directories: p.directories,
    complete: false,
    walked: { ...walked, pending_directories: queue.length - head },
    elapsed_ms: elapsed,
    missing,
    method: 'node',
  };
};

let gnuFind: Promise<boolean> | undefined;

/** Whether `find` on PATH is GNU find (its `-printf` is what the fast engine needs); asked once per process. */
export const hasGnuFind = (): Promise<boolean> =>
  (gnuFind ??=
    process.platform === 'win32'
      ? Promise.resolve(false)
      : new Promise<boolean>((resolve) =>
          execFile('find', ['--version'], { timeout: 5000 }, (error, stdout) =>
            resolve(error === null && String(stdout).includes('GNU findutils')),
          ),
        ));

/** Whether find's `-name` can say what the filter says (base-name globs without braces). */
const findCanExpress = (filter: FileFilter): boolean =>
  [...filter.include, ...filter.exclude, ...filter.exclude_dirs].every(
    (g) => !g.replace(/^\.\//, '').includes('/') && !/[{}]/.test(g),
  );

const anyName = (globs: ReadonlyArray<string>): string[] =>
  globs.length === 1
    ? ['-name', globs[0]!]
    : ['(', ...globs.flatMap((g, i) => [...(i > 0 ? ['-o'] : []), '-name', g]), ')'];

/** find's arguments: prune excluded directories, print `d <depth> <links>` per directory and `<depth> <size>` per chosen file. */
const findArgs = (roots: ReadonlyArray<string>, filter: FileFilter): string[] => {
  const prune =
    filter.exclude_dirs.length > 0
      ? ['(', '-type', 'd', ...anyName(filter.exclude_dirs), '-prune', ')', '-o']
      : [];
  const include = filter.include.length > 0 ? anyName(filter.include) : [];
  const exclude = filter.exclude.length > 0 ? ['!', ...anyName(filter.exclude)] : [];
  return [
    ...roots,
    ...prune,
    '(',
    '-type',
    'd',
    '-printf',
    'd %d %n\\n',
    ')',
    '-o',
    '(',
    '-type',
    'f',
    ...include,
    ...exclude,
    '-printf',
    '%d %s\\n',
    ')',
  ];
};

/**
 * Adds up what `find … -printf` prints: `d <depth> <links>` for each directory entered and
 * `<depth> <size>` for each file, depth by depth. On a cut, directory link counts (2 +
 * subdirectories on ext4, xfs and most others) say how many directories were found but not
 * entered, for `projectLevels`.
 */
export class FindOutputCounter {
  readonly levels: Level[] = [];
  files = 0;
  bytes = 0;
  directories = 0;
  private linksUsable = true;
  private rest = '';

  /** Reads a chunk of find's output (lines may be split across chunks). */
  push(chunk: string): void {
    const text = this.rest + chunk;
    let i = 0;
    for (let j = text.indexOf('\n'); j >= 0; j = text.indexOf('\n', i)) {
      if (text.charCodeAt(i) === 100 /* d */) {
        const space = text.indexOf(' ', i + 2);
        const l = level(this.levels, Number(text.slice(i + 2, space)));
        const links = Number(text.slice(space + 1, j));
        l.entered++;
        this.directories++;
        // btrfs and some others always report 1: then nothing can be said about what is left.
        if (links >= 2) l.children += links - 2;
        else this.linksUsable = false;
      } else {
        const space = text.indexOf(' ', i);
        const size = Number(text.slice(space + 1, j));
        // A file at depth k lies in a directory at depth k - 1.
        const l = level(this.levels, Number(text.slice(i, space)) - 1);
        l.files++;
        l.bytes += size;
        this.files++;
        this.bytes += size;
      }
      i = j + 1;
    }
    this.rest = text.slice(i);
  }

  /** Whether link counts can say how many directories are left (not when pruning: pruned ones count too). */
  canProject(pruning: boolean): boolean {
    return this.linksUsable && !pruning;
  }
}

/** Measures with GNU find, killed when the budget runs out. */
export const measureWithFind = (
  paths: ReadonlyArray<string>,
  options: MeasureOptions,
): Promise<Measurement> =>
  new Promise((resolve) => {
    const start = now();
    const { roots, missing } = rootsOf(paths, options.cwd);
    const f = compileFilter(options.filter);
    const dirs = roots.filter((r) => r.kind === 'directory').map((r) => r.abs);
    const counter = new FindOutputCounter();
    // A file named on the command line is measured here: find's -name would test its whole name.
    for (const r of roots)
      if (r.kind === 'file' && f.file(r.operand)) {
        counter.files++;
        counter.bytes += r.size;
      }
    let cut = false;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      const elapsed = now() - start;
      const walked = { bytes: counter.bytes, files: counter.files, directories: counter.directories };
      if (!cut) {
        resolve({ ...walked, complete: true, elapsed_ms: elapsed, missing, method: 'find' });
        return;
      }
      const projected = counter.canProject(options.filter.exclude_dirs.length > 0)
        ? projectLevels(counter.levels, dirs.length)
        : { ...walked, pending: 0 };
      resolve({
        files: projected.files,
        bytes: projected.bytes,
        directories: projected.directories,
        complete: false,
        walked: { ...walked, pending_directories: projected.pending },
        elapsed_ms: elapsed,
        missing,
        method: 'find',
      });
    };
    if (dirs.length === 0) {
      finish();
      return;
    }
    const child = spawn('find', findArgs(dirs, options.filter), {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const timer = setTimeout(() => {
      cut = true;
      child.kill('SIGKILL');
    }, options.budget_ms);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      if (!cut) counter.push(chunk);
    });
    child.on('error', () => {
      // find could not start after all: the Node walk measures with what is left of the budget.
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      const left = Math.max(0, options.budget_ms - (now() - start));
      void measureWithNode(paths, { ...options, budget_ms: left }).then(resolve);
    });
    child.on('close', () => {
      clearTimeout(timer);
      finish();
    });
  });

/** Measures `paths` within `options.budget_ms` with the fastest engine that can. */
export const measurePaths = async (
  paths: ReadonlyArray<string>,
  options: MeasureOptions,
  engine: SizeEngine = 'auto',
): Promise<Measurement> => {
  const useFind =
    engine === 'find' || (engine === 'auto' && findCanExpress(options.filter) && (await hasGnuFind()));
  return useFind ? measureWithFind(paths, options) : measureWithNode(paths, options);
};

/** The regular files under `paths` that pass the filter, named as the command would name them, sorted. */
export const listFiles = async (
  paths: ReadonlyArray<string>,
  options: ListFilesOptions,
): Promise<ListedFiles> => {
  const f = compileFilter(options.filter);
  const { roots, missing } = rootsOf(paths, options.cwd);
  const out: string[] = [];
  const queue: Array<{ readonly abs: string; readonly named: string }> = [];
  for (const r of roots) {
    if (r.kind === 'directory') queue.push({ abs: r.abs, named: r.operand });
    else if (f.file(r.operand)) out.push(r.operand);
  }
  let head = 0;
  while (head < queue.length) {
    if (options.signal?.aborted) throw options.signal.reason;
    const sliceEnd = now() + SLICE_MS;
    while (head < queue.length && now() < sliceEnd) {
      const dir = queue[head++]!;
      let entries;
      try {
        entries = readdirSync(dir.abs, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const named = join(dir.named, e.name);
        if (e.isDirectory()) {
          if (f.directory(named)) queue.push({ abs: path.join(dir.abs, e.name), named });
        } else if (e.isFile() && f.file(named)) out.push(named);
      }
    }
    if (head < queue.length) await yieldToEventLoop();
  }
  return { files: out.sort(), missing };
};
