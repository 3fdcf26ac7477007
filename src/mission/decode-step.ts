// One step, decoded: fields lifted out of `parameters`, the step codec, the step type's own
// parameter codec, unknown keys, RustChain's mistakes, shell syntax, cross-field rules, and the
// references the graph check needs (gathered even when the step has other errors).
import type { StepTypeRegistry } from '../ports/step-type.js';
import { LIFTABLE_KEYS, StepCodec } from './codec.js';
import { decodeWith } from './decode-errors.js';
import { toOnFailure, toRetryPolicy } from './defaults.js';
import { error, warning, type Draft } from './draft.js';
import { decodeFanOut } from './fan-out.js';
import type { MissionError } from './errors.js';
import { declaredKeys, findUnknownKeys } from './known-keys.js';
import { liftParameters } from './lift.js';
import type { WorkingDirectory } from './literal-paths.js';
import {
  stepId,
  type ConditionalDependency,
  type DependencyStrategy,
  type Step,
  type StepId,
} from './model.js';
import type { Path } from './path.js';
import { renderValue } from './render-value.js';
import {
  misplacedParameterDraft,
  missingHint,
  parametersForCommandLine,
  unknownKeyDraft,
} from './rustchain-hints.js';
import { commandShellWarnings } from './shell-hints.js';
import { readStepCondition } from './validate-conditions.js';
import { checkStepType, rangeChecks, type StepNode, type StepRef } from './validate.js';

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What decoding a step needs from the parse. */
export interface StepContext {
  readonly registry: StepTypeRegistry;
  readonly strict: boolean;
  /** Places a draft in the text (for `parameter_errors`, which the Mission carries). */
  readonly finalise: (d: Draft) => MissionError;
  /** Where the mission will run: file steps with literal paths outside it are reported at load. */
  readonly workingDirectory?: WorkingDirectory;
  /** `config.default_dependency_strategy`: the strategy of a step that names none. @default 'all_required' */
  readonly defaultStrategy?: 'all_required' | 'any_required' | 'best_effort';
}

/** A decoded step (when it decoded) and what the graph check needs of it (always). */
export interface StepResult {
  readonly step?: Step;
  readonly node: StepNode;
}

