// The few file operations a control group needs, synchronous (each is one small read or write
// on a kernel file, answered at once) and never throwing: a group that vanished or a write the
// kernel refused is an answer, not an exception.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `text` to a cgroup file in one write; says whether the kernel took it. */
export const writeCgroupFile = (file: string, text: string): boolean => {
  try {
    fs.writeFileSync(file, text);
    return true;
  } catch {
    return false;
  }
};

/** A cgroup file's text, or undefined when it cannot be read. */
export const readCgroupFile = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
};

const subgroups = (dir: string): ReadonlyArray<string> => {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
};

/**
 * The processes in a group and in the groups below it (a member running as root may make
 * subgroups; they are still inside). Exited processes are not listed, even before they are reaped.
 */
export const groupPids = (dir: string): ReadonlyArray<number> => {
  const pids: number[] = [];
  const text = readCgroupFile(path.join(dir, 'cgroup.procs')) ?? '';
  for (const line of text.split('\n')) if (line !== '') pids.push(Number(line));
  for (const sub of subgroups(dir)) pids.push(...groupPids(sub));
  return pids;
};

/** Removes a group and the groups below it; false when one still has members (or is gone already). */
export const removeGroup = (dir: string): boolean => {
  for (const sub of subgroups(dir)) removeGroup(sub);
  try {
    fs.rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
};

/** Moves every process of a group (and its subgroups) into the group `to`. */
export const releaseMembers = (dir: string, to: string): void => {
  for (const pid of groupPids(dir)) writeCgroupFile(path.join(to, 'cgroup.procs'), String(pid));
};

/** Whether `pid` names a live process (for a group directory named after the host that made it). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the empty groups a host that is gone left behind (it died before disposing of them).
 * Groups are named `<host pid>.<n>…`; one with members is left alone.
 */
export const removeStaleGroups = (base: string): void => {
  for (const dir of subgroups(base)) {
    const host = Number(/^(\d+)\./.exec(path.basename(dir))?.[1]);
    if (Number.isInteger(host) && host !== process.pid && !alive(host)) removeGroup(dir);
  }
};

let made = 0;

/** A fresh group name: the host's pid (so stale groups can be told), a count, and the step id. */
export const groupName = (label: string | undefined): string => {
  made += 1;
  const safe = (label ?? '').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  return `${process.pid}.${made}${safe === '' ? '' : `-${safe}`}`;
};

/** A field of a flat keyed file (`cpu.stat`, `memory.stat`, `cgroup.events`). */
export const keyedValue = (text: string, key: string): number | undefined => {
  const m = new RegExp(`(?:^|\\n)${key} (\\d+)`).exec(text);
  return m === null ? undefined : Number(m[1]);
};
