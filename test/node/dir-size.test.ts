// Size measurement, file listing and PATH lookup against a real temporary tree.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  FindOutputCounter,
  hasGnuFind,
  listFiles,
  measurePaths,
  measureWithFind,
  measureWithNode,
  projectLevels,
} from '../../src/node/dir-size.js';
import { which } from '../../src/node/which.js';
import { NO_FILTER, type FileFilter } from '../../src/plan/file-filter.js';

let root: string;
/** Every regular file written, relative to root, with its size. */
const written = new Map<string, number>();

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-dir-size-'));
  const put = (rel: string, size: number): void => {
    fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), 'x'.repeat(size));
    written.set(rel, size);
  };
  for (let a = 0; a < 6; a++)
    for (let b = 0; b < 5; b++)
      for (let c = 0; c < 12; c++)
        put(`pkg${a}/sub${b}/f${c}.${['go', 'md', 'txt'][c % 3]}`, a * 100 + b * 10 + c);
  put('vendor/lib/v.go', 5000);
  put('.hidden/h.go', 7);
  put('top.md', 321);
  fs.symlinkSync(path.join(root, 'pkg0'), path.join(root, 'link-to-pkg0'));
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const truth = (keep: (rel: string) => boolean): { bytes: number; files: number } => {
  let bytes = 0;
  let files = 0;
  for (const [rel, size] of written)
    if (keep(rel)) {
      bytes += size;
      files++;
    }
  return { bytes, files };
};

const cases: ReadonlyArray<[string, ReadonlyArray<string>, FileFilter, (rel: string) => boolean]> = [
  ['the whole tree (symlinks not followed)', ['.'], NO_FILTER, () => true],
  [
    'only *.go and *.md (grep --include, find -name)',
    ['.'],
    { include: ['*.go', '*.md'], exclude: [], exclude_dirs: [] },
    (r) => /\.(go|md)$/.test(r),
  ],
  [
    'without vendor/ (grep --exclude-dir)',
    ['.'],
    { include: ['*.go'], exclude: [], exclude_dirs: ['vendor'] },
    (r) => r.endsWith('.go') && !r.startsWith('vendor/'),
  ],
  [
    'without *.txt',
    ['pkg1', 'pkg2'],
    { include: [], exclude: ['*.txt'], exclude_dirs: [] },
    (r) => /^pkg[12]\//.test(r) && !r.endsWith('.txt'),
  ],
  [
    'a file named directly',
    ['top.md', 'pkg0/sub0'],
    NO_FILTER,
    (r) => r === 'top.md' || r.startsWith('pkg0/sub0/'),
  ],
  [
    'path globs (node engine only)',
    ['.'],
    { include: ['pkg1/**/*.go'], exclude: [], exclude_dirs: [] },
    (r) => r.startsWith('pkg1/') && r.endsWith('.go'),
  ],
];

describe.each([
  ['node', measureWithNode],
  ['auto (GNU find where present)', measurePaths],
] as const)('measure with %s', (_name, measure) => {
  test.each(cases)('%s', async (_what, paths, filter, keep) => {
    const m = await measure(paths, { cwd: root, filter, budget_ms: 60_000 });
    expect(m).toMatchObject({ ...truth(keep), complete: true, missing: [] });
  });

  test('missing paths are reported and count for nothing', async () => {
    const m = await measure(['nope', 'top.md'], { cwd: root, filter: NO_FILTER, budget_ms: 60_000 });
    expect(m).toMatchObject({ bytes: 321, files: 1, missing: ['nope'] });
  });
});

test('the find engine agrees with the truth wherever GNU find is installed', async () => {
  if (!(await hasGnuFind())) return; // macOS, Windows: the Node engine above is what runs there
  const m = await measureWithFind(['.'], { cwd: root, filter: NO_FILTER, budget_ms: 60_000 });
  expect(m).toMatchObject({ ...truth(() => true), complete: true, method: 'find' });
});

test('a budget that runs out stops the Node walk and extrapolates from what it found', async () => {
  const m = await measureWithNode(['.'], { cwd: root, filter: NO_FILTER, budget_ms: 0 });
  expect(m.complete).toBe(false);
  const walked = m.walked!;
  // Breadth first: the root was read (top.md), its 8 subdirectories are queued.
  expect(walked).toEqual({ directories: 1, pending_directories: 8, files: 1, bytes: 321 });
  expect(m).toMatchObject({ directories: 9, files: 9, bytes: 321 * 9 });
});

