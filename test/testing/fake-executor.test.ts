import type { OutputStream, ProcessExit, SpawnRequest } from '../../src/ports/executor.js';
import {
  FakeExecutor,
  VirtualClock,
  fakePrograms,
  type FakeExecutorOptions,
  type FakeScript,
} from '../../src/testing/index.js';

const T0 = Date.UTC(2025, 0, 1);

interface Seen {
  readonly at: number;
  readonly stream: OutputStream;
  readonly text: string;
}

/** A clock, an executor on it, and a way to spawn that records output and the exit in one timeline. */
const setup = (options: Omit<FakeExecutorOptions, 'clock'>) => {
  const clock = new VirtualClock();
  const executor = new FakeExecutor({ clock, ...options });
  const spawn = (stepId: string | undefined, command = 'cmd', args: ReadonlyArray<string> = []) => {
    const seen: Seen[] = [];
    const timeline: string[] = [];
    const raw: Uint8Array[] = [];
    const request: SpawnRequest = {
      command,
      args,
      cwd: '/work',
      env: {},
      shell: false,
      detach: false,
      killGraceMs: 5_000,
      ...(stepId === undefined ? {} : { stepId }),
      onOutput: (stream, chunk) => {
        raw.push(chunk);
        const text = new TextDecoder().decode(chunk);
        seen.push({ at: clock.now() - T0, stream, text });
        timeline.push(`${stream}:${text}`);
      },
    };
    const proc = executor.spawn(request);
    let exit: ProcessExit | undefined;
    void proc.exited.then((e) => {
      exit = e;
      timeline.push(`exit:${JSON.stringify(e)}`);
    });
    return { proc, seen, timeline, raw, request, exit: () => exit };
  };
  return { clock, executor, spawn };
};

