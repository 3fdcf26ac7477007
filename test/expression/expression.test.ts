// The `if:` expression language: parse, check and evaluate, as a mission author meets them.
import fc from 'fast-check';
import { parseCondition } from '../../src/expression/parser';
import { checkCondition, type CheckScope, type StepRelation } from '../../src/expression/typecheck';
import { evaluateCondition, type EvaluationScope, type StepFacts } from '../../src/expression/evaluate';

const scope: CheckScope = {
  self: 'deploy',
  stepRelation: (id: string): StepRelation =>
    id === 'deploy'
      ? 'self'
      : ['build', 'test', 'list'].includes(id)
        ? 'dependency'
        : id === 'lint'
          ? 'unrelated'
          : 'unknown',
  stepIds: () => ['build', 'test', 'list', 'lint', 'deploy'],
  variableNames: ['branch', 'token', 'count'],
};

const facts: Record<string, StepFacts> = {
  build: {
    status: 'succeeded',
    outcome: 'succeeded',
    exit_code: 0,
    stdout: 'built 3 files\nwarning: slow\n',
    stderr: '',
  },
  test: { status: 'failed', outcome: 'failed', exit_code: 2, stdout: '', stderr: 'boom' },
  list: {
    status: 'succeeded',
    outcome: 'succeeded',
    exit_code: null,
    stdout: '',
    stderr: '',
    output: { items: ['a', 'b'], count: 2, nested: { ok: true }, none: null },
  },
};

const evalScope = (over: Partial<EvaluationScope> = {}): EvaluationScope => ({
  step: (id) => (Object.hasOwn(facts, id) ? facts[id] : undefined),
  variables: { branch: 'main', token: 's3cr3t-value', count: '3' },
  secrets: ['token'],
  env: (name) => (({ CI: 'true' }) as Record<string, string>)[name],
  platform: { os: 'linux', arch: 'x64' },
  status: { success: true, failure: false, cancelled: false },
  ...over,
});

/** Parses, checks (expecting no error) and evaluates. */
const run = (text: string, over: Partial<EvaluationScope> = {}) => {
  const parsed = parseCondition(text);
  if (parsed._tag === 'error') throw new Error(`parse: ${parsed.problem.message}`);
  const checked = checkCondition(parsed.condition.expr, scope);
  const errors = checked.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(`check: ${errors.map((e) => e.message).join('; ')}`);
  return evaluateCondition(parsed.condition.expr, text, evalScope(over));
};

/** The first problem of a condition (parse error, else the first check error), with its column in the text. */
const problemOf = (text: string) => {
  const parsed = parseCondition(text);
  if (parsed._tag === 'error') return { ...parsed.problem, at: text.slice(parsed.problem.offset) };
  const p = checkCondition(parsed.condition.expr, scope).problems.find((x) => x.severity === 'error');
  return p === undefined ? undefined : { ...p, at: text.slice(p.offset) };
};

describe('evaluating conditions', () => {
  test.each([
    ["variables.branch == 'main'", true],
    ["variables.branch != 'main'", false],
    ["${{ variables.branch == 'main' }}", true],
    ["  ${{variables.branch == 'dev'}}  ", false],
    ['steps.build.exit_code == 0', true],
    ['steps.test.exit_code > 1 && steps.test.exit_code <= 2', true],
    ["steps.test.status == 'failed' || steps.build.status == 'failed'", true],
    ["!(steps.build.status == 'succeeded')", false],
    ["contains(steps.build.stdout, 'warning')", true],
    ["contains(steps.list.output.items, 'b')", true],
    ["contains(steps.list.output.items, 'z')", false],
    ["startsWith(variables.branch, 'ma') && endsWith(variables.branch, 'in')", true],
    ['matches(variables.branch, /^ma[a-z]+$/)', true],
    ['matches(variables.branch, /^MAIN$/i)', true],
    ['matches(variables.branch, /^MAIN$/)', false],
    ['steps.list.output.count >= 2', true],
    ['steps.list.output.nested.ok', true],
    ["steps.list.output['items'][1] == 'b'", true],
    ['steps.list.output.none == null', true],
    ["env.CI == 'true'", true],
    ['env.NOT_SET == null', true],
    ["platform.os == 'linux' && platform.arch != 'arm64'", true],
    ["variables.token == 's3cr3t-value'", true],
    ['always()', true],
    ['success()', true],
    ['failure()', false],
    ['cancelled()', false],
    ["variables.count < '4'", true],
    ["'it''s' == \"it's\"", true],
    ['-1 < 0.5e1', true],
  ])('%s is %s', (text, expected) => {
    expect(run(text)).toEqual({ _tag: 'value', value: expected });
  });

  test('&& and || short-circuit, so a guarded read of a missing field does not fail', () => {
    expect(run("steps.build.status == 'failed' && steps.build.output.n > 1")).toEqual({
      _tag: 'value',
      value: false,
    });
  });

  test('status functions read the scope the scheduler gives', () => {
    expect(run('failure()', { status: { success: false, failure: true, cancelled: false } })).toEqual({
      _tag: 'value',
      value: true,
    });
  });
});

