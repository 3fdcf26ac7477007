// Fan-out in the scheduler. A step with `matrix` or `for_each` does not run itself: when it would
// be queued it expands into instances — full steps appended after the declared ones, each with its
// own index, attempts, timers and result — and settles once all of them have. A `for_each` reads
// its items from the recorded result of the step it names, so expansion is a pure function of the
// events that led to it, and a replayed journal expands exactly as the live run did.
import type { FanOut } from '../mission/fan-out.js';
import { itemInstanceId } from '../mission/fan-out.js';
import type { DependencyOutcome } from '../plan/dependencies.js';
import { instancePlan } from '../plan/fan-out-instance.js';
import type { PlannedStep } from '../plan/plan.js';
import { dependencyIds } from '../plan/graph.js';
import type { KillReason, StepResult } from './report.js';
import { EMPTY_OUTPUT } from './results.js';
import { iso } from './iso-time.js';
import { isFailure, isSuccess, type StepStatus } from './step-status.js';
import type { SchedulerInternals } from './state.js';
import { FANNED_OUT, MAX_STEPS, RUNNING, SETTLED, WAITING } from './state.js';

/** A fanned-out step that has expanded (or failed to). */
export interface Group {
  readonly index: number;
  /** Its instances' indices, in order. */
  readonly instances: ReadonlyArray<number>;
  /** How many instances were released to the queue (in order), and how many of those have not settled. */
  released: number;
  inFlight: number;
  settled: number;
  failed: number;
  readonly limit: number;
  readonly failFast: boolean;
  /** Set when an instance failed under `fail_fast`: the instance and how it ended. */
  halted: string | undefined;
  /** Why the step could not expand (its items could not be read, or were too many). */
  readonly error: { readonly message: string; readonly hint: string } | undefined;
  readonly startedAt: number;
}

/** The scheduler's fan-out bookkeeping; absent for missions without fan-out. */
export interface FanOutState {
  /** The plan's steps and, after them, every instance made so far (the scheduler's own array). */
  readonly steps: PlannedStep[];
  readonly groups: Map<number, Group>;
}

/** What fan-out asks of the transition it runs in. */
export interface FanOutOps {
  /** Queue a released instance. */
  readonly queue: (i: number) => void;
  /** Settle the group (and decide its dependents). */
  readonly settle: (i: number, status: StepStatus) => void;
  /** Record the group's result without deciding dependents (while the mission stops). */
  readonly record: (i: number, result: StepResult) => void;
  /** Ask a running instance to stop. */
  readonly kill: (i: number, reason: KillReason) => void;
  /** Settle an instance that has not started (or waits to retry) as not run. */
  readonly halt: (i: number, reason: string) => void;
}

/** The fan-out bookkeeping of a plan with fanned-out steps, else undefined. */
export const newFanOutState = (steps: ReadonlyArray<PlannedStep>): FanOutState | undefined => {
  for (let i = 0; i < steps.length; i++)
    if (steps[i]!.step.fan_out !== undefined) return { steps: [...steps], groups: new Map() };
  return undefined;
};

/** Whether a planned step is a fanned-out step itself (not one of its instances). */
export const isGroup = (p: PlannedStep): boolean => p.step.fan_out !== undefined && p.instance === undefined;

type Items = { readonly items: ReadonlyArray<unknown> } | { readonly message: string; readonly hint: string };

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : `a ${typeof v}`;

/** The items of a `for_each`, read from its source step's recorded result. */
const itemsOf = (s: SchedulerInternals, f: Extract<FanOut, { _tag: 'for_each' }>): Items => {
  const src = s.plan.graph.indexOf(f.source.step);
  const r = src === undefined ? undefined : s.results[src];
  if (r === undefined || !isSuccess(r.conclusion))
    return {
      message: `for_each ${f.text}: step ${f.source.step} ${r === undefined ? 'has not run' : `did not succeed (${r.conclusion})`}, so there are no items`,
      hint: `the items come from ${f.source.step}; see why it ${r?.conclusion ?? 'did not run'}`,
    };
  if (f.source._tag === 'stdout_lines') {
    if (r.stdout.dropped_bytes > 0)
      return {
        message: `for_each ${f.text}: step ${f.source.step} printed ${r.stdout.total_bytes} bytes and only part was kept, so items would be missing`,
        hint: 'raise max_output_bytes, or have the step write a shorter list (or a structured output)',
      };
    return { items: r.stdout.text.split(/\r?\n/).filter((l) => l.trim() !== '') };
  }
  let v: unknown = r.output;
  for (const key of f.source.path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key))
      return {
        message: `for_each ${f.text}: the output of ${f.source.step} has no field "${key}"`,
        hint: `make ${f.source.step} output a list at ${['output', ...f.source.path].join('.')}`,
      };
    v = (v as Record<string, unknown>)[key];
  }
  if (!Array.isArray(v))
    return {
      message: `for_each ${f.text} is ${describe(v)}, not a list`,
      hint: `make ${f.source.step} output a list there, or use {{ steps.${f.source.step}.stdout_lines }} for one item per line`,
    };
  return { items: v };
};

