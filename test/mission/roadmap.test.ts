// Every YAML example in the seed roadmap parses when placed in a minimal mission: a `parameters:`
// snippet in a command step, a bare `command:`/`args:` snippet as those parameters, a `config:`
// snippet as config, and step snippets as steps.
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { mustFail, mustParse, onlyError, SEED_ROADMAP } from './support.js';

const blocks = (): ReadonlyArray<string> => {
  const md = fs.readFileSync(SEED_ROADMAP, 'utf8');
  return [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
};

const indent = (text: string, by: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => by + l)
    .join('\n');

/** Places a roadmap snippet in a minimal mission, the way the roadmap means it to be used. */
const place = (snippet: string, addName: boolean): { readonly kind: string; readonly text: string } => {
  const head = 'version: "1.0"\nname: "roadmap example"\n';
  const first = snippet.trimStart();
  if (first.startsWith('- id:')) {
    const withName = addName
      ? snippet.replace(
          /^(\s*)- id: "([^"]+)"\n/,
          (_m, sp: string, id: string) => `${sp}- id: "${id}"\n${sp}  name: "${id}"\n`,
        )
      : snippet;
    return { kind: 'step', text: `${head}steps:\n${indent(withName, '  ')}\n` };
  }
  const step = '  - id: "example"\n    name: "example"\n    step_type: "command"\n';
  if (first.startsWith('parameters:'))
    return { kind: 'parameters', text: `${head}steps:\n${step}${indent(snippet, '    ')}\n` };
  if (first.startsWith('config:'))
    return { kind: 'config', text: `${head}steps:\n${step}    parameters: {command: "true"}\n${snippet}` };
  if (first.startsWith('command:'))
    return { kind: 'command', text: `${head}steps:\n${step}    parameters:\n${indent(snippet, '      ')}\n` };
  throw new Error(`a roadmap YAML example of an unknown kind:\n${snippet}`);
};

test('the roadmap has the YAML examples this test was written against', () => {
  const kinds = blocks().map((b) => place(b, true).kind);
  expect(kinds).toEqual(['parameters', 'step', 'config', 'command', 'step', 'command', 'step', 'step']);
});

describe.each(blocks().map((b, i) => [i, b] as const))('roadmap YAML example %i', (_i, snippet) => {
  test('parses in a minimal mission, with its fields where the roadmap means them', () => {
    const { kind, text } = place(snippet, true);
    const m = mustParse(text);
    const source = parse(snippet) as Record<string, unknown> | ReadonlyArray<Record<string, unknown>>;
    if (kind === 'config') {
      const config = (source as Record<string, Record<string, unknown>>)['config']!;
      expect(m.config.resource_limits).toEqual(config['resource_limits']);
      expect(m.config.monitoring).toEqual(config['monitoring']);
      return;
    }
    const step = m.steps[0]!;
    expect(step.step_type).toBe('command');
    const params =
      kind === 'step'
        ? ((source as ReadonlyArray<Record<string, unknown>>)[0]!['parameters'] as Record<string, unknown>)
        : kind === 'parameters'
          ? ((source as Record<string, unknown>)['parameters'] as Record<string, unknown>)
          : (source as Record<string, unknown>);
    // Each roadmap field is either a command parameter or a step setting lifted out of parameters.
    for (const [k, v] of Object.entries(params)) {
      const where =
        k in step.parameters ? step.parameters[k] : (step as unknown as Record<string, unknown>)[k];
      expect([k, where]).toEqual([k, v]);
    }
    if ('timeout_seconds' in params) expect(step.timeout_source).toBe('parameters');
    // The roadmap's own missions pass `;` after `-exec` correctly, so they load without warnings.
    expect(m.warnings).toEqual([]);
  });
});

test("the roadmap's step snippets omit `name`, which RustChain (and missionkit) require: the error says exactly that", () => {
  const steps = blocks().filter((b) => b.trimStart().startsWith('- id:'));
  expect(steps).toHaveLength(4);
  for (const s of steps) {
    const e = onlyError(mustFail(place(s, false).text), 'missing_field');
    expect(e.path).toBe('steps[0].name');
    expect(e.hint).toContain('RustChain requires it too');
  }
});
