// Chunked processing on the test kit: an in-memory tree, a scripted grep that reads its arguments,
// virtual time — so chunk boundaries, parallelism, merging and partial results are exact.
import type { SpawnRequest } from '../../src/ports/executor.js';
import type { FakeScript } from '../../src/testing/fake-script.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { commandMission } from '../support/command-mission.js';
import type { ChunkSummary } from '../../src/steps/command-chunks.js';

const mission = (params: string, config = '', step = ''): string =>
  commandMission('scan', params, step, config);

/** 45 Go files (every 7th mentions a secret), 10 Markdown files and 5 others, under /mission/src. */
const tree = (): Record<string, string> => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 45; i++)
    files[`src/pkg${i % 3}/f${String(i).padStart(2, '0')}.go`] = i % 7 === 0 ? 'API_KEY=1' : 'x';
  for (let i = 0; i < 10; i++) files[`docs/d${i}.md`] = 'doc';
  for (let i = 0; i < 5; i++) files[`assets/a${i}.png`] = 'png';
  return files;
};

/** A grep that "matches" the files whose name ends in a multiple of 7, taking `ms` per chunk. */
const grep =
  (ms = 100, seen: SpawnRequest[] = []) =>
  (req: SpawnRequest): FakeScript => {
    seen.push(req);
    const hits = req.args.filter((a) => /f(\d+)\.go$/.test(a) && Number(/f(\d+)\.go$/.exec(a)![1]) % 7 === 0);
    return {
      output: hits.length > 0 ? [{ atMs: ms, text: hits.map((h) => `${h}\n`).join('') }] : [],
      exitAfterMs: ms,
      exitCode: hits.length > 0 ? 0 : 1,
    };
  };

const summary = (output: unknown): ChunkSummary => (output as { chunks: ChunkSummary }).chunks;

const scan = `
command: "grep"
args: ["-rl", "API_KEY", ".", "--include=*.go"]
chunk_processing: true
max_files_per_chunk: 10`;

