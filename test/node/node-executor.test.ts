// The Node executor against real processes: exit codes and signals reported exactly, output
// delivered raw and in order, arguments literal, environment and working directory as given,
// shells only when asked, and descendants left behind handled as `detach` says.
import * as os from 'node:os';
import { NodeExecutor } from '../../src/node/node-executor.js';
import { TREE_MARKER_VARIABLE } from '../../src/node/process-tree.js';
import { expectAllGone, isAlive, killQuietly, survivors } from './liveness.js';
import { hostEnv, start } from './run-fixture.js';

const executor = new NodeExecutor();

describe('exit codes and signals', () => {
  it.each([0, 1, 2, 42, 255])('reports exit code %i exactly', async (code) => {
    const run = start(executor, 'exit-code', [String(code)]);
    expect(typeof run.process.pid).toBe('number');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code });
  });

  it('reports a process that died of a signal by the signal, not a code', async () => {
    const run = start(executor, 'segfault', [], { cwd: os.tmpdir() });
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGSEGV' });
  });

  it('reports the signal of a graceful kill (SIGTERM) and of a forced one (SIGKILL)', async () => {
    const graceful = start(executor, 'forever');
    const forced = start(executor, 'ignore-sigterm');
    await Promise.all([
      graceful.waitFor((t) => t.includes('ready')),
      forced.waitFor((t) => t.includes('ready')),
    ]);
    graceful.process.kill('graceful');
    forced.process.kill('force');
    await expect(graceful.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
    await expect(forced.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
    await expectAllGone([...graceful.pids(), ...forced.pids()]);
  });

  it('accepts kill after the process exited, as a no-op', async () => {
    const run = start(executor, 'exit-code', ['3']);
    await run.process.exited;
    run.process.kill('graceful');
    run.process.kill('force');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 3 });
  });
});

describe('output', () => {
  it('delivers each stream in order, as raw byte chunks', async () => {
    const run = start(executor, 'lines', ['20', '1']);
    await run.process.exited;
    const expected = (prefix: string): string =>
      Array.from({ length: 20 }, (_, i) => `${prefix} ${i + 1}\n`).join('');
    expect(run.text('stdout')).toBe(expected('out'));
    expect(run.text('stderr')).toBe(expected('err'));
    for (const chunk of [...run.chunks.stdout, ...run.chunks.stderr])
      expect(chunk).toBeInstanceOf(Uint8Array);
  });

  it('delivers a last line without a newline', async () => {
    const run = start(executor, 'no-newline');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
    expect(run.text('stdout')).toBe('first\nlast without newline');
    expect(run.text('stderr')).toBe('err first\nerr last');
  });

  it('delivers invalid UTF-8 as the bytes it is', async () => {
    const run = start(executor, 'invalid-utf8');
    await run.process.exited;
    expect([...run.bytes()]).toEqual([0x61, 0xff, 0xfe, 0x62, 0xc3, 0x28, 0x0a, 0xe2, 0x82]);
  });

  it('delivers everything printed before a kill', async () => {
    const run = start(executor, 'forever');
    await run.waitFor((t) => t.includes('ready'));
    run.process.kill('force');
    await run.process.exited;
    expect(run.text()).toBe('ready\n');
  });
});

describe('arguments, environment, working directory', () => {
  const echo = async (args: ReadonlyArray<string>, overrides: Parameters<typeof start>[3] = {}) => {
    const run = start(executor, 'echo', args, overrides);
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
    return JSON.parse(run.text()) as { args: string[]; cwd: string; env: Record<string, string | null> };
  };

  it('passes arguments literally: a lone `|`, `&&`, globs, quotes and spaces reach the program as they are', async () => {
    const args = ['|', 'wc', '-l', '&&', '*.ts', '$HOME', '"quoted"', 'two words', "it's", ''];
    expect((await echo(args)).args).toEqual(args);
  });

  it('uses the environment given, and only it (plus the tree marker)', async () => {
    const env = { PATH: process.env.PATH ?? '', ECHO_VARS: `A,HOME,${TREE_MARKER_VARIABLE}`, A: 'x y' };
    const seen = await echo([], { env });
    expect(seen.env.A).toBe('x y');
    expect(seen.env.HOME).toBeNull();
    if (process.platform === 'linux') expect(seen.env[TREE_MARKER_VARIABLE]).toMatch(/\S/);
  });

  it('keeps the tree marker of an enclosing run', async () => {
    const seen = await echo([], {
      env: { ...hostEnv(), ECHO_VARS: TREE_MARKER_VARIABLE, [TREE_MARKER_VARIABLE]: 'outer' },
    });
    if (process.platform === 'linux') expect(seen.env[TREE_MARKER_VARIABLE]).toMatch(/^outer,\S+$/);
  });

  it('runs in the working directory given', async () => {
    const dir = os.tmpdir();
    expect((await echo([], { cwd: dir })).cwd).toBe(
      process.platform === 'darwin' ? expect.stringContaining(dir) : dir,
    );
  });
});