describe('extrapolating a cut walk, depth by depth', () => {
  // A root with 4 directories (1 file of 50 bytes each), each with 3 subdirectories of 10 files of 100 bytes:
  // 124 files, 12,200 bytes, 17 directories in all.
  test('a depth-first walk cut inside the second directory projects the whole tree', () => {
    const levels = [
      { entered: 1, files: 0, bytes: 0, children: 4 },
      { entered: 2, files: 2, bytes: 100, children: 6 },
      { entered: 4, files: 40, bytes: 4_000, children: 0 },
    ];
    expect(projectLevels(levels, 1)).toEqual({ files: 124, bytes: 12_200, directories: 17, pending: 4 });
  });

  test('a breadth-first walk cut after the first depth uses the nearest depth it knows', () => {
    const levels = [
      { entered: 1, files: 0, bytes: 0, children: 4 },
      { entered: 4, files: 4, bytes: 200, children: 12 },
      { entered: 3, files: 30, bytes: 3_000, children: 0 },
    ];
    expect(projectLevels(levels, 1)).toEqual({ files: 124, bytes: 12_200, directories: 17, pending: 9 });
  });

  test("find's output is counted depth by depth, from `d <depth> <links>` and `<depth> <size>` lines", () => {
    const c = new FindOutputCounter();
    c.push('d 0 4\n1 10\n1 2');
    c.push('0\nd 1 2\n2 5\n');
    expect({ files: c.files, bytes: c.bytes, directories: c.directories }).toEqual({
      files: 3,
      bytes: 35,
      directories: 2,
    });
    expect(c.levels).toEqual([
      { entered: 1, files: 2, bytes: 30, children: 2 },
      { entered: 1, files: 1, bytes: 5, children: 0 },
    ]);
    expect(c.canProject(false)).toBe(true);
    expect(c.canProject(true)).toBe(false);
    expect(projectLevels(c.levels, 1)).toEqual({ files: 4, bytes: 40, directories: 3, pending: 1 });
    c.push('d 1 1\n');
    expect(c.canProject(false)).toBe(false);
  });
});

describe('listFiles', () => {
  test('names files as the command would, sorted, with the filter applied', async () => {
    const listed = await listFiles(['.', 'missing'], {
      cwd: root,
      filter: { include: ['*.go'], exclude: [], exclude_dirs: ['vendor', '.hidden'] },
    });
    expect(listed.missing).toEqual(['missing']);
    expect(listed.files).toHaveLength(6 * 5 * 4);
    expect(listed.files[0]).toBe('./pkg0/sub0/f0.go');
    expect(listed.files).toEqual([...listed.files].sort());
    expect(listed.files.some((f) => f.includes('link-to-pkg0'))).toBe(false);
  });

  test('a named file stands for itself; a named symlink to a directory is followed', async () => {
    const listed = await listFiles(['top.md', 'link-to-pkg0/sub1'], { cwd: root, filter: NO_FILTER });
    expect(listed.files).toContain('top.md');
    expect(listed.files).toContain('link-to-pkg0/sub1/f0.go');
  });

  test('stops when its signal fires', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      listFiles(['.'], { cwd: root, filter: NO_FILTER, signal: controller.signal }),
    ).rejects.toThrow('stop');
  });
});

describe('which', () => {
  const env = { PATH: process.env['PATH'] ?? '' };
  test('finds a program on PATH and not one that is missing', async () => {
    expect(await which('sh', env, root)).toMatch(/\/sh$/);
    expect(await which('missionkit-no-such-program', env, root)).toBeUndefined();
    expect(await which('sh', { PATH: root }, root)).toBeUndefined();
  });

  test('a path is checked where it points, and must be executable', async () => {
    const script = path.join(root, 'run.sh');
    fs.writeFileSync(script, '#!/bin/sh\n', { mode: 0o644 });
    expect(await which('./run.sh', env, root)).toBeUndefined();
    fs.chmodSync(script, 0o755);
    expect(await which('./run.sh', env, root)).toBe(script);
    expect(await which('./pkg0', env, root)).toBeUndefined();
  });
});
