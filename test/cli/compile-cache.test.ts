// The CLI keeps V8's compiled code in the user's cache directory so that the next command starts
// sooner; the cache must never change what a command does, and a cache that cannot be written or
// read (read-only home, corrupt files) must be as if there were none.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { builtCli } from './built-cli';
import { cliEnv, runCli, type CliResult } from './run-cli';
import { codeCacheDir, codeCacheFiles } from '../support/code-cache-files';

let work: string;
let missionFile: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-compile-cache-'));
  missionFile = path.join(work, 'one.mission.yaml');
  fs.writeFileSync(
    missionFile,
    'version: "1.0"\nname: one step\nsteps:\n  - id: hello\n    name: Say hello\n    step_type: noop\n    parameters: {}\n',
  );
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

const validate = (cacheHome: string, disable?: string): Promise<CliResult> =>
  runCli(['validate', missionFile], {
    cwd: work,
    env: { XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: disable },
  });

const same = (a: CliResult, b: CliResult): void => {
  expect(b.code).toBe(a.code);
  expect(b.stdout).toBe(a.stdout);
  expect(b.stderr).toBe(a.stderr);
};

describe('the CLI code cache', () => {
  it('is written by the first run and used, unchanged, by the next, with the same output', async () => {
    const home = path.join(work, 'cache');
    const first = await validate(home);
    expect(first.code).toBe(0);
    const written = codeCacheFiles(home);
    expect(written.size).toBeGreaterThan(0);
    // Nothing left half-written.
    expect([...written.keys()].filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = await validate(home);
    same(first, second);
    // An accepted cache is not written again.
    expect(codeCacheFiles(home)).toEqual(written);
  });

  it('is harmless when corrupt: the run compiles from source and replaces it', async () => {
    const home = path.join(work, 'cache');
    const first = await validate(home);
    const dir = codeCacheDir(home);
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), 'not a code cache');

    const second = await validate(home);
    same(first, second);
    for (const f of fs.readdirSync(dir))
      expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toBe('not a code cache');
  });

  it('is harmless when the cache directory cannot be created', async () => {
    // A cache home that is a file: no directory can be made under it, whoever runs the test.
    const home = path.join(work, 'not-a-directory');
    fs.writeFileSync(home, '');
    const reference = await validate(path.join(work, 'cache'));
    const result = await validate(home);
    same(reference, result);
    expect(fs.readFileSync(home, 'utf8')).toBe('');
  });

  it('is kept apart for another install of the same version, whose errors name its own files', () => {
    const home = path.join(work, 'cache');
    // Two installs: copies of the built package (its cjs/ directory) in two places.
    const built = path.dirname(path.dirname(builtCli()));
    const installs = ['a', 'b'].map((name) => {
      const to = path.join(work, name, 'cjs');
      fs.cpSync(built, to, { recursive: true });
      return path.join(to, 'cli', 'main.js');
    });
    const validateWith = (main: string): void => {
      execFileSync(process.execPath, [main, 'validate', missionFile], {
        cwd: work,
        env: cliEnv({ XDG_CACHE_HOME: home }),
        stdio: 'ignore',
      });
    };
    validateWith(installs[0]!);
    const afterFirst = codeCacheFiles(home).size;
    expect(afterFirst).toBeGreaterThan(0);
    validateWith(installs[1]!);
    // The second install wrote a cache of its own for each file rather than using the first's (V8
    // keeps the file name a cache was made under: stack traces would name the first install's files).
    expect(codeCacheFiles(home).size).toBe(2 * afterFirst);
  });

  it('is neither read nor written with NODE_DISABLE_COMPILE_CACHE set', async () => {
    const home = path.join(work, 'cache');
    const reference = await validate(path.join(work, 'other'));
    const result = await validate(home, '1');
    same(reference, result);
    expect(fs.existsSync(home)).toBe(false);
  });
});
