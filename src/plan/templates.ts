// Templates in step parameters: `{{ steps.<id>.stdout }}`, `{{ steps.<id>.output.<field> }}`,
// `{{ variables.<name> }}`, `{{ env.<NAME> }}`. A substituted value is data: it is inserted once,
// never re-expanded; in a shell's command line it is not inserted at all, but read from an
// environment variable (shell-templates.ts). Text in `{{ }}` that names none of these
// namespaces is left exactly as written (RustChain missions carry `{{ timestamp }}`, which
// RustChain never expanded either).

import { parseFanOutRef, type FanOutRef } from './fan-out-templates.js';

/** The fields of a step a template can read (`outputs`: a fanned-out step's instances' outputs, as a JSON list). */
export type StepField = 'stdout' | 'stderr' | 'exit_code' | 'status' | 'output' | 'outputs';

/** One reference in a template. */
export type TemplateRef =
  | {
      readonly _tag: 'step';
      readonly step: string;
      readonly field: StepField;
      readonly path: ReadonlyArray<string>;
      readonly text: string;
    }
  | { readonly _tag: 'variable'; readonly name: string; readonly text: string }
  | { readonly _tag: 'env'; readonly name: string; readonly text: string }
  | FanOutRef;

/** A piece of a parsed template. */
export type TemplatePart =
  { readonly _tag: 'text'; readonly text: string } | { readonly _tag: 'ref'; readonly ref: TemplateRef };

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
// RustChain's own form: `{name}` for a variable or an earlier result (`{<id>_result}`). It is only
// replaced when the name is known, so braces in JSON or code are left exactly as written. Right
// after `$` it is a shell's `${name}`, which RustChain never substituted either: left whole.
const TEMPLATE_OR_RUSTCHAIN = /\{\{\s*([^{}]*?)\s*\}\}|(?<!\$)\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const FIELDS: ReadonlyArray<StepField> = ['stdout', 'stderr', 'exit_code', 'status', 'output', 'outputs'];

/** A malformed reference in a known namespace: `{{ steps.x }}`, `{{ steps.x.nope }}`. */
export interface TemplateProblem {
  readonly text: string;
  readonly message: string;
  readonly hint: string;
}

/** Reads one `{{ … }}` body; `undefined` for text that is not a missionkit template. */
export const parseRef = (body: string, text: string): TemplateRef | TemplateProblem | undefined => {
  const [ns, ...rest] = body.split('.');
  switch (ns) {
    case 'steps': {
      const [step, field, ...path] = rest;
      if (step === undefined || step === '' || field === undefined) {
        return {
          text,
          message: `template ${text} names no step field`,
          hint: `write {{ steps.<id>.stdout }}; the fields are ${FIELDS.join(', ')}`,
        };
      }
      if (!(FIELDS as ReadonlyArray<string>).includes(field)) {
        return {
          text,
          message: `template ${text} reads an unknown field "${field}"`,
          hint: `the fields of a step are ${FIELDS.join(', ')} (structured output: {{ steps.${step}.output.<field> }})`,
        };
      }
      if (field !== 'output' && path.length > 0) {
        return {
          text,
          message: `template ${text}: ${field} has no fields`,
          hint: `only output has fields: {{ steps.${step}.output.<field> }}`,
        };
      }
      return { _tag: 'step', step, field: field as StepField, path, text };
    }
    case 'variables':
    case 'env': {
      const name = rest.join('.');
      if (!NAME.test(name))
        return {
          text,
          message: `template ${text} names no ${ns === 'env' ? 'environment variable' : 'variable'}`,
          hint: `write {{ ${ns}.<name> }}`,
        };
      return ns === 'env' ? { _tag: 'env', name, text } : { _tag: 'variable', name, text };
    }
    case 'matrix':
    case 'item':
    case 'item_index':
      return parseFanOutRef(ns, rest, text);
    default:
      return undefined;
  }
};

const isProblem = (r: TemplateRef | TemplateProblem): r is TemplateProblem => !('_tag' in r);