/** Decodes one step: lifting, the step codec, its type's parameter codec, unknown keys and RustChain hints; never throws for bad data. */
export const decodeStep = (raw: unknown, index: number, ctx: StepContext, drafts: Draft[]): StepResult => {
  const base: Path = ['steps', index];
  if (!isMap(raw)) {
    // A bare string is usually a shell line from a planning document: show it as a step.
    const asStep =
      typeof raw === 'string'
        ? ['- id: "step_' + String(index + 1) + '"', `  name: "Step ${index + 1}"`, '  step_type: "command"']
            .concat(parametersForCommandLine(raw).map((l) => `  ${l}`))
            .map((l) => `\n      ${l}`)
            .join('')
        : undefined;
    drafts.push(
      error({
        code: 'invalid_type',
        path: base,
        message: 'a step must be a map with `id`, `name`, `step_type` and `parameters`',
        found: renderValue(raw),
        expected: 'a step (a map)',
        ...(asStep !== undefined ? { hint: `to run this command line, write a step:${asStep}` } : {}),
      }),
    );
    return { node: { index, id: undefined, refs: [] } };
  }
  const lifted = liftParameters(raw, base);
  drafts.push(...lifted.drafts);
  // An error about a lifted field points at where it was written: inside `parameters`.
  const where = (p: Path): Path =>
    p.length > 2 &&
    typeof p[2] === 'string' &&
    lifted.lifted.has(p[2]) &&
    !Object.prototype.hasOwnProperty.call(raw, p[2])
      ? [...p.slice(0, 2), 'parameters', ...p.slice(2)]
      : p;
  const stepDrafts: Draft[] = [];
  const decoded = decodeWith(StepCodec, lifted.step, base, stepDrafts);
  const s = lifted.step;
  for (const d of stepDrafts) {
    const hint = d.code === 'missing_field' ? missingHint(d.path, {}, ctx.registry) : undefined;
    drafts.push({
      ...d,
      path: where(d.path),
      ...(hint !== undefined && d.hint === undefined ? { hint } : {}),
    });
  }

  // The step type, in either of RustChain's forms.
  const rawType = s['step_type'];
  const typeName =
    typeof rawType === 'string'
      ? rawType
      : isMap(rawType) && typeof rawType['type'] === 'string'
        ? rawType['type']
        : undefined;
  const typePath: Path =
    typeof rawType === 'string' ? [...base, 'step_type'] : [...base, 'step_type', 'type'];
  const stepType = typeName !== undefined && typeName.trim() !== '' ? ctx.registry.get(typeName) : undefined;
  if (typeName !== undefined && typeName.trim() !== '' && stepType === undefined) {
    const d = checkStepType(
      typeName,
      typePath,
      ctx.registry,
      isMap(raw) && isMap(raw['parameters']) ? raw['parameters'] : undefined,
    );
    if (d !== undefined) drafts.push(d);
  }
  const paramKeys = stepType === undefined ? undefined : declaredKeys(stepType.parameters);
  const params = lifted.parameters === undefined || lifted.parameters === null ? {} : lifted.parameters;

  // Unknown keys on the step and inside its own maps (retry, dependencies…).
  const severity = ctx.strict ? 'error' : 'warning';
  const misplaced = new Set<string>();
  const stepKnown = declaredKeys(StepCodec) ?? [];
  for (const u of findUnknownKeys(StepCodec, s, base)) {
    if (u.path.length === 3) {
      if (paramKeys?.includes(u.key) === true) {
        const also = isMap(params) && params[u.key] !== undefined;
        if (!also) misplaced.add(u.key);
        drafts.push(misplacedParameterDraft(u.key, s[u.key], base, also));
      } else drafts.push(unknownKeyDraft(u.key, u.path, stepKnown, s[u.key], severity, 'step'));
    } else drafts.push(unknownKeyDraft(u.key, where(u.path), u.known, undefined, severity, 'nested'));
  }

  // Parameters, decoded by the step type's own codec.
  let decodedParams: Readonly<Record<string, unknown>> | undefined;
  let parameterErrors: Draft[] | undefined;
  if (stepType !== undefined && isMap(params)) {
    const paramBase: Path = [...base, 'parameters'];
    const paramDrafts: Draft[] = [];
    try {
      const value = decodeWith(stepType.parameters, params, paramBase, paramDrafts);
      decodedParams = isMap(value) ? value : value === undefined ? undefined : params;
    } catch (e) {
      paramDrafts.push(
        error({
          code: 'invalid_value',
          path: paramBase,
          message: `the \`${typeName}\` step type's parameter codec failed: ${e instanceof Error ? e.message : String(e)}`,
          hint: 'this is a bug in that step type; its codec must return errors, not throw',
        }),
      );
    }
    // `command:` written on the step already explains why `parameters.command` is missing.
    const relevant = paramDrafts.filter(
      (d) => !(d.code === 'missing_field' && d.path.length === 4 && misplaced.has(String(d.path[3]))),
    );
    const continueOnError = s['continue_on_error'] === true;
    if (relevant.length > 0 && continueOnError && !ctx.strict) {
      parameterErrors = relevant.map((d) => ({
        ...d,
        severity: 'warning',
        hint: `${d.hint !== undefined ? `${d.hint}; ` : ''}this step will fail when it runs (the mission goes on because of \`continue_on_error: true\`); fix the parameters, or parse with \`strict: true\` to make this an error`,
      }));
      drafts.push(...parameterErrors);
    } else drafts.push(...relevant);
    const paramKnown = [...(paramKeys ?? []), ...LIFTABLE_KEYS];
    for (const u of findUnknownKeys(stepType.parameters, params, paramBase)) {
      drafts.push(
        unknownKeyDraft(
          u.key,
          u.path,
          u.path.length === 4 ? paramKnown : u.known,
          (params as Record<string, unknown>)[u.key],
          severity,
          u.path.length === 4 ? 'parameters' : 'nested',
        ),
      );
    }
    if (typeName === 'command') drafts.push(...commandShellWarnings(params, paramBase));
  }

  // The dependency strategy and its list must agree.
  const deps = decoded?.dependencies;
  const strategyName =
    decoded?.dependency_strategy ??
    (deps !== undefined ? 'conditional' : (ctx.defaultStrategy ?? 'all_required'));
  if (decoded !== undefined) {
    if (
      deps !== undefined &&
      decoded.dependency_strategy !== undefined &&
      decoded.dependency_strategy !== 'conditional'
    ) {
      drafts.push(
        error({
          code: 'conflicting_fields',
          path: [...base, 'dependencies'],
          at: 'key',
          message: `\`dependencies\` lists conditions, but \`dependency_strategy\` is \`${decoded.dependency_strategy}\``,
          hint: 'use `dependency_strategy: conditional` with a `dependencies:` list, or `depends_on:` with the other strategies',
        }),
      );
    } else if (strategyName === 'conditional' && (deps === undefined || deps.length === 0)) {
      drafts.push(
        error({
          code: 'missing_field',
          path: [...base, 'dependencies'],
          message: 'the `conditional` strategy needs a non-empty `dependencies:` list',
          hint: 'list each dependency as `- {step_id: build, required: true, on_failure: skip}`',
        }),
      );
    }
    rangeChecks(s, (k) => where([...base, k]), drafts);
    if (decoded.retry !== undefined) {
      const r = decoded.retry;
      if (
        r.max_delay_seconds !== undefined &&
        r.delay_seconds !== undefined &&
        r.max_delay_seconds < r.delay_seconds
      ) {
        drafts.push(
          error({
            code: 'invalid_value',
            path: where([...base, 'retry', 'max_delay_seconds']),
            message: '`max_delay_seconds` is less than `delay_seconds`',
            found: String(r.max_delay_seconds),
            expected: `at least ${r.delay_seconds}`,
          }),
        );
      }
      if (r.max_attempts === undefined || r.max_attempts === 1) {
        drafts.push(
          warning({
            code: 'invalid_value',
            path: where([...base, 'retry', ...(r.max_attempts === undefined ? [] : ['max_attempts'])]),
            message: '`retry` allows 1 attempt in all, so the step is never retried',
            expected: '`max_attempts` of 2 or more',
            hint: '`max_attempts` counts the first attempt: `max_attempts: 3` means up to two retries',
          }),
        );
      }
    }
  }

  // References to other steps, for the graph check (gathered even when the step has other errors).
  const refs: StepRef[] = [];
  const dependsOn = s['depends_on'];
  if (Array.isArray(dependsOn)) {
    dependsOn.forEach((d, j) => {
      if (typeof d === 'string' && d.trim() !== '')
        refs.push({ target: d, kind: 'depends_on', path: [...base, 'depends_on', j] });
    });
  }
  const rawDeps = s['dependencies'];
  if (Array.isArray(rawDeps)) {
    rawDeps.forEach((d, j) => {
      if (!isMap(d)) return;
      if (typeof d['step_id'] === 'string' && d['step_id'].trim() !== '')
        refs.push({
          target: d['step_id'],
          kind: 'dependency',
          path: [...base, 'dependencies', j, 'step_id'],
        });
      const of = d['on_failure'];
      if (
        isMap(of) &&
        typeof of['retry_with_alternative'] === 'string' &&
        of['retry_with_alternative'].trim() !== ''
      ) {
        refs.push({
          target: of['retry_with_alternative'],
          kind: 'alternative',
          path: [...base, 'dependencies', j, 'on_failure', 'retry_with_alternative'],
        });
      }
    });
  }
  const id = typeof s['id'] === 'string' && s['id'].trim() !== '' ? s['id'] : undefined;
  const node: StepNode = { index, id, refs };
  // `if:` — its syntax here; what it reads, once every step is known (validate-conditions.ts).
  const condition = readStepCondition(s['if'], base, drafts);
  const fanOut = decodeFanOut(
    s,
    id,
    refs.flatMap((r) => (r.kind === 'alternative' ? [] : [r.target])),
    base,
    drafts,
  );

  if (
    decoded === undefined ||
    stepType === undefined ||
    typeName === undefined ||
    (decodedParams === undefined && parameterErrors === undefined)
  )
    return { node };

  const conditional: ReadonlyArray<ConditionalDependency> = (deps ?? []).map((d) => ({
    step_id: stepId(d.step_id),
    required: d.required ?? true,
    on_failure: toOnFailure(d.on_failure),
  }));
  const strategy: DependencyStrategy =
    strategyName === 'conditional'
      ? { _tag: 'conditional', dependencies: conditional }
      : { _tag: strategyName };
  const dependsOnIds: StepId[] = [];
  const seen = new Set<string>();
  for (const d of decoded.depends_on ?? []) {
    if (!seen.has(d)) {
      seen.add(d);
      dependsOnIds.push(stepId(d));
    }
  }
  const timeoutSource = Object.prototype.hasOwnProperty.call(raw, 'timeout_seconds') ? 'step' : 'parameters';
  const step: Step = {
    id: stepId(decoded.id),
    name: decoded.name,
    ...(decoded.description !== undefined ? { description: decoded.description } : {}),
    step_type: typeName,
    parameters: decodedParams ?? (params as Readonly<Record<string, unknown>>),
    ...(parameterErrors !== undefined ? { parameter_errors: parameterErrors.map(ctx.finalise) } : {}),
    depends_on: dependsOnIds,
    continue_on_error: decoded.continue_on_error ?? false,
    dependency_strategy: strategy,
    continue_on_failure: decoded.continue_on_failure ?? false,
    ...(condition !== undefined ? { if: condition } : {}),
    ...(decoded.on_interrupt !== undefined ? { on_interrupt: decoded.on_interrupt } : {}),
    ...(decoded.runs_on !== undefined && decoded.runs_on.length > 0
      ? { runs_on: [...new Set(decoded.runs_on)] }
      : {}),
    ...(decoded.retry !== undefined ? { retry: toRetryPolicy(decoded.retry) } : {}),
    allow_partial_results: decoded.allow_partial_results ?? false,
    ...(decoded.timeout_seconds !== undefined
      ? { timeout_seconds: decoded.timeout_seconds, timeout_source: timeoutSource }
      : {}),
    ...(decoded.timeout_strategy !== undefined ? { timeout_strategy: decoded.timeout_strategy } : {}),
    ...(decoded.base_timeout_seconds !== undefined
      ? { base_timeout_seconds: decoded.base_timeout_seconds }
      : {}),
    ...(decoded.max_timeout_seconds !== undefined
      ? { max_timeout_seconds: decoded.max_timeout_seconds }
      : {}),
    ...(decoded.size_factor !== undefined ? { size_factor: decoded.size_factor } : {}),
    ...(decoded.progress_interval_seconds !== undefined
      ? { progress_interval_seconds: decoded.progress_interval_seconds }
      : {}),
    ...(decoded.stall_warning_seconds !== undefined
      ? { stall_warning_seconds: decoded.stall_warning_seconds }
      : {}),
    ...(decoded.stall_timeout_seconds !== undefined
      ? { stall_timeout_seconds: decoded.stall_timeout_seconds }
      : {}),
    ...(decoded.resource_limits !== undefined ? { resource_limits: decoded.resource_limits } : {}),
    ...(fanOut !== undefined ? { fan_out: fanOut } : {}),
  };
  return { step, node };
};