/** Makes room in the per-step typed arrays for `needed` steps (doubling, so growth is amortised). */
const grow = (s: SchedulerInternals, needed: number): void => {
  if (needed <= s.phase.length) return;
  const size = Math.max(needed, s.phase.length * 2);
  const phase = new Uint8Array(size);
  phase.set(s.phase);
  const remaining = new Int32Array(size);
  remaining.set(s.remaining);
  const failed = new Int32Array(size);
  failed.set(s.failedDependencies);
  s.phase = phase;
  s.remaining = remaining;
  s.failedDependencies = failed;
};

/** Lengthens the per-step lists one slot at a time: a write far past the end would make them sparse (and slow). */
const extend = (s: SchedulerInternals, needed: number): void => {
  while (s.results.length < needed) s.results.push(undefined);
  while (s.states.length < needed) s.states.push(undefined);
};

/** Expands fanned-out step `g`, whose dependencies allow it to run, into its instances. */
export const expand = (s: SchedulerInternals, g: number, at: number, ops: FanOutOps): void => {
  const fan = s.fan!;
  const planned = fan.steps[g]!;
  const f = planned.step.fan_out!;
  s.phase[g] = FANNED_OUT;
  let error: Group['error'];
  let count = 0;
  let items: ReadonlyArray<unknown> = [];
  if (f._tag === 'matrix') count = f.instances.length;
  else {
    const got = itemsOf(s, f);
    if ('message' in got) error = got;
    else if (got.items.length > f.max_items)
      error = {
        message: `for_each ${f.text} has ${got.items.length} items, more than max_items (${f.max_items}); none was run`,
        hint: `raise max_items on step ${planned.id} if that many is meant, or have ${f.source.step} list fewer`,
      };
    else {
      items = got.items;
      count = items.length;
    }
  }
  const base = fan.steps.length;
  if (error === undefined && base + count > MAX_STEPS)
    error = {
      message: `expanding into ${count} instances would take the mission past ${MAX_STEPS} steps`,
      hint: 'split the work over several runs',
    };
  const instances: number[] = [];
  if (error === undefined) {
    grow(s, base + count);
    extend(s, base + count);
    for (let k = 0; k < count; k++) {
      const index = base + k;
      instances.push(index);
      if (f._tag === 'matrix') {
        const m = f.instances[k]!;
        fan.steps.push(
          instancePlan(planned, index, m.id, {
            group: g,
            group_id: planned.id,
            position: k,
            matrix: m.values,
            report: { group: planned.id, matrix: m.values },
          }),
        );
      } else
        fan.steps.push(
          instancePlan(planned, index, itemInstanceId(planned.id, k), {
            group: g,
            group_id: planned.id,
            position: k,
            item: items[k],
            item_index: k,
            report: { group: planned.id, item_index: k },
          }),
        );
    }
  }
  const group: Group = {
    index: g,
    instances,
    released: 0,
    inFlight: 0,
    settled: 0,
    failed: 0,
    limit: f.max_parallel ?? Infinity,
    failFast: f.fail_fast,
    halted: undefined,
    error,
    startedAt: at,
  };
  fan.groups.set(g, group);
  if (error !== undefined) {
    ops.settle(g, 'failed');
    return;
  }
  if (count === 0) {
    ops.settle(g, 'succeeded');
    return;
  }
  release(s, group, ops);
};

/** Releases instances to the queue, in order, while the group has room under its `max_parallel`. */
const release = (s: SchedulerInternals, group: Group, ops: FanOutOps): void => {
  while (
    group.inFlight < group.limit &&
    group.released < group.instances.length &&
    group.halted === undefined &&
    s.stopping === undefined
  ) {
    const i = group.instances[group.released]!;
    group.released += 1;
    if (s.phase[i] !== WAITING) continue;
    group.inFlight += 1;
    ops.queue(i);
  }
};

