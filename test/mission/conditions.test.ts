// `if:` in a mission file: read when the mission loads, every bad condition reported at once with
// the line and column of the character inside the expression, and a hint.
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { parseMission, decodeMission } from '../../src/mission/parse';
import type { MissionError } from '../../src/mission/errors';

const mission = (steps: string): string =>
  `version: "1.0"
name: conditions
variables:
  branch: main
steps:
  - id: build
    name: Build
    step_type: noop
  - id: lint
    name: Lint
    step_type: noop
${steps}`;

const errorsOf = (text: string): ReadonlyArray<MissionError> => {
  const r = parseMission(text, { file: 'm.yaml' });
  if (isRight(r)) return [];
  return r.left;
};

/** The line and column of `needle`'s first character in `text` (the n-th occurrence). */
const where = (text: string, needle: string, nth = 1): { line: number; column: number } => {
  let at = -1;
  for (let k = 0; k < nth; k++) at = text.indexOf(needle, at + 1);
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
};

describe('if: at load time', () => {
  test('a valid condition is parsed onto the step', () => {
    const r = parseMission(
      mission(`  - id: deploy
    name: Deploy
    step_type: noop
    depends_on: [build]
    if: \${{ variables.branch == 'main' && steps.build.status == 'succeeded' }}
`),
    );
    expect(isRight(r)).toBe(true);
    if (!isRight(r)) return;
    const deploy = r.right.steps[2]!;
    expect(deploy.if?.text).toBe("variables.branch == 'main' && steps.build.status == 'succeeded'");
    expect(deploy.if?.status_functions).toEqual([]);
  });

  test('`if: false` and `if: true` are conditions too', () => {
    const r = parseMission(mission(`  - {id: off, name: Off, step_type: noop, if: false}\n`));
    expect(isRight(r) && r.right.steps[2]!.if?.text).toBe('false');
  });

  test.each([
    ['plain', `if: steps.lint.status == 'failed'`],
    ['single-quoted', `if: 'steps.lint.status == ''failed'''`],
    ['double-quoted', `if: "steps.lint.status == \\"failed\\""`],
    ['wrapped', `if: \${{ steps.lint.status == 'failed' }}`],
  ])('a step that is not a dependency, written %s, is pointed at inside the expression', (_style, line) => {
    const text = mission(`  - id: deploy
    name: Deploy
    step_type: noop
    depends_on: [build]
    ${line}
`);
    const [e] = errorsOf(text);
    expect(e).toMatchObject({
      code: 'invalid_reference',
      file: 'm.yaml',
      path: 'steps[2].if',
      position: where(text, 'lint.status'),
      hint: 'add "lint" to this step\'s depends_on',
    });
    expect(e!.message).toContain('which `deploy` does not depend on');
  });

  test('in a block scalar, the column is on the line the character is on', () => {
    const text = mission(`  - id: deploy
    name: Deploy
    step_type: noop
    depends_on: [build]
    if: |
      steps.build.status == 'succeeded' &&
        contians(steps.build.stdout, 'ok')
`);
    const [e] = errorsOf(text);
    expect(e).toMatchObject({ position: where(text, 'contians'), hint: 'did you mean `contains`?' });
  });

  test('every bad condition is reported at once, each with a hint', () => {
    const text = mission(`  - id: a
    name: A
    step_type: noop
    depends_on: [build]
    if: steps.build.status == 'success'
  - id: b
    name: B
    step_type: noop
    if: variables.branch = 'main'
  - id: c
    name: C
    step_type: noop
    depends_on: [build]
    if: steps.build.exit_code == '0'
  - id: d
    name: D
    step_type: noop
    if: matches(variables.branch, /(x)\\1/)
  - id: e
    name: E
    step_type: noop
    if: variables.branch
`);
    const errors = errorsOf(text).filter((e) => e.path.endsWith('.if'));
    expect(errors.map((e) => [e.path, e.position])).toEqual([
      ['steps[2].if', where(text, "'success'")],
      ['steps[3].if', where(text, "= 'main'")],
      ['steps[4].if', where(text, "== '0'")],
      ['steps[5].if', where(text, '\\1/')],
      ['steps[6].if', where(text, 'variables.branch\n')],
    ]);
    for (const e of errors) expect(e.hint).toEqual(expect.any(String));
  });

  test('a mission given as data reports the same problems, by path', () => {
    const r = decodeMission({
      version: '1',
      name: 'x',
      steps: [{ id: 'a', name: 'A', step_type: 'noop', if: 'allways()' }],
    });
    expect(isLeft(r) && r.left[0]).toMatchObject({
      path: 'steps[0].if',
      message: expect.stringContaining('unknown function `allways`'),
      hint: 'did you mean `always`?',
    });
  });

  test('a variable the mission does not define is a warning: the host may pass it', () => {
    const r = parseMission(mission(`  - {id: d, name: D, step_type: noop, if: "variables.tag == 'v1'"}\n`));
    expect(isRight(r) && r.right.warnings.map((w) => w.path)).toEqual(['steps[2].if']);
  });
});

test('a condition starting with `!` unquoted is read by YAML as a tag: the hint says to quote it', () => {
  const text = mission(`  - id: c
    name: C
    step_type: noop
    depends_on: [build]
    if: !cancelled()
`);
  const e = errorsOf(text).find((x) => x.code === 'forbidden_tag');
  expect(e?.hint).toContain('quote the condition');
  expect(e?.hint).toContain('if: "!cancelled()');
});

test('the JSON Schema editors use knows `if`', () => {
  const schema = JSON.parse(
    require('node:fs').readFileSync(
      require('node:path').join(__dirname, '../../schema/mission.schema.json'),
      'utf8',
    ),
  ) as { properties: { steps: { items: { properties: Record<string, { description?: string }> } } } };
  const field = schema.properties.steps.items.properties['if'];
  expect(field?.description).toContain('conditions-if');
});
