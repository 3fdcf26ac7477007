// Missions are read with js-yaml when that is sure to give what the `yaml` library gives, and with
// the `yaml` library otherwise. These tests hold the two readings equal: over generated YAML full
// of the constructs where YAML readers part ways (anchors, merge keys, duplicate keys, tags,
// several documents, `on`/`yes`/`0o17`/`017`/`.inf`-like scalars, block scalars, flow collections,
// comments, BOMs, CRLF), both give the same value or the same refusal, with the same positions.
import * as fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/Either';
import { parseMission } from '../../src/mission/parse.js';
import { readSource, type SourceOptions, type SourceResult } from '../../src/mission/yaml-source.js';
import { fastRead } from '../../src/mission/yaml-fast-read.js';
import type { Path } from '../../src/mission/path.js';

const OPTIONS: SourceOptions = {
  format: 'yaml',
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 128,
  maxNodes: 4 * 1024 * 1024,
};

/** A value written out so that `-0`, NaN, key order, own `__proto__` keys and prototypes all count. */
const canonical = (v: unknown, open: ReadonlySet<unknown> = new Set()): unknown => {
  // A value that contains itself (the yaml reading of a broken text can build one) is marked, not followed.
  if (open.has(v)) return { cycle: true };
  if (typeof v === 'number') return { number: Object.is(v, -0) ? '-0' : String(v) };
  if (typeof v === 'string') return { string: v };
  if (v === null || typeof v === 'boolean') return v;
  const inside = new Set([...open, v]);
  if (Array.isArray(v)) return { list: v.map((x) => canonical(x, inside)) };
  if (typeof v === 'object') {
    return {
      plainObject: Object.getPrototypeOf(v) === Object.prototype,
      map: Object.getOwnPropertyNames(v).map((k) => [
        k,
        Object.getOwnPropertyDescriptor(v, k)?.enumerable,
        canonical((v as Record<string, unknown>)[k], inside),
      ]),
    };
  }
  return { other: String(v) };
};

/** Every path into a value (bounded), to compare where each one is located. */
const pathsOf = (v: unknown, limit = 60): Path[] => {
  const out: Path[] = [[]];
  const stack: Array<[unknown, Path]> = [[v, []]];
  while (stack.length > 0 && out.length < limit) {
    const [x, p] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    for (const k of Array.isArray(x) ? x.keys() : Object.getOwnPropertyNames(x)) {
      const next = [...p, k];
      out.push(next);
      stack.push([(x as Record<string | number, unknown>)[k], next]);
    }
  }
  return out;
};

const expectSameReading = (text: string): boolean => {
  const fast: SourceResult = readSource(text, OPTIONS);
  const slow: SourceResult = readSource(text, OPTIONS, 'yaml');
  expect(fast.drafts).toEqual(slow.drafts);
  expect(fast.source === undefined).toBe(slow.source === undefined);
  if (fast.source !== undefined && slow.source !== undefined) {
    expect(canonical(fast.source.value)).toEqual(canonical(slow.source.value));
    for (const p of pathsOf(slow.source.value)) {
      expect(fast.source.locate(p, 'key')).toEqual(slow.source.locate(p, 'key'));
      expect(fast.source.locate(p, 'value')).toEqual(slow.source.locate(p, 'value'));
      expect(fast.source.scalarText(p)).toEqual(slow.source.scalarText(p));
    }
  }
  return fastRead(text, OPTIONS) !== undefined;
};

