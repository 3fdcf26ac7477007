// Classifying commands for the adaptive timeout, and reading what they read.
import { commandReads, readPaths } from '../../src/plan/command-reads.js';
import { classifyOperation, effectiveCommand, programName } from '../../src/plan/operations.js';

describe('classifyOperation', () => {
  test.each([
    ['grep', ['-r', 'x', '.'], 'search', 'grep'],
    ['/usr/bin/rg', ['x'], 'search', 'rg'],
    ['find', ['.', '-name', '*.go'], 'search', 'find'],
    ['du', ['-sh', '.'], 'search', 'du'],
    ['fd', ['x'], 'search', 'fd'],
    ['C:\\tools\\rg.exe', ['x'], 'search', 'rg'],
    ['git', ['grep', 'TODO'], 'search', 'git grep'],
    ['cargo', ['build', '--release'], 'build', 'cargo build'],
    ['go', ['test', './...'], 'build', 'go test'],
    ['go', ['version'], 'other', 'go'],
    ['npm', ['run', 'build'], 'build', 'npm run build'],
    ['tsc', ['-p', '.'], 'build', 'tsc'],
    ['make', [], 'build', 'make'],
    ['mvn', ['package'], 'build', 'mvn package'],
    ['./gradlew', ['assemble'], 'build', 'gradlew assemble'],
    ['curl', ['-s', 'http://x'], 'other', 'curl'],
    ['python', ['script.py'], 'other', 'python'],
  ] as const)('%s %j is %s (%s)', (command, args, kind, name) => {
    expect(classifyOperation(command, args)).toMatchObject({ kind, name });
  });

  test('sees through a shell command line and wrappers', () => {
    expect(classifyOperation('grep -r TODO . | wc -l', [], true)).toMatchObject({
      kind: 'search',
      name: 'grep',
    });
    expect(classifyOperation('sudo', ['make', 'install'])).toMatchObject({
      kind: 'build',
      name: 'make install',
    });
    expect(effectiveCommand('env', ['A=1', 'B=2', 'cargo', 'test'])).toEqual({
      command: 'cargo',
      args: ['test'],
    });
    expect(programName('RG.EXE')).toBe('rg');
  });
});

describe('commandReads', () => {
  test("the roadmap's problem grep: pattern, path, and what --include keeps", () => {
    const args = ['-r', 'API_KEY\\|SECRET\\|PASSWORD\\|TOKEN', '.', '--include=*.go', '--include=*.md'];
    const r = commandReads('grep', args);
    expect(r.operands).toEqual([2]);
    expect(readPaths(r)).toEqual(['.']);
    expect(r.filter).toEqual({ include: ['*.go', '*.md'], exclude: [], exclude_dirs: [] });
    expect(r.chunk_flags).toEqual(['-H']);
  });

  test('grep: -e makes every operand a path; a recursive grep with no path reads .', () => {
    expect(readPaths(commandReads('grep', ['-rn', '-e', 'x', 'src', 'lib']))).toEqual(['src', 'lib']);
    expect(readPaths(commandReads('grep', ['-r', 'x']))).toEqual(['.']);
    expect(readPaths(commandReads('grep', ['x']))).toEqual([]);
    expect(commandReads('grep', ['-rl', '--exclude-dir', 'vendor', 'x', '.']).filter.exclude_dirs).toEqual([
      'vendor',
    ]);
    expect(commandReads('grep', ['-A', '3', 'x', 'f.txt']).operands).toEqual([3]);
    expect(commandReads('grep', ['-h', '-r', 'x', '.']).chunk_flags).toEqual([]);
    expect(commandReads('grep', ['x', 'one.txt']).chunk_flags).toEqual([]);
  });

  test('find: the paths before the expression, its -name tests, and -exec … ; as a process per file', () => {
    const fix1 = ['.', '-name', '*.go', '-o', '-name', '*.md', '-exec', 'grep', '-l', 'X', '{}', ';'];
    const r = commandReads('find', fix1);
    expect(r.operands).toEqual([0]);
    expect(r.filter.include).toEqual(['*.go', '*.md']);
    expect(r.process_per_file).toBe(true);
    const grouped = [
      '.',
      '(',
      '-name',
      '*.db',
      '-o',
      '-iname',
      '*.LOG',
      ')',
      '-exec',
      'ls',
      '-la',
      '{}',
      '+',
    ];
    const g = commandReads('find', grouped);
    expect(g.filter.include).toEqual(['*.db', '*.[lL][oO][gG]']);
    expect(g.process_per_file).toBe(false);
    // Anything that narrows otherwise (a size, a negation, -type d) means no name filter.
    expect(commandReads('find', ['.', '-name', '*.go', '-size', '+1M']).filter.include).toEqual([]);
    expect(commandReads('find', ['.', '!', '-name', '*.go']).filter.include).toEqual([]);
    expect(commandReads('find', ['.', '-name', 'a', '-name', 'b']).filter.include).toEqual([]);
    expect(commandReads('find', ['-L', 'src', 'lib', '-type', 'f'])).toMatchObject({
      operands: [1, 2],
      insert_at: 1,
    });
    expect(readPaths(commandReads('find', ['-name', '*.go']))).toEqual(['.']);
  });

  test('rg, fd and du', () => {
    const rg = commandReads('rg', ['-g', '*.ts', '-g', '!*.d.ts', 'TODO', 'src']);
    expect(rg.operands).toEqual([5]);
    expect(rg.filter).toEqual({ include: ['*.ts'], exclude: ['*.d.ts'], exclude_dirs: [] });
    const fd = commandReads('fd', ['-e', 'md', 'readme', 'docs', '-x', 'wc', '-l']);
    expect(fd.paths).toEqual(['docs']);
    expect(fd.filter.include).toEqual(['*.md']);
    expect(fd.process_per_file).toBe(true);
    expect(commandReads('du', ['-sb', '--exclude=*.log', 'data']).paths).toEqual(['data']);
  });

  test('unknown programs: operands are only candidates (known: false)', () => {
    const r = commandReads('python', ['script.py', '--out', 'x']);
    expect(r.known).toBe(false);
    expect(r.paths).toEqual(['script.py', 'x']);
  });

  test('through a shell the paths are read but cannot be replaced by position', () => {
    const r = commandReads('grep -r TODO src | head', [], true);
    expect(r).toMatchObject({ known: false, operands: [], paths: ['src'] });
  });
});
