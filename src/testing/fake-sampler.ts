// A ResourceSampler for tests: each step's process tree uses what its script says, as a function
// of how long the process has run on the virtual clock — so memory limits, CPU spikes and
// sustained-sample rules are tested in milliseconds.
import type { Clock } from '../ports/clock.js';
import type { ResourceSampler, TreeUsage } from '../ports/sampler.js';
import type { FakeExecutor } from './fake-executor.js';

/** A step's usage at `elapsedMs` after its process started. */
export interface FakeUsage {
  /** Resident memory of the whole tree. @default 0 */
  readonly memoryMb?: number;
  /** CPU use over the last interval, 100 = one core busy. @default 0 */
  readonly cpuPercent?: number;
  /** Disk bytes read/written per second. @default 0 */
  readonly diskMbPerSec?: number;
  /** Processes in the tree. @default 1 */
  readonly processes?: number;
}

/** A usage script: constant, or a function of the elapsed time. */
export type FakeUsageScript = FakeUsage | ((elapsedMs: number) => FakeUsage);

/** Options of `new FakeSampler(...)`. */
export interface FakeSamplerOptions {
  readonly clock: Clock;
  /** The executor whose processes are sampled (to know which step a pid belongs to). */
  readonly executor: FakeExecutor;
  /**
   * Usage by step id.
   * @example { usage: { build: (t) => ({ memoryMb: t < 10_000 ? 100 : 900 }) } }
   */
  readonly usage: Readonly<Record<string, FakeUsageScript>>;
  /** Whether disk I/O is measurable (false makes disk limits refused at load time, as on macOS). @default true */
  readonly measuresDiskIo?: boolean;
}

const MB = 1024 * 1024;

/** Scripted resource usage on virtual time. */
export class FakeSampler implements ResourceSampler {
  readonly measuresDiskIo: boolean;
  private readonly cumulative = new Map<number, { at: number; cpuMs: number; diskBytes: number }>();

  constructor(private readonly options: FakeSamplerOptions) {
    this.measuresDiskIo = options.measuresDiskIo ?? true;
  }

  sample(rootPids: ReadonlyArray<number>): Promise<TreeUsage> {
    const now = this.options.clock.now();
    let processes = 0;
    let rss = 0;
    let cpuMs = 0;
    let disk = 0;
    for (const pid of rootPids) {
      const spawn = this.options.executor.spawns.find((s) => s.pid === pid && s.endedAt === undefined);
      const script =
        spawn?.request.stepId !== undefined ? this.options.usage[spawn.request.stepId] : undefined;
      if (spawn === undefined || script === undefined) continue;
      const u = typeof script === 'function' ? script(now - spawn.startedAt) : script;
      // CPU time and disk bytes are cumulative, as a real sampler reports them.
      const last = this.cumulative.get(pid) ?? { at: spawn.startedAt, cpuMs: 0, diskBytes: 0 };
      const dt = now - last.at;
      const next = {
        at: now,
        cpuMs: last.cpuMs + (dt * (u.cpuPercent ?? 0)) / 100,
        diskBytes: last.diskBytes + ((u.diskMbPerSec ?? 0) * MB * dt) / 1000,
      };
      this.cumulative.set(pid, next);
      processes += u.processes ?? 1;
      rss += (u.memoryMb ?? 0) * MB;
      cpuMs += next.cpuMs;
      disk += next.diskBytes;
    }
    return Promise.resolve({
      processes,
      rss_bytes: rss,
      cpu_ms: cpuMs,
      ...(this.measuresDiskIo ? { read_bytes: 0, write_bytes: disk } : {}),
    });
  }
}
