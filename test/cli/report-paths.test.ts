// `--report` and `--junit` pointing where no directory can be made (under /proc or /sys) end the
// CLI with exit code 1 and a message naming the directory, instead of spinning forever inside
// Node's recursive mkdir.
import { builtCli } from './built-cli';
import { mission, nodeStep, workspace } from './missions';
import { startCli, type CliResult } from './run-cli';

const BUILD_MS = 240_000;
/** Far longer than a two-step run; a CLI still running then is the spin this test is about. */
const HANG_MS = 20_000;

const ws = workspace();
let good = '';

beforeAll(() => {
  builtCli();
  good = ws.write('good.mission.yaml', mission('Good', [nodeStep('hello', 'print', ['stdout', 'hi'])]));
}, BUILD_MS);
afterAll(() => ws.cleanup());

/** Runs the CLI, killing it (and failing) if it has not ended within HANG_MS. */
const runWithin = async (args: ReadonlyArray<string>): Promise<CliResult> => {
  const cli = startCli(args, { cwd: ws.dir });
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), HANG_MS);
  try {
    const result = await cli.done;
    if (result.signal === 'SIGKILL') throw new Error(`the CLI was still running after ${HANG_MS} ms`);
    return result;
  } finally {
    clearTimeout(timer);
  }
};

describe('report files where no directory can be made', () => {
  it(
    'exits 1 and names the directory for --report under /proc',
    async () => {
      const r = await runWithin(['run', good, '--report', '/proc/missionkit-x/y/report.json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'missionkit: cannot write the report to /proc/missionkit-x/y/report.json: cannot create the directory /proc/missionkit-x',
      );
      expect(r.stderr).toContain('hint: give --report a path in a directory you can write to');
      // The run itself happened and was reported.
      expect(r.stdout).toMatch(/mission succeeded/);
    },
    HANG_MS + 10_000,
  );

  it(
    'exits 1 for --junit under /sys, still writing the --report that can be written',
    async () => {
      const r = await runWithin([
        'run',
        good,
        '--junit',
        '/sys/missionkit-x/junit.xml',
        '--report',
        'out/r.json',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('missionkit: cannot write the JUnit report to /sys/missionkit-x/junit.xml');
      expect(r.stderr).toContain('hint: give --junit a path in a directory you can write to');
      expect(r.stdout).toContain('report written to out/r.json');
    },
    HANG_MS + 10_000,
  );
});
