// The CLI's standard output and error when nobody watches them (a pipe, a file): each write goes
// straight to the descriptor, whole and in order, a descriptor that is full hands the rest to
// Node's stream, and a reader that went away never breaks the run. Checked on the terminal with a
// scripted descriptor, then on the built CLI with real pipes and files.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { directTerminal, type NodeStream, type WriteBytes } from '../../src/node/terminal.js';
import { builtCli } from './built-cli.js';
import { cliEnv } from './run-cli.js';

/** A stand-in for Node's stream: the bytes it was given, in order. */
const fakeStream = (): NodeStream & { readonly chunks: Buffer[]; bytes(): Buffer } => {
  const chunks: Buffer[] = [];
  return {
    chunks,
    bytes: () => Buffer.concat(chunks),
    write: (chunk: string | Uint8Array) => (chunks.push(Buffer.from(chunk)), true),
    on: () => undefined,
  };
};

/** A descriptor that takes at most `chunk` bytes per write, and fails with `code` after `limit` bytes. */
const scripted = (chunk: number, limit = Infinity, code = 'EAGAIN') => {
  const got: number[] = [];
  const write: WriteBytes = (_fd, bytes, offset, length) => {
    if (got.length >= limit) throw Object.assign(new Error(code), { code });
    const n = Math.min(chunk, length, limit - got.length);
    for (let i = 0; i < n; i++) got.push(bytes[offset + i]!);
    return n;
  };
  return { write, bytes: () => Buffer.from(got), text: () => Buffer.from(got).toString() };
};

describe('a standard stream nobody watches', () => {
  it('writes every byte in order, however few the descriptor takes at a time (multi-byte characters too)', () => {
    const fd = scripted(3);
    const t = directTerminal(1, fakeStream, fd.write);
    t.write('step ✔ succeeded\n');
    t.write('mission ⚠ 2 warnings\n');
    expect(fd.text()).toBe('step ✔ succeeded\nmission ⚠ 2 warnings\n');
    expect(t.isTTY).toBe(false);
    expect([t.columns(), t.rows()]).toEqual([80, 24]);
  });

  it('hands the rest to Node’s stream when the descriptor is full (EAGAIN), and every later write too', () => {
    const fd = scripted(4, 10);
    const stream = fakeStream();
    const t = directTerminal(1, () => stream, fd.write);
    t.write('abcdefghijklmnop\n');
    t.write('next\n');
    expect(fd.text()).toBe('abcdefghij');
    expect(stream.bytes().toString()).toBe('klmnop\nnext\n');
  });

  it('hands the stream the rest as bytes when the descriptor took part of a character', () => {
    // '✔' is three bytes in UTF-8: the descriptor takes the first of them, then is full.
    const fd = scripted(100, 'step '.length + 1);
    const stream = fakeStream();
    const t = directTerminal(1, () => stream, fd.write);
    t.write('step ✔ done\n');
    expect(Buffer.concat([fd.bytes(), stream.bytes()]).toString()).toBe('step ✔ done\n');
  });

  it('drops what follows when the reader went away (EPIPE), without throwing', () => {
    const fd = scripted(100, 5, 'EPIPE');
    const stream = fakeStream();
    const t = directTerminal(1, () => stream, fd.write);
    expect(() => {
      t.write('hello world\n');
      t.write('more\n');
    }).not.toThrow();
    expect(fd.text()).toBe('hello');
    expect(stream.chunks).toEqual([]);
  });
});

describe('the built CLI on pipes and files', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-streams-'));
    const steps = Array.from(
      { length: 200 },
      (_, i) => `  - id: s${i}\n    name: step ${i}\n    step_type: noop\n    parameters: {}\n`,
    ).join('');
    fs.writeFileSync(path.join(dir, 'many.yaml'), `version: "1.0"\nname: many\nsteps:\n${steps}`);
    fs.writeFileSync(
      path.join(dir, 'record.cjs'),
      `process.on('exit', () => require('fs').writeFileSync(process.env.MK_MODULES, JSON.stringify(process.moduleLoadList)));\n`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const args = ['run', '--no-journal', 'many.yaml'];

  /** The Node modules the built CLI loaded to run `cliArgs`, printing to a pipe; the run must succeed. */
  const loadedBy = (cliArgs: ReadonlyArray<string>): string[] => {
    const record = path.join(dir, 'modules.json');
    const r = spawnSync(
      process.execPath,
      ['--require', path.join(dir, 'record.cjs'), builtCli(), ...cliArgs],
      {
        cwd: dir,
        env: { ...cliEnv(), MK_MODULES: record },
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('mission succeeded');
    return JSON.parse(fs.readFileSync(record, 'utf8')) as string[];
  };

  it('prints the same report to a file as to a pipe', () => {
    const piped = spawnSync(process.execPath, [builtCli(), ...args], {
      cwd: dir,
      env: cliEnv(),
      encoding: 'utf8',
    });
    expect(piped.status).toBe(0);
    const file = path.join(dir, 'out.txt');
    const fd = fs.openSync(file, 'w');
    const filed = spawnSync(process.execPath, [builtCli(), ...args], {
      cwd: dir,
      env: cliEnv(),
      stdio: ['ignore', fd, 'pipe'],
    });
    fs.closeSync(fd);
    expect(filed.status).toBe(0);
    const strip = (s: string): string => s.replace(/\d+ ms/g, 'N ms').replace(/\d\d:\d\d:\d\d/g, 'T');
    expect(strip(fs.readFileSync(file, 'utf8'))).toBe(strip(piped.stdout));
    expect(piped.stdout).toContain('200 succeeded');
  });

  it('finishes the run with its exit code when the reader of its output goes away', async () => {
    const child = spawn(process.execPath, [builtCli(), ...args], { cwd: dir, env: cliEnv() });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('loads none of Node’s stream, socket or perf_hooks modules to run a mission printed to a pipe', () => {
    // Each costs milliseconds of a command's start: the streams come with process.stdout, perf_hooks
    // with the global `performance` (the system clock reads process.hrtime instead).
    const modules = loadedBy(args);
    const heavy = ['NativeModule net', 'NativeModule stream', 'NativeModule perf_hooks'];
    expect(modules.filter((m) => heavy.includes(m))).toEqual([]);
  });

  it('loads no perf_hooks to run, journal and time out a command step, its processes contained and killed', () => {
    // Every deadline and pause of the Node side (the kill ladder's sweeps, containment, the
    // journal's pid clock) reads the monotonic clock the system clock reads.
    fs.writeFileSync(
      path.join(dir, 'slow.yaml'),
      'version: "1.0"\nname: slow\nconfig: { kill_grace_seconds: 1 }\nsteps:\n' +
        '  - { id: t, name: t, step_type: command, timeout_seconds: 1, continue_on_error: true, parameters: { command: sleep, args: ["30"] } }\n',
    );
    const modules = loadedBy(['run', '--journal', path.join(dir, 'runs'), 'slow.yaml']);
    expect(modules).not.toContain('NativeModule perf_hooks');
  });
});