// Scalars where YAML 1.1 readers, YAML 1.2 readers and js-yaml's defaults have been known to differ.
const ODD_SCALARS = [
  'on',
  'off',
  'yes',
  'no',
  'y',
  'n',
  'Y',
  'ON',
  'Yes',
  'NO',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'False',
  'FALSE',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  '',
  '0o17',
  '0O17',
  '017',
  '0o8',
  '0x1F',
  '0X1F',
  '0x',
  '0xg',
  '0b101',
  '1_000',
  '1,000',
  '+1',
  '-1',
  '+0',
  '-0',
  '00',
  '08',
  '12345678901234567890',
  '0x7fffffffffffffffff',
  '1e3',
  '1E3',
  '1e+3',
  '-1.5e-3',
  '1.',
  '.5',
  '+.5',
  '-.5',
  '1.0',
  '1.50',
  '.',
  '+',
  '-',
  '1e',
  'e3',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '-.inf',
  '.iNf',
  'inf',
  'Infinity',
  '.nan',
  '.NaN',
  '.NAN',
  '-.nan',
  'NaN',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5',
  '12:30:45',
  '1:20',
  '"quoted"',
  "'single'",
  "'it''s'",
  '"esc\\tape"',
  '"\\u00e9t\\u00e9"',
  '"\\x41"',
  '"a\\\nb"',
  '"1"',
  "'true'",
  '"null"',
  "'~'",
  '""',
  "''",
  'a b',
  'a  b',
  'a #not',
  'a#b',
  'x # comment',
  'caf\u00e9',
  '\u{1F600}',
  '@at',
  '`tick',
  '%pct',
  '!bang',
  '&amp',
  '*star',
  '|',
  '>',
  '-x',
  '- x',
  '? x',
  'a: b',
  'a:b',
  '[a]',
  '{a: 1}',
  '"multi\n  line"',
  'plain\n  folded',
  'tab\there',
  '=',
  '<<',
  '\\',
  '"\\"',
];
const ODD_KEYS = [
  'a',
  'b',
  'id',
  'name',
  'steps',
  'a b',
  '<<',
  '__proto__',
  'toString',
  'constructor',
  'hasOwnProperty',
  '"a"',
  "'b'",
  '1',
  '01',
  '1.0',
  '0x1',
  '.inf',
  '~',
  'null',
  '""',
  'true',
  'on',
  '? x',
  '? [a, b]',
  '[a]',
  '{a: 1}',
  '"a\\nb"',
  '"multi\n  key"',
  '-',
  '&k a',
  '*k',
  '!!str a',
  '!t a',
];

const CLEAN_KEYS = ODD_KEYS.filter((k) => !/^[?[{&*!]|\n/.test(k));

type Tree =
  | { readonly kind: 'scalar'; readonly text: string }
  | { readonly kind: 'block'; readonly header: string; readonly lines: ReadonlyArray<string> }
  | { readonly kind: 'map'; readonly flow: boolean; readonly pairs: ReadonlyArray<readonly [string, Tree]> }
  | { readonly kind: 'seq'; readonly flow: boolean; readonly items: ReadonlyArray<Tree> }
  | { readonly kind: 'props'; readonly props: string; readonly tree: Tree }
  | { readonly kind: 'alias'; readonly name: string };

const anchorName = fc.constantFrom('a', 'b', 'k', 'x1');
const props = fc.oneof(
  anchorName.map((n) => `&${n}`),
  fc.constantFrom(
    '!!str',
    '!!int',
    '!!float',
    '!!bool',
    '!!null',
    '!!map',
    '!!seq',
    '!!binary',
    '!!set',
    '!!timestamp',
    '!!omap',
    '!custom',
    '!',
    '!<tag:yaml.org,2002:str>',
    '!js/function',
  ),
  anchorName.map((n) => `&${n} !!str`),
);

/** Trees of YAML nodes; `clean` leaves out what always sends a text to the yaml library (anchors, tags, odd keys). */
const trees = (clean: boolean): fc.Arbitrary<Tree> =>
  fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      {
        arbitrary: fc.constantFrom(...ODD_SCALARS).map((text): Tree => ({ kind: 'scalar', text })),
        weight: 6,
      },
      {
        arbitrary: fc
          .record({
            header: fc.constantFrom('|', '>', '|-', '>-', '|+', '>+', '|2', '>1-'),
            lines: fc.array(fc.constantFrom('line', '  indented', '', 'x: y', '# not a comment', '"q"'), {
              minLength: 1,
              maxLength: 4,
            }),
          })
          .map((b): Tree => ({ kind: 'block', ...b })),
        weight: 1,
      },
      {
        arbitrary: fc
          .record({
            flow: fc.boolean(),
            pairs: fc.array(fc.tuple(fc.constantFrom(...(clean ? CLEAN_KEYS : ODD_KEYS)), tie('tree')), {
              maxLength: 4,
            }),
          })
          .map((m): Tree => ({ kind: 'map', ...m })),
        weight: 3,
      },
      {
        arbitrary: fc
          .record({ flow: fc.boolean(), items: fc.array(tie('tree'), { maxLength: 4 }) })
          .map((s): Tree => ({ kind: 'seq', ...s })),
        weight: 2,
      },
      {
        arbitrary: fc.record({ props, tree: tie('tree') }).map((p): Tree => ({ kind: 'props', ...p })),
        weight: clean ? 0 : 1,
      },
      { arbitrary: anchorName.map((name): Tree => ({ kind: 'alias', name })), weight: clean ? 0 : 1 },
    ),
  })).tree;

