// The RustChain catalogue: all 51 of RustChain's step types, each with what missionkit does about
// it, and the hint the parser gives for one the registry lacks.
import { builtinStepTypes, makeRegistry } from '../../src/steps/registry.js';
import {
  customStepTypeSnippet,
  RUSTCHAIN_STEP_TYPES,
  rustChainStepType,
  rustChainStepTypeHint,
} from '../../src/steps/rustchain-catalog.js';
import { corpusFiles, readCorpus } from '../mission/support.js';

test('lists RustChain’s 51 step types once each', () => {
  const names = RUSTCHAIN_STEP_TYPES.map((s) => s.name);
  expect(names).toHaveLength(51);
  expect(new Set(names).size).toBe(51);
});

test('"supported" means built in under the same name, and every built-in RustChain has is marked so', () => {
  const builtins = new Set(builtinStepTypes.map((s) => s.name));
  for (const s of RUSTCHAIN_STEP_TYPES)
    expect([s.name, builtins.has(s.name)]).toEqual([s.name, s.support._tag === 'supported']);
});

test('every step type the corpus uses is in the catalogue', () => {
  const used = new Set<string>();
  for (const f of corpusFiles())
    for (const m of readCorpus(f).matchAll(/step_type: "([a-z_]+)"/g)) used.add(m[1]!);
  expect([...used].filter((u) => rustChainStepType(u) === undefined)).toEqual([]);
});

test('a step type missionkit does not ship: named, with what to do instead and the code that provides it', () => {
  const h = rustChainStepTypeHint('sql_query', {
    query: 'SELECT 1',
    database_url: 'sqlite://memory:',
    limit: 5,
  })!;
  expect(h.message).toBe('`sql_query` is a RustChain step type that missionkit does not ship');
  expect(h.hint).toContain(
    'use a custom step type using your database driver, or a `command` step running `sqlite3`/`psql`',
  );
  expect(h.hint).toContain(
    [
      'const sqlQuery = defineStepType({',
      '  name: "sql_query",',
      '  parameters: t.type({ query: t.string, database_url: t.string, limit: t.number }),',
    ].join('\n'),
  );
  expect(h.hint).toContain('await runMission(mission, { stepTypes: [sqlQuery] });');
});

test('a step type done another way says how', () => {
  const h = rustChainStepTypeHint('git_commit')!;
  expect(h.message).toBe(
    '`git_commit` is a RustChain step type that missionkit does not ship under that name',
  );
  expect(h.hint).toMatch(
    /^use a `command` step running git, for example `command: "git", args: \["commit", "-m", "message"\]`/,
  );
  expect(rustChainStepTypeHint('model_inference')!.hint).toMatch(/^use an `llm` step/);
});

test('a built-in missing from a hand-made registry, and a name RustChain never had', () => {
  expect(rustChainStepTypeHint('http')!.hint).toMatch(/makeRegistry/);
  expect(rustChainStepTypeHint('shell')).toBeUndefined();
  expect(rustChainStepTypeHint('Command')).toBeUndefined();
});

test('the generated snippet quotes keys that are not identifiers and types nested values loosely', () => {
  expect(
    customStepTypeSnippet('ftp_upload', { 'remote-file': 'x', opts: { a: 1 }, list: [1], on: true }),
  ).toContain(
    'parameters: t.type({ "remote-file": t.string, opts: t.UnknownRecord, list: t.UnknownArray, on: t.boolean }),',
  );
});

test('every shipped RustChain type is in the default registry', () => {
  const registry = makeRegistry();
  for (const s of RUSTCHAIN_STEP_TYPES.filter((x) => x.support._tag === 'supported'))
    expect(registry.has(s.name)).toBe(true);
});
