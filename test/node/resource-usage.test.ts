// The real samplers against real process trees (test/fixtures/hog.js): memory, CPU and disk
// summed over every process of a tree, including descendants that lost their parent or left
// the process group. Every tree is killed and checked gone after each test, even on failure.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeExecutor } from '../../src/node/node-executor.js';
import { tracksEnvironmentMarker } from '../../src/node/platform.js';
import { kernelUnits, parseAuxv } from '../../src/node/kernel-units.js';
import { parseIoBytes, parseStatUsage } from '../../src/node/proc-sampler.js';
import {
  createResourceSampler,
  defaultSamplerMethod,
  type SamplerMethod,
} from '../../src/node/resource-usage.js';
import { pidsHandedOut, scopeAnchor } from '../../src/node/sampled-trees.js';
import type { ResourceSampler, TreeUsage } from '../../src/ports/sampler.js';
import { expectAllGone } from './liveness.js';
import { fixture, start, type Started } from './run-fixture.js';

const MB = 1024 * 1024;
const executor = createNodeExecutor();
const running: Started[] = [];
const scratch: string[] = [];

afterEach(async () => {
  const trees = running.splice(0);
  for (const t of trees) t.process.kill('force');
  await Promise.all(trees.map((t) => t.process.exited));
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  await expectAllGone(trees.flatMap((t) => t.pids()));
});

/** Lines a hog prints once its role is played (leave and daemon print none). */
const readyLines = (text: string): number => (text.match(/^(?:ready|burnt) \d+$/gm) ?? []).length;

/** Starts `hog.js roles...` and waits until every level has done what its role says. */
const hog = async (roles: ReadonlyArray<string>, cwd?: string): Promise<Started> => {
  const tree = start(executor, 'hog', roles, cwd === undefined ? {} : { cwd });
  running.push(tree);
  const expected = roles.filter((r) => r !== 'leave' && r !== 'daemon').length;
  await tree.waitFor((text) => readyLines(text) >= expected);
  return tree;
};