const pad = (n: number): string => ' '.repeat(n);

/** Flow text of a tree; `breaks` puts items on their own lines, with the closing bracket at `close` spaces. */
const flow = (t: Tree, breaks: boolean, indent: number): string => {
  switch (t.kind) {
    case 'scalar':
      return t.text;
    case 'block':
      return JSON.stringify(t.lines.join('\n'));
    case 'alias':
      return `*${t.name}`;
    case 'props':
      return `${t.props} ${flow(t.tree, breaks, indent)}`;
    case 'map':
    case 'seq': {
      const parts =
        t.kind === 'map'
          ? t.pairs.map(([k, v]) => `${k}: ${flow(v, false, indent)}`)
          : t.items.map((v) => flow(v, false, indent));
      const [open, close] = t.kind === 'map' ? ['{', '}'] : ['[', ']'];
      return breaks && parts.length > 0
        ? `${open}\n${parts.map((p) => `${pad(indent + 2)}${p}`).join(',\n')}\n${pad(indent)}${close}`
        : `${open}${parts.join(', ')}${close}`;
    }
  }
};

/** Block text of a tree at `indent`, as the lines after a key or a dash (the result starts with ' ' or '\n'). */
const after = (t: Tree, indent: number, style: number): string => {
  switch (t.kind) {
    case 'scalar':
    case 'alias':
      return ` ${flow(t, false, indent)}${style % 5 === 0 ? ' # note' : ''}\n`;
    case 'block':
      return ` ${t.header}\n${t.lines.map((l) => (l === '' ? '\n' : `${pad(indent + 2)}${l}\n`)).join('')}`;
    case 'props':
      return t.tree.kind === 'map' || t.tree.kind === 'seq'
        ? ` ${t.props}${after(t.tree, indent, style).replace(/^ /, '\n' + pad(indent + 2))}`
        : ` ${t.props}${after(t.tree, indent, style)}`;
    case 'map':
    case 'seq':
      if (t.flow || (t.kind === 'map' ? t.pairs.length === 0 : t.items.length === 0))
        return ` ${flow(t, style % 3 === 0, style % 2 === 0 ? indent : indent + 2)}\n`;
      return `\n${block(t, indent + 2, style)}`;
  }
};

