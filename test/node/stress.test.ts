// 200 process trees, 8 at a time, each killed at a random (seeded) moment, sometimes before it
// started, sometimes as it exits: every `exited` settles and not one process survives.
import { seededRandom } from '../support/random.js';
import * as fs from 'node:fs';
import { NodeExecutor } from '../../src/node/node-executor.js';
import type { OutputStream, ProcessExit, SpawnRequest } from '../../src/ports/executor.js';
import { expectAllGone } from './liveness.js';
import { fixture, hostEnv } from './run-fixture.js';

const random = seededRandom;
/** `promise`'s value, or undefined after `ms` (the timer is cleared, so jest can exit). */
const within = async <T>(promise: Promise<T>, ms: number): Promise<T | undefined> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

const SEED = Number(process.env.STRESS_SEED ?? 20240611);
const TOTAL = 200;
const PARALLEL = 8;
// Tags on every command line, to find the runs' processes in /proc without trusting the executor.
const nodeTag = `stress-${process.pid}`;
const sleepSeconds = `1000.${process.pid}`;

const commandLinesWith = (needle: string): ReadonlyArray<number> =>
  fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);

it(`runs ${TOTAL} trees ${PARALLEL} at a time, kills each at a random moment, and leaves nothing behind`, async () => {
  const executor = new NodeExecutor({ killSweepIntervalMs: 10 });
  const next = random(SEED);
  const pids = new Set<number>();
  const outcomes: ProcessExit[] = [];
  const kinds: ReadonlyArray<(i: number) => Pick<SpawnRequest, 'command' | 'args' | 'shell'>> = [
    () => ({ command: process.execPath, args: [fixture('forever'), nodeTag], shell: false }),
    () => ({ command: process.execPath, args: [fixture('ignore-sigterm'), nodeTag], shell: false }),
    () => ({
      command: process.execPath,
      args: [fixture('tree'), '1', '2', 'ignore-term', nodeTag],
      shell: false,
    }),
    () => ({ command: process.execPath, args: [fixture('exit-code'), '0', nodeTag], shell: false }),
    () => ({
      command: `sleep ${sleepSeconds} & echo "pid $!"; sleep ${sleepSeconds} & echo "pid $!"; sleep ${sleepSeconds}`,
      args: [],
      shell: true,
    }),
    () => ({ command: `sleep ${sleepSeconds} & echo "pid $!"; exit 0`, args: [], shell: true }),
  ];
  const runOne = async (i: number): Promise<void> => {
    const kind = kinds[Math.floor(next() * kinds.length)] ?? kinds[0]!;
    const killAfter = Math.floor(next() * 250);
    const mode = next() < 0.5 ? 'force' : 'ladder';
    const grace = Math.floor(next() * 100);
    let stdout = '';
    const spawned = executor.spawn({
      ...kind(i),
      cwd: __dirname,
      env: hostEnv(),
      detach: false,
      killGraceMs: 200,
      onOutput: (stream: OutputStream, chunk: Uint8Array) => {
        if (stream === 'stdout') stdout += Buffer.from(chunk).toString('utf8');
      },
    });
    if (spawned.pid !== undefined) pids.add(spawned.pid);
    await within(spawned.exited, killAfter);
    if (mode === 'force') spawned.kill('force');
    else {
      spawned.kill('graceful');
      await within(spawned.exited, grace);
      spawned.kill('force');
    }
    const outcome = await within(spawned.exited, 20_000);
    if (outcome === undefined) throw new Error(`run ${i} (seed ${SEED}): exited did not settle`);
    outcomes.push(outcome);
    for (const m of stdout.matchAll(/^pid (\d+)$/gm)) pids.add(Number(m[1]));
  };
  let started = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (started < TOTAL) await runOne(started++);
    }),
  );
  expect(outcomes).toHaveLength(TOTAL);
  expect(outcomes.filter((o) => o._tag === 'spawn_failed')).toEqual([]);
  await expectAllGone(pids, 500);
  if (process.platform === 'linux')
    await expectAllGone([...commandLinesWith(nodeTag), ...commandLinesWith(sleepSeconds)], 500);
}, 60_000);
