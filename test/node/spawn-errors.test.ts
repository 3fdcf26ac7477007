// Every way a process can fail to start is a value with its own message and hint, never an
// exception: what was not found, where it was looked for, and what to do about it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeExecutor } from '../../src/node/node-executor.js';
import { describeSpawnFailure } from '../../src/node/spawn-failure.js';
import type { SpawnRequest } from '../../src/ports/executor.js';
import { hostEnv } from './run-fixture.js';

const executor = new NodeExecutor();
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-spawn-'));
  fs.writeFileSync(path.join(dir, 'not-executable.sh'), 'echo hi\n', { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'bad-interpreter.sh'), '#!/no/such/interpreter\necho hi\n', {
    mode: 0o755,
  });
  fs.mkdirSync(path.join(dir, 'a-directory'));
  fs.writeFileSync(path.join(dir, 'a-file'), '');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const spawnFailure = async (overrides: Partial<SpawnRequest>) => {
  const request: SpawnRequest = {
    command: 'true',
    args: [],
    cwd: dir,
    env: hostEnv(),
    shell: false,
    detach: false,
    killGraceMs: 1000,
    onOutput: () => undefined,
    ...overrides,
  };
  let spawned: ReturnType<NodeExecutor['spawn']> | undefined;
  expect(() => (spawned = executor.spawn(request))).not.toThrow();
  expect(spawned?.pid).toBeUndefined();
  spawned?.kill('force'); // a no-op, and safe
  return spawned?.exited;
};

describe('spawn failures', () => {
  it('ENOENT: names the command, shows the PATH searched, and asks whether it is installed', async () => {
    const exit = await spawnFailure({ command: 'go-xyz', env: { PATH: '/opt/a:/opt/b:/opt/a' } });
    expect(exit).toEqual({
      _tag: 'spawn_failed',
      code: 'ENOENT',
      message: 'command `go-xyz` not found (PATH searched: /opt/a:/opt/b)',
      hint: expect.stringContaining('is `go-xyz` installed?'),
    });
  });

  it('ENOENT under a long PATH (as `npm run` makes it) shows its first entries and a count', async () => {
    const npmPath = [
      '/home/dev/project/node_modules/.bin',
      '/home/dev/node_modules/.bin',
      '/home/node_modules/.bin',
      '/node_modules/.bin',
      '/usr/local/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin',
      '/usr/local/sbin',
      '/usr/local/bin',
      '/usr/sbin',
      '/usr/bin',
      '/sbin',
      '/bin',
    ].join(':');
    const exit = await spawnFailure({ command: 'go-xyz', env: { PATH: npmPath } });
    expect(exit).toMatchObject({
      code: 'ENOENT',
      message:
        'command `go-xyz` not found (PATH searched: /home/dev/project/node_modules/.bin:/home/dev/node_modules/.bin:/home/node_modules/.bin:/node_modules/.bin:… (7 more entries))',
    });
  });

  it('ENOENT with an empty PATH says so', async () => {
    const exit = await spawnFailure({ command: 'go-xyz', env: {} });
    expect(exit).toMatchObject({ code: 'ENOENT', message: expect.stringContaining('PATH is empty') });
  });

  it('ENOENT for a path names the file looked for, resolved from the working directory', async () => {
    const exit = await spawnFailure({ command: './missing.sh' });
    expect(exit).toMatchObject({
      code: 'ENOENT',
      message: `\`./missing.sh\` was not found (looked for ${path.join(dir, 'missing.sh')})`,
    });
  });

  it('ENOENT for a script whose #! interpreter is missing names the interpreter', async () => {
    expect(await spawnFailure({ command: './bad-interpreter.sh' })).toMatchObject({
      code: 'ENOENT',
      message: expect.stringContaining('`/no/such/interpreter`'),
    });
  });

  it('EACCES: a file without execute permission, with a chmod hint', async () => {
    const exit = await spawnFailure({ command: './not-executable.sh' });
    expect(exit).toMatchObject({
      code: 'EACCES',
      message: expect.stringContaining('is not executable'),
      hint: expect.stringContaining(`chmod +x ${path.join(dir, 'not-executable.sh')}`),
    });
  });

  it('EISDIR: the command is a directory', async () => {
    const exit = await spawnFailure({ command: './a-directory' });
    expect(exit).toMatchObject({ code: 'EISDIR', message: expect.stringContaining('is a directory') });
  });

  it('EISDIR: a directory found on PATH', async () => {
    const exit = await spawnFailure({ command: 'a-directory', env: { PATH: dir } });
    expect(exit).toMatchObject({ code: 'EISDIR' });
  });

  it('ENOTDIR: a part of the command path is a file', async () => {
    const exit = await spawnFailure({ command: './a-file/program' });
    expect(exit).toMatchObject({ code: 'ENOTDIR', message: expect.stringContaining('not a directory') });
  });

  it('CWD_NOT_FOUND: the working directory does not exist (checked before spawning)', async () => {
    const cwd = path.join(dir, 'no-such-dir');
    const exit = await spawnFailure({ cwd });
    expect(exit).toEqual({
      _tag: 'spawn_failed',
      code: 'CWD_NOT_FOUND',
      message: `the working directory ${cwd} does not exist`,
      hint: expect.stringContaining('working_dir'),
    });
  });

  it('ENOTDIR: the working directory is a file', async () => {
    const exit = await spawnFailure({ cwd: path.join(dir, 'a-file') });
    expect(exit).toMatchObject({
      code: 'ENOTDIR',
      message: expect.stringContaining('is a file, not a directory'),
    });
  });

  it('OTHER: an argument Node refuses (a NUL byte) is a value, not an exception', async () => {
    const exit = await spawnFailure({ args: ['a\0b'] });
    expect(exit).toMatchObject({
      _tag: 'spawn_failed',
      code: 'OTHER',
      message: expect.stringContaining('null bytes'),
    });
  });
});

describe('describeSpawnFailure', () => {
  const facts = {
    platform: 'linux' as const,
    detail: 'spawn x E',
    program: 'x',
    cwd: '/w',
    pathEntries: ['/bin'],
    found: undefined,
  };

  it('explains running out of processes or descriptors with what to lower', () => {
    expect(describeSpawnFailure({ ...facts, errno: 'EAGAIN' })).toMatchObject({
      code: 'OTHER',
      hint: expect.stringContaining('max_parallel_steps'),
    });
  });

  it('shows a Windows PATH with its own separator', () => {
    const failure = describeSpawnFailure({
      ...facts,
      platform: 'win32',
      errno: 'ENOENT',
      pathEntries: ['C:\\a', 'C:\\b'],
    });
    expect(failure.message).toContain('C:\\a;C:\\b');
  });

  it("keeps Node's words for an error it has no better ones for", () => {
    expect(describeSpawnFailure({ ...facts, errno: 'EWHATEVER', detail: 'spawn x EWHATEVER' })).toEqual({
      _tag: 'spawn_failed',
      code: 'OTHER',
      message: 'could not start `x`: spawn x EWHATEVER',
    });
  });
});