/** A tree as block lines at `indent`. */
const block = (t: Tree, indent: number, style: number): string => {
  if (t.kind === 'map' && !t.flow && t.pairs.length > 0)
    return t.pairs.map(([k, v], i) => `${pad(indent)}${k}:${after(v, indent, style + i)}`).join('');
  if (t.kind === 'seq' && !t.flow && t.items.length > 0)
    return t.items
      .map((v, i) => {
        if (v.kind === 'map' && !v.flow && v.pairs.length > 0)
          return block(v, indent + 2, style + i)
            .replace(/^ {2}/, '- ')
            .replace(new RegExp(`^${pad(indent + 2)}`), `${pad(indent)}- `);
        return `${pad(indent)}-${after(v, indent, style + i)}`;
      })
      .join('');
  return `${pad(indent)}${flow(t, style % 3 === 0, indent)}\n`;
};

const mutations = fc.record({
  bom: fc.boolean(),
  header: fc.constantFrom(
    '',
    '',
    '',
    '---\n',
    '--- # start\n',
    '%YAML 1.2\n---\n',
    '%YAML 1.1\n---\n',
    '%TAG !e! tag:e.com,2000:\n---\n',
    '# comment\n',
  ),
  footer: fc.constantFrom('', '', '', '...\n', '---\nsecond: doc\n', '\n---\n', '# end\n', '--- |\n  text\n'),
  lineEnds: fc.constantFrom('\n', '\n', '\n', '\r\n', '\r'),
  edit: fc.option(
    fc.record({
      at: fc.nat(),
      insert: fc.constantFrom(
        '',
        ' ',
        '\t',
        ':',
        '-',
        '#',
        '"',
        "'",
        '&a ',
        '*a',
        '!',
        '\n',
        '[',
        '}',
        '<<: *a\n',
      ),
    }),
    { freq: 3 },
  ),
});

const cleanMutations = fc.record({
  bom: fc.constant(false),
  header: fc.constantFrom('', '---\n', '# comment\n'),
  footer: fc.constantFrom('', '...\n', '# end\n'),
  lineEnds: fc.constantFrom('\n', '\r\n', '\r'),
  edit: fc.option(fc.record({ at: fc.nat(), insert: fc.constantFrom('', ' ', ':', '-', '#', '"', '\n') }), {
    freq: 5,
  }),
});

type Mutations = typeof mutations extends fc.Arbitrary<infer R> ? R : never;

const documentText = (t: Tree, m: Mutations, style: number): string => {
  let text = `${m.header}${block(t, 0, style)}${m.footer}`;
  if (m.edit !== null) {
    const at = m.edit.at % (text.length + 1);
    text = text.slice(0, at) + m.edit.insert + text.slice(at + (m.edit.insert === '' ? 1 : 0));
  }
  if (m.lineEnds !== '\n') text = text.replace(/\n/g, m.lineEnds);
  return m.bom ? `\ufeff${text}` : text;
};