describe('run-time errors name the expression and the value', () => {
  test('a missing output field', () => {
    const r = run('steps.list.output.missing > 1');
    expect(r._tag).toBe('error');
    expect(r).toMatchObject({ message: expect.stringContaining('steps.list.output has no field "missing"') });
  });

  test('a step without structured output', () => {
    expect(run('steps.build.output.x == 1')).toMatchObject({
      _tag: 'error',
      message: expect.stringContaining('step build has no structured output'),
    });
  });

  test('an output field of the wrong type', () => {
    expect(run('steps.list.output.items > 1')).toMatchObject({
      _tag: 'error',
      message: expect.stringMatching(/`>` in `steps.list.output.items > 1`.*\["a","b"\]/),
    });
  });

  test('a non-boolean output used as a condition', () => {
    expect(run('steps.list.output.count')).toMatchObject({
      _tag: 'error',
      message: expect.stringContaining('`steps.list.output.count` is 2 (a number), not true or false'),
    });
  });

  test('a variable the host did not pass', () => {
    expect(run("variables.branch == 'main'", { variables: {} })).toMatchObject({
      _tag: 'error',
      message: expect.stringContaining('variables.branch is not set'),
    });
  });

  test('a secret variable is never shown in an error', () => {
    const r = run('variables.token > steps.list.output.count');
    expect(r._tag).toBe('error');
    expect(JSON.stringify(r)).not.toContain('s3cr3t');
    expect(JSON.stringify(r)).toContain('***');
  });

  test('prototype fields are not reachable', () => {
    for (const field of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      expect(run(`steps.list.output.${field} == null`)).toMatchObject({
        _tag: 'error',
        message: expect.stringContaining(`has no field "${field}"`),
      });
    expect(run("steps.list.output['__proto__'] == null")._tag).toBe('error');
  });
});

describe('load-time problems point at the character inside the expression', () => {
  test.each([
    // [condition, message part, text at the offset]
    ["variables.branch = 'main'", 'single `=`', "= 'main'"],
    ["variables.branch == 'main", 'never closed', "'main"],
    ["(variables.branch == 'main'", 'expected `)`', ''],
    ["variables.branch == 'main')", 'unexpected `)`', ')'],
    ["variables.branch == 'main' and true", 'unexpected `and`', 'and true'],
    ['variables.branch ==', 'ends where a value was expected', ''],
    ["steps.deploi.status == 'failed'", 'names no step', 'deploi.status'],
    ["steps.lint.status == 'failed'", 'does not depend on', 'lint.status'],
    ["steps.deploy.status == 'failed'", 'own result', 'deploy.status'],
    ["steps.build.result == 'success'", 'no field `result`', 'result =='],
    ["steps.build.status == 'success'", "'success' is not a step status", "'success'"],
    ["platform.os == 'darwin'", "'darwin' is not an OS", "'darwin'"],
    ["steps.build.exit_code == '0'", 'never equal', "== '0'"],
    ["contians(steps.build.stdout, 'x')", 'unknown function `contians`', 'contians('],
    ['contains(steps.build.stdout)', 'takes 2 arguments', ')'],
    ['success(1)', 'takes no arguments', '1)'],
    ["matches(variables.branch, 'main')", 'must be a regular expression', "'main')"],
    ['matches(variables.branch, /(a)\\1/)', 'back-references', '\\1/)'],
    ['matches(variables.branch, /(?=a)/)', 'look-ahead', '(?=a)/)'],
    ['matches(variables.branch, /a/g)', 'flag `g`', 'g)'],
    ['variables.branch', 'must be true or false', 'variables.branch'],
    ['!variables.branch', 'operand of `!`', 'variables.branch'],
    ["github.ref == 'refs/heads/main'", 'unknown context `github`', 'github.ref'],
    ['main', '`main` is not a value', 'main'],
    ['variables.branch == {{ x }}', 'templates are not used', '{{ x }}'],
    ["${{ variables.branch == 'main'", '`${{` is never closed', '${{'],
    ['${{  }}', 'empty', ''],
    ['variables.branch < true', 'orders two numbers or two strings', '< true'],
  ])('%s', (text, message, at) => {
    const p = problemOf(text);
    expect(p).toBeDefined();
    expect(p!.message).toContain(message);
    if (at !== '') expect(p!.at.startsWith(at)).toBe(true);
    expect(p!.hint).toEqual(expect.any(String));
  });

  test('the did-you-mean of a misspelt step and function', () => {
    expect(problemOf("steps.buidl.status == 'failed'")?.hint).toBe('did you mean `build`?');
    expect(problemOf('allways()')?.hint).toBe('did you mean `always`?');
    expect(problemOf("steps.build.status == 'sucess'")?.hint).toBe("did you mean 'succeeded'?");
  });

  test('an unknown variable is a warning (the host may pass it), not an error', () => {
    const parsed = parseCondition("variables.brnach == 'main'");
    if (parsed._tag !== 'ok') throw new Error('parse');
    const problems = checkCondition(parsed.condition.expr, scope).problems;
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', offset: 10, hint: expect.stringContaining('`branch`') }),
    ]);
  });

  test('the check lists the status functions and environment variables a condition reads', () => {
    const parsed = parseCondition("failure() || always() && env.CI == 'true'");
    if (parsed._tag !== 'ok') throw new Error('parse');
    const r = checkCondition(parsed.condition.expr, scope);
    expect([...r.statusFunctions].sort()).toEqual(['always', 'failure']);
    expect([...r.env]).toEqual(['CI']);
  });

  test('nesting is bounded', () => {
    expect(problemOf(`${'('.repeat(100)}true${')'.repeat(100)}`)?.message).toContain('nests more than');
    expect(problemOf(`${'!'.repeat(100)}true`)?.message).toContain('nests more than');
  });
});

