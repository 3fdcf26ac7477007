// The load-time check of a parsed condition: every reference names something that will exist when
// the step is decided (a step it depends on, a variable, an environment variable, a platform
// fact), every function exists and gets what it takes, and no comparison is doomed by its types.
import { suggest } from '../mission/suggest.js';
import { SETTLED_STEP_STATUSES } from '../scheduler/step-status.js';
import { refText, type Expr, type ExpressionProblem, type RefSegment } from './ast.js';
import { FUNCTIONS, functionNamed, type StatusFunction } from './functions.js';
import { BOOLEAN, JSON_VALUE, NULL, NUMBER, REGEX, STRING, typeName, type TypeSet } from './types.js';

/** How a step named in a condition stands to the step the condition belongs to. */
export type StepRelation = 'dependency' | 'self' | 'unrelated' | 'unknown';

/** What the checker knows of the mission around a condition. */
export interface CheckScope {
  /** The id of the step whose condition this is. */
  readonly self: string;
  /** How step `id` stands to it (`dependency`: it waits for it, directly or through others). */
  readonly stepRelation: (id: string) => StepRelation;
  /** Every step id, for "did you mean". */
  readonly stepIds: () => Iterable<string>;
  /** The mission's own variable names (a host may pass others). */
  readonly variableNames: ReadonlyArray<string>;
}

/** What the check found. */
export interface CheckResult {
  readonly problems: ReadonlyArray<ExpressionProblem>;
  /** The status functions called, which decide how the condition meets the dependency strategy. */
  readonly statusFunctions: ReadonlySet<StatusFunction>;
  /** The environment variables read, which a run records so a resumed run sees the same values. */
  readonly env: ReadonlySet<string>;
}

/** The values `platform.os` can take (Node's platforms, with the mission's names for macOS and Windows). */
export const PLATFORM_OS = [
  'linux',
  'macos',
  'windows',
  'freebsd',
  'openbsd',
  'netbsd',
  'aix',
  'sunos',
  'android',
  'cygwin',
  'haiku',
];
/** The values `platform.arch` can take (Node's names). */
export const PLATFORM_ARCH = [
  'x64',
  'arm64',
  'arm',
  'ia32',
  'loong64',
  'mips',
  'mipsel',
  'ppc',
  'ppc64',
  'riscv64',
  's390',
  's390x',
];
/** The fields of `steps.<id>`. */
export const STEP_FIELDS = ['status', 'outcome', 'exit_code', 'stdout', 'stderr', 'output'];

const OTHER_ENGINES: Readonly<Record<string, string>> = {
  github:
    'missionkit has no `github` context: pass what you need as a variable (`--var branch=$GITHUB_REF_NAME`) and test `variables.branch`, or read `env.GITHUB_REF_NAME`',
  needs: "a dependency's result is `steps.<id>.status` (`succeeded`, `failed`, `skipped`…)",
  inputs: 'inputs are `variables.<name>`',
  vars: 'variables are `variables.<name>`',
  runner: 'the machine is `platform.os` and `platform.arch`',
  matrix: 'conditions read `steps`, `variables`, `env` and `platform`',
  job: 'conditions read `steps`, `variables`, `env` and `platform`',
};

/** A static type, and the values it is limited to when it is one of a known set. */
interface Typed {
  readonly type: TypeSet;
  readonly choices?: { readonly what: string; readonly values: ReadonlyArray<string> };
}

const STATUSES = { what: 'a step status', values: SETTLED_STEP_STATUSES as ReadonlyArray<string> };

