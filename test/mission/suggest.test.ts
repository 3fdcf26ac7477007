// The "did you mean" suggester and path rendering, in isolation.
import { formatPath } from '../../src/mission/path.js';
import { editDistance, suggest } from '../../src/mission/suggest.js';
import { splitShellWords } from '../../src/mission/shell-hints.js';

test.each([
  ['depnds_on', ['depends_on', 'description'], 'depends_on'],
  ['Command', ['command', 'create_file'], 'command'],
  ['timout_seconds', ['timeout_seconds', 'timeout_strategy'], 'timeout_seconds'],
  ['depends-on', ['depends_on'], 'depends_on'],
  ['nmae', ['name', 'id'], 'name'],
  ['read_file', ['command', 'create_file', 'noop'], undefined],
  ['sql_query', ['command', 'create_file', 'noop'], undefined],
  ['x', ['y'], undefined],
])('suggest(%s) is %s', (word, candidates, expected) => {
  expect(suggest(word, candidates)).toBe(expected);
});

test('edit distance counts a swap of neighbours as one edit and stops past its limit', () => {
  expect(editDistance('nmae', 'name', 3)).toBe(1);
  expect(editDistance('kitten', 'sitting', 5)).toBe(3);
  expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
});

test('paths render as in messages', () => {
  expect(formatPath([])).toBe('');
  expect(formatPath(['steps', 3, 'depends_on', 0])).toBe('steps[3].depends_on[0]');
  expect(formatPath(['variables', 'my key', 'x'])).toBe('variables["my key"].x');
  expect(formatPath(['tasks', '1'])).toBe('tasks["1"]');
});

test('shell words: quotes, escapes, and whether a shell is needed', () => {
  expect(splitShellWords(`grep -r 'Bearer' internal/auth/ --include='*.go'`)).toEqual({
    words: ['grep', '-r', 'Bearer', 'internal/auth/', '--include=*.go'],
    needsShell: false,
  });
  expect(splitShellWords('find . -name "*.db" -exec ls -la {} \\;')).toEqual({
    words: ['find', '.', '-name', '*.db', '-exec', 'ls', '-la', '{}', ';'],
    needsShell: false,
  });
  expect(splitShellWords('ls | wc -l').needsShell).toBe(true);
  expect(splitShellWords('echo "$(date)"').needsShell).toBe(true);
  expect(splitShellWords('echo "unterminated').needsShell).toBe(true);
});