describe('never throws', () => {
  const alphabet = fc.constantFrom(
    ...[
      ' ',
      '(',
      ')',
      '!',
      '=',
      '<',
      '>',
      '&',
      '|',
      "'",
      '"',
      '/',
      '\\',
      '[',
      ']',
      '.',
      ',',
      '-',
      '0',
      '1',
      '$',
      '{',
      '}',
    ],
    ...[
      'steps',
      'build',
      'list',
      'output',
      'items',
      'status',
      'variables',
      'branch',
      'env',
      'CI',
      'platform',
      'os',
    ],
    ...[
      'contains',
      'matches',
      'success',
      'failure',
      'always',
      'true',
      'null',
      '__proto__',
      'a',
      '+',
      '*',
      '?',
    ],
  );
  const condition = fc.oneof(
    fc.string(),
    fc.array(alphabet, { maxLength: 40 }).map((p) => p.join('')),
  );

  test('on random input: a positioned error or a value, nothing else', () => {
    fc.assert(
      fc.property(condition, (text) => {
        const parsed = parseCondition(text);
        if (parsed._tag === 'error') {
          expect(parsed.problem.offset).toBeGreaterThanOrEqual(0);
          expect(parsed.problem.offset).toBeLessThanOrEqual(text.length);
          return;
        }
        const checked = checkCondition(parsed.condition.expr, scope);
        for (const p of checked.problems) {
          expect(p.offset).toBeGreaterThanOrEqual(0);
          expect(p.offset).toBeLessThanOrEqual(text.length);
        }
        const r = evaluateCondition(parsed.condition.expr, text, evalScope());
        expect(['value', 'error']).toContain(r._tag);
        if (r._tag === 'value') expect(typeof r.value).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  test('a checked condition whose references all exist evaluates to a value', () => {
    const atom = fc.constantFrom(
      "variables.branch == 'main'",
      'steps.build.exit_code == 0',
      "contains(steps.list.output.items, 'a')",
      'matches(steps.build.stdout, /warn(ing)?/i)',
      'failure()',
      "platform.os != 'windows'",
      'env.HOME == null',
    );
    const tree: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom,
        tie('e').map((a) => `!(${a})`),
        fc.tuple(tie('e'), fc.constantFrom('&&', '||'), tie('e')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
      ),
    })).e;
    fc.assert(
      fc.property(tree, (text) => {
        expect(run(text)._tag).toBe('value');
      }),
    );
  });
});
