// A mission "file" that never ends, never starts or is far too large: read with a bound through
// the API and the CLI. Only a regular file (after symlinks) is read, and at most `maxBytes` + 1
// bytes of it; everything else is refused at once with an error that says what the path is.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadMission, runMission } from '../../src/index.js';
import { MissionValidationError } from '../../src/mission/errors.js';
import { startCli, type CliResult } from '../cli/run-cli.js';

const MiB = 1024 * 1024;
const VALID = 'version: "1.0"\nname: ok\nsteps:\n  - { id: a, name: a, step_type: noop }\n';

let dir: string;
const at = (name: string): string => path.join(dir, name);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bounds-'));
  fs.symlinkSync('/dev/zero', at('zero.yaml'));
  fs.symlinkSync('/dev/urandom', at('urandom.yaml'));
  execFileSync('mkfifo', [at('fifo.yaml')]);
  fs.mkdirSync(at('dir.yaml'));
  // Sparse: 6 GiB that cost no disk and must cost no memory.
  execFileSync('truncate', ['-s', '6G', at('sparse.yaml')]);
  fs.writeFileSync(at('ok.yaml'), VALID);
  fs.symlinkSync(at('ok.yaml'), at('link-to-ok.yaml'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The single error `loadMission` rejects with. */
const loadError = async (
  file: string,
  options: { maxBytes?: number } = {},
): Promise<{ code: string; message: string; hint?: string }> => {
  const e = await loadMission(file, options).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MissionValidationError);
  const errors = (e as MissionValidationError).errors;
  expect(errors).toHaveLength(1);
  return errors[0]!;
};

const heapGrowth = async (work: () => Promise<unknown>): Promise<number> => {
  const before = process.memoryUsage().rss;
  await work();
  return process.memoryUsage().rss - before;
};

describe('mission files through the API', () => {
  it.each([
    ['zero.yaml', 'a character device'],
    ['urandom.yaml', 'a character device'],
    ['fifo.yaml', 'a FIFO'],
  ])(
    '%s is refused at once: it is %s, not a regular file',
    async (name, kind) => {
      const growth = await heapGrowth(async () => {
        const e = await loadError(at(name));
        expect(e.code).toBe('io_error');
        expect(e.message).toContain(kind);
        expect(e.message).toContain('not a regular file');
        expect(e.hint).toContain('regular file');
      });
      expect(growth).toBeLessThan(64 * MiB);
    },
    10_000,
  );

  it('a directory is refused as a directory', async () => {
    const e = await loadError(at('dir.yaml'));
    expect(e.message).toContain('is a directory');
  });

  it('a sparse 6 GiB file is too_large, read no further than the limit', async () => {
    const growth = await heapGrowth(async () => {
      const e = await loadError(at('sparse.yaml'));
      expect(e.code).toBe('too_large');
      expect(e.message).toContain(`larger than the limit of ${4 * MiB} bytes`);
    });
    expect(growth).toBeLessThan(64 * MiB);
  }, 10_000);

  it('maxBytes is the bound: a file of exactly maxBytes loads, one byte more is too_large', async () => {
    const exact = VALID.length;
    await expect(loadMission(at('ok.yaml'), { maxBytes: exact })).resolves.toMatchObject({ name: 'ok' });
    const e = await loadError(at('ok.yaml'), { maxBytes: exact - 1 });
    expect(e.code).toBe('too_large');
  });

  // Small files are read with synchronous calls and the rest asynchronously: both give the whole
  // file and the same bound, whatever size the file says it has.
  it.each([
    ['far larger than a small file', 600 * 1024],
    ['just larger than a small file', 256 * 1024 + 1],
    ['small', 200],
  ])('a mission file %s loads whole, and is too_large one byte under its size', async (_, size) => {
    const file = at(`padded-${size}.yaml`);
    const padding = `# ${'x'.repeat(Math.max(0, size - VALID.length - 3))}\n`;
    fs.writeFileSync(file, padding + VALID);
    const bytes = fs.statSync(file).size;
    await expect(loadMission(file, { maxBytes: bytes })).resolves.toMatchObject({ name: 'ok' });
    expect((await loadError(file, { maxBytes: bytes - 1 })).code).toBe('too_large');
  });

  it('a file that says it is empty but is not (a /proc file) is read whole', async () => {
    // /proc/self/status says size 0; read to its end, it is a YAML map ("Name: node" …), and so a
    // mission without its fields, not an empty document.
    expect(fs.statSync('/proc/self/status').size).toBe(0);
    const e = await loadMission({ path: '/proc/self/status' }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(MissionValidationError);
    expect((e as MissionValidationError).errors.map((x) => [x.code, x.path])).toContainEqual([
      'missing_field',
      'version',
    ]);
  });

  it('a symlink to a regular file still loads, and runMission reads with the same bound', async () => {
    await expect(loadMission(at('link-to-ok.yaml'))).resolves.toMatchObject({ name: 'ok' });
    await expect(runMission(at('fifo.yaml'))).rejects.toBeInstanceOf(MissionValidationError);
    await expect(runMission({ path: at('zero.yaml') })).rejects.toBeInstanceOf(MissionValidationError);
  }, 10_000);
});

/** Runs the CLI, killing it if it has not ended within `ms` (a hang fails the test, not the suite). */
const cli = async (args: string[], ms = 20_000): Promise<CliResult> => {
  const running = startCli(args, { cwd: dir });
  const timer = setTimeout(() => running.child.kill('SIGKILL'), ms);
  try {
    return await running.done;
  } finally {
    clearTimeout(timer);
  }
};

describe('mission files through the CLI', () => {
  beforeAll(async () => {
    // Builds the CLI once, outside the timed cases.
    await cli(['validate', 'ok.yaml'], 240_000);
  }, 250_000);

  it.each([
    ['validate', 'zero.yaml', 'a character device'],
    ['validate', 'urandom.yaml', 'a character device'],
    ['validate', 'fifo.yaml', 'a FIFO'],
    ['run', 'fifo.yaml', 'a FIFO'],
    ['plan', 'zero.yaml', 'a character device'],
    ['validate', 'dir.yaml', 'is a directory'],
    ['validate', 'sparse.yaml', `larger than the limit of ${4 * MiB} bytes`],
  ])(
    'missionkit %s %s ends at once, saying %s',
    async (command, name, what) => {
      const res = await cli([command, name]);
      expect(res.signal).toBeNull();
      expect(res.code).not.toBe(0);
      expect(res.stdout + res.stderr).toContain(what);
    },
    25_000,
  );
});
