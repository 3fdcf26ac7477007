// Directories for reports and file steps: every missing level is made, and a place where the file
// system refuses new directories (under /proc, where Node's recursive mkdir retries forever) is
// an error naming the directory, returned at once.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeDirectory } from '../../src/node/make-directory';
import { nodeFileSystem } from '../../src/node/node-filesystem';

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-mkdir-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('makeDirectory', () => {
  it('makes every missing level, and accepts a directory that exists', async () => {
    const deep = path.join(dir, 'a', 'b', 'c');
    await makeDirectory(deep);
    expect(fs.statSync(deep).isDirectory()).toBe(true);
    await makeDirectory(deep);
    await makeDirectory(dir);
  });

  it('names the file that stands where a directory should be', async () => {
    fs.writeFileSync(path.join(dir, 'occupied'), 'a file');
    await expect(makeDirectory(path.join(dir, 'occupied', 'x'))).rejects.toMatchObject({
      code: 'ENOTDIR',
      message: `cannot create the directory ${path.join(dir, 'occupied')}: a file of that name is in the way (ENOTDIR)`,
    });
  });

  it('fails at once where the file system refuses new directories', async () => {
    const e = (await makeDirectory('/proc/missionkit-test/deeper').catch((x: unknown) => x)) as Error;
    expect(e.message).toMatch(/^cannot create the directory \/proc\/missionkit-test: /);
  });

  it('lets many writers make the same directories at once', async () => {
    const target = path.join(dir, 'x', 'y', 'z');
    await Promise.all(Array.from({ length: 8 }, () => makeDirectory(target)));
    expect(fs.statSync(target).isDirectory()).toBe(true);
  });
});

describe('the file system port', () => {
  it('writes a file under directories it makes, and refuses /proc with the directory named', async () => {
    await nodeFileSystem.writeFileAtomic(path.join(dir, 'r', 's', 'report.json'), '{}');
    expect(fs.readFileSync(path.join(dir, 'r', 's', 'report.json'), 'utf8')).toBe('{}');
    await expect(nodeFileSystem.writeFileAtomic('/proc/missionkit-test/report.json', '{}')).rejects.toThrow(
      /cannot create the directory \/proc\/missionkit-test/,
    );
  });
});