/** Checks a condition; never throws. */
export const checkCondition = (expr: Expr, scope: CheckScope): CheckResult => {
  const problems: ExpressionProblem[] = [];
  const statusFunctions = new Set<StatusFunction>();
  const env = new Set<string>();
  const err = (offset: number, message: string, hint?: string): void => {
    problems.push({ severity: 'error', offset, message, ...(hint !== undefined ? { hint } : {}) });
  };
  const warn = (offset: number, message: string, hint?: string): void => {
    problems.push({ severity: 'warning', offset, message, ...(hint !== undefined ? { hint } : {}) });
  };
  const ANY: Typed = { type: JSON_VALUE };

  const exactly = (segments: ReadonlyArray<RefSegment>, n: number, what: string): boolean => {
    if (segments.length === n) return true;
    const at = segments.length > n ? segments[n]! : segments[segments.length - 1]!;
    err(
      segments.length > n ? at.start : at.end,
      segments.length > n
        ? `\`${refText(segments)}\`: ${what} has no fields`
        : `\`${refText(segments)}\` is incomplete`,
      `write ${what}`,
    );
    return false;
  };

  const reference = (segments: ReadonlyArray<RefSegment>): Typed => {
    const head = segments[0]!;
    switch (head.key) {
      case 'steps': {
        if (segments.length < 3) {
          exactly(
            segments,
            3,
            '`steps.<id>.status` (or `.outcome`, `.exit_code`, `.stdout`, `.output.<field>`)',
          );
          return ANY;
        }
        const id = segments[1]!;
        const relation = scope.stepRelation(id.key);
        switch (relation) {
          case 'unknown': {
            const guess = suggest(id.key, scope.stepIds());
            err(
              id.start,
              `\`${refText(segments)}\` names no step of this mission`,
              guess !== undefined
                ? `did you mean \`${guess}\`?`
                : 'use the `id` of a step this one depends on',
            );
            return ANY;
          }
          case 'self':
            err(
              id.start,
              `\`${refText(segments)}\` reads this step's own result, which does not exist before it runs`,
              'a condition reads the results of the steps this one depends on',
            );
            return ANY;
          case 'unrelated':
            err(
              id.start,
              `\`${refText(segments)}\` reads step \`${id.key}\`, which \`${scope.self}\` does not depend on, so it may not have run when the condition is evaluated`,
              `add "${id.key}" to this step's depends_on`,
            );
            return ANY;
          case 'dependency':
            break;
        }
        const field = segments[2]!;
        switch (field.key) {
          case 'status':
          case 'outcome':
            return exactly(segments, 3, `\`steps.${id.key}.${field.key}\``)
              ? { type: STRING, choices: STATUSES }
              : ANY;
          case 'exit_code':
            return exactly(segments, 3, `\`steps.${id.key}.exit_code\``) ? { type: NUMBER | NULL } : ANY;
          case 'stdout':
          case 'stderr':
            return exactly(segments, 3, `\`steps.${id.key}.${field.key}\``) ? { type: STRING } : ANY;
          case 'output':
            return ANY;
          default: {
            const guess =
              suggest(field.key, STEP_FIELDS) ??
              (field.key === 'outputs'
                ? 'output'
                : field.key === 'conclusion' || field.key === 'result'
                  ? 'status'
                  : undefined);
            err(
              field.start,
              `a step has no field \`${field.key}\``,
              guess !== undefined
                ? `did you mean \`${guess}\`? (fields: ${STEP_FIELDS.join(', ')})`
                : `its fields are ${STEP_FIELDS.join(', ')}`,
            );
            return ANY;
          }
        }
      }
      case 'variables': {
        if (!exactly(segments, 2, '`variables.<name>`')) return ANY;
        const name = segments[1]!;
        if (!scope.variableNames.includes(name.key)) {
          const guess = suggest(name.key, scope.variableNames);
          warn(
            name.start,
            `\`variables.${name.key}\` names a variable the mission does not define; if the host does not pass it, the step fails`,
            guess !== undefined
              ? `did you mean \`${guess}\`? (or pass it with --var / the variables option)`
              : 'define it under `variables:` or pass it with --var / the variables option',
          );
        }
        return { type: STRING };
      }
      case 'env':
        if (!exactly(segments, 2, '`env.<NAME>`')) return ANY;
        env.add(segments[1]!.key);
        return { type: STRING | NULL };
      case 'platform': {
        if (!exactly(segments, 2, '`platform.os` or `platform.arch`')) return ANY;
        const f = segments[1]!;
        if (f.key === 'os') return { type: STRING, choices: { what: 'an OS', values: PLATFORM_OS } };
        if (f.key === 'arch')
          return { type: STRING, choices: { what: 'an architecture', values: PLATFORM_ARCH } };
        err(
          f.start,
          `\`platform\` has no field \`${f.key}\``,
          'its fields are `os` (linux, macos, windows…) and `arch` (x64, arm64…)',
        );
        return ANY;
      }
      default: {
        const other = OTHER_ENGINES[head.key];
        if (segments.length === 1 && other === undefined) {
          const fn = suggest(head.key, ['true', 'false', 'null']);
          err(
            head.start,
            `\`${head.key}\` is not a value`,
            fn !== undefined
              ? `did you mean \`${fn}\`?`
              : `quote text: '${head.key}'; references start with steps., variables., env. or platform.`,
          );
          return ANY;
        }
        const guess = suggest(head.key, ['steps', 'variables', 'env', 'platform']);
        err(
          head.start,
          `unknown context \`${head.key}\``,
          other ??
            (guess !== undefined
              ? `did you mean \`${guess}\`?`
              : 'references start with steps., variables., env. or platform.'),
        );
        return ANY;
      }
    }
  };

  const wantBoolean = (e: Expr, t: Typed, what: string): void => {
    if ((t.type & BOOLEAN) !== 0) return;
    err(
      e.start,
      `${what} must be true or false, but this is ${typeName(t.type)}`,
      (t.type & STRING) !== 0
        ? "compare it: `variables.deploy == 'true'`"
        : 'compare it with `==`, `!=`, `<`…',
    );
  };

  const checkChoice = (a: Typed, b: Expr): void => {
    if (a.choices === undefined || b._tag !== 'literal' || typeof b.value !== 'string') return;
    if (a.choices.values.includes(b.value)) return;
    // GitHub's words and Node's platform names are the likeliest slips.
    const aliases = new Map([
      ['success', 'succeeded'],
      ['failure', 'failed'],
      ['timeout', 'timed_out'],
      ['darwin', 'macos'],
      ['win32', 'windows'],
      ['amd64', 'x64'],
      ['aarch64', 'arm64'],
    ]);
    const known = [...aliases].filter(([, v]) => a.choices!.values.includes(v)).map(([k]) => k);
    const near = suggest(b.value, [...a.choices.values, ...known]);
    const guess = near === undefined ? undefined : (aliases.get(near) ?? near);
    err(
      b.start,
      `'${b.value}' is not ${a.choices.what}, so this comparison is never true`,
      guess !== undefined
        ? `did you mean '${guess}'?`
        : `${a.choices.what} is one of: ${a.choices.values.join(', ')}`,
    );
  };

  const visit = (e: Expr): Typed => {
    switch (e._tag) {
      case 'literal':
        return {
          type:
            e.value === null
              ? NULL
              : typeof e.value === 'string'
                ? STRING
                : typeof e.value === 'number'
                  ? NUMBER
                  : BOOLEAN,
        };
      case 'regex':
        return { type: REGEX };
      case 'ref':
        return reference(e.segments);
      case 'not': {
        const t = visit(e.operand);
        wantBoolean(e.operand, t, 'the operand of `!`');
        return { type: BOOLEAN };
      }
      case 'logic': {
        const l = visit(e.left);
        const r = visit(e.right);
        wantBoolean(e.left, l, `each side of \`${e.op}\``);
        wantBoolean(e.right, r, `each side of \`${e.op}\``);
        return { type: BOOLEAN };
      }
      case 'compare': {
        const l = visit(e.left);
        const r = visit(e.right);
        if (((l.type | r.type) & REGEX) !== 0) {
          err(
            (l.type & REGEX) !== 0 ? e.left.start : e.right.start,
            'a regular expression can only be the pattern of `matches(text, /re/)`',
            'write `matches(variables.tag, /^v1/)`',
          );
          return { type: BOOLEAN };
        }
        if (e.op === '==' || e.op === '!=') {
          if ((l.type & r.type) === 0)
            err(
              e.opAt,
              `\`${e.op}\` compares ${typeName(l.type)} with ${typeName(r.type)}, which are never equal (no conversion is made)`,
              l.type === NUMBER || r.type === NUMBER || (l.type & NUMBER) !== 0 || (r.type & NUMBER) !== 0
                ? 'write numbers without quotes: `steps.build.exit_code == 0`'
                : 'compare values of the same type',
            );
        } else if ((l.type & r.type & (STRING | NUMBER)) === 0)
          err(
            e.opAt,
            `\`${e.op}\` orders two numbers or two strings, not ${typeName(l.type)} and ${typeName(r.type)}`,
            'write numbers without quotes: `steps.count.output.n > 3`',
          );
        checkChoice(l, e.right);
        checkChoice(r, e.left);
        return { type: BOOLEAN };
      }
      case 'call': {
        const fn = functionNamed(e.name);
        const types = e.args.map(visit);
        if (fn === undefined) {
          const guess = suggest(e.name, FUNCTIONS.keys());
          err(
            e.start,
            `unknown function \`${e.name}\``,
            guess !== undefined
              ? `did you mean \`${guess}\`?`
              : `the functions are ${[...FUNCTIONS.keys()].map((n) => `${n}()`).join(', ')}`,
          );
          return { type: BOOLEAN };
        }
        if (fn.status) statusFunctions.add(e.name as StatusFunction);
        if (e.args.length !== fn.params.length) {
          err(
            e.args.length > fn.params.length ? e.args[fn.params.length]!.start : e.end - 1,
            `\`${e.name}\` takes ${fn.params.length === 0 ? 'no arguments' : `${fn.params.length} argument${fn.params.length === 1 ? '' : 's'}`}, not ${e.args.length}`,
            `write \`${fn.usage}\``,
          );
          return { type: BOOLEAN };
        }
        fn.params.forEach((p, i) => {
          const t = types[i]!;
          if ((t.type & p.type) === 0 || (p.type === REGEX && t.type !== REGEX))
            err(
              e.args[i]!.start,
              `the ${p.name} of \`${e.name}\` must be ${typeName(p.type)}, but this is ${typeName(t.type)}`,
              p.type === REGEX
                ? 'write the pattern between slashes: `matches(variables.tag, /^v\\d+/)`'
                : `write \`${fn.usage}\``,
            );
        });
        return { type: BOOLEAN };
      }
    }
  };

  const whole = visit(expr);
  wantBoolean(expr, whole, 'a condition');
  return { problems, statusFunctions, env };
};
