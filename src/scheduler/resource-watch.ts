// Resource accounting for one running attempt, pure: successive cumulative samples of its process
// tree become CPU percentages (100 = one core), disk rates, peaks, one warning per limit when the
// warning threshold is crossed, and a kill decision after `sustained_samples` samples over a limit.
import type { Monitoring, ResourceLimits } from '../mission/model.js';
import type { TreeUsage } from '../ports/sampler.js';

/** What a step's result says about its resources. */
export interface ResourceUsage {
  /** Samples taken while the step had processes. */
  readonly samples: number;
  readonly peak_memory_bytes: number;
  readonly avg_cpu_percent: number;
  readonly peak_cpu_percent: number;
  /** Total bytes read and written (Linux only; 0 elsewhere). */
  readonly disk_read_bytes: number;
  readonly disk_write_bytes: number;
  readonly peak_disk_mb_per_sec: number;
  /**
   * The course of CPU and memory over the attempt, for sparklines: at most 48
   * points, each the peak of an equal run of samples (absent in reports written before 0.2).
   */
  readonly trend?: {
    readonly cpu_percent: ReadonlyArray<number>;
    readonly memory_bytes: ReadonlyArray<number>;
  };
}

/** The most points a resource trend keeps: older points are merged in pairs when it is full. */
export const TREND_POINTS = 48;

/** The limits in force for a step, and how they are watched. */
export interface ResourcePolicy {
  readonly limits: ResourceLimits;
  readonly monitoring: Monitoring;
  /** 1 unless `sustained_samples` says otherwise. */
  readonly sustained: number;
}

type Measure = 'memory' | 'cpu' | 'disk';

const MB = 1024 * 1024;

/** Mutable per-attempt accounting. */
export interface ResourceWatch {
  samples: number;
  peakRss: number;
  cpuPercentSum: number;
  peakCpu: number;
  peakDisk: number;
  lastAt: number;
  lastCpuMs: number;
  lastDiskBytes: number;
  readBytes: number;
  writeBytes: number;
  /** Peaks of runs of `trendRun` samples; `trendFill` samples are in the last point so far. */
  readonly trendCpu: number[];
  readonly trendRss: number[];
  trendRun: number;
  trendFill: number;
  readonly over: Record<Measure, number>;
  readonly warned: Set<Measure>;
  readonly exceededWarned: Set<Measure>;
}

/** A fresh watch for an attempt that started at `at`. */
export const newWatch = (at: number): ResourceWatch => ({
  samples: 0,
  peakRss: 0,
  cpuPercentSum: 0,
  peakCpu: 0,
  peakDisk: 0,
  lastAt: at,
  lastCpuMs: 0,
  lastDiskBytes: 0,
  readBytes: 0,
  writeBytes: 0,
  trendCpu: [],
  trendRss: [],
  trendRun: 1,
  trendFill: 0,
  over: { memory: 0, cpu: 0, disk: 0 },
  warned: new Set(),
  exceededWarned: new Set(),
});

/** What one sample leads to. */
export interface SampleVerdict {
  readonly warnings: ReadonlyArray<string>;
  /** Set when the step must be stopped: the limit, the value seen and the peak, in words. */
  readonly kill?: string;
}

const fmt = (m: Measure, v: number): string =>
  m === 'memory' ? `${Math.round(v)} MB` : m === 'cpu' ? `${Math.round(v)}%` : `${v.toFixed(1)} MB/s`;
const limitName: Record<Measure, string> = {
  memory: 'max_memory_mb',
  cpu: 'max_cpu_percent',
  disk: 'max_disk_io_mb_per_sec',
};

/** Adds a sample to the bounded trend: a full trend halves, each point the peak of two. */
const addToTrend = (w: ResourceWatch, cpu: number, rss: number): void => {
  const last = w.trendCpu.length - 1;
  if (last >= 0 && w.trendFill < w.trendRun) {
    w.trendCpu[last] = Math.max(w.trendCpu[last]!, cpu);
    w.trendRss[last] = Math.max(w.trendRss[last]!, rss);
    w.trendFill += 1;
    return;
  }
  if (w.trendCpu.length === TREND_POINTS) {
    for (let k = 0; k < TREND_POINTS / 2; k++) {
      w.trendCpu[k] = Math.max(w.trendCpu[2 * k]!, w.trendCpu[2 * k + 1]!);
      w.trendRss[k] = Math.max(w.trendRss[2 * k]!, w.trendRss[2 * k + 1]!);
    }
    w.trendCpu.length = TREND_POINTS / 2;
    w.trendRss.length = TREND_POINTS / 2;
    w.trendRun *= 2;
  }
  w.trendCpu.push(cpu);
  w.trendRss.push(rss);
  w.trendFill = 1;
};