describe('chunk_processing', () => {
  test('splits what the command reads into chunks, in file order, and merges the output', async () => {
    const seen: SpawnRequest[] = [];
    const { report } = await runTestMission(mission(scan), {
      files: tree(),
      commands: { grep: grep(100, seen) },
    });
    const step = report.steps[0]!;
    expect(step.status).toBe('succeeded');
    // --include=*.go keeps the 45 Go files: 5 chunks of at most 10, each in place of `.`, with -H.
    expect(seen.map((r) => r.args.length - 4)).toEqual([10, 10, 10, 10, 5]);
    expect(seen[0]!.args.slice(0, 4)).toEqual(['-H', '-rl', 'API_KEY', './src/pkg0/f00.go']);
    expect(seen[0]!.args[seen[0]!.args.length - 1]).toBe('--include=*.go');
    const all = seen.flatMap((r) => r.args.filter((a) => a.startsWith('./')));
    expect(all).toEqual([...all].sort());
    const secrets = [0, 7, 14, 21, 28, 35, 42].map(
      (n) => `./src/pkg${n % 3}/f${String(n).padStart(2, '0')}.go\n`,
    );
    expect(step.stdout.text).toBe(secrets.sort().join(''));
    expect(summary(step.output)).toMatchObject({
      total: 5,
      finished: 5,
      files: 45,
      files_done: 45,
      parallel: 1,
      exit_rule: 'match',
      partial: false,
    });
    // One chunk after another: 5 × 100 ms.
    expect(step.duration_ms).toBe(500);
  });

  test("grep's meaning: matched in any chunk → 0; in none → 1, which fails unless expected", async () => {
    const { report } = await runTestMission(mission(scan), {
      files: tree(),
      commands: { grep: { exitAfterMs: 10, exitCode: 1 } },
    });
    expect(report.steps[0]).toMatchObject({ status: 'failed', exit_code: 1 });
    expect(summary(report.steps[0]!.output).exit_codes).toEqual([1, 1, 1, 1, 1]);
    const { report: withError } = await runTestMission(mission(scan), {
      files: tree(),
      commands: {
        grep: (req) => (req.args.includes('./src/pkg0/f12.go') ? { exitCode: 2 } : grep(10)(req)),
      },
    });
    expect(withError.steps[0]!.exit_code).toBe(2);
  });

  test('chunks run in parallel within max_parallel_chunks and the mission limit', async () => {
    const starts: number[] = [];
    const { report, executor } = await runTestMission(
      mission(`${scan}\nmax_parallel_chunks: 4`, '  max_parallel_steps: 2'),
      { files: tree(), commands: { grep: grep(100) } },
    );
    for (const s of executor.spawns) starts.push(s.startedAt - executor.spawns[0]!.startedAt);
    // Limited to 2 by config.max_parallel_steps: chunks start in pairs.
    expect(starts).toEqual([0, 0, 100, 100, 200]);
    expect(report.steps[0]!.duration_ms).toBe(300);
    expect(summary(report.steps[0]!.output).parallel).toBe(2);
    // Output is still in file order, whatever order the chunks finished in.
    const out = report.steps[0]!.stdout.text.trim().split('\n');
    expect(out).toEqual([...out].sort());
  });

  test('max_parallel_chunks: 0 means as many as the mission allows', async () => {
    const { report } = await runTestMission(
      mission(`${scan}\nmax_parallel_chunks: 0`, '  max_parallel_steps: 3'),
      {
        files: tree(),
        commands: { grep: grep(100) },
      },
    );
    expect(summary(report.steps[0]!.output).parallel).toBe(3);
  });

  test('on timeout the finished chunks are kept as partial results', async () => {
    const { report } = await runTestMission(
      mission(scan, '', '    timeout_seconds: 0.35\n    allow_partial_results: true'),
      {
        files: tree(),
        commands: { grep: grep(100) },
      },
    );
    const step = report.steps[0]!;
    expect(step.status).toBe('partial');
    expect(summary(step.output)).toMatchObject({ total: 5, finished: 3, files_done: 30, partial: true });
    expect(step.stdout.text).toBe(
      './src/pkg0/f00.go\n./src/pkg0/f21.go\n./src/pkg0/f42.go\n./src/pkg1/f07.go\n./src/pkg1/f28.go\n',
    );
    const { report: strict } = await runTestMission(mission(scan, '', '    timeout_seconds: 0.35'), {
      files: tree(),
      commands: { grep: grep(100) },
    });
    expect(strict.steps[0]!.status).toBe('timed_out');
    expect(summary(strict.steps[0]!.output).finished).toBe(3);
  });

  test('a file set with `{files}` works for any program', async () => {
    const seen: SpawnRequest[] = [];
    const { report } = await runTestMission(
      mission(`
command: "lint"
args: ["--strict", "{files}", "--quiet"]
chunk_processing: true
max_files_per_chunk: 4
files: {include: ["docs/*.md", "src/pkg1/**/*.go"], exclude: ["**/d9.md"]}`),
      { files: tree(), commands: { lint: (req) => (seen.push(req), {}) } },
    );
    expect(report.steps[0]!.status).toBe('succeeded');
    expect(seen.map((r) => r.args.length - 2)).toEqual([4, 4, 4, 4, 4, 4]);
    expect(seen[0]!.args).toEqual([
      '--strict',
      'docs/d0.md',
      'docs/d1.md',
      'docs/d2.md',
      'docs/d3.md',
      '--quiet',
    ]);
    expect(seen.flatMap((r) => r.args).filter((a) => a.includes('d9'))).toEqual([]);
  });

  test('an empty file set runs nothing: grep reports "no match", other commands succeed', async () => {
    const { report, executor } = await runTestMission(mission(scan.replace('*.go', '*.rs')), {
      files: tree(),
      commands: { grep: grep() },
    });
    expect(executor.spawns).toHaveLength(0);
    expect(report.steps[0]).toMatchObject({ status: 'failed', exit_code: 1 });
    const { report: find } = await runTestMission(
      mission('command: "find"\nargs: [".", "-name", "*.rs"]\nchunk_processing: true'),
      { files: tree() },
    );
    expect(find.steps[0]).toMatchObject({ status: 'succeeded', exit_code: 0 });
  });

  test('a named path that does not exist goes to the first chunk, so the command reports it', async () => {
    const seen: SpawnRequest[] = [];
    await runTestMission(
      mission(
        'command: "grep"\nargs: ["-rl", "X", "src", "nope"]\nchunk_processing: true\nmax_files_per_chunk: 50',
      ),
      { files: tree(), commands: { grep: grep(10, seen) } },
    );
    expect(seen[0]!.args.slice(0, 5)).toEqual(['-H', '-rl', 'X', 'nope', 'src/pkg0/f00.go']);
  });

  test('running as windows, chunks also respect its 32,000-character command line', async () => {
    const files: Record<string, string> = {};
    const dir = 'd'.repeat(200);
    for (let i = 0; i < 290; i++) files[`${dir}/f${i}.txt`] = 'x';
    const params = 'command: "wc"\nargs: ["-l", "."]\nchunk_processing: true\nmax_files_per_chunk: 1000';
    const linux = await runTestMission(mission(params), { files });
    const windows = await runTestMission(mission(params), { files, platform: 'windows' });
    expect(linux.executor.spawns).toHaveLength(1);
    // Each file costs `./` + 200 + `/f123.txt` + 3 (quotes and a space) = 214 characters or less:
    // 150 fit in the first 32,000, the other 140 in a second chunk.
    expect(windows.executor.spawns.length).toBe(2);
  });

  test('what cannot be chunked fails with a hint, before anything runs', async () => {
    const unknown = await runTestMission(
      mission('command: "python"\nargs: ["scan.py", "src"]\nchunk_processing: true'),
      {
        files: tree(),
      },
    );
    expect(unknown.report.steps[0]).toMatchObject({ status: 'failed', failure_kind: 'invalid_input' });
    expect(unknown.report.steps[0]!.message).toContain('chunk_processing needs `files:` for `python`');
    const shell = await runTestMission(
      mission('command: "grep -r x ."\nshell: true\nchunk_processing: true'),
      { files: tree() },
    );
    expect(shell.report.steps[0]!.message).toContain('cannot split a shell command line');
    const stdin = await runTestMission(mission('command: "grep"\nargs: ["x"]\nchunk_processing: true'), {
      files: tree(),
    });
    expect(stdin.report.steps[0]!.message).toContain('names no file or directory');
    expect(unknown.executor.spawns.length + shell.executor.spawns.length + stdin.executor.spawns.length).toBe(
      0,
    );
  });
});
