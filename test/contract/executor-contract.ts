// The executor contract: what every Executor must do, run against the Node executor (real
// processes, real time) and the FakeExecutor (scripts, virtual time) alike, so the fake cannot
// drift from reality. Assertions are about outcomes and order, never about how long things took:
// the only timed checks are "this did NOT happen within a while", which a slow machine cannot break.
import type { OutputStream, ProcessExit, SpawnedProcess, SpawnRequest } from '../../src/ports/executor.js';
import type { ContractProgram, ExecutorRig } from './rig.js';

/** How long "X did not happen" is watched for; long enough for a real process to react to a signal. */
const OBSERVE_MS = 500;

/** Handed to every spawn; the contract never relies on the executor escalating by itself. */
const KILL_GRACE_MS = 2_000;

interface Chunk {
  readonly stream: OutputStream;
  readonly bytes: Uint8Array;
}

/** One process started by a contract test, with everything it printed. */
interface Run {
  readonly process: SpawnedProcess;
  readonly request: SpawnRequest;
  readonly chunks: ReadonlyArray<Chunk>;
  /** How many chunks had arrived when `exited` settled; later chunks would break the contract. */
  chunksAtExit(): number | undefined;
  /** Whether `exited` has settled (fulfilled or rejected). */
  ended(): boolean;
  /** Whether every chunk arrived as a Uint8Array. */
  allBytes(): boolean;
  /** Everything one stream printed, joined then decoded as UTF-8. */
  text(stream: OutputStream): string;
  /** Resolves once `stream` has printed `expected` (anywhere in its output so far). */
  printed(expected: string, stream?: OutputStream): Promise<void>;
}