/** Records a sample taken at `at` and decides on warnings and a kill. */
export const recordSample = (
  w: ResourceWatch,
  usage: TreeUsage,
  at: number,
  policy: ResourcePolicy | undefined,
): SampleVerdict => {
  if (usage.processes === 0) return { warnings: [] };
  const dt = Math.max(1, at - w.lastAt);
  const cpu = Math.max(0, ((usage.cpu_ms - w.lastCpuMs) / dt) * 100);
  const diskBytes = (usage.read_bytes ?? 0) + (usage.write_bytes ?? 0);
  const disk = Math.max(0, (diskBytes - w.lastDiskBytes) / MB / (dt / 1000));
  w.samples += 1;
  w.peakRss = Math.max(w.peakRss, usage.rss_bytes);
  w.cpuPercentSum += cpu;
  w.peakCpu = Math.max(w.peakCpu, cpu);
  w.peakDisk = Math.max(w.peakDisk, disk);
  w.lastAt = at;
  w.lastCpuMs = usage.cpu_ms;
  w.lastDiskBytes = diskBytes;
  addToTrend(w, cpu, usage.rss_bytes);
  w.readBytes = Math.max(w.readBytes, usage.read_bytes ?? 0);
  w.writeBytes = Math.max(w.writeBytes, usage.write_bytes ?? 0);
  if (policy === undefined) return { warnings: [] };
  const seen: Record<Measure, [number, number | undefined, number]> = {
    memory: [usage.rss_bytes / MB, policy.limits.max_memory_mb, w.peakRss / MB],
    cpu: [cpu, policy.limits.max_cpu_percent, w.peakCpu],
    disk: [disk, policy.limits.max_disk_io_mb_per_sec, w.peakDisk],
  };
  const warnings: string[] = [];
  let kill: string | undefined;
  for (const m of ['memory', 'cpu', 'disk'] as const) {
    const [value, limit, peak] = seen[m];
    if (limit === undefined) continue;
    if (value >= (limit * policy.monitoring.warn_threshold_percent) / 100 && !w.warned.has(m)) {
      w.warned.add(m);
      warnings.push(
        `${m} at ${fmt(m, value)}, ${Math.round((value / limit) * 100)}% of the limit of ${fmt(m, limit)} (${limitName[m]})`,
      );
    }
    w.over[m] = value > limit ? w.over[m] + 1 : 0;
    if (w.over[m] < policy.sustained) continue;
    const what = `${m} ${fmt(m, value)} over the limit of ${fmt(m, limit)} (${limitName[m]}; peak ${fmt(m, peak)})`;
    if (policy.monitoring.kill_on_exceed) kill ??= what;
    else if (!w.exceededWarned.has(m)) {
      w.exceededWarned.add(m);
      warnings.push(`${what}; still running because kill_on_exceed is false`);
    }
  }
  return kill !== undefined ? { warnings, kill } : { warnings };
};

/** The usage to report for an attempt. */
export const usageOf = (w: ResourceWatch): ResourceUsage => ({
  samples: w.samples,
  peak_memory_bytes: w.peakRss,
  avg_cpu_percent: w.samples === 0 ? 0 : Math.round((w.cpuPercentSum / w.samples) * 10) / 10,
  peak_cpu_percent: Math.round(w.peakCpu * 10) / 10,
  disk_read_bytes: w.readBytes,
  disk_write_bytes: w.writeBytes,
  peak_disk_mb_per_sec: Math.round(w.peakDisk * 10) / 10,
  trend: {
    cpu_percent: w.trendCpu.map((c) => Math.round(c * 10) / 10),
    memory_bytes: [...w.trendRss],
  },
});
