// Missions the CLI tests run, written into a fresh directory per test file. Their steps start the
// fixture scripts of test/fixtures with node, so they behave the same on every machine.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The absolute path of a fixture script, quoted for YAML. */
export const fixture = (name: string): string =>
  JSON.stringify(path.resolve(__dirname, '..', 'fixtures', `${name}.js`));

/** More of a step: YAML for more `parameters` entries (`expect_exit_codes: [7]`), and step fields. */
export interface StepExtras {
  readonly params?: string;
  readonly fields?: string;
}

/** A step that runs `node <fixture> args...`. */
export const nodeStep = (
  id: string,
  script: string,
  args: ReadonlyArray<string | number>,
  more: StepExtras = {},
): string =>
  `  - id: ${id}\n    name: ${JSON.stringify(`Run ${script}`)}\n    step_type: command\n    parameters: { command: node, args: [${[fixture(script), ...args.map((a) => JSON.stringify(String(a)))].join(', ')}]${more.params !== undefined ? `, ${more.params}` : ''} }\n${(
    more.fields ?? ''
  )
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `    ${l}\n`)
    .join('')}`;

/** A mission's text from its steps and an optional config block. */
export const mission = (name: string, steps: ReadonlyArray<string>, config = ''): string =>
  `version: "1.0"\nname: ${JSON.stringify(name)}\nsteps:\n${steps.join('')}${config}`;

/** A fresh temporary directory, removed by `cleanup`. */
export const workspace = (): {
  readonly dir: string;
  write(name: string, text: string): string;
  cleanup(): void;
} => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-cli-'));
  return {
    dir,
    write: (name, text) => {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};