const joinBytes = (chunks: ReadonlyArray<Chunk>, stream: OutputStream): Uint8Array => {
  const parts = chunks.filter((c) => c.stream === stream).map((c) => c.bytes);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

/** Defines the contract's jest tests for the executor `makeRig` builds (a fresh rig per test). */
export function describeExecutorContract(makeRig: () => ExecutorRig | Promise<ExecutorRig>): void {
  describe('executor contract', () => {
    let rig: ExecutorRig;
    let started: SpawnedProcess[] = [];

    beforeEach(async () => {
      rig = await makeRig();
      started = [];
    });

    // A failed assertion must not leave a process running into the next test (or past jest).
    afterEach(async () => {
      for (const p of started) p.kill('force');
      for (const p of started) await rig.settle(p.exited);
      await rig.dispose?.();
    });

    const start = (program: ContractProgram, ...args: string[]): Run => {
      const line = rig.program(program, ...args);
      const chunks: Chunk[] = [];
      const waiters: Array<{
        expected: string;
        stream: OutputStream;
        resolve: () => void;
        reject: (e: Error) => void;
      }> = [];
      let atExit: number | undefined;
      let ended = false;
      let allBytes = true;
      const text = (stream: OutputStream): string => new TextDecoder().decode(joinBytes(chunks, stream));
      const wake = (): void => {
        for (let i = waiters.length - 1; i >= 0; i -= 1) {
          const w = waiters[i];
          if (w !== undefined && text(w.stream).includes(w.expected)) {
            waiters.splice(i, 1);
            w.resolve();
          }
        }
      };
      const request: SpawnRequest = {
        command: line.command,
        args: line.args,
        cwd: rig.cwd,
        env: rig.env,
        shell: false,
        detach: false,
        killGraceMs: KILL_GRACE_MS,
        stepId: `contract-${program}`,
        onOutput: (stream, chunk) => {
          if (!(chunk instanceof Uint8Array)) allBytes = false;
          // Copied: an executor may reuse its buffer once the callback returns.
          chunks.push({ stream, bytes: Uint8Array.from(chunk) });
          wake();
        },
      };
      const spawned = rig.executor.spawn(request);
      started.push(spawned);
      // All output arrives before `exited` settles, so a text not printed by then never will be:
      // fail at once with what was printed, rather than leave the test to time out.
      let outcome: unknown;
      const failWaiters = (): void => {
        wake();
        for (const w of waiters.splice(0)) {
          w.reject(
            new Error(
              `[${rig.name}] ${program} ended (${JSON.stringify(outcome)}) before printing ${JSON.stringify(w.expected)} ` +
                `on ${w.stream}; it printed ${JSON.stringify(text(w.stream))}`,
            ),
          );
        }
      };
      const markEnded = (settledWith: unknown): void => {
        ended = true;
        atExit = chunks.length;
        outcome = settledWith;
        failWaiters();
      };
      spawned.exited.then(markEnded, markEnded);
      return {
        process: spawned,
        request,
        chunks,
        chunksAtExit: () => atExit,
        ended: () => ended,
        allBytes: () => allBytes,
        text,
        printed: (expected, stream = 'stdout') =>
          new Promise<void>((resolve, reject) => {
            waiters.push({ expected, stream, resolve, reject });
            wake();
            if (ended) failWaiters();
          }),
      };
    };

    /** Waits for a run to end; the contract says `exited` never rejects, so a rejection fails here. */
    const finish = (run: Run): Promise<ProcessExit> => rig.settle(run.process.exited);

    describe('exit codes', () => {
      it.each([0, 1, 2, 42, 255])('reports exit code %i exactly', async (code) => {
        const run = start('exit', String(code));
        expect(await finish(run)).toEqual({ _tag: 'exited', code });
        expect(run.text('stdout')).toBe('');
        expect(run.text('stderr')).toBe('');
      });
    });

    describe('pids', () => {
      it('reports a positive integer pid for a started process', async () => {
        const run = start('forever');
        await rig.settle(run.printed('ready\n'));
        expect(Number.isInteger(run.process.pid)).toBe(true);
        expect(run.process.pid).toBeGreaterThan(0);
      });

      it('gives concurrent processes distinct pids and keeps their output apart', async () => {
        const a = start('print', 'from a');
        const b = start('print-stderr', 'from b');
        expect(a.process.pid).not.toBe(b.process.pid);
        expect(await finish(a)).toEqual({ _tag: 'exited', code: 0 });
        expect(await finish(b)).toEqual({ _tag: 'exited', code: 0 });
        expect(a.text('stdout')).toBe('from a\n');
        expect(a.text('stderr')).toBe('');
        expect(b.text('stderr')).toBe('from b\n');
        expect(b.text('stdout')).toBe('');
      });
    });

    describe('output', () => {
      it('delivers every stdout byte in order, as Uint8Array chunks, before exited settles', async () => {
        // ~100 KB: more than one pipe buffer, so a real executor sees many chunks.
        const lines = Array.from(
          { length: 2_000 },
          (_, i) => `line ${String(i).padStart(4, '0')} ${'x'.repeat(40)}`,
        );
        const run = start('print', ...lines);
        expect(await finish(run)).toEqual({ _tag: 'exited', code: 0 });
        expect(run.text('stdout')).toBe(lines.map((l) => `${l}\n`).join(''));
        expect(run.text('stderr')).toBe('');
        expect(run.allBytes()).toBe(true);
        expect(run.chunksAtExit()).toBe(run.chunks.length);
      });

      it('delivers stderr on its own stream, in order', async () => {
        const run = start('print-stderr', 'first', 'second', 'third');
        expect(await finish(run)).toEqual({ _tag: 'exited', code: 0 });
        expect(run.text('stderr')).toBe('first\nsecond\nthird\n');
        expect(run.text('stdout')).toBe('');
        expect(run.chunksAtExit()).toBe(run.chunks.length);
      });

      it('keeps a partial last line that has no trailing newline', async () => {
        const run = start('no-newline', 'no newline at the end');
        expect(await finish(run)).toEqual({ _tag: 'exited', code: 0 });
        expect(run.text('stdout')).toBe('no newline at the end');
      });

      it('passes multibyte text through byte for byte', async () => {
        const run = start('print', 'héllo wörld ✓', '日本語');
        expect(await finish(run)).toEqual({ _tag: 'exited', code: 0 });
        expect(run.text('stdout')).toBe('héllo wörld ✓\n日本語\n');
      });

      it('delivers nothing after exited has settled', async () => {
        const run = start('print', 'one', 'two');
        await finish(run);
        const atExit = run.chunksAtExit();
        await rig.wait(100);
        expect(atExit).toBe(run.chunks.length);
        expect(run.text('stdout')).toBe('one\ntwo\n');
      });
    });

    describe('kill', () => {
      it('ends a running process with SIGTERM on a graceful kill, keeping what it printed', async () => {
        const run = start('forever');
        await rig.settle(run.printed('ready\n'));
        expect(run.ended()).toBe(false);
        run.process.kill('graceful');
        expect(await finish(run)).toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
        expect(run.text('stdout')).toBe('ready\n');
      });

      it('takes a second graceful kill calmly', async () => {
        const run = start('forever');
        await rig.settle(run.printed('ready\n'));
        run.process.kill('graceful');
        run.process.kill('graceful');
        expect(await finish(run)).toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
      });

      it('does not end a process that ignores the graceful kill; force does, with SIGKILL', async () => {
        const run = start('ignore-sigterm');
        await rig.settle(run.printed('ready\n'));
        run.process.kill('graceful');
        await rig.wait(OBSERVE_MS);
        expect(run.ended()).toBe(false);
        run.process.kill('force');
        expect(await finish(run)).toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
        expect(run.text('stdout')).toBe('ready\n');
      });

      it('ends a process force-killed straight after spawn with SIGKILL', async () => {
        const run = start('forever');
        run.process.kill('force');
        expect(await finish(run)).toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
      });

      it('lets a process live until it is killed', async () => {
        const run = start('forever');
        await rig.settle(run.printed('ready\n'));
        await rig.wait(OBSERVE_MS);
        expect(run.ended()).toBe(false);
        run.process.kill('force');
        expect(await finish(run)).toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
      });

      it('kills one process without touching another', async () => {
        const a = start('forever');
        const b = start('forever');
        await rig.settle(Promise.all([a.printed('ready\n'), b.printed('ready\n')]));
        a.process.kill('graceful');
        expect(await finish(a)).toEqual({ _tag: 'signaled', signal: 'SIGTERM' });
        await rig.wait(100);
        expect(b.ended()).toBe(false);
        b.process.kill('force');
        expect(await finish(b)).toEqual({ _tag: 'signaled', signal: 'SIGKILL' });
      });

      it('treats a kill after exit as harmless and keeps the exit as it was', async () => {
        const run = start('exit', '7');
        expect(await finish(run)).toEqual({ _tag: 'exited', code: 7 });
        expect(() => {
          run.process.kill('graceful');
          run.process.kill('force');
        }).not.toThrow();
        await rig.wait(100);
        expect(await finish(run)).toEqual({ _tag: 'exited', code: 7 });
      });
    });

    describe('spawn failures', () => {
      it('reports a missing command as spawn_failed ENOENT naming the command, without throwing', async () => {
        const line = rig.program('missing');
        let run: Run | undefined;
        expect(() => {
          run = start('missing');
        }).not.toThrow();
        if (run === undefined) throw new Error('unreachable: start() returned nothing');
        const exit = await finish(run);
        expect(exit).toMatchObject({ _tag: 'spawn_failed', code: 'ENOENT' });
        if (exit._tag !== 'spawn_failed')
          throw new Error(`expected spawn_failed, got ${JSON.stringify(exit)}`);
        expect(exit.message).toContain(line.command);
        expect(run.process.pid).toBeUndefined();
        expect(run.chunks).toHaveLength(0);
        expect(() => run?.process.kill('force')).not.toThrow();
      });
    });

    describe('exited', () => {
      it('never rejects, whatever became of the process', async () => {
        const runs = [
          start('exit', '3'),
          start('missing'),
          start('forever'),
          start('ignore-sigterm'),
          start('print', 'x'),
        ];
        const forever = runs[2];
        const stubborn = runs[3];
        if (forever === undefined || stubborn === undefined)
          throw new Error('unreachable: runs were just started');
        await rig.settle(Promise.all([forever.printed('ready\n'), stubborn.printed('ready\n')]));
        forever.process.kill('graceful');
        stubborn.process.kill('force');
        const settled = await rig.settle(Promise.allSettled(runs.map((r) => r.process.exited)));
        expect(settled.map((s) => s.status)).toEqual([
          'fulfilled',
          'fulfilled',
          'fulfilled',
          'fulfilled',
          'fulfilled',
        ]);
        expect(settled.map((s) => (s.status === 'fulfilled' ? s.value._tag : 'rejected'))).toEqual([
          'exited',
          'spawn_failed',
          'signaled',
          'signaled',
          'exited',
        ]);
      });
    });
  });
}
