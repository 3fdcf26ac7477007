// The resource sampler port: what a step's whole process tree is using right now. The core turns
// successive samples into CPU percentages, peaks, warnings and limit decisions.

/** The summed usage of one or more process trees (each root and all its descendants). */
export interface TreeUsage {
  /** Processes counted. */
  readonly processes: number;
  /** Resident memory, summed over the tree. */
  readonly rss_bytes: number;
  /**
   * CPU time (user + system) the tree has used so far, in milliseconds: its live processes and,
   * where the platform tells (Linux), the ended ones its members collected — as `time make` counts.
   */
  readonly cpu_ms: number;
  /** Bytes read from and written to storage so far; `undefined` where the platform cannot tell (outside Linux). */
  readonly read_bytes?: number;
  readonly write_bytes?: number;
}

/** Measures process trees. Node: `/proc` on Linux, `pidusage` elsewhere; tests: a scripted fake. */
export interface ResourceSampler {
  /** Whether disk I/O can be measured here (a disk limit is refused at load time when it cannot). */
  readonly measuresDiskIo: boolean;
  /** The usage of the trees rooted at `rootPids`. Never rejects: gone processes count as nothing. */
  sample(rootPids: ReadonlyArray<number>): Promise<TreeUsage>;
}
