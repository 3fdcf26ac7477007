// What each `{{ … }}` reference reads at the moment a step starts: the results of the steps it
// depends on (or the alternative standing in for a failed one, or a default value), the mission's
// variables, and the environment. A reference with no value is reported, never an empty string.
import type { StepId } from '../mission/model.js';
import type { DefaultValue } from '../plan/dependencies.js';
import type { MissingValue, Resolver, TemplateRef } from '../plan/templates.js';
import type { StepResult } from '../scheduler/report.js';
import type { Substitute } from '../scheduler/state.js';
import type { FanOutInstance } from '../plan/fan-out-instance.js';

const text = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

const missing = (why: string): MissingValue => ({ missing: why });

/** Reads `path` inside a structured output. */
const walk = (value: unknown, path: ReadonlyArray<string>, ref: string): string | MissingValue => {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, key))
      return missing(`${ref}: the output has no field "${key}"`);
    v = (v as Record<string, unknown>)[key];
  }
  if (v === undefined || v === null) return missing(`${ref}: the value is ${String(v)}`);
  return text(v);
};

/** `{{ matrix.<axis> }}`, `{{ item }}`, `{{ item.<field> }}`, `{{ item_index }}` of the instance starting. */
const instanceValue = (
  instance: FanOutInstance | undefined,
  ref: Extract<TemplateRef, { _tag: 'matrix' | 'item' | 'item_index' }>,
): string | MissingValue => {
  switch (ref._tag) {
    case 'matrix':
      return instance?.matrix !== undefined && Object.hasOwn(instance.matrix, ref.name)
        ? String(instance.matrix[ref.name])
        : missing(`${ref.text}: this step has no matrix axis "${ref.name}"`);
    case 'item':
      if (instance?.item_index === undefined) return missing(`${ref.text}: this step has no for_each`);
      return ref.path.length === 0 ? text(instance.item) : walk(instance.item, ref.path, ref.text);
    case 'item_index':
      return instance?.item_index === undefined
        ? missing(`${ref.text}: this step has no for_each`)
        : String(instance.item_index);
  }
};

/** `{{ steps.<id>.outputs }}`: the instances' structured outputs in order (null where one has none), as JSON. */
const instanceOutputs = (
  group: StepResult,
  results: Pick<ReadonlyMap<StepId, StepResult>, 'get'>,
): string | MissingValue =>
  group.instances === undefined
    ? missing(`step ${group.id} has no matrix or for_each: read {{ steps.${group.id}.output }}`)
    : JSON.stringify(group.instances.map((id) => results.get(id)?.output ?? null));

/** The facts a resolver reads. */
export interface TemplateSources {
  /** The results of the steps that have ended, by id. */
  readonly results: Pick<ReadonlyMap<StepId, StepResult>, 'get'>;
  readonly substitutes: ReadonlyArray<Substitute>;
  readonly defaults: ReadonlyArray<DefaultValue>;
  readonly variables: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** For an instance of a fanned-out step: its matrix values or item. */
  readonly instance?: FanOutInstance | undefined;
}

/** A resolver for one step's parameters. */
export const templateResolver = (src: TemplateSources): Resolver => {
  const byDefault = new Map<string, unknown>(src.defaults.map((d) => [d.step_id, d.value]));
  const standIn = new Map<string, StepId>(src.substitutes.map((s) => [s.step_id, s.by]));
  return (ref: TemplateRef) => {
    switch (ref._tag) {
      case 'variable':
        return Object.hasOwn(src.variables, ref.name)
          ? src.variables[ref.name]!
          : missing(`variable "${ref.name}" is not set (define it under variables: or pass it with --var)`);
      case 'env':
        return Object.hasOwn(src.env, ref.name)
          ? src.env[ref.name]!
          : missing(`environment variable ${ref.name} is not set`);
      case 'matrix':
      case 'item':
      case 'item_index':
        return instanceValue(src.instance, ref);
      case 'step': {
        if (byDefault.has(ref.step) && ref.field !== 'status' && ref.field !== 'exit_code') {
          const value = byDefault.get(ref.step);
          return ref.field === 'output' && ref.path.length > 0
            ? walk(value, ref.path, ref.text)
            : text(value);
        }
        const id = standIn.get(ref.step) ?? (ref.step as StepId);
        const r = src.results.get(id);
        // A fanned-out step ran through its instances: it has results, but no attempts of its own.
        if (r === undefined || (r.attempts.length === 0 && r.instances === undefined))
          return missing(`step ${id} did not run${r?.skip_reason ? ` (${r.skip_reason})` : ''}`);
        switch (ref.field) {
          case 'stdout':
            return r.stdout.text.replace(/\r?\n$/, '');
          case 'stderr':
            return r.stderr.text.replace(/\r?\n$/, '');
          case 'exit_code':
            return r.exit_code === null
              ? missing(`step ${id} has no exit code${r.signal ? ` (killed by ${r.signal})` : ''}`)
              : String(r.exit_code);
          case 'status':
            return r.status;
          case 'output':
            return r.output === undefined
              ? missing(`step ${id} has no structured output`)
              : walk(r.output, ref.path, ref.text);
          case 'outputs':
            return instanceOutputs(r, src.results);
        }
      }
    }
  };
};