/** Splits a string into text and references; problems are reported, not thrown. */
export const parseTemplate = (
  input: string,
): { readonly parts: ReadonlyArray<TemplatePart>; readonly problems: ReadonlyArray<TemplateProblem> } => {
  if (!input.includes('{{')) return { parts: [{ _tag: 'text', text: input }], problems: [] };
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let last = 0;
  for (const m of input.matchAll(TEMPLATE)) {
    const ref = parseRef(m[1] ?? '', m[0]);
    if (ref === undefined) continue;
    if (isProblem(ref)) {
      problems.push(ref);
      continue;
    }
    if (m.index > last) parts.push({ _tag: 'text', text: input.slice(last, m.index) });
    parts.push({ _tag: 'ref', ref });
    last = m.index + m[0].length;
  }
  if (last < input.length) parts.push({ _tag: 'text', text: input.slice(last) });
  return { parts, problems };
};

/** Whether any string in a value contains `{{` (a cheap test, so steps without templates skip expansion). */
export const mayHaveTemplates = (value: unknown): boolean => {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(mayHaveTemplates);
  if (typeof value === 'object' && value !== null) {
    for (const k in value) if (mayHaveTemplates((value as Record<string, unknown>)[k])) return true;
  }
  return false;
};

/** Every reference (and problem) in a value's strings, with the path of each string. */
export const referencesIn = (
  value: unknown,
  at = '',
): Array<{ readonly path: string; readonly ref?: TemplateRef; readonly problem?: TemplateProblem }> => {
  const found: Array<{ path: string; ref?: TemplateRef; problem?: TemplateProblem }> = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      if (!v.includes('{{')) return;
      const { parts, problems } = parseTemplate(v);
      for (const p of parts) if (p._tag === 'ref') found.push({ path, ref: p.ref });
      for (const problem of problems) found.push({ path, problem });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, path === '' ? k : `${path}.${k}`);
    }
  };
  walk(value, at);
  return found;
};

/** Why a reference has no value at run time. */
export interface MissingValue {
  readonly missing: string;
}

/** Looks up a reference's value: a string to insert, or why there is none. */
export type Resolver = (ref: TemplateRef) => string | MissingValue;

/** The result of expanding a value. */
export type Expansion =
  | { readonly _tag: 'ok'; readonly value: unknown }
  | { readonly _tag: 'missing'; readonly ref: string; readonly path: string; readonly why: string }
  | {
      readonly _tag: 'refused';
      readonly ref: string;
      readonly path: string;
      /** Where the template stands, in words. */
      readonly where: string;
      readonly hint: string;
    };

/**
 * Replaces every reference in a value's strings, in one pass (a substituted value is never
 * expanded again). `quote` wraps each substituted value (the identity unless given).
 */
export const expandTemplates = (
  value: unknown,
  resolve: Resolver,
  quote: (s: string, path: string) => string = (s) => s,
  rustChain?: Readonly<Record<string, string>>,
): Expansion => {
  let failure: Expansion | undefined;
  const walk = (v: unknown, path: string): unknown => {
    if (failure !== undefined) return v;
    if (typeof v === 'string') {
      if (rustChain !== undefined && v.includes('{')) return expandBoth(v, path);
      if (!v.includes('{{')) return v;
      const { parts } = parseTemplate(v);
      let out = '';
      for (const p of parts) {
        if (p._tag === 'text') {
          out += p.text;
          continue;
        }
        const r = resolve(p.ref);
        if (typeof r !== 'string') {
          failure = { _tag: 'missing', ref: p.ref.text, path, why: r.missing };
          return v;
        }
        out += quote(r, path);
      }
      return out;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (typeof v === 'object' && v !== null)
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, walk(x, path === '' ? k : `${path}.${k}`)]),
      );
    return v;
  };
  // Both syntaxes in one pass: what either inserts is never read again by the other.
  function expandBoth(v: string, path: string): string {
    return v.replace(TEMPLATE_OR_RUSTCHAIN, (whole, body: string | undefined, name: string | undefined) => {
      if (failure !== undefined) return whole;
      if (name !== undefined)
        return rustChain !== undefined && Object.hasOwn(rustChain, name)
          ? quote(rustChain[name]!, path)
          : whole;
      const ref = parseRef(body ?? '', whole);
      if (ref === undefined || isProblem(ref)) return whole;
      const r = resolve(ref);
      if (typeof r !== 'string') {
        failure = { _tag: 'missing', ref: ref.text, path, why: r.missing };
        return whole;
      }
      return quote(r, path);
    });
  }
  const out = walk(value, '');
  return failure ?? { _tag: 'ok', value: out };
};
