// Recognising a tree in the process table: the pure rules (group, parent links, remembered
// identities, the marker, zombies, reused pids) and the real /proc reader.
import { spawn } from 'node:child_process';
import { NodeExecutor } from '../../src/node/node-executor.js';
import type { ProcessEntry, TreeSeeds } from '../../src/node/process-tree.js';
import {
  hasTreeMarker,
  lastAssignedPid,
  markerValue,
  parseProcStat,
  parsePsTable,
  processTreeOf,
  readProcessTable,
  selectTree,
} from '../../src/node/process-tree.js';
import { expectAllGone } from './liveness.js';
import { fixture, pidLines, start } from './run-fixture.js';

const linux = process.platform === 'linux' ? it : it.skip;

describe('parseProcStat', () => {
  it('reads pid, ppid, process group, state and start time, whatever the command name holds', () => {
    const line =
      '4242 (a (weird) name) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      ppid: 17,
      pgid: 4242,
      zombie: false,
      identity: '987654',
    });
  });

  it('takes Z (zombie) and X (dead) as gone', () => {
    const zombie = '7 (sleep) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0';
    expect(parseProcStat(zombie)?.zombie).toBe(true);
    expect(parseProcStat(zombie.replace(' Z ', ' X '))?.zombie).toBe(true);
  });

  it('does not take a thread for a process (a thread answers /proc/<tid>/stat with exit signal -1)', () => {
    const fields = (exitSignal: string): string =>
      `900 (node) S 17 800 800 0 -1 0 0 0 0 0 1 2 0 0 20 0 7 0 555 1000 200 0 0 0 0 0 0 0 0 0 0 0 0 0 ${exitSignal} 1 0 0 0 0`;
    expect(parseProcStat(fields('17'))?.pid).toBe(900);
    expect(parseProcStat(fields('-1'))).toBeUndefined();
  });

  it('the real threads of this process are not processes', () => {
    const tids = require('node:fs').readdirSync(`/proc/${process.pid}/task`) as string[];
    const others = tids.map(Number).filter((t) => t !== process.pid);
    expect(others.length).toBeGreaterThan(0);
    for (const tid of others) {
      expect(parseProcStat(require('node:fs').readFileSync(`/proc/${tid}/stat`, 'utf8'))).toBeUndefined();
    }
    expect(parseProcStat(require('node:fs').readFileSync(`/proc/${process.pid}/stat`, 'utf8'))?.pid).toBe(
      process.pid,
    );
  });

  it('refuses what it cannot read', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('12 (x) S')).toBeUndefined();
  });
});

describe('parsePsTable', () => {
  it('reads `ps -A -o pid=,ppid=,pgid=,stat=,lstart=` as printed on macOS', () => {
    const text = [
      '    1     0     1 Ss   Mon Jun 10 09:00:01 2024',
      '  501     1   501 S+   Tue Jun 11 10:11:12 2024',
      '  502   501   501 Z    Tue Jun 11 10:11:13 2024',
      '',
    ].join('\n');
    expect(parsePsTable(text)).toEqual([
      { pid: 1, ppid: 0, pgid: 1, zombie: false, identity: 'Mon Jun 10 09:00:01 2024' },
      { pid: 501, ppid: 1, pgid: 501, zombie: false, identity: 'Tue Jun 11 10:11:12 2024' },
      { pid: 502, ppid: 501, pgid: 501, zombie: true, identity: 'Tue Jun 11 10:11:13 2024' },
    ]);
  });
});

