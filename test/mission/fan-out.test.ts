// `matrix` and `for_each` as the parser sees them: what loads, and every kind of bad fan-out,
// reported where it is written (file:line:col) with what to do.
import { MAX_MATRIX_COMBINATIONS } from '../../src/mission/fan-out.js';
import { errorsOnly, mustFail, mustParse } from './support.js';

const mission = (steps: string): string => `version: "1.0"\nname: fan\nsteps:\n${steps}`;
const list = `  - id: list
    name: list
    step_type: command
    parameters: { command: ls }
`;
const step = (extra: string): string => `  - id: test
    name: test
    step_type: command
    parameters: { command: "echo {{ matrix.db }}" }
${extra
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => `    ${l}\n`)
  .join('')}`;

const only = (
  text: string,
): { message: string; path: string; line: number; column: number; hint: string } => {
  const errors = errorsOnly(mustFail(text, { file: 'm.yaml' }));
  if (errors.length !== 1)
    throw new Error(`expected one error, got:\n${errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  const e = errors[0]!;
  return {
    message: e.message,
    path: e.path,
    line: e.position?.line ?? 0,
    column: e.position?.column ?? 0,
    hint: e.hint ?? '',
  };
};

describe('a matrix that loads', () => {
  test('expands into one instance per combination, ids listing values in axis order', () => {
    const m = mustParse(mission(step('matrix: { db: [pg14, pg15, pg16], mode: [fast, full] }')));
    const f = m.steps[0]!.fan_out;
    expect(f?._tag).toBe('matrix');
    if (f?._tag !== 'matrix') return;
    expect(f.instances.map((i) => i.id)).toEqual([
      'test[db=pg14,mode=fast]',
      'test[db=pg14,mode=full]',
      'test[db=pg15,mode=fast]',
      'test[db=pg15,mode=full]',
      'test[db=pg16,mode=fast]',
      'test[db=pg16,mode=full]',
    ]);
    expect(f.fail_fast).toBe(true);
  });

  test('exclude removes matching combinations (a partial entry matches every value of the others), include adds one', () => {
    const m = mustParse(
      mission(
        step(`matrix:
  db: [pg14, pg15]
  mode: [fast, full]
  exclude: [{ db: pg14, mode: full }, { mode: fast, db: pg15 }]
  include: [{ db: pg16, mode: fast }, { db: pg14, mode: fast }]
max_parallel: 2
fail_fast: false`),
      ),
    );
    const f = m.steps[0]!.fan_out;
    if (f?._tag !== 'matrix') throw new Error('no matrix');
    expect(f.instances.map((i) => i.id)).toEqual([
      'test[db=pg14,mode=fast]',
      'test[db=pg15,mode=full]',
      'test[db=pg16,mode=fast]',
    ]);
    expect(f.max_parallel).toBe(2);
    expect(f.fail_fast).toBe(false);
  });
});

describe('a for_each that loads', () => {
  test('over a list in a dependency’s output, with max_items', () => {
    const m = mustParse(
      mission(
        list +
          step(`depends_on: [list]\nfor_each: "{{ steps.list.output.files }}"\nmax_items: 5000`).replace(
            'matrix.db',
            'item',
          ),
      ),
    );
    expect(m.steps[1]!.fan_out).toEqual({
      _tag: 'for_each',
      text: '{{ steps.list.output.files }}',
      source: { _tag: 'output', step: 'list', path: ['files'] },
      max_items: 5000,
      fail_fast: true,
    });
  });

  test('over the lines a dependency printed; max_items defaults to 1,000', () => {
    const m = mustParse(
      mission(
        list +
          step(`depends_on: [list]\nfor_each: "{{ steps.list.stdout_lines }}"`).replace('matrix.db', 'item'),
      ),
    );
    expect(m.steps[1]!.fan_out).toMatchObject({
      source: { _tag: 'stdout_lines', step: 'list' },
      max_items: 1000,
    });
  });
});

describe('bad matrices, each reported where it is written', () => {
  test('an empty axis', () => {
    const e = only(mission(step('matrix: { db: [], mode: [fast] }')));
    expect(e).toMatchObject({ path: 'steps[0].matrix.db', line: 8 });
    expect(e.message).toContain('empty');
    expect(e.hint).toContain('give `db` a value');
  });

  test('an axis that is not a list', () => {
    const e = only(mission(step('matrix: { db: pg14 }')));
    expect(e.path).toBe('steps[0].matrix.db');
    expect(e.hint).toBe('for one value, write `db: [pg14]`');
  });

  test('a value that is not a scalar: the column of the value itself', () => {
    const e = only(mission(step('matrix:\n  db: [pg14, { v: 15 }]')));
    expect(e).toMatchObject({ path: 'steps[0].matrix.db[1]', line: 9, column: 18 });
    expect(e.message).toContain('string, number or boolean');
  });

  test('a value listed twice', () => {
    const e = only(mission(step('matrix: { db: [pg14, pg14] }')));
    expect(e.path).toBe('steps[0].matrix.db[1]');
    expect(e.hint).toContain('same id');
  });

  test('include and exclude keys that are not axes', () => {
    const errors = errorsOnly(
      mustFail(
        mission(
          step('matrix:\n  db: [pg14]\n  include: [{ db: pg15, os: linux }]\n  exclude: [{ dbs: pg14 }]'),
        ),
      ),
    );
    expect(errors.map((e) => e.path)).toEqual([
      'steps[0].matrix.include[0].os',
      'steps[0].matrix.exclude[0].dbs',
    ]);
    expect(errors[0]!.hint).toBe('add `os` as an axis of the matrix, or remove it from this entry');
    expect(errors[1]!.expected).toBe('one of `db`');
  });

  test('an include entry that is not a whole combination', () => {
    const e = only(mission(step('matrix:\n  db: [pg14]\n  mode: [fast]\n  include: [{ db: pg15 }]')));
    expect(e.path).toBe('steps[0].matrix.include[0]');
    expect(e.message).toContain('`mode`');
  });

  test('an exclude that removes everything', () => {
    const e = only(mission(step('matrix:\n  db: [pg14]\n  exclude: [{ db: pg14 }]')));
    expect(e.message).toContain('removes every combination');
  });

  test('too many combinations: the limit is named', () => {
    const values = (n: number): string => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
    const e = only(mission(step(`matrix: { a: ${values(20)}, b: ${values(20)} }`)));
    expect(e.message).toBe(
      `the matrix has 400 combinations, more than the ${MAX_MATRIX_COMBINATIONS} a step may have`,
    );
    expect(e.hint).toContain('exclude');
  });

  test('a matrix of twenty axes is refused without building its combinations', () => {
    const axes = Array.from({ length: 20 }, (_, i) => `a${i}: [1, 2, 3]`).join(', ');
    const e = only(mission(step(`matrix: { ${axes} }`)));
    expect(e.message).toContain('3486784401 combinations');
  });

  test('a matrix that is not a map', () => {
    const errors = errorsOnly(mustFail(mission(step('matrix: [pg14, pg15]'))));
    expect(errors.map((e) => e.path)).toEqual(['steps[0].matrix']);
  });

  test('an instance id that is a declared step id', () => {
    const clash = `  - id: "test[db=pg14]"\n    name: clash\n    step_type: noop\n`;
    const e = only(mission(step('matrix: { db: [pg14] }') + clash));
    expect(e.path).toBe('steps[1].id');
    expect(e.message).toContain("instance of `test`'s matrix");
  });

  test('max_parallel, fail_fast, max_items on a step that does not fan out', () => {
    const errors = errorsOnly(mustFail(mission(step('max_parallel: 2\nfail_fast: false'))));
    expect(errors.map((e) => e.path)).toEqual(['steps[0].max_parallel', 'steps[0].fail_fast']);
    expect(errors[0]!.hint).toContain('config.max_parallel_steps');
  });

  test('max_items on a matrix', () => {
    const e = only(mission(step('matrix: { db: [pg14] }\nmax_items: 3')));
    expect(e.path).toBe('steps[0].max_items');
  });

  test('max_parallel that is not a positive integer', () => {
    const errors = errorsOnly(mustFail(mission(step('matrix: { db: [pg14] }\nmax_parallel: 0'))));
    expect(errors.map((e) => e.path)).toEqual(['steps[0].max_parallel']);
  });
});

describe('bad for_each', () => {
  const forEach = (value: string, deps = 'depends_on: [list]'): string =>
    mission(list + step(`${deps}\nfor_each: ${value}`).replace('matrix.db', 'item'));

  test('a step that is not a dependency: the hint says what to add', () => {
    const e = only(forEach('"{{ steps.list.output.files }}"', ''));
    expect(e).toMatchObject({ path: 'steps[1].for_each', line: 12 });
    expect(e.message).toContain('not a dependency');
    expect(e.hint).toBe('add "list" to this step\'s depends_on');
  });

  test('not one template', () => {
    const e = only(forEach('"files: {{ steps.list.stdout }}"'));
    expect(e.message).toContain('one template');
    expect(e.hint).toContain('matrix');
  });

  test('both matrix and for_each are refused', () => {
    const e = only(
      mission(
        list + step('depends_on: [list]\nmatrix: { db: [a] }\nfor_each: "{{ steps.list.stdout_lines }}"'),
      ),
    );
    expect(e.path).toBe('steps[1].for_each');
    expect(e.message).toContain('not both');
  });

  test('a declared step whose id is a for_each instance id', () => {
    const clash = `  - id: "test[0]"\n    name: clash\n    step_type: noop\n`;
    const e = only(forEach('"{{ steps.list.stdout_lines }}"') + clash);
    expect(e.path).toBe('steps[2].id');
  });
});

describe('templates only an instance can read', () => {
  const plainStep = (args: string, extra = ''): string => `  - id: use
    name: use
    step_type: command
    parameters: { command: echo, args: ["${args}"] }
${extra}`;

  test('{{ matrix.x }} in a step without a matrix, and an axis the matrix does not have', () => {
    expect(only(mission(plainStep('{{ matrix.db }}'))).hint).toBe('add `matrix: { db: [ … ] }` to the step');
    const e = only(mission(plainStep('{{ matrix.dbs }}', '    matrix: { db: [pg14] }\n')));
    expect(e.message).toBe("template {{ matrix.dbs }} names no axis of this step's matrix");
    expect(e.hint).toBe('did you mean `db`?');
  });

  test('{{ item }} and {{ item_index }} outside a for_each', () => {
    const e = only(mission(plainStep('{{ item_index }}', '    matrix: { db: [pg14] }\n')));
    expect(e.message).toContain('has no `for_each`');
    expect(e.hint).toBe('a matrix instance reads its values as {{ matrix.<axis> }}');
    expect(only(mission(plainStep('{{ item.name }}'))).path).toBe('steps[0].parameters.args[0]');
  });

  test('{{ steps.x.outputs }} of a step that does not fan out', () => {
    const e = only(mission(list + plainStep('{{ steps.list.outputs }}', '    depends_on: [list]\n')));
    expect(e.message).toContain('`list` has no `matrix` or `for_each`');
    expect(e.hint).toBe('read its one output as {{ steps.list.output }}');
  });

  test('all of them load where they can be read', () => {
    mustParse(
      mission(
        list +
          plainStep(
            '{{ item }} {{ item.name }} {{ item_index }}',
            '    depends_on: [list]\n    for_each: "{{ steps.list.stdout_lines }}"\n',
          ) +
          `  - id: after\n    name: after\n    step_type: command\n    parameters: { command: echo, args: ["{{ steps.use.outputs }}"] }\n    depends_on: [use]\n`,
      ),
    );
  });
});