describe('FakeExecutor', () => {
  describe('choosing a script', () => {
    it('prefers the step script, then the command script, then the default', async () => {
      const { clock, executor, spawn } = setup({
        steps: { build: { exitCode: 1 } },
        commands: { make: { exitCode: 2 } },
        defaultScript: { exitCode: 3 },
      });
      const byStep = spawn('build', 'make');
      const byCommand = spawn('test', 'make');
      const byDefault = spawn('lint', 'eslint');
      const noStepId = spawn(undefined, 'make');
      await clock.runUntilIdle();
      expect([byStep, byCommand, byDefault, noStepId].map((r) => r.exit())).toEqual([
        { _tag: 'exited', code: 1 },
        { _tag: 'exited', code: 2 },
        { _tag: 'exited', code: 3 },
        { _tag: 'exited', code: 2 },
      ]);
      expect(executor.spawns.map((s) => s.scriptedBy)).toEqual(['step', 'command', 'default', 'command']);
    });

    it('fails an unscripted spawn with ENOENT and a message saying how to script it', async () => {
      const { executor, spawn } = setup({ steps: { build: {} }, commands: { make: {} } });
      const run = spawn('deploy', 'kubectl');
      expect(run.proc.pid).toBeUndefined();
      const exit = await run.proc.exited;
      expect(exit).toMatchObject({ _tag: 'spawn_failed', code: 'ENOENT' });
      if (exit._tag !== 'spawn_failed') throw new Error('expected spawn_failed');
      expect(exit.message).toBe(
        'FakeExecutor has no script for step "deploy" running command "kubectl". ' +
          'Add one: new FakeExecutor({ clock, steps: { "deploy": { exitCode: 0 } } }), ' +
          'or by command: commands: { "kubectl": { exitCode: 0 } }, or give a defaultScript. ' +
          'Scripted steps: "build"; scripted commands: "make".',
      );
      expect(exit.hint).toContain('steps');
      expect(executor.spawns[0]).toMatchObject({
        pid: undefined,
        scriptedBy: 'unscripted',
        startedAt: T0,
        endedAt: T0,
        exit,
      });
    });

    it('does not mistake Object.prototype names for scripts', async () => {
      const { spawn } = setup({});
      const run = spawn('constructor', 'toString');
      expect(await run.proc.exited).toMatchObject({ _tag: 'spawn_failed', code: 'ENOENT' });
    });

    it('calls a script function with the request, for behaviour that depends on args', async () => {
      const { clock, spawn } = setup({
        commands: {
          git: (req) =>
            req.args[0] === 'push'
              ? { exitCode: 128, output: [{ stream: 'stderr', text: 'rejected\n' }] }
              : {},
        },
      });
      const push = spawn('a', 'git', ['push']);
      const status = spawn('b', 'git', ['status']);
      await clock.runUntilIdle();
      expect(push.exit()).toEqual({ _tag: 'exited', code: 128 });
      expect(push.seen).toEqual([{ at: 0, stream: 'stderr', text: 'rejected\n' }]);
      expect(status.exit()).toEqual({ _tag: 'exited', code: 0 });
    });
  });

  describe('ending on its own', () => {
    it('exits with exitCode after exitAfterMs of virtual time', async () => {
      const { clock, executor, spawn } = setup({ steps: { job: { exitAfterMs: 60 * 60_000, exitCode: 4 } } });
      const run = spawn('job');
      await clock.advance(60 * 60_000 - 1);
      expect(run.exit()).toBeUndefined();
      expect(executor.running()).toHaveLength(1);
      await clock.advance(1);
      expect(run.exit()).toEqual({ _tag: 'exited', code: 4 });
      expect(executor.spawns[0]).toMatchObject({ startedAt: T0, endedAt: T0 + 3_600_000 });
      expect(executor.running()).toHaveLength(0);
    });

    it('runs `{}` as a process that exits 0 as soon as time moves', async () => {
      const { clock, spawn } = setup({ defaultScript: {} });
      const run = spawn('x');
      await Promise.resolve();
      expect(run.exit()).toBeUndefined();
      await clock.advance(0);
      expect(run.exit()).toEqual({ _tag: 'exited', code: 0 });
    });

    it('ends by a signal when the script says so', async () => {
      const { clock, spawn } = setup({ steps: { crash: { exitAfterMs: 200, signal: 'SIGSEGV' } } });
      const run = spawn('crash');
      await clock.runUntilIdle();
      expect(run.exit()).toEqual({ _tag: 'signaled', signal: 'SIGSEGV' });
      expect(clock.now()).toBe(T0 + 200);
    });
  });

  describe('output', () => {
    it('prints each chunk at its virtual time, on its stream, encoded as UTF-8', async () => {
      const script: FakeScript = {
        output: [
          { atMs: 1_000, text: 'compiling ✓\n' },
          { atMs: 500, stream: 'stderr', text: 'warning\n' },
          { text: 'start\n' },
        ],
        exitAfterMs: 2_000,
      };
      const { clock, spawn } = setup({ steps: { build: script } });
      const run = spawn('build');
      await clock.advance(499);
      expect(run.seen).toEqual([{ at: 0, stream: 'stdout', text: 'start\n' }]);
      await clock.runUntilIdle();
      expect(run.seen).toEqual([
        { at: 0, stream: 'stdout', text: 'start\n' },
        { at: 500, stream: 'stderr', text: 'warning\n' },
        { at: 1_000, stream: 'stdout', text: 'compiling ✓\n' },
      ]);
      expect(run.raw[2]).toEqual(new TextEncoder().encode('compiling ✓\n'));
    });

    it('prints raw bytes as given, for output that is not UTF-8', async () => {
      const { clock, spawn } = setup({ steps: { bin: { output: [{ bytes: [0xff, 0xfe, 0x0a] }] } } });
      const run = spawn('bin');
      await clock.runUntilIdle();
      expect(run.raw).toEqual([Uint8Array.from([0xff, 0xfe, 0x0a])]);
    });

    it('prints chunks due at the same time in array order, and all of them before exited settles', async () => {
      const { clock, spawn } = setup({
        steps: {
          s: {
            exitAfterMs: 100,
            output: [
              { atMs: 100, text: 'a' },
              { atMs: 100, stream: 'stderr', text: 'b' },
              { atMs: 100, text: 'c' },
            ],
          },
        },
      });
      const run = spawn('s');
      await clock.runUntilIdle();
      expect(run.timeline).toEqual(['stdout:a', 'stderr:b', 'stdout:c', 'exit:{"_tag":"exited","code":0}']);
    });

    it('hands every delivery its own copy of the bytes', async () => {
      const { clock, spawn } = setup({ commands: { cmd: { output: [{ text: 'same\n' }] } } });
      const first = spawn('a');
      await clock.runUntilIdle();
      first.raw[0]?.fill(0);
      const second = spawn('b');
      await clock.runUntilIdle();
      expect(second.seen.map((s) => s.text)).toEqual(['same\n']);
    });
  });

  describe('kills', () => {
    it('runs a hanging process until it is killed; output due after the kill is never printed', async () => {
      const { clock, executor, spawn } = setup({
        steps: {
          server: {
            hang: true,
            output: [
              { atMs: 0, text: 'listening\n' },
              { atMs: 10_000, text: 'late\n' },
            ],
          },
        },
      });
      const run = spawn('server');
      await clock.advance(24 * 60 * 60_000 - 10_000);
      expect(run.exit()).toBeUndefined();
      run.proc.kill('force');
      // A kill takes effect at once: no clock move is needed for exited to settle.
      expect(await run.proc.exited).toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
      await clock.runUntilIdle();
      expect(run.seen.map((s) => s.text)).toEqual(['listening\n', 'late\n']);
      expect(executor.signalsFor('server')).toEqual(['force']);
      expect(executor.spawns[0]?.endedAt).toBe(T0 + 24 * 60 * 60_000 - 10_000);
    });

    it('drops output that was due after a kill', async () => {
      const { clock, spawn } = setup({
        steps: { s: { hang: true, output: [{ atMs: 100, text: 'too late\n' }] } },
      });
      const run = spawn('s');
      await clock.advance(99);
      run.proc.kill('graceful');
      await clock.runUntilIdle();
      expect(run.seen).toEqual([]);
      expect(run.exit()).toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
    });

    it('ends by SIGTERM on a graceful kill by default', async () => {
      const { spawn } = setup({ steps: { s: { hang: true } } });
      const run = spawn('s');
      run.proc.kill('graceful');
      expect(await run.proc.exited).toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
    });

    it('survives a graceful kill with ignoreGraceful, and dies on force', async () => {
      const { clock, executor, spawn } = setup({ steps: { stubborn: { hang: true, ignoreGraceful: true } } });
      const run = spawn('stubborn');
      run.proc.kill('graceful');
      await clock.advance(60_000);
      expect(run.exit()).toBeUndefined();
      run.proc.kill('force');
      await clock.advance(0);
      expect(run.exit()).toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
      expect(executor.signalsFor('stubborn')).toEqual(['graceful', 'force']);
    });

    it('takes gracefulExitMs to end after a graceful kill, printing what is due meanwhile', async () => {
      const { clock, spawn } = setup({
        steps: {
          slow: {
            hang: true,
            gracefulExitMs: 2_000,
            output: [
              { atMs: 1_500, text: 'cleaning up\n' },
              { atMs: 2_500, text: 'still cleaning\n' },
              { atMs: 3_500, text: 'never\n' },
            ],
          },
        },
      });
      const run = spawn('slow');
      await clock.advance(1_000);
      run.proc.kill('graceful');
      await clock.advance(500);
      run.proc.kill('graceful'); // a second SIGTERM does not restart the cleanup
      await clock.advance(1_499);
      expect(run.exit()).toBeUndefined();
      await clock.advance(1);
      expect(run.exit()).toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
      await clock.runUntilIdle();
      expect(run.seen).toEqual([
        { at: 1_500, stream: 'stdout', text: 'cleaning up\n' },
        { at: 2_500, stream: 'stdout', text: 'still cleaning\n' },
      ]);
      expect(clock.now()).toBe(T0 + 3_000);
    });

    it('ends at once on force during a slow graceful exit', async () => {
      const { clock, spawn } = setup({ steps: { slow: { hang: true, gracefulExitMs: 10_000 } } });
      const run = spawn('slow');
      run.proc.kill('graceful');
      await clock.advance(3_000);
      run.proc.kill('force');
      await clock.advance(0);
      expect(run.exit()).toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
      expect(clock.pendingTimers()).toEqual([]);
    });

    it('exits with gracefulExitCode when the script traps SIGTERM and exits cleanly', async () => {
      const { clock, spawn } = setup({
        steps: { trap: { hang: true, gracefulExitMs: 500, gracefulExitCode: 0 } },
      });
      const run = spawn('trap');
      run.proc.kill('graceful');
      await clock.advance(500);
      expect(run.exit()).toEqual({ _tag: 'exited', code: 0 });
    });

    it('exits on its own when that comes before the graceful exit', async () => {
      const { clock, spawn } = setup({
        steps: { s: { exitAfterMs: 100, exitCode: 9, gracefulExitMs: 1_000 } },
      });
      const run = spawn('s');
      run.proc.kill('graceful');
      await clock.runUntilIdle();
      expect(run.exit()).toEqual({ _tag: 'exited', code: 9 });
      expect(clock.now()).toBe(T0 + 100);
    });

    it('records kills after the end without changing the exit', async () => {
      const { clock, executor, spawn } = setup({ steps: { s: { exitCode: 3 } } });
      const run = spawn('s');
      await clock.runUntilIdle();
      run.proc.kill('graceful');
      run.proc.kill('force');
      await clock.runUntilIdle();
      expect(await run.proc.exited).toEqual({ _tag: 'exited', code: 3 });
      expect(executor.spawns[0]?.exit).toEqual({ _tag: 'exited', code: 3 });
      expect(executor.signalsFor('s')).toEqual(['graceful', 'force']);
    });
  });

  describe('spawn errors', () => {
    it.each([
      ['ENOENT', 'command not found: deploy.sh'],
      ['EACCES', 'permission denied: deploy.sh is not executable'],
      ['ENOTDIR', 'not a directory: a part of the path of deploy.sh or of /work is a file'],
      ['EISDIR', 'is a directory: deploy.sh'],
      ['CWD_NOT_FOUND', 'working directory not found: /work'],
      ['OTHER', 'could not start deploy.sh'],
    ] as const)('fails to start with %s and a default message naming the command', async (code, message) => {
      const { executor, spawn } = setup({ steps: { s: { spawnError: code } } });
      const run = spawn('s', 'deploy.sh');
      expect(run.proc.pid).toBeUndefined();
      expect(await run.proc.exited).toEqual({ _tag: 'spawn_failed', code, message });
      expect(run.seen).toEqual([]);
      expect(executor.running()).toEqual([]);
    });

    it('uses the scripted message and hint', async () => {
      const { spawn } = setup({
        steps: {
          s: {
            spawnError: 'ENOENT',
            spawnErrorMessage: 'go: not found',
            spawnErrorHint: 'is `go` installed?',
          },
        },
      });
      expect(await spawn('s', 'go').proc.exited).toEqual({
        _tag: 'spawn_failed',
        code: 'ENOENT',
        message: 'go: not found',
        hint: 'is `go` installed?',
      });
    });
  });

  describe('contradictory scripts', () => {
    it('are refused when the executor is built, with every problem listed', () => {
      const clock = new VirtualClock();
      const build = (): FakeExecutor =>
        new FakeExecutor({
          clock,
          steps: {
            bad: {
              hang: true,
              exitAfterMs: 5,
              signal: 'SIGSEGV',
              exitCode: 1,
              ignoreGraceful: true,
              gracefulExitMs: 10,
              spawnErrorMessage: 'x',
            },
          },
        });
      expect(build).toThrow(TypeError);
      expect(build).toThrow(
        'FakeExecutor: the script for step "bad" is contradictory:\n' +
          '- spawnErrorMessage and spawnErrorHint need spawnError (e.g. spawnError: "ENOENT")\n' +
          '- hang: true (never exits) cannot be combined with exitAfterMs\n' +
          '- signal and exitCode are two ways to end; give one\n' +
          '- ignoreGraceful: true cannot be combined with gracefulExitMs or gracefulExitCode',
      );
    });

    it.each<[string, FakeScript, RegExp]>([
      [
        'output after the exit',
        { exitAfterMs: 10, output: [{ atMs: 11, text: 'x' }] },
        /output\[0\] is printed at 11 ms, after the process exits at 10 ms/,
      ],
      [
        'a spawn error with output',
        { spawnError: 'ENOENT', output: [] },
        /spawnError .* cannot be combined with output/,
      ],
      ['a negative exitAfterMs', { exitAfterMs: -1 }, /exitAfterMs must be a finite number ≥ 0, got -1/],
      [
        'a negative output time',
        { hang: true, output: [{ atMs: -1, text: 'x' }] },
        /output\[0\]\.atMs must be a finite number ≥ 0/,
      ],
      ['a fractional exit code', { exitCode: 1.5 }, /exitCode must be an integer, got 1.5/],
      [
        'a NaN gracefulExitMs',
        { hang: true, gracefulExitMs: Number.NaN },
        /gracefulExitMs must be a finite number ≥ 0, got NaN/,
      ],
    ])('refuses %s', (_name, script, message) => {
      expect(() => new FakeExecutor({ clock: new VirtualClock(), commands: { c: script } })).toThrow(message);
    });

    it('refuses a contradictory script returned by a function when it is spawned, naming the args', () => {
      const { spawn } = setup({ steps: { s: (req) => ({ hang: true, exitAfterMs: Number(req.args[0]) }) } });
      expect(() => spawn('s', 'cmd', ['5'])).toThrow(
        /step "s" \(returned by its script function for args \["5"\]\) is contradictory/,
      );
    });
  });

  describe('the record', () => {
    it('gives deterministic pids, skipping failed spawns', () => {
      const { executor, spawn } = setup({ steps: { ok: { hang: true }, bad: { spawnError: 'EACCES' } } });
      expect([spawn('ok'), spawn('bad'), spawn('ok')].map((r) => r.proc.pid)).toEqual([
        1000,
        undefined,
        1001,
      ]);
      expect(executor.spawns.map((s) => s.pid)).toEqual([1000, undefined, 1001]);
    });

    it('starts pids at firstPid, and refuses one that is not a positive integer', () => {
      const clock = new VirtualClock();
      const executor = new FakeExecutor({ clock, firstPid: 4242, defaultScript: {} });
      expect(
        executor.spawn({
          command: 'x',
          args: [],
          cwd: '/',
          env: {},
          shell: false,
          detach: false,
          killGraceMs: 0,
          onOutput: () => undefined,
        }).pid,
      ).toBe(4242);
      expect(() => new FakeExecutor({ clock, firstPid: 0 })).toThrow(RangeError);
    });

    it('keeps every spawn of a step, with its request, times and exit, for assertions about retries', async () => {
      const { clock, executor, spawn } = setup({ steps: { flaky: { exitAfterMs: 1_000, exitCode: 1 } } });
      const first = spawn('flaky', 'curl', ['--fail', 'https://example.test']);
      await clock.runUntilIdle();
      await clock.advance(500);
      const second = spawn('flaky', 'curl', ['--fail', 'https://example.test']);
      second.proc.kill('graceful');
      spawn('other');
      expect(executor.spawnsFor('flaky')).toHaveLength(2);
      expect(executor.spawnsFor('flaky')[0]).toMatchObject({
        request: first.request,
        pid: 1000,
        signals: [],
        startedAt: T0,
        endedAt: T0 + 1_000,
        exit: { _tag: 'exited', code: 1 },
        scriptedBy: 'step',
      });
      expect(executor.spawnsFor('flaky')[1]).toMatchObject({
        pid: 1001,
        startedAt: T0 + 1_500,
        endedAt: T0 + 1_500,
        signals: ['graceful'],
      });
      expect(executor.signalsFor('flaky')).toEqual(['graceful']);
      expect(executor.signalsFor('nobody')).toEqual([]);
      expect(executor.spawns).toHaveLength(3);
    });
  });

  describe('fakePrograms', () => {
    it('refuses `exit` without an integer code', () => {
      const { spawn } = setup({ commands: fakePrograms });
      expect(() => spawn('s', 'exit', ['abc'])).toThrow(
        /expected an integer exit code as the first argument, got "abc"/,
      );
      expect(() => spawn('s', 'exit', [])).toThrow(TypeError);
    });

    it('prints nothing for `no-newline` with no text', async () => {
      const { clock, spawn } = setup({ commands: fakePrograms });
      const run = spawn('s', 'no-newline', []);
      await clock.runUntilIdle();
      expect(run.seen).toEqual([]);
      expect(run.exit()).toEqual({ _tag: 'exited', code: 0 });
    });
  });
});
