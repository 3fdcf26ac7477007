// The facts a plan is made from, and which facts each step needs: the platform, which programs
// are on PATH (for platform-aware commands), and the size of what an adaptive search reads. The
// runtime gathers exactly these through the HostFacts port before it makes the plan, and only for
// the steps that need them.
import type { Step } from '../mission/model.js';
import type { CommandParameters } from '../steps/command-params.js';
import { commandReads, readPaths } from './command-reads.js';
import type { FileFilter } from './file-filter.js';
import { unescapeFindOperators } from './find-escapes.js';
import { globBase } from './glob.js';
import { classifyOperation, type Operation } from './operations.js';
import {
  isPlatformAware,
  osOf,
  platformCandidates,
  resolvePlatformCommand,
  type PlatformResolution,
} from './platform.js';
import type { SizeFact } from './timeouts.js';

/** How long one size measurement may walk before it extrapolates. */
export const MEASURE_BUDGET_MS = 2000;

/** What was learned about one step. */
export interface StepFacts {
  /** Each program the step's platform candidates name, and whether it is on PATH. */
  readonly on_path?: Readonly<Record<string, boolean>>;
  /** The size of what an adaptive search step reads. */
  readonly size?: SizeFact;
}

/** Facts about the machine, gathered by the effectful side. Empty facts give the static plan. */
export interface PlanFacts {
  /** The OS in Node's names (`linux`, `darwin`, `win32`…). Without it, `platform_commands` are resolved at run time. */
  readonly platform?: string;
  /** By step id. */
  readonly steps?: Readonly<Record<string, StepFacts>>;
  /** The machine's architecture in Node's names (`x64`, `arm64`…), for `if:` conditions' `platform.arch`. */
  readonly arch?: string;
  /** The environment variables `if:` conditions read (`null`: not set), recorded so a resumed run decides the same. */
  readonly env?: Readonly<Record<string, string | null>>;
}

/** The command a step will run, as far as the plan can tell. */
export interface PlannedCommand {
  /** How `platform_commands`/`fallback_command` were resolved (absent when the step has neither, or without a platform). */
  readonly resolution?: PlatformResolution;
  /** The step has `platform_commands` or a `fallback_command` (resolved only when the platform is known). */
  readonly platform_aware: boolean;
  /** The program and arguments that will run (`undefined` when no candidate fits). */
  readonly command: string | undefined;
  readonly args: ReadonlyArray<string>;
  readonly shell: boolean | string;
  readonly operation: Operation | undefined;
  /** Things a person should know about how the command is run. */
  readonly notes: ReadonlyArray<string>;
}

/** What was learned about step `id` (own properties only: ids are the mission's strings). */
export const factsOf = (facts: PlanFacts, id: string): StepFacts | undefined =>
  facts.steps !== undefined && Object.hasOwn(facts.steps, id) ? facts.steps[id] : undefined;

/** Whether the facts say `command` is on PATH for step `id` (`undefined`: nobody looked). */
export const onPathFor =
  (facts: PlanFacts, id: string) =>
  (command: string): boolean | undefined => {
    const found = factsOf(facts, id)?.on_path;
    return found !== undefined && Object.hasOwn(found, command) ? found[command] : undefined;
  };

/** A `command` step's decoded parameters (not when they failed to decode). */
export const commandParamsOf = (step: Step): CommandParameters | undefined =>
  step.step_type === 'command' && step.parameter_errors === undefined
    ? (step.parameters as CommandParameters)
    : undefined;

/** Programs to look up on PATH for a step on `platform` (those of its platform candidates). */
export const programsToLookUp = (step: Step, platform: string): ReadonlyArray<string> => {
  const p = commandParamsOf(step);
  if (p === undefined || !isPlatformAware(p) || (p.shell !== undefined && p.shell !== false)) return [];
  return [...new Set(platformCandidates(p, osOf(platform)).map((c) => c.command))];
};

/** What the command runs, given the platform facts (resolution, then find's escapes). */
export const planCommand = (step: Step, facts: PlanFacts): PlannedCommand | undefined => {
  const p = commandParamsOf(step);
  if (p === undefined) return undefined;
  const shell = p.shell ?? false;
  let resolution: PlatformResolution | undefined;
  let command = p.command;
  let args: ReadonlyArray<string> = p.args ?? [];
  if (isPlatformAware(p) && facts.platform !== undefined) {
    resolution = resolvePlatformCommand(p, facts.platform, onPathFor(facts, step.id));
    if (resolution?._tag === 'resolved') {
      command = resolution.command;
      args = resolution.args;
    } else command = undefined;
  } else if (command === undefined) {
    // Not resolved yet (no platform known): classify by the first variant written.
    const first = Object.values(p.platform_commands ?? {})[0];
    const fb = p.fallback_command;
    command = first?.command ?? (typeof fb === 'string' ? fb : fb?.command);
    args = first?.args ?? p.args ?? [];
  }
  const notes: string[] = [];
  if (command !== undefined) {
    const unescaped = unescapeFindOperators(command, args, shell);
    args = unescaped.args;
    if (unescaped.note !== undefined) notes.push(unescaped.note);
  }
  return {
    ...(resolution !== undefined ? { resolution } : {}),
    platform_aware: isPlatformAware(p),
    command: resolution?._tag === 'unresolved' ? undefined : command,
    args,
    shell,
    operation: command !== undefined ? classifyOperation(command, args, shell) : undefined,
    notes,
  };
};

/** What to measure for an adaptive search step. */
export interface SizeRequest {
  /** Relative to the mission's working directory, when the step sets one. */
  readonly working_dir: string | undefined;
  /** The paths to measure, relative to the step's working directory. */
  readonly paths: ReadonlyArray<string>;
  readonly filter: FileFilter;
  readonly process_per_file: boolean;
  /** Operands left out: templates filled in only at run time. */
  readonly unmeasured: ReadonlyArray<string>;
}

// `{{ steps.x.stdout }}` and RustChain's `{name}`; find's `{}` and a chunk's `{files}` are not templates.
const TEMPLATE = /\{\{|\{(?!files\})[A-Za-z_][\w.-]*\}/;

/** What an adaptive step reads and must be measured, or `undefined` when its timeout does not depend on a size. */
export const sizeRequest = (step: Step, planned: PlannedCommand | undefined): SizeRequest | undefined => {
  const p = commandParamsOf(step);
  if (
    step.timeout_strategy !== 'adaptive' ||
    p === undefined ||
    planned?.command === undefined ||
    planned.operation?.kind !== 'search'
  )
    return undefined;
  const reads = commandReads(planned.command, planned.args, planned.shell);
  let paths: ReadonlyArray<string>;
  let filter: FileFilter;
  if (p.files !== undefined) {
    // A file set: the command reads exactly those files.
    paths = [...new Set(p.files.include.map((g) => globBase(g) || '.'))];
    filter = { include: p.files.include, exclude: p.files.exclude ?? [], exclude_dirs: [] };
  } else {
    const named = readPaths(reads).filter((a) => a !== '{files}');
    paths = named.length > 0 ? named : ['.'];
    filter = reads.filter;
  }
  const unmeasured = paths.filter((a) => TEMPLATE.test(a));
  const measured = paths.filter((a) => !TEMPLATE.test(a));
  if (measured.length === 0) return undefined;
  return {
    working_dir: p.working_dir,
    paths: measured,
    filter,
    process_per_file: reads.process_per_file,
    unmeasured,
  };
};
