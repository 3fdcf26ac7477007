// The step type docs stay true to the code: every built-in has a section listing every parameter
// its codec declares, and the migration guide's table gives each RustChain step type the status
// the catalogue gives it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { declaredKeys } from '../../src/mission/known-keys.js';
import { builtinStepTypes } from '../../src/steps/registry.js';
import { RUSTCHAIN_STEP_TYPES } from '../../src/steps/rustchain-catalog.js';

const doc = (name: string): string => fs.readFileSync(path.resolve(__dirname, '../../docs', name), 'utf8');

/** The text of the `## \`name\`` section, up to the next `## `. */
const section = (text: string, name: string): string => {
  const start = text.indexOf(`\n## \`${name}\`\n`);
  if (start < 0) throw new Error(`docs/step-types.md has no section for \`${name}\``);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
};

describe('docs/step-types.md', () => {
  const text = doc('step-types.md');
  it.each(builtinStepTypes.map((s) => s.name))(
    'documents every parameter of `%s`, with an example',
    (name) => {
      const s = section(text, name);
      expect(s).toMatch(/```yaml\n/);
      if (name === 'command') return; // its full table is in mission-format.md, which the section links to
      const keys = declaredKeys(builtinStepTypes.find((b) => b.name === name)!.parameters) ?? [];
      for (const key of keys) expect([name, key, s.includes(`| \`${key}\` |`)]).toEqual([name, key, true]);
    },
  );
});

describe('docs/migrating-from-rustchain.md', () => {
  const text = doc('migrating-from-rustchain.md');
  const WORDS = {
    supported: 'supported',
    supported_differently: 'supported differently',
    not_shipped: 'not shipped',
  };
  it.each(RUSTCHAIN_STEP_TYPES.map((s) => [s.name, s.support._tag] as const))(
    'lists `%s` as %s',
    (name, tag) => {
      const row = text.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row).toBeDefined();
      expect(row!.split('|')[2]!.trim()).toBe(WORDS[tag]);
    },
  );
});
