// A child that prints far more than the host could hold: the executor streams it through
// without keeping it, so the host's memory stays flat (bounded capture is the runtime's job).
import { NodeExecutor } from '../../src/node/node-executor.js';
import { fixture, hostEnv } from './run-fixture.js';

const MiB = 1024 * 1024;

it("streams 200 MiB of output without growing the host's memory", async () => {
  const executor = new NodeExecutor();
  const total = 200 * MiB;
  let received = 0;
  let chunks = 0;
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const spawned = executor.spawn({
    command: process.execPath,
    args: [fixture('flood'), String(total)],
    cwd: __dirname,
    env: hostEnv(),
    shell: false,
    detach: false,
    killGraceMs: 1000,
    onOutput: (_stream, chunk) => {
      received += chunk.byteLength;
      chunks += 1;
    },
  });
  try {
    await expect(spawned.exited).resolves.toEqual({ _tag: 'exited', code: 0 });
  } finally {
    clearInterval(sampler);
  }
  expect(received).toBe(total);
  expect(chunks).toBeGreaterThan(100);
  // Buffering would cost at least 200 MiB; streaming costs the chunks in flight plus garbage.
  expect((peak - before) / MiB).toBeLessThan(64);
});