describe('the fast reader and the yaml library read every mission alike', () => {
  const property = (clean: boolean, numRuns: number, fastShare: number): void => {
    let fastCount = 0;
    let runs = 0;
    fc.assert(
      fc.property(trees(clean), clean ? cleanMutations : mutations, fc.nat(30), (t, m, style) => {
        runs += 1;
        if (expectSameReading(documentText(t, m, style))) fastCount += 1;
      }),
      { numRuns, seed: 20 },
    );
    // The generator must exercise the fast reader, not only the constructs that send it to the yaml library.
    expect(fastCount).toBeGreaterThan(runs * fastShare);
  };

  it('gives the same value or the same refusal, with the same positions, over generated YAML', () => {
    property(false, 4000, 0.05);
  });

  it('does so over generated YAML that the fast reader mostly reads itself', () => {
    property(true, 3000, 0.3);
  });

  it.each(ODD_SCALARS.filter((s) => !s.includes('\n')))(
    'reads `%s` as a value, a key and a list item alike',
    (s) => {
      expectSameReading(`value: ${s}\n`);
      expectSameReading(`${s}: value\n`);
      expectSameReading(`- ${s}\n- [${s}]\n- {k: ${s}}\n`);
    },
  );

  it.each([
    ['merge keys', 'base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n'],
    ['a merge key without an alias', '<<: {x: 1}\ny: 2\n'],
    ['duplicate keys', 'a: 1\nb: 2\na: 3\n'],
    ['keys equal once read', '1: a\n"1": b\n'],
    ['null keys', '~: a\n"": b\n'],
    ['an own __proto__ key', '__proto__: {polluted: true}\na: 1\n'],
    ['a key over 1024 characters', `${'k'.repeat(1100)}: v\n`],
    ['a key just under the limit', `${'k'.repeat(990)}: v\n`],
    [
      'a billion laughs',
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n',
    ],
    ['a recursive alias', 'a: &a [*a]\n'],
    ['custom tags', 'a: !Ref x\nb: !!binary aGk=\nc: !!set {x, y}\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a YAML 1.1 directive', '%YAML 1.1\n---\na: yes\n'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['CRLF line ends', 'a: 1\r\nb: |\r\n  x\r\n  y\r\n'],
    ['classic Mac line ends', 'a: 1\rb: 2\r'],
    ["a flow list closed at its parent's indentation", 'a:\n  - [\n    1\n  ]\n'],
    ['pretty-printed JSON', '{\n  "a": [\n    1,\n    {"b": null}\n  ]\n}\n'],
    ['deep nesting', `${'['.repeat(200)}${']'.repeat(200)}\n`],
    ['an empty document', ''],
    ['only comments', '# nothing\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['a complex key', '? [a, b]\n: c\n'],
  ])('%s', (_, text) => {
    expectSameReading(text);
  });
});

describe('the fast reader', () => {
  it('reads a plain mission without the yaml library', () => {
    const text =
      'version: "1.0"\nname: m\nsteps:\n  - id: a\n    name: A\n    step_type: noop\n    parameters: {}\n';
    expect(fastRead(text, OPTIONS)).toEqual({
      value: {
        version: '1.0',
        name: 'm',
        steps: [{ id: 'a', name: 'A', step_type: 'noop', parameters: {} }],
      },
    });
  });

  it('leaves anchors, tags, duplicate keys and extra documents to the yaml library', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: 1\na: 2\n',
      'a: 1\n---\nb: 2\n',
      '%YAML 1.2\n---\na: 1\n',
    ])
      expect(fastRead(text, OPTIONS)).toBeUndefined();
  });

  it('still puts file, line and column on every error and warning of a mission it read', () => {
    const steps = Array.from(
      { length: 300 },
      (_, i) =>
        `  - id: s${i}\n    name: S${i}\n    step_type: noop\n    parameters: {}\n${i > 0 ? `    depends_on: [s${i - 1}]\n` : ''}`,
    ).join('');
    const text = `version: "1.0"\nname: m\nsteps:\n${steps}  - id: last\n    name: Last\n    step_type: noop\n    timout_seconds: 5\n    depends_on: [nowhere]\n`;
    expect(fastRead(text, OPTIONS)).toBeDefined();
    const r = parseMission(text, { file: 'big.yaml' });
    expect(isLeft(r)).toBe(true);
    if (!isLeft(r)) return;
    const lines = text.split('\n');
    const at = (needle: string): { line: number; column: number } => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
    };
    expect(r.left.map((e) => [e.file, e.severity, e.path, e.position])).toEqual([
      ['big.yaml', 'warning', 'steps[300].timout_seconds', at('timout_seconds')],
      ['big.yaml', 'error', 'steps[300].depends_on[0]', at('nowhere')],
    ]);
  });

  it('gives a mission with warnings their positions too', () => {
    const r = parseMission(
      'version: "1.0"\nname: m\nsteps:\n  - id: a\n    name: A\n    step_type: noop\n    colour: red\n',
      {
        file: 'm.yaml',
      },
    );
    expect(isRight(r)).toBe(true);
    if (isRight(r))
      expect(r.right.warnings.map((w) => [w.file, w.position])).toEqual([['m.yaml', { line: 7, column: 5 }]]);
  });
});
