// The live view in a real pseudo-terminal (util-linux `script` gives the CLI a TTY), checked as a
// person would see it: the raw bytes are replayed through a small terminal emulator. Ctrl-C is
// typed into the terminal, so the kernel's line discipline delivers SIGINT as it does for a user.
import { spawn } from 'node:child_process';
import { builtCli } from './built-cli';
import { mission, nodeStep, workspace } from './missions';
import { cliEnv } from './run-cli';
import { replay } from './screen';

const ws = workspace();
beforeAll(() => builtCli(), 240_000);
afterAll(() => ws.cleanup());

const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
/** What was written without its colours, so redraws can be counted by their text. */
// eslint-disable-next-line no-control-regex
const uncoloured = (raw: string): string => raw.replace(/\u001b\[\d*m/g, '');

// A failed test must not leave a terminal running: closing it (SIGKILL to script) hangs up on
// the CLI, which cancels its run and stops every step's tree.
const terminals: Array<{ kill(): void }> = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.kill();
});
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The CLI running in a pseudo-terminal of the given size. */
const startInTerminal = (
  args: ReadonlyArray<string>,
  options: { columns?: number; rows?: number; env?: Readonly<Record<string, string | undefined>> } = {},
) => {
  const command = `stty cols ${options.columns ?? 100} rows ${options.rows ?? 30}; exec ${[
    process.execPath,
    builtCli(),
    ...args,
  ]
    .map(quote)
    .join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ws.dir,
    env: cliEnv({ TERM: 'xterm-256color', ...options.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    raw += d;
    for (const w of [...waiters]) w();
  });
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  terminals.push({ kill: () => void child.kill('SIGKILL') });
  return {
    child,
    raw: () => raw,
    done,
    /** Resolves once what the terminal received satisfies `test`. */
    waitFor: (test: (raw: string) => boolean, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; the terminal showed:\n${replay(raw, 100).lines.join('\n')}`));
        }, timeoutMs);
        const check = (): void => {
          if (!test(raw)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
};

describe('the live view in a terminal', () => {
  const demo = (): string =>
    ws.write(
      'demo.mission.yaml',
      mission(
        'Terminal demo',
        [
          nodeStep('ticker', 'lines', [25, 60]),
          nodeStep('broken', 'lines', [3, 1], { params: 'expect_exit_codes: [7]' }),
          `  - { id: after, name: After, step_type: noop, depends_on: [broken] }\n`,
          `  - { id: missing, name: Missing tool, step_type: command, parameters: { command: missionkit-no-such-tool } }\n`,
        ],
        'config: { max_parallel_steps: 2, fail_fast: false }\n',
      ),
    );

  it('updates a running step in place and collapses finished steps to status lines, then a summary', async () => {
    const t = startInTerminal(['run', demo(), '--no-journal']);
    // The ticker's line is redrawn where it stands, with a growing elapsed time and its last line.
    await t.waitFor(
      (raw) => (uncoloured(raw).match(/ticker {2}\d+\.\ds {2}(?:out|err) \d+/g) ?? []).length >= 3,
    );
    // eslint-disable-next-line no-control-regex
    expect(t.raw()).toMatch(/\u001b\[\d+A\r\u001b\[J/);
    const mid = replay(t.raw(), 100).lines;
    expect(mid.filter((l) => /^. ticker/.test(l))).toHaveLength(1);
    expect(mid.find((l) => l.includes('ticker'))).toMatch(
      new RegExp(`^${SPINNER.source} ticker {2}\\d+\\.\\ds {2}(?:out|err) \\d+$`),
    );

    expect(await t.done).toBe(1);
    const screen = replay(t.raw(), 100);
    const text = screen.lines.join('\n');
    expect(screen.lines[0]).toBe('▶ Terminal demo (4 steps)');
    expect(screen.lines).toContainEqual(expect.stringMatching(/^✔ ticker succeeded in \d+(\.\d)? s$/));
    expect(screen.lines).toContainEqual(
      expect.stringMatching(/^✖ broken failed in \d+ ms — exited with code 0 \(expected 7\)$/),
    );
    expect(screen.lines).toContain('⤼ after skipped — dependency broken failed (all_required)');
    expect(screen.lines).toContainEqual(
      expect.stringMatching(/^✖ missing failed in \d+ ms — command `missionkit-no-such-tool` not found/),
    );
    // The summary table, then each failed step's output tail and hint, then the verdict.
    // Peak memory is a column when the host sampled the steps' process trees.
    const table = screen.lines.findIndex((l) => l.startsWith('  step     status       duration  attempts'));
    const memory = '(?: +(?:[\\d.]+ (?:B|KiB|MiB|GiB)|—))?';
    expect(screen.lines.slice(table + 1, table + 5)).toEqual([
      expect.stringMatching(new RegExp(`^ {2}ticker {3}✔ succeeded +[\\d.]+ m?s +1${memory}$`)),
      expect.stringMatching(new RegExp(`^ {2}broken {3}✖ failed +\\d+ ms +1${memory}$`)),
      expect.stringMatching(new RegExp(`^ {2}after {4}⤼ skipped {11}— {9}0${memory}$`)),
      expect.stringMatching(new RegExp(`^ {2}missing {2}✖ failed +\\d+ ms +1${memory}$`)),
    ]);
    expect(text).toContain(
      '✖ broken failed\n    exited with code 0 (expected 7)\n    last lines of stderr:\n    │ err 1\n    │ err 2\n    │ err 3',
    );
    expect(text).toMatch(
      /✖ missing failed\n {4}command `missionkit-no-such-tool` not found[\s\S]*?\n {4}hint: is `missionkit-no-such-tool` installed\?/,
    );
    expect(screen.lines.at(-1)).toMatch(/^✖ mission failed in [\d.]+ m?s: 1 succeeded, 2 failed, 1 skipped$/);
    expect(text).not.toMatch(SPINNER);
    expect(screen.cursorVisible).toBe(true);
    // Colour on a terminal: the status marks are green and red.
    expect(t.raw()).toContain('\u001b[32m✔\u001b[39m');
  });

  it('cancels on Ctrl-C typed in the terminal, says so, and shows the cancelled run', async () => {
    const file = ws.write('forever.mission.yaml', mission('Forever', [nodeStep('forever', 'forever', [])]));
    const t = startInTerminal(['run', file]);
    await t.waitFor((raw) => /forever {2}\d+\.\ds {2}ready/.test(uncoloured(raw)));
    t.child.stdin.write('\u0003');
    expect(await t.done).toBe(1);
    const screen = replay(t.raw(), 100);
    expect(screen.lines).toContain(
      '■ SIGINT: cancelling — stopping every step gracefully (Ctrl-C again to force)',
    );
    expect(screen.lines).toContainEqual(expect.stringMatching(/^⊘ forever cancelled in [\d.]+ m?s — /));
    expect(screen.lines.at(-1)).toMatch(/^✖ mission cancelled in .* \(interrupted \(SIGINT\)\)$/);
    expect(screen.cursorVisible).toBe(true);
  });

  it('stays cheap under a flood of output: the terminal gets a bounded number of redraws', async () => {
    const file = ws.write(
      'flood.mission.yaml',
      mission('Flood', [nodeStep('flood', 'flood', [4 * 1024 * 1024])]),
    );
    const t = startInTerminal(['run', file]);
    expect(await t.done).toBe(0);
    // Two million output lines; what reached the terminal is a few frames of the live line.
    expect(t.raw().length).toBeLessThan(64 * 1024);
    expect(replay(t.raw(), 100).lines).toContainEqual(expect.stringMatching(/^✔ flood succeeded in /));
  }, 60_000);

  it('drops colour but keeps the live view with NO_COLOR', async () => {
    const t = startInTerminal(['run', demo()], { env: { NO_COLOR: '1' } });
    expect(await t.done).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(t.raw()).not.toMatch(/\u001b\[\d+m/);
    // eslint-disable-next-line no-control-regex
    expect(t.raw()).toMatch(/\u001b\[\d+A/);
    expect(replay(t.raw(), 100).lines).toContain('⤼ after skipped — dependency broken failed (all_required)');
  });
});
