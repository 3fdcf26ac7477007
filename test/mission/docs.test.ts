// The YAML examples in docs/mission-format.md are real: each parses, placed in a minimal mission
// the way the page means it (a whole mission as is, steps as steps, `config:` as config…).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import { parseMission } from '../../src/mission/parse.js';
import { mustParse } from './support.js';

const DOC = path.resolve(__dirname, '../../docs/mission-format.md');

const yamlBlocks = (): ReadonlyArray<string> =>
  [...fs.readFileSync(DOC, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => b.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#')));

const dedent = (text: string): string => {
  const lines = text.split('\n');
  const margin = Math.min(
    ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  );
  return lines.map((l) => l.slice(margin)).join('\n');
};
const indent = (text: string, by: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');

const HEAD = 'version: "1.0"\nname: "docs example"\n';
const NOOP = '  - { id: "placeholder", name: "placeholder", step_type: "noop" }\n';

/** A snippet in a minimal mission; steps it depends on are added as noop steps. */
const place = (snippet: string): string => {
  const body = dedent(snippet);
  const first = body
    .split('\n')
    .find((l) => l.trim() !== '' && !l.trim().startsWith('#'))!
    .trim();
  let text: string;
  if (first.startsWith('version:')) return body;
  if (first.startsWith('- id:')) text = `${HEAD}steps:\n${indent(body, '  ')}\n`;
  else if (first.startsWith('config:')) text = `${HEAD}steps:\n${NOOP}${body}`;
  else if (first.startsWith('retry:'))
    text = `${HEAD}steps:\n  - id: "a"\n    name: "a"\n    step_type: "noop"\n${indent(body, '    ')}\n`;
  else text = `${HEAD}steps:\n${NOOP}${body}`;
  const ids = [...text.matchAll(/(?:step_id|retry_with_alternative):\s*"([^"]+)"/g)]
    .map((m) => m[1]!)
    .concat(
      [...text.matchAll(/depends_on:\s*\[([^\]]+)\]/g)].flatMap((m) =>
        [...m[1]!.matchAll(/"([^"]+)"/g)].map((q) => q[1]!),
      ),
    );
  const extra = [...new Set(ids)]
    .map((id) => `  - { id: "${id}", name: "${id}", step_type: "noop" }\n`)
    .join('');
  return text.replace('steps:\n', `steps:\n${extra}`);
};

test('the page has YAML examples', () => {
  expect(yamlBlocks().length).toBeGreaterThanOrEqual(7);
});

test.each(yamlBlocks().map((b, i) => [i, b] as const))(
  'docs example %i parses as documented',
  (_i, block) => {
    const text = place(block);
    const r = parseMission(text);
    if (isLeft(r))
      throw new Error(
        `docs example does not parse:\n${text}\n${r.left.map((e) => `${e.path}: ${e.message}`).join('\n')}`,
      );
    expect(r.right.warnings.filter((w) => w.code !== 'shell_syntax')).toEqual([]);
  },
);

test("the page's first example is the mission it describes", () => {
  const m = mustParse(place(yamlBlocks()[0]!));
  expect(m.steps.map((s) => s.id)).toEqual(['auth_check', 'auth_test']);
  expect(m.steps[1]!.retry).toMatchObject({ max_attempts: 2, retry_on: [{ _tag: 'timeout' }] });
});