const rootOf = (tree: Started): number => {
  const pid = tree.process.pid;
  if (pid === undefined) throw new Error('the fixture did not start');
  return pid;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Two samples `ms` apart, with the wall time between them. */
const twoSamples = async (
  sampler: ResourceSampler,
  roots: ReadonlyArray<number>,
  ms: number,
): Promise<{ readonly first: TreeUsage; readonly second: TreeUsage; readonly wallMs: number }> => {
  const t0 = Date.now();
  const first = await sampler.sample(roots);
  await sleep(ms);
  const second = await sampler.sample(roots);
  return { first, second, wallMs: Date.now() - t0 };
};

// /proc exists on Linux only; pidusage works everywhere (and is compared with /proc there).
const methods: ReadonlyArray<SamplerMethod> =
  defaultSamplerMethod(process.platform) === 'proc' ? ['proc', 'pidusage'] : ['pidusage'];

describe.each(methods)('the %s sampler', (method) => {
  const sampler = createResourceSampler({ method });

  it('reports the resident memory of a process holding 64 MB', async () => {
    const tree = await hog(['alloc:64']);
    const usage = await sampler.sample([rootOf(tree)]);
    expect(usage.processes).toBe(1);
    expect(usage.rss_bytes).toBeGreaterThanOrEqual(64 * MB);
  });

  it('counts the CPU time of a process that keeps a core busy', async () => {
    const tree = await hog(['spin']);
    const { first, second, wallMs } = await twoSamples(sampler, [rootOf(tree)], 1000);
    const used = second.cpu_ms - first.cpu_ms;
    // Loose: the machine is shared, so the spinner may get only part of a core.
    expect(used).toBeGreaterThan(wallMs * 0.2);
    expect(used).toBeLessThanOrEqual(wallMs * 1.2 + 50);
  });

  it('sums memory and CPU over a three-level tree (parent → child → grandchild)', async () => {
    const tree = await hog(['alloc:48', 'spin', 'alloc:48']);
    expect(new Set(tree.pids()).size).toBe(3);
    const { first, second, wallMs } = await twoSamples(sampler, [rootOf(tree)], 1000);
    expect(second.processes).toBe(3);
    expect(first.rss_bytes).toBeGreaterThanOrEqual(96 * MB);
    expect(second.rss_bytes).toBeGreaterThanOrEqual(96 * MB);
    // The spinner is the middle process: its CPU time reaches the root's total.
    expect(second.cpu_ms - first.cpu_ms).toBeGreaterThan(wallMs * 0.2);
    expect(second.cpu_ms - first.cpu_ms).toBeLessThanOrEqual(wallMs * os.availableParallelism() * 1.2 + 50);
  });

  it('finds a child started after the first sample', async () => {
    const tree = start(executor, 'hog', ['delay:500', 'alloc:64']);
    running.push(tree);
    await tree.waitFor((text) => readyLines(text) >= 1);
    expect(await sampler.sample([rootOf(tree)])).toMatchObject({ processes: 1 });
    await tree.waitFor((text) => readyLines(text) >= 2);
    const usage = await sampler.sample([rootOf(tree)]);
    expect(usage.processes).toBe(2);
    expect(usage.rss_bytes).toBeGreaterThanOrEqual(64 * MB);
  });

  it('sums trees given together, each process once', async () => {
    const a = await hog(['alloc:32']);
    const b = await hog(['alloc:32', 'hold']);
    const usage = await sampler.sample([rootOf(a), rootOf(b), rootOf(a)]);
    expect(usage.processes).toBe(3);
    expect(usage.rss_bytes).toBeGreaterThanOrEqual(64 * MB);
  });

  it('still counts a grandchild whose parent exited (re-parented, same process group)', async () => {
    const tree = await hog(['hold', 'leave', 'alloc:64']);
    await sleep(400); // the middle process exits 200 ms after starting the grandchild
    const usage = await sampler.sample([rootOf(tree)]);
    expect(usage.processes).toBe(2);
    expect(usage.rss_bytes).toBeGreaterThanOrEqual(64 * MB);
  });

  it('finds a daemon that left the group and lost its parent by the tree marker (where /proc has it)', async () => {
    const tree = await hog(['hold', 'daemon', 'alloc:64']);
    await sleep(400);
    // A fresh sampler reads only the pids handed out since a young root; past a second, all of them.
    const young = await createResourceSampler({ method }).sample([rootOf(tree)]);
    await sleep(1000);
    const old = await createResourceSampler({ method }).sample([rootOf(tree)]);
    for (const usage of [young, old]) {
      if (tracksEnvironmentMarker(process.platform)) {
        expect(usage.processes).toBe(2);
        expect(usage.rss_bytes).toBeGreaterThanOrEqual(64 * MB);
      } else {
        expect(usage.processes).toBe(1); // documented: elsewhere only a daemon seen before is followed
      }
    }
  });

  it('counts nothing, without rejecting, for pids that are gone', async () => {
    const tree = await hog(['hold']);
    const pid = rootOf(tree);
    tree.process.kill('force');
    await tree.process.exited;
    await expect(sampler.sample([pid])).resolves.toMatchObject({ processes: 0, rss_bytes: 0 });
    await expect(sampler.sample([])).resolves.toMatchObject({ processes: 0 });
  });

  it('reports disk bytes written with fsync on Linux, and no disk figures where it cannot', async () => {
    // Under the repository, not os.tmpdir(): /tmp may be a RAM file system, where nothing reaches storage.
    const base = path.join(__dirname, '..', '..', '.tmp');
    fs.mkdirSync(base, { recursive: true });
    const dir = fs.mkdtempSync(path.join(base, 'hog-disk-'));
    scratch.push(dir);
    const tree = await hog(['hold', 'write:16'], dir);
    const usage = await sampler.sample([rootOf(tree)]);
    expect(sampler.measuresDiskIo).toBe(method === 'proc');
    if (sampler.measuresDiskIo) {
      expect(usage.write_bytes).toBeGreaterThanOrEqual(16 * MB);
      expect(usage.read_bytes).toBeGreaterThanOrEqual(0);
    } else {
      expect(usage.write_bytes).toBeUndefined();
      expect(usage.read_bytes).toBeUndefined();
    }
  });

  it('keeps the CPU time of a child that exited and was collected (on /proc; pidusage sees live processes only)', async () => {
    const tree = await hog(['hold', 'burn:600']);
    await sleep(100); // the root collects the child as soon as it exits
    const usage = await sampler.sample([rootOf(tree)]);
    expect(usage.processes).toBe(1);
    if (method === 'proc') expect(usage.cpu_ms).toBeGreaterThanOrEqual(550);
    else expect(usage.cpu_ms).toBeLessThan(550);
  });

  it('keeps counting a child that exited until its parent collects it (on /proc)', async () => {
    // The shell becomes `sleep`, which never collects the child: it stays a zombie.
    const script = `"${process.execPath}" "${fixture('hog')}" burn:600 & exec sleep 600`;
    const tree = start(executor, 'hog', [], { command: 'sh', args: ['-c', script] });
    running.push(tree);
    await tree.waitFor((text) => readyLines(text) >= 1);
    await sleep(100);
    const usage = await sampler.sample([rootOf(tree)]);
    expect(usage.processes).toBe(1);
    if (method === 'proc') expect(usage.cpu_ms).toBeGreaterThanOrEqual(550);
    else expect(usage.cpu_ms).toBeLessThan(550);
    // Still there at the next sample, read as a known member.
    if (method === 'proc') expect((await sampler.sample([rootOf(tree)])).cpu_ms).toBeGreaterThanOrEqual(550);
  });
});

describe('choosing a sampler', () => {
  it('reads /proc where there is one and uses pidusage elsewhere', () => {
    expect(defaultSamplerMethod('linux')).toBe('proc');
    expect(defaultSamplerMethod('darwin')).toBe('pidusage');
    expect(defaultSamplerMethod('win32')).toBe('pidusage');
    expect(createResourceSampler().measuresDiskIo).toBe(defaultSamplerMethod(process.platform) === 'proc');
  });

  it('refuses the /proc sampler where there is no /proc', () => {
    if (defaultSamplerMethod(process.platform) === 'proc')
      expect(() => createResourceSampler({ method: 'proc' })).not.toThrow();
    else expect(() => createResourceSampler({ method: 'proc' })).toThrow(TypeError);
  });
});

describe('where new members can be', () => {
  it('counts the pids handed out, going round the pid space', () => {
    expect(pidsHandedOut(100, 150, 32768)).toBe(50);
    expect(pidsHandedOut(32000, 300, 32768)).toBe(1068);
  });

  it('reads the whole table for a tree seen for the first time, or once half the pid space went by', () => {
    expect(scopeAnchor([{ anchor: undefined, advanced: 0 }], 32768)).toBeUndefined();
    expect(scopeAnchor([{ anchor: 500, advanced: 16384 }], 32768)).toBeUndefined();
    expect(scopeAnchor([{ anchor: 500, advanced: 10 }], 32768)).toBe(500);
  });

  it('reads from the anchor furthest back when several trees are sampled together', () => {
    const trees = [
      { anchor: 900, advanced: 20 },
      { anchor: 32700, advanced: 300 }, // the counter went round since
      { anchor: 950, advanced: 5 },
    ];
    expect(scopeAnchor(trees, 32768)).toBe(32700);
  });
});

describe('reading /proc files', () => {
  it('parses the CPU times, start time and resident pages of a stat line whose name holds ") ("', () => {
    const line =
      '4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 30 7 3 20 0 1 0 987654 1000000 2048 18446744073709551615';
    expect(parseStatUsage(line)).toEqual({ identity: '987654', ticks: 250 + 30 + 7 + 3, rssPages: 2048 });
    expect(parseStatUsage('garbage')).toBeUndefined();
  });

  it('parses read_bytes and write_bytes, not cancelled_write_bytes', () => {
    const io =
      'rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8392704\ncancelled_write_bytes: 77\n';
    expect(parseIoBytes(io)).toEqual({ read: 4096, write: 8392704 });
    expect(parseIoBytes('')).toEqual({ read: 0, write: 0 });
  });

  it('reads the clock tick rate and page size from an auxiliary vector of either word size and byte order', () => {
    const le64 = Buffer.alloc(48);
    [6, 16384, 17, 100, 0, 0].forEach((v, i) => le64.writeBigUInt64LE(BigInt(v), i * 8));
    expect(parseAuxv(le64, 8, true)).toEqual(
      new Map([
        [6, 16384],
        [17, 100],
      ]),
    );
    const be32 = Buffer.alloc(24);
    [17, 1024, 0, 0, 6, 1].forEach((v, i) => be32.writeUInt32BE(v, i * 4));
    expect(parseAuxv(be32, 4, false)).toEqual(new Map([[17, 1024]]));
  });

  it("knows this machine's units", () => {
    const { ticksPerSecond, pageBytes } = kernelUnits();
    expect(Number.isInteger(ticksPerSecond) && ticksPerSecond > 0).toBe(true);
    expect(Number.isInteger(Math.log2(pageBytes))).toBe(true);
  });
});
