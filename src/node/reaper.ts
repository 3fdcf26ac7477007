// The reaper: a small process that outlives a worker to kill the step trees the worker was
// running when it died, even by SIGKILL (which the worker cannot catch). The worker tells it each
// tree's process group over a pipe; when the pipe closes or the worker's pid goes, it kills every
// group it was told of and every process carrying the worker's tree marker, then exits. A lost
// worker's attempt runs elsewhere only after the lost-worker delay, by which time this is done.
import { spawn, type ChildProcess } from 'node:child_process';

/** The reaper's program, run with `node -e` so it needs no file next to the built library. */
const REAPER_SOURCE = String.raw`
const fs = require('node:fs');
const worker = Number(process.argv[1]);
const prefix = process.argv[2];
const groups = new Set();
let quiet = false;
const kill = (pid) => { try { process.kill(pid, 'SIGKILL'); } catch {} };
const marked = () => {
  const found = [];
  let names = [];
  try { names = fs.readdirSync('/proc'); } catch { return found; }
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let env;
    try { env = fs.readFileSync('/proc/' + name + '/environ', 'latin1'); } catch { continue; }
    const at = env.indexOf('MISSIONKIT_TREE=');
    if (at < 0) continue;
    const end = env.indexOf('\0', at);
    const value = env.slice(at + 16, end < 0 ? env.length : end);
    if (value.split(',').some((m) => m.startsWith(prefix))) found.push(Number(name));
  }
  return found;
};
const reap = () => {
  if (quiet) process.exit(0);
  const deadline = Date.now() + 5000;
  const round = () => {
    for (const g of groups) kill(-g);
    const left = marked();
    for (const pid of left) kill(pid);
    if ((left.length === 0 && Date.now() > deadline - 4500) || Date.now() > deadline) process.exit(0);
    setTimeout(round, 50);
  };
  round();
};
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  buffered += text;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (line === 'bye') quiet = true;
    else if (line[0] === '+') groups.add(Number(line.slice(1)));
    else if (line[0] === '-') groups.delete(Number(line.slice(1)));
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
setInterval(() => {
  try { process.kill(worker, 0); } catch { reap(); }
}, 250);
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
`;

/** A running reaper, watching this process. */
export interface Reaper {
  /** The reaper's pid (for tests and diagnostics). */
  readonly pid: number | undefined;
  /** A tree this process now runs: its process group leader. */
  watch(pgid: number): void;
  /** That tree ended. */
  release(pgid: number): void;
  /** This process is stopping cleanly with nothing left running: the reaper leaves without killing. */
  close(): void;
}

/**
 * Starts a reaper for this process. `markerPrefix` is the start of the tree marker every step
 * process of this worker carries; a process with such a marker is killed too (it may have left
 * its process group).
 */
export const startReaper = (markerPrefix: string): Reaper => {
  // Its own session: a Ctrl-C or a kill of the worker's process group does not reach it.
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', REAPER_SOURCE, String(process.pid), markerPrefix],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    },
  );
  child.unref();
  child.on('error', () => undefined);
  const stdin = child.stdin!;
  stdin.on('error', () => undefined);
  // The pipe must not keep the worker's event loop alive on its own.
  (stdin as unknown as { unref?: () => void }).unref?.();
  const send = (line: string): void => {
    if (!stdin.destroyed) stdin.write(`${line}\n`);
  };
  return {
    pid: child.pid,
    watch: (pgid) => send(`+${pgid}`),
    release: (pgid) => send(`-${pgid}`),
    close: () => {
      send('bye');
      stdin.end();
    },
  };
};
