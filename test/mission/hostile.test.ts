// Hostile input: alias bombs, huge and deeply nested documents, object-constructing tags,
// prototype keys. Each is refused with a clear error value, quickly, without throwing.
import { isLeft } from 'fp-ts/Either';
import { decodeMission, parseMission } from '../../src/mission/parse.js';
import { errorsOnly, missionWithSteps, mustFail, mustParse, onlyError } from './support.js';

const noop = (id: string): string => `  - {id: ${id}, name: ${id}, step_type: noop}\n`;

test('billion laughs: the alias expansion is capped before anything is built', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const text = missionWithSteps(noop('x'), `variables_bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
  const e = onlyError(mustFail(text), 'alias_limit');
  expect(e.message).toMatch(/^aliases expand this document to more than \d+ values$/);
  expect(e.hint).toContain('billion laughs');
  expect(e.path).toMatch(/^variables_bomb\./);
  expect(e.position!.line).toBeGreaterThan(4);
});

test('an alias inside the value it names is refused (it would be infinite)', () => {
  const e = onlyError(mustFail(missionWithSteps(noop('x'), 'loop: &l [1, *l]\n')), 'alias_limit');
  expect(e.message).toContain('inside the value it refers to');
  expect(e.path).toBe('loop[1]');
});

test('ordinary anchors and aliases work, also reused many times', () => {
  const steps = Array.from(
    { length: 300 },
    (_, i) => `  - {id: s${i}, name: s, step_type: command, parameters: *p}\n`,
  ).join('');
  const m = mustParse(`version: "1"\nname: x\ncommon: &p {command: echo, args: [hi]}\nsteps:\n${steps}`);
  expect(m.steps).toHaveLength(300);
  expect(m.steps[299]!.parameters).toEqual({ command: 'echo', args: ['hi'] });
  expect(m.warnings.map((w) => w.path)).toEqual(['common']);
});

test('text over maxBytes is refused before it is parsed', () => {
  const e = onlyError(mustFail(missionWithSteps(noop('x')), { maxBytes: 20 }), 'too_large');
  expect(e.message).toMatch(/^the mission is \d+ bytes, more than the limit of 20$/);
  expect(e.position).toEqual({ line: 1, column: 1 });
});

test('the default limit is 4 MiB, counted in UTF-8 bytes', () => {
  const big = missionWithSteps(noop('x'), `description: "${'é'.repeat(2 * 1024 * 1024 + 10)}"\n`);
  expect(big.length).toBeLessThan(4 * 1024 * 1024);
  const e = onlyError(mustFail(big), 'too_large');
  expect(e.message).toContain('more than the limit of 4194304');
});

test('deep nesting is refused by the walk, with a path', () => {
  const depth = 200;
  const e = onlyError(
    mustFail(missionWithSteps(noop('x'), `deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`)),
    'too_deep',
  );
  expect(e.message).toBe('the document nests more than 128 levels deep');
  expect(e.path.startsWith('deep[0][0]')).toBe(true);
});

test('nesting deep enough to exhaust the YAML reader is an error, not a stack overflow', () => {
  const depth = 20_000;
  const r = parseMission(missionWithSteps(noop('x'), `deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`));
  expect(isLeft(r)).toBe(true);
  const codes = (r as { left: ReadonlyArray<{ code: string }> }).left.map((e) => e.code);
  expect(codes).toContain('too_deep');
});

describe('tags', () => {
  test.each([
    ['!!binary aGVsbG8=', '!!binary'],
    ['!!set {a, b}', '!!set'],
    ['!!timestamp 2001-12-14', '!!timestamp'],
    ['!!omap [{a: 1}]', '!!omap'],
    ['!!js/function "function () {}"', '!!js/function'],
    ['!js/function "x"', '!js/function'],
    ['!!python/object:os.system x', '!!python/object:os.system'],
    ['!Ref MyResource', '!Ref'],
  ])('%s is forbidden', (value, shown) => {
    const e = onlyError(mustFail(missionWithSteps(noop('x'), `description: ${value}\n`)), 'forbidden_tag');
    expect(e.message).toBe(`the YAML tag \`${shown}\` is not allowed`);
    expect(e.path).toBe('description');
    expect(e.hint).toContain('remove the tag');
  });

  test('core tags only restate the type and are allowed', () => {
    const m = mustParse(
      missionWithSteps(noop('x'), 'description: !!str 1.0\nvariables: !!map {a: !!str 2}\n'),
    );
    expect(m.description).toBe('1.0');
    expect(m.variables).toEqual({ a: '2' });
  });

  test("a %YAML 1.1 directive does not bring back 1.1's implicit types", () => {
    const m = mustParse(
      `%YAML 1.1\n---\nversion: "1"\nname: x\ndescription: 2001-12-14\nsteps:\n${noop('x')}`,
    );
    expect(m.description).toBe('2001-12-14');
  });
});

test('a __proto__ key is plain data, not a prototype', () => {
  const m = mustParse(missionWithSteps(noop('x'), 'variables: {__proto__: "x"}\n'));
  expect(Object.getPrototypeOf(m.variables)).toBe(Object.prototype);
  expect(Object.getOwnPropertyDescriptor(m.variables, '__proto__')?.value).toBe('x');
  const r = parseMission(
    missionWithSteps(noop('x'), 'config: {__proto__: {fail_fast: false, polluted: true}}\n'),
  );
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  // Read as an unknown key of config, never as config's prototype.
  expect(isLeft(r) ? undefined : r.right.config.fail_fast).toBe(true);
});

test('a collection used as a key is refused', () => {
  const e = errorsOnly(mustFail(missionWithSteps(noop('x'), '? [a, b]\n: c\n')))[0]!;
  expect(e).toMatchObject({ code: 'invalid_type', message: 'a map key must be a plain string' });
});

describe('decodeMission applies the same limits to data', () => {
  test('an object that contains itself is refused, not walked forever', () => {
    const step: Record<string, unknown> = { id: 'a', name: 'a', step_type: 'noop' };
    step['parameters'] = { self: step };
    const r = decodeMission({ version: '1', name: 'x', steps: [step] });
    expect(r).toMatchObject({ _tag: 'Left', left: [{ code: 'too_deep' }] });
  });

  test('shared objects that multiply (a "billion laughs" made of references) are capped', () => {
    let blob: unknown = ['lol'];
    for (let i = 0; i < 30; i++) blob = [blob, blob];
    const r = decodeMission({
      version: '1',
      name: 'x',
      steps: [{ id: 'a', name: 'a', step_type: 'noop', parameters: { blob } }],
    });
    expect(r).toMatchObject({ _tag: 'Left', left: [{ code: 'too_large' }] });
  });
});
