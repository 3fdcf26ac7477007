// The file step types, end to end through runTestMission (in-memory file system) and directly
// against a real temporary directory (symlinks, permissions, atomic replacement).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { MissionValidationError } from '../../src/mission/errors.js';
import { nodeFileSystem } from '../../src/node/node-filesystem.js';
import type { AnyStepType, StepOutcome, StepType } from '../../src/ports/step-type.js';
import { copyFileStep } from '../../src/steps/copy-file.js';
import { createFileStep } from '../../src/steps/create-file.js';
import { deleteFileStep } from '../../src/steps/delete-file.js';
import { editFileStep } from '../../src/steps/edit-file.js';
import { listDirectoryStep } from '../../src/steps/list-directory.js';
import { moveFileStep } from '../../src/steps/move-file.js';
import { readFileStep } from '../../src/steps/read-file.js';
import { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { asRuntimeGives, contextFor, tempDir } from './support.js';

const mission = (steps: string, extra = ''): string => `version: "1.0"
name: files
steps:
${steps}${extra}`;

const step = (id: string, type: string, params: string, more = ''): string =>
  `  - id: ${id}\n    name: ${id}\n    step_type: ${type}\n    parameters: ${params}\n${more}`;

const result = (report: { steps: ReadonlyArray<{ id: string }> }, id: string) =>
  report.steps.find((s) => s.id === id) as unknown as {
    status: string;
    output?: Record<string, unknown>;
    message?: string;
    hint?: string;
    warnings?: ReadonlyArray<string>;
    attempts: ReadonlyArray<unknown>;
  };

/** Runs one step type directly, with its parameters decoded by its own codec. */
const runStep = async <P>(
  type: StepType<P>,
  raw: unknown,
  options: Parameters<typeof contextFor>[0],
): Promise<StepOutcome> => {
  const decoded = (type.parameters as t.Type<P, unknown, unknown>).decode(raw);
  if (isLeft(decoded)) throw new Error(`parameters did not decode: ${JSON.stringify(raw)}`);
  const { ctx } = contextFor(options);
  return type.run(ctx, asRuntimeGives(type, decoded.right, ctx.variables));
};

describe('edit_file', () => {
  it('replaces, appends (append: true and RustChain’s operation: "append"), substituting {variables}', async () => {
    const { report, fs: mem } = await runTestMission(
      mission(
        step('replace', 'edit_file', '{ path: notes.txt, content: "v2 by {who}" }') +
          step(
            'append',
            'edit_file',
            '{ path: notes.txt, content: "\\n+1", append: true }',
            '    depends_on: [replace]\n',
          ) +
          step(
            'rustchain_append',
            'edit_file',
            '{ path: notes.txt, content: "\\n+2", operation: "append" }',
            '    depends_on: [append]\n',
          ),
        'variables: { who: "ada" }\n',
      ),
      { files: { 'notes.txt': 'v1' } },
    );
    expect(report.status).toBe('succeeded');
    expect((mem as MemoryFileSystem).text('/mission/notes.txt')).toBe('v2 by ada\n+1\n+2');
    expect(result(report, 'replace').output).toMatchObject({ mode: 'replace', created: false });
    expect(result(report, 'rustchain_append').output).toMatchObject({ mode: 'append', bytes: 15 });
  });

  it('creates a missing file (RustChain wrote it too), and says so', async () => {
    const { report, fs: mem } = await runTestMission(
      mission(step('log', 'edit_file', '{ path: logs/run.log, content: "start", append: true }')),
    );
    expect(result(report, 'log').output).toMatchObject({ created: true, mode: 'append' });
    expect((mem as MemoryFileSystem).text('/mission/logs/run.log')).toBe('start');
  });

  it('refuses `operation` contradicting `append` at load time', async () => {
    const err = (await runTestMission(
      mission(step('e', 'edit_file', '{ path: a, content: b, append: false, operation: "append" }')),
    ).catch((e: unknown) => e)) as MissionValidationError;
    expect(err).toBeInstanceOf(MissionValidationError);
    expect(err.errors[0]).toMatchObject({
      path: 'steps[0].parameters.operation',
      message: '`operation: "append"` contradicts `append: false`: keep one of them',
    });
  });

  it('refuses an unknown operation with the ones it knows', async () => {
    const err = (await runTestMission(
      mission(step('e', 'edit_file', '{ path: a, content: b, operation: "prepend" }')),
    ).catch((e: unknown) => e)) as MissionValidationError;
    expect(err.errors[0]!.path).toBe('steps[0].parameters.operation');
    expect(err.errors[0]!.expected).toMatch(/append.*replace/);
  });
});

describe('read_file', () => {
  it('outputs the content, which later steps read as {<id>_result}', async () => {
    const { report, fs: mem } = await runTestMission(
      mission(
        step('read', 'read_file', '{ path: input.txt }') +
          step(
            'write',
            'create_file',
            '{ path: out.txt, content: "got: {read_result}" }',
            '    depends_on: [read]\n',
          ),
      ),
      { files: { 'input.txt': 'line 1\nline 2\n' } },
    );
    expect(result(report, 'read').output).toMatchObject({
      content: 'line 1\nline 2\n',
      bytes: 14,
      encoding: 'utf8',
    });
    expect((mem as MemoryFileSystem).text('/mission/out.txt')).toBe('got: line 1\nline 2\n');
  });

  it('fails a missing file with a hint, and a file over max_bytes without reading it', async () => {
    const { report } = await runTestMission(
      mission(
        step('missing', 'read_file', '{ path: nope.txt }', '    continue_on_error: true\n') +
          step('big', 'read_file', '{ path: big.txt, max_bytes: 4 }', '    continue_on_error: true\n'),
      ),
      { files: { 'big.txt': '12345' } },
    );
    expect(result(report, 'missing').message).toBe(
      'could not read /mission/nope.txt: no such file or directory (ENOENT)',
    );
    expect(result(report, 'missing').hint).toMatch(/depends_on/);
    expect(result(report, 'big').message).toBe('/mission/big.txt is 5 bytes, more than max_bytes (4)');
  });

  it('reads binary as base64 and warns about invalid UTF-8 as text', async () => {
    const mem = new MemoryFileSystem({ '/mission/bin': new Uint8Array([0xff, 0x00, 0x41]) });
    const b64 = await runStep(readFileStep, { path: 'bin', encoding: 'base64' }, { fs: mem });
    expect(b64.output).toMatchObject({ content: '/wBB' });
    const text = await runStep(readFileStep, { path: 'bin' }, { fs: mem });
    expect(text.status).toBe('succeeded_with_warnings');
    expect(text.warnings?.[0]).toMatch(/not valid UTF-8.*encoding: base64/);
  });
});

describe('copy_file, move_file, delete_file', () => {
  it('copies, moves and deletes, reporting what they did', async () => {
    const { report, fs: mem } = await runTestMission(
      mission(
        step('copy', 'copy_file', '{ source: a.txt, destination: backup/a.txt }') +
          step(
            'move',
            'move_file',
            '{ source: a.txt, destination: moved/b.txt }',
            '    depends_on: [copy]\n',
          ) +
          step('delete', 'delete_file', '{ path: backup/a.txt }', '    depends_on: [move]\n'),
      ),
      { files: { 'a.txt': 'alpha' } },
    );
    expect(report.status).toBe('succeeded');
    expect((mem as MemoryFileSystem).list()).toEqual(['/mission/moved/b.txt']);
    expect(result(report, 'copy').output).toEqual({
      source: '/mission/a.txt',
      destination: '/mission/backup/a.txt',
      bytes: 5,
    });
    expect(result(report, 'delete').output).toEqual({
      path: '/mission/backup/a.txt',
      deleted: true,
      kind: 'file',
    });
  });

  it('explains the usual failures', async () => {
    const { report } = await runTestMission(
      mission(
        [
          step('no_source', 'copy_file', '{ source: missing.txt, destination: x.txt }'),
          step('no_overwrite', 'copy_file', '{ source: a.txt, destination: b.txt, overwrite: false }'),
          step('into_dir', 'copy_file', '{ source: a.txt, destination: dir }'),
          step('copy_dir', 'copy_file', '{ source: dir, destination: dir2 }'),
          step('delete_missing', 'delete_file', '{ path: gone.txt }'),
          step('delete_missing_ok', 'delete_file', '{ path: gone.txt, missing_ok: true }'),
          step('delete_dir', 'delete_file', '{ path: dir }'),
          step('delete_root', 'delete_file', '{ path: "." }'),
          step('move_root', 'move_file', '{ source: ".", destination: elsewhere }'),
        ]
          .map((s) => `${s}    continue_on_error: true\n`)
          .join(''),
        'config: { fail_fast: false }\n',
      ),
      { files: { 'a.txt': 'a', 'b.txt': 'b', 'dir/inner.txt': 'i' } },
    );
    expect(result(report, 'no_source').message).toBe(
      'could not copy /mission/missing.txt: the source does not exist',
    );
    expect(result(report, 'no_overwrite').message).toMatch(
      /a file is already there and `overwrite` is false/,
    );
    expect(result(report, 'into_dir').message).toBe('could not copy to /mission/dir: it is a directory');
    expect(result(report, 'into_dir').hint).toBe('give the full destination path, such as "dir/a.txt"');
    expect(result(report, 'copy_dir').hint).toMatch(/cp -R/);
    expect(result(report, 'delete_missing').hint).toMatch(/missing_ok: true/);
    expect(result(report, 'delete_missing_ok')).toMatchObject({
      status: 'succeeded',
      output: { deleted: false },
    });
    expect(result(report, 'delete_dir').message).toMatch(/directory not empty \(ENOTEMPTY\)/);
    expect(result(report, 'delete_dir').hint).toMatch(/recursive: true/);
    expect(result(report, 'delete_root').message).toMatch(
      /refusing to delete \/mission: it is the working directory/,
    );
    expect(result(report, 'move_root').message).toMatch(/refusing to move \/mission/);
  });

  it('deletes a directory tree with recursive: true', async () => {
    const { report, fs: mem } = await runTestMission(
      mission(step('rm', 'delete_file', '{ path: build, recursive: true }')),
      { files: { 'build/a/b.o': '1', 'build/c.o': '2', 'keep.txt': 'k' } },
    );
    expect(report.status).toBe('succeeded');
    expect((mem as MemoryFileSystem).list()).toEqual(['/mission/keep.txt']);
  });
});

describe('list_directory', () => {
  it('lists entries sorted, with kind and size; recursively with relative paths', async () => {
    const files = { 'src/b.ts': 'bb', 'src/a.ts': 'a', 'src/lib/c.ts': 'ccc', 'README.md': '#' };
    const { report } = await runTestMission(
      mission(
        step('flat', 'list_directory', '{ path: src }') +
          step('tree', 'list_directory', '{ recursive: true }'),
      ),
      { files },
    );
    expect(result(report, 'flat').output).toEqual({
      path: '/mission/src',
      entries: [
        { name: 'a.ts', kind: 'file', size: 1 },
        { name: 'b.ts', kind: 'file', size: 2 },
        { name: 'lib', kind: 'directory', size: 0 },
      ],
    });
    expect((result(report, 'tree').output!['entries'] as Array<{ name: string }>).map((e) => e.name)).toEqual(
      ['README.md', 'src', 'src/a.ts', 'src/b.ts', 'src/lib', 'src/lib/c.ts'],
    );
  });

  it('stops at max_entries with a warning', async () => {
    const { report } = await runTestMission(mission(step('ls', 'list_directory', '{ max_entries: 2 }')), {
      files: { a: '1', b: '2', c: '3' },
    });
    expect(result(report, 'ls')).toMatchObject({
      status: 'succeeded_with_warnings',
      output: { truncated: true },
    });
    expect(result(report, 'ls').warnings?.[0]).toMatch(/max_entries \(2\)/);
  });
});

describe('confinement', () => {
  const refused = async (type: AnyStepType, raw: unknown, cwd: string, allowed: string[] = []) => {
    const out = await runStep(type, raw, { cwd, allowedPaths: allowed, fs: nodeFileSystem });
    expect(out).toMatchObject({ status: 'failed', failure_kind: 'invalid_input', retryable: false });
    return out;
  };

  let root: string;
  let outside: string;
  beforeEach(() => {
    root = tempDir();
    outside = tempDir('missionkit-outside-');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('refuses `..`, absolute paths and symlinks that leave the working directory', async () => {
    const dotdot = await refused(readFileStep, { path: `../${path.basename(outside)}/secret.txt` }, root);
    expect(dotdot.message).toMatch(/outside the working directory/);
    expect(dotdot.hint).toMatch(/allowed_paths/);
    await refused(readFileStep, { path: path.join(outside, 'secret.txt') }, root);
    await refused(createFileStep, { path: path.join(outside, 'new.txt'), content: 'x' }, root);
    fs.symlinkSync(outside, path.join(root, 'link'));
    const viaLink = await refused(createFileStep, { path: 'link/new.txt', content: 'x' }, root);
    expect(viaLink.message).toMatch(/leads through a symlink to .* outside the working directory/);
    await refused(readFileStep, { path: 'link/secret.txt' }, root);
    await refused(copyFileStep, { source: 'link/secret.txt', destination: 'stolen.txt' }, root);
    await refused(copyFileStep, { source: 'x', destination: '../x' }, root);
    await refused(moveFileStep, { source: 'link/secret.txt', destination: 'x' }, root);
    await refused(deleteFileStep, { path: 'link/secret.txt' }, root);
    await refused(editFileStep, { path: 'link/secret.txt', content: 'pwned' }, root);
    await refused(listDirectoryStep, { path: 'link' }, root);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('refuses Windows reserved names and device paths on every platform', async () => {
    for (const p of ['CON', 'nul.txt', 'logs/aux', 'COM1.log', 'LPT9', '\\\\.\\pipe\\x', '\\\\?\\C:\\x']) {
      const out = await refused(createFileStep, { path: p, content: 'x' }, root);
      expect(out.message).toMatch(/names a device/);
    }
  });

  it('allows what allowed_paths lists, and a symlink that stays inside', async () => {
    const read = await runStep(
      readFileStep,
      { path: path.join(outside, 'secret.txt') },
      { cwd: root, allowedPaths: [outside], fs: nodeFileSystem },
    );
    expect(read.output).toMatchObject({ content: 'secret' });
    fs.mkdirSync(path.join(root, 'real'));
    fs.writeFileSync(path.join(root, 'real', 'f.txt'), 'inside');
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    const viaAlias = await runStep(readFileStep, { path: 'alias/f.txt' }, { cwd: root, fs: nodeFileSystem });
    expect(viaAlias.output).toMatchObject({ content: 'inside' });
    const listed = await runStep(listDirectoryStep, { recursive: true }, { cwd: root, fs: nodeFileSystem });
    // The symlink is listed as such and not followed.
    expect(listed.output).toMatchObject({
      entries: [
        { name: 'alias', kind: 'symlink' },
        { name: 'real', kind: 'directory' },
        { name: 'real/f.txt', kind: 'file', size: 6 },
      ],
    });
  });

  it('substitutes {variables} in paths before checking them', async () => {
    const sub = await runStep(
      readFileStep,
      { path: '{dir}/secret.txt' },
      { cwd: root, fs: nodeFileSystem, variables: { dir: `../${path.basename(outside)}` } },
    );
    expect(sub).toMatchObject({ status: 'failed', failure_kind: 'invalid_input' });
    expect(sub.message).toMatch(
      /^path "\.\.\/missionkit-outside-\w+\/secret\.txt" resolves to .* outside the working directory$/,
    );
  });
});

describe('atomic writes on the real file system', () => {
  let root: string;
  beforeEach(() => (root = tempDir()));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a reader sees the old content or the new, never half a file', async () => {
    const file = path.join(root, 'big.txt');
    fs.writeFileSync(file, 'old');
    const fresh = 'n'.repeat(16 * 1024 * 1024);
    let done = false;
    const writing = nodeFileSystem.writeFileAtomic(file, fresh).finally(() => (done = true));
    const seen = new Set<number>();
    while (!done) {
      seen.add(fs.readFileSync(file).length);
      await new Promise((r) => setImmediate(r));
    }
    await writing;
    seen.add(fs.readFileSync(file).length);
    for (const size of seen) expect([3, fresh.length]).toContain(size);
    expect(seen.has(fresh.length)).toBe(true);
  });

  it('a failed write leaves the old file (or nothing) and no temporary file behind', async () => {
    // The destination is a directory with content: the rename fails after the data was written.
    fs.mkdirSync(path.join(root, 'target'));
    fs.writeFileSync(path.join(root, 'target', 'keep'), 'k');
    const out = await runStep(
      createFileStep,
      { path: 'target', content: 'data' },
      { cwd: root, fs: nodeFileSystem },
    );
    expect(out).toMatchObject({ status: 'failed', failure_kind: 'io_error' });
    expect(out.message).toMatch(/^could not write .*target: /);
    expect(fs.readdirSync(root)).toEqual(['target']);
    expect(fs.readdirSync(path.join(root, 'target'))).toEqual(['keep']);

    // A parent that is a file: nothing is created at all.
    fs.writeFileSync(path.join(root, 'plain'), 'p');
    const under = await runStep(
      editFileStep,
      { path: 'plain/x.txt', content: 'x' },
      { cwd: root, fs: nodeFileSystem },
    );
    expect(under).toMatchObject({ status: 'failed', failure_kind: 'io_error' });
    expect(fs.readdirSync(root).sort()).toEqual(['plain', 'target']);
  });

  it('keeps an edited file’s permissions, and copies and moves through the port', async () => {
    const script = path.join(root, 'run.sh');
    fs.writeFileSync(script, '#!/bin/sh\necho 1\n', { mode: 0o755 });
    await runStep(
      editFileStep,
      { path: 'run.sh', content: 'echo 2\n', append: true },
      { cwd: root, fs: nodeFileSystem },
    );
    expect(fs.readFileSync(script, 'utf8')).toBe('#!/bin/sh\necho 1\necho 2\n');
    if (process.platform !== 'win32') expect(fs.statSync(script).mode & 0o777).toBe(0o755);

    const copied = await runStep(
      copyFileStep,
      { source: 'run.sh', destination: 'bin/run.sh' },
      { cwd: root, fs: nodeFileSystem },
    );
    expect(copied.status).toBe('succeeded');
    const moved = await runStep(
      moveFileStep,
      { source: 'bin', destination: 'tools/bin' },
      { cwd: root, fs: nodeFileSystem },
    );
    expect(moved.output).toMatchObject({ kind: 'directory' });
    expect(fs.readFileSync(path.join(root, 'tools', 'bin', 'run.sh'), 'utf8')).toContain('echo 2');
    const removed = await runStep(
      deleteFileStep,
      { path: 'tools', recursive: true },
      { cwd: root, fs: nodeFileSystem },
    );
    expect(removed.status).toBe('succeeded');
    expect(fs.readdirSync(root)).toEqual(['run.sh']);
  });
});

describe('MemoryFileSystem', () => {
  it('lists, removes, renames and copies like a real file system', async () => {
    const mem = new MemoryFileSystem({ '/w/a.txt': 'a', '/w/d/b.txt': 'b', '/w/d/e/c.txt': 'c' });
    expect([...(await mem.readDirectory('/w'))].sort()).toEqual(['a.txt', 'd']);
    await expect(mem.readDirectory('/w/a.txt')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(mem.remove('/w/d', { recursive: false })).rejects.toMatchObject({ code: 'ENOTEMPTY' });
    await mem.rename('/w/d', '/w/x/d');
    expect(mem.list()).toEqual(['/w/a.txt', '/w/x/d/b.txt', '/w/x/d/e/c.txt']);
    await expect(mem.rename('/w/x', '/w/x/inside')).rejects.toMatchObject({ code: 'EINVAL' });
    await mem.copyFileAtomic('/w/a.txt', '/w/copy/a.txt');
    expect(mem.text('/w/copy/a.txt')).toBe('a');
    await expect(mem.copyFileAtomic('/w/x', '/w/y')).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(mem.writeFileAtomic('/w/a.txt/under', 'x')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await mem.remove('/w/x', { recursive: true });
    expect(mem.list()).toEqual(['/w/a.txt', '/w/copy/a.txt']);
    await expect(mem.remove('/w/nothing', { recursive: false })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