describe('selectTree', () => {
  const entry = (
    pid: number,
    ppid: number,
    pgid: number,
    extra: Partial<ProcessEntry> = {},
  ): ProcessEntry => ({
    pid,
    ppid,
    pgid,
    zombie: false,
    identity: `t${pid}`,
    ...extra,
  });
  const seeds: TreeSeeds = {
    livePid: 100,
    pgid: 100,
    known: new Map(),
    hasMarker: () => false,
    excluded: 999,
  };
  const pids = (entries: ReadonlyArray<ProcessEntry>): number[] =>
    entries.map((e) => e.pid).sort((a, b) => a - b);

  it('takes the live root, its process group, and every descendant', () => {
    const table = [
      entry(1, 0, 1),
      entry(100, 1, 100),
      entry(101, 100, 100),
      entry(102, 101, 555),
      entry(103, 102, 555),
      entry(200, 1, 200),
    ];
    expect(pids(selectTree(table, seeds))).toEqual([100, 101, 102, 103]);
  });

  it('finds group members whose parent died (re-parented to init)', () => {
    expect(pids(selectTree([entry(101, 1, 100), entry(200, 1, 200)], seeds))).toEqual([101]);
  });

  it('once the root exited, children of a process that reused its pid are not members', () => {
    const table = [entry(100, 1, 300), entry(150, 100, 300)];
    expect(pids(selectTree(table, { ...seeds, livePid: undefined, pgid: undefined }))).toEqual([]);
  });

  it('remembers members by pid and start time: a reused pid is a stranger', () => {
    const known = new Map([
      [150, 't150'],
      [160, 'earlier'],
    ]);
    const table = [entry(150, 1, 150), entry(151, 150, 150), entry(160, 1, 160)];
    expect(pids(selectTree(table, { ...seeds, livePid: undefined, pgid: undefined, known }))).toEqual([
      150, 151,
    ]);
  });

  it('takes a process with the marker (a daemon that left the group and lost its parent)', () => {
    const table = [entry(150, 1, 150), entry(151, 150, 150), entry(160, 1, 160)];
    const marked = selectTree(table, {
      ...seeds,
      livePid: undefined,
      pgid: undefined,
      hasMarker: (e) => e.pid === 150,
    });
    expect(pids(marked)).toEqual([150, 151]);
  });

  it('asks for the marker only of processes not already linked', () => {
    const asked: number[] = [];
    selectTree([entry(100, 1, 100), entry(101, 100, 100), entry(7, 1, 7)], {
      ...seeds,
      hasMarker: (e) => {
        asked.push(e.pid);
        return false;
      },
    });
    expect(asked).toEqual([7]);
  });

  it("does not ask the host's own children (other trees' roots) for the marker", () => {
    const asked: number[] = [];
    const hasMarker = (e: ProcessEntry): boolean => {
      asked.push(e.pid);
      return true;
    };
    expect(pids(selectTree([entry(300, 999, 300)], { ...seeds, hasMarker }))).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('leaves out zombies and the host itself', () => {
    const table = [entry(101, 1, 100, { zombie: true }), entry(102, 1, 100), entry(999, 1, 100)];
    expect(pids(selectTree(table, seeds))).toEqual([102]);
  });
});

describe('markerValue', () => {
  it('appends to the marker of an enclosing run', () => {
    expect(markerValue(undefined, 'b')).toBe('b');
    expect(markerValue('', 'b')).toBe('b');
    expect(markerValue('a', 'b')).toBe('a,b');
  });
});

describe('reading the real process table', () => {
  linux("hasTreeMarker reads a process's inherited environment", async () => {
    const child = spawn(process.execPath, [fixture('forever')], {
      env: { ...process.env, MISSIONKIT_TREE: 'outer,inner' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const pid = child.pid ?? -1;
      expect(hasTreeMarker({ pid, identity: 'a' }, 'inner')).toBe(true);
      expect(hasTreeMarker({ pid, identity: 'a' }, 'outer')).toBe(true);
      expect(hasTreeMarker({ pid, identity: 'a' }, 'inn')).toBe(false);
      expect(hasTreeMarker({ pid: process.pid, identity: 'b' }, 'inner')).toBe(false);
      expect(hasTreeMarker({ pid: 2 ** 22 + 1, identity: 'c' }, 'inner')).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  linux('lastAssignedPid is at least the pid of a process just started', () => {
    const child = spawn('true');
    const last = lastAssignedPid();
    expect(last).toEqual(expect.any(Number));
    if ((last ?? 0) >= (child.pid ?? 0)) expect(last).toBeGreaterThanOrEqual(child.pid ?? 0);
  });

  it('readProcessTable lists this process with its parent', async () => {
    const table = await readProcessTable(process.platform, { _tag: 'all' });
    expect(table.find((e) => e.pid === process.pid)).toMatchObject({ ppid: process.ppid, zombie: false });
  });

  it('processTreeOf lists a running tree, root included', async () => {
    const run = start(new NodeExecutor(), 'tree', ['2', '1']);
    try {
      await run.waitFor((t) => pidLines(t) === 3);
      const tree = await processTreeOf(process.platform, run.process.pid ?? -1);
      expect(tree.map((e) => e.pid).sort()).toEqual([...new Set(run.pids())].sort());
    } finally {
      run.process.kill('force');
      await run.process.exited;
    }
    await expectAllGone(run.pids(), 100);
  });
});