/** A step settled: if it is an instance, account for it in its group, which may settle in turn. */
export const afterSettled = (
  s: SchedulerInternals,
  i: number,
  result: StepResult,
  at: number,
  ops: FanOutOps,
): void => {
  const fan = s.fan!;
  const inst = fan.steps[i]!.instance;
  if (inst === undefined) return;
  const group = fan.groups.get(inst.group)!;
  group.settled += 1;
  if (inst.position < group.released) group.inFlight -= 1;
  if (isFailure(result.conclusion)) {
    group.failed += 1;
    if (group.failFast && group.halted === undefined && s.stopping === undefined) {
      group.halted = `${result.id} ${result.conclusion.replace('_', ' ')}`;
      const reason = `not started: instance ${group.halted} (fail_fast of ${fan.steps[group.index]!.id})`;
      for (const j of group.instances) {
        const phase = s.phase[j];
        if (phase === SETTLED) continue;
        if (phase === RUNNING) ops.kill(j, 'fail_fast');
        else ops.halt(j, reason);
      }
    }
  }
  // The last sibling halted above may already have settled the group.
  if (s.phase[group.index] === SETTLED) return;
  if (group.settled === group.instances.length) {
    if (s.stopping === undefined) ops.settle(group.index, groupStatus(s, group));
    else ops.record(group.index, groupResult(s, group.index, at)!);
    return;
  }
  release(s, group, ops);
};

const groupStatus = (s: SchedulerInternals, group: Group): StepStatus => {
  if (group.error !== undefined || group.failed > 0) return 'failed';
  let skipped = 0;
  let cancelled = 0;
  let warned = 0;
  for (const j of group.instances) {
    const c = s.results[j]!.conclusion;
    if (c === 'skipped') skipped += 1;
    else if (c === 'cancelled') cancelled += 1;
    else if (c !== 'succeeded') warned += 1;
  }
  if (group.instances.length > 0 && skipped === group.instances.length) return 'skipped';
  if (cancelled > 0) return 'cancelled';
  return warned + skipped > 0 ? 'succeeded_with_warnings' : 'succeeded';
};

/** The result of fanned-out step `g` once its instances have settled, or undefined if `g` never expanded. */
export const groupResult = (s: SchedulerInternals, g: number, at: number): StepResult | undefined => {
  const group = s.fan?.groups.get(g);
  if (group === undefined) return undefined;
  const planned = s.fan!.steps[g]!;
  const status = groupStatus(s, group);
  const results = group.instances.map((j) => s.results[j]!);
  const ids = results.map((r) => r.id);
  const failed = results.filter((r) => isFailure(r.conclusion)).map((r) => r.id);
  const message =
    group.error?.message ??
    (failed.length > 0
      ? `${failed.length} of ${results.length} instances did not succeed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}${group.halted !== undefined ? ` (fail_fast stopped the rest after ${group.halted})` : ''}`
      : undefined);
  return {
    id: planned.id,
    name: planned.step.name,
    step_type: planned.step.step_type,
    depends_on: dependencyIds(planned.step),
    status,
    outcome: status,
    conclusion: status,
    exit_code: null,
    signal: null,
    stdout: EMPTY_OUTPUT,
    stderr: EMPTY_OUTPUT,
    output: results.map((r) => r.output ?? null),
    // The group starts when it expands, and ends with its last instance.
    started_at: iso(group.startedAt),
    ended_at: iso(at),
    duration_ms: at - group.startedAt,
    attempts: [],
    timeout: planned.timeout,
    warnings: [],
    ...(message !== undefined ? { message } : {}),
    ...(group.error !== undefined ? { hint: group.error.hint } : {}),
    ...(status === 'skipped' ? { skip_reason: 'every instance was skipped' } : {}),
    instances: ids,
  };
};

/**
 * For a strategy that counts: one outcome per instance of a fanned-out dependency (`any_required`
 * holds when one instance succeeded). False when `j` is not an expanded fanned-out step.
 */
export const instanceOutcomes = (s: SchedulerInternals, j: number, into: DependencyOutcome[]): boolean => {
  const group = s.fan?.groups.get(j);
  if (group === undefined || group.error !== undefined || group.instances.length === 0) return false;
  for (const k of group.instances) {
    const r = s.results[k]!;
    into.push({ step_id: r.id, conclusion: r.conclusion });
  }
  return true;
};

/** The results in report order: each fanned-out step's instances right after it. */
export const reportOrder = (s: SchedulerInternals): ReadonlyArray<StepResult> => {
  const fan = s.fan!;
  const n = s.plan.graph.dependencyStart.length - 1;
  const out: StepResult[] = [];
  for (let i = 0; i < n; i++) {
    out.push(s.results[i]!);
    const group = fan.groups.get(i);
    if (group !== undefined) for (const j of group.instances) out.push(s.results[j]!);
  }
  return out;
};
