// The ES module build loads the YAML readers (js-yaml, yaml) when a mission is first read from
// YAML, not when missionkit/core is imported, and reads missions the same where Node cannot lend it
// a `require` (process.getBuiltinModule absent: a browser, an older Node), where it loads them with
// the module instead.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { builtCli } from '../cli/built-cli.js';

const core = (): string => path.join(path.dirname(path.dirname(path.dirname(builtCli()))), 'esm', 'core.js');

const VALID =
  'version: "1.0"\nname: x\nsteps:\n  - id: a\n    name: A\n    step_type: noop\n    parameters: {}\n';
// Broken YAML: js-yaml gives up and the `yaml` library says where.
const INVALID = `${VALID}    depends_on: [zz]\n  - id: b\n    name: [B\n`;

/** Runs an ES module script that imports missionkit/core; prints what it writes. */
const run = (body: string, withoutBuiltinModule = false): string =>
  execFileSync(
    process.execPath,
    [
      ...(withoutBuiltinModule ? ['--import', 'data:text/javascript,delete process.getBuiltinModule'] : []),
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       const loaded = () => Object.keys(createRequire(import.meta.url).cache)
         .filter((f) => /[\\\\/]vendor[\\\\/](js-yaml|yaml)\\.cjs$/.test(f))
         .map((f) => path.basename(f)).sort();
       import * as path from 'node:path';
       const core = await import(${JSON.stringify(core())});
       ${body}`,
    ],
    { encoding: 'utf8' },
  );

const PARSE = `
  const read = (text) => { const r = core.parseMission(text, { file: 'm.yaml' }); return r._tag === 'Right' ? r.right.steps.map((s) => s.id) : r.left.map((e) => [e.code, e.path, e.position]); };
  process.stdout.write(JSON.stringify([read(${JSON.stringify(VALID)}), read(${JSON.stringify(INVALID)})]));`;

describe('the ES module build of missionkit/core', () => {
  it('loads no YAML reader at import, and js-yaml on the first parse', () => {
    const out = run(`
      const atImport = loaded();
      core.parseMission(${JSON.stringify(VALID)});
      process.stdout.write(JSON.stringify({ atImport, afterParse: loaded() }));`);
    expect(JSON.parse(out)).toEqual({ atImport: [], afterParse: ['js-yaml.cjs'] });
  });

  it('reads missions the same without process.getBuiltinModule, with the readers it bundles', () => {
    const withRequire = JSON.parse(run(PARSE)) as unknown[];
    const without = JSON.parse(run(PARSE, true)) as unknown[];
    expect(withRequire[0]).toEqual(['a']);
    // Every problem, each with where it is.
    expect(withRequire[1]).toEqual(
      expect.arrayContaining([
        expect.arrayContaining([expect.objectContaining({ line: expect.any(Number) })]),
      ]),
    );
    expect(without).toEqual(withRequire);
    // Without a `require`, no vendor file is loaded.
    expect(
      JSON.parse(
        run(
          `${PARSE.replace('process.stdout.write(', 'void (')}; process.stdout.write(JSON.stringify(loaded()));`,
          true,
        ),
      ),
    ).toEqual([]);
  });
});
