// Each command loads what it needs when it runs: `--version` and `validate` never load the process
// executor, the HTTP client or the live view (nor the mission reader, for `--version`), so they start
// about as fast as Node itself; `run` loads the executor. Checked on the built CLI by what code the
// process actually read, whatever files the bundler put it in.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtCli } from './built-cli.js';
import { cliEnv } from './run-cli.js';

/** A definition only each of these modules' code holds (names are not minified). */
const MARKS = {
  executor: 'createNodeExecutor = ',
  http: 'nodeHttp = {',
  liveView: 'createLiveView = ',
  missionReader: 'parseMission = (',
} as const;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-lazy-'));
  fs.writeFileSync(
    path.join(dir, 'one.yaml'),
    'version: "1.0"\nname: one\nsteps:\n  - id: a\n    name: a\n    step_type: noop\n    parameters: {}\n',
  );
  // Prints, at exit, every file of the package the process loaded.
  fs.writeFileSync(
    path.join(dir, 'record.cjs'),
    `process.on('exit', () => require('fs').writeFileSync(process.env.MK_LOADED, JSON.stringify(Object.keys(require.cache))));\n`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Which of MARKS the code the CLI loaded for `args` holds. */
const loaded = (...args: string[]): string[] => {
  const record = path.join(dir, `loaded-${args.join('-').replace(/[^a-z]/g, '')}.json`);
  const r = spawnSync(process.execPath, ['--require', path.join(dir, 'record.cjs'), builtCli(), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: cliEnv({ MK_LOADED: record }),
  });
  expect(r.status).toBe(0);
  const files = (JSON.parse(fs.readFileSync(record, 'utf8')) as string[]).filter((f) =>
    f.startsWith(path.dirname(path.dirname(path.dirname(builtCli())))),
  );
  expect(files.length).toBeGreaterThan(0);
  const code = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  return Object.entries(MARKS)
    .filter(([, mark]) => code.includes(mark))
    .map(([name]) => name);
};

it('`--version` loads none of the executor, the HTTP client, the live view or the mission reader', () => {
  expect(loaded('--version')).toEqual([]);
});

it('`validate` reads the mission but loads none of the executor, the HTTP client or the live view', () => {
  expect(loaded('validate', 'one.yaml')).toEqual(['missionReader']);
});

it('`run` loads the executor and the HTTP client (the live view only on a terminal)', () => {
  expect(loaded('run', 'one.yaml', '--no-journal')).toEqual(['executor', 'http', 'missionReader']);
});