describe('shell', () => {
  it('runs no shell by default: `|` is an argument, not a pipe', async () => {
    const run = start(executor, 'echo', ['|', 'cat'], { command: process.execPath });
    await run.process.exited;
    expect(JSON.parse(run.text()).args).toEqual(['|', 'cat']);
  });

  it('with `shell: true` runs the script with /bin/sh: pipes, variables and exit codes work', async () => {
    const run = start(executor, '', [], {
      command: 'printf "a\\nb\\nc\\n" | wc -l; echo "$GREETING"; exit 7',
      args: [],
      shell: true,
      env: { ...hostEnv(), GREETING: 'hello' },
    });
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 7 });
    expect(
      run
        .text()
        .trim()
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual(['3', 'hello']);
  });

  it('with `shell: true` joins command and args with spaces, as Node does', async () => {
    const run = start(executor, '', [], { command: 'echo', args: ['one', '&&', 'echo', 'two'], shell: true });
    await run.process.exited;
    expect(run.text()).toBe('one\ntwo\n');
  });

  it('with a shell name runs that shell', async () => {
    const run = start(executor, '', [], { command: 'echo "$0"', args: [], shell: 'sh' });
    await run.process.exited;
    expect(run.text().trim()).toBe('sh');
  });

  it('reports a missing shell as a spawn failure naming the shell', async () => {
    const run = start(executor, '', [], { command: 'echo hi', args: [], shell: 'no-such-shell-xyz' });
    const exit = await run.process.exited;
    expect(exit).toMatchObject({
      _tag: 'spawn_failed',
      code: 'ENOENT',
      message: expect.stringContaining('no-such-shell-xyz'),
    });
  });
});

describe('descendants after a normal exit', () => {
  it('kills a daemon the process left behind (it left the process group: found through /proc)', async () => {
    const run = start(executor, 'daemon', [], { killGraceMs: 500 });
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
    const daemon = run.pids()[1];
    expect(daemon).toEqual(expect.any(Number));
    if (process.platform === 'linux') await expectAllGone(run.pids(), 100);
    else for (const pid of run.pids()) killQuietly(pid);
  });

  it('leaves the daemon running with `detach: true`', async () => {
    const run = start(executor, 'daemon', [], { detach: true });
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
    const daemon = run.pids()[1] ?? -1;
    try {
      expect(isAlive(daemon)).toBe(true);
    } finally {
      killQuietly(daemon);
    }
    expect(await survivors([daemon])).toEqual([]);
  });

  it('kills children left in the process group, SIGTERM first, and waits for them', async () => {
    const run = start(executor, '', [], {
      command: 'sleep 30 & echo "pid $!"; sleep 30 & echo "pid $!"; exit 0',
      args: [],
      shell: true,
      killGraceMs: 10_000,
    });
    const started = Date.now();
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
    // sleep dies of SIGTERM at once: no waiting for the grace period.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.pids()).toHaveLength(3);
    await expectAllGone(run.pids(), 100);
  });

  it('kills a leftover that ignores SIGTERM once the grace period is over', async () => {
    const run = start(executor, 'leave-behind', [], { killGraceMs: 300 });
    const started = Date.now();
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(run.text()).toContain('ready');
    expect(run.text('stderr')).toContain('ignoring SIGTERM');
    expect(run.pids()).toHaveLength(2);
    await expectAllGone(run.pids(), 100);
  });

  it('does not hang when a detached daemon holds the output pipes open', async () => {
    const run = start(executor, 'pipe-holder', [], { detach: true });
    const started = Date.now();
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
    expect(Date.now() - started).toBeLessThan(5000);
    const pids = run.pids();
    expect(pids).toHaveLength(2);
    for (const pid of pids) killQuietly(pid);
    await expectAllGone(pids);
  });

  it('kills a daemon holding the output pipes when not detached', async () => {
    const run = start(executor, 'pipe-holder', [], { killGraceMs: 500 });
    await expect(run.process.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
    expect(run.pids()).toHaveLength(2);
    await expectAllGone(run.pids(), 100);
  });

  it('settles for a process that closed its output but keeps running, once it is killed', async () => {
    const run = start(executor, 'close-stdout');
    await run.waitFor((t) => t.includes('ready'));
    let settled = false;
    void run.process.exited.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    run.process.kill('graceful');
    await expect(run.process.exited).resolves.toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
    await expectAllGone(run.pids(), 100);
  });
});
