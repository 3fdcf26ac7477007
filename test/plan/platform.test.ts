// The platform resolver: every platform resolved on any machine, with PATH described by the test.
import { unescapeFindOperators } from '../../src/plan/find-escapes.js';
import { osOf, resolvePlatformCommand, type PlatformParams } from '../../src/plan/platform.js';

// The roadmap's fix 2, as decoded.
const fix2: PlatformParams = {
  platform_commands: {
    unix: {
      command: 'find',
      args: [
        '.',
        '\\(',
        '-name',
        '*.db',
        '-o',
        '-name',
        '*.log',
        '-o',
        '-name',
        '*.key',
        '\\)',
        '-exec',
        'ls',
        '-la',
        '{}',
        ';',
      ],
    },
    windows: {
      command: 'powershell',
      args: [
        '-Command',
        'Get-ChildItem -Path . -Include *.db,*.log,*.key -Recurse | Select-Object FullName,Mode,LastWriteTime',
      ],
    },
  },
  detect_platform: true,
};
const everywhere = (): boolean => true;

describe('osOf', () => {
  test.each([
    ['linux', 'linux', 'unix'],
    ['darwin', 'macos', 'unix'],
    ['macos', 'macos', 'unix'],
    ['win32', 'windows', 'windows'],
    ['windows', 'windows', 'windows'],
    ['freebsd', 'freebsd', 'unix'],
  ])('%s → %s (%s)', (platform, os, family) => {
    expect(osOf(platform)).toEqual({ os, family });
  });
});

describe('resolvePlatformCommand', () => {
  test.each([
    ['linux', 'unix', 'find'],
    ['darwin', 'unix', 'find'],
    ['freebsd', 'unix', 'find'],
    ['win32', 'windows', 'powershell'],
  ])('fix 2 on %s runs the `%s` variant (%s)', (platform, source, command) => {
    expect(resolvePlatformCommand(fix2, platform, everywhere)).toMatchObject({
      _tag: 'resolved',
      source,
      command,
    });
  });

  test('the exact OS comes before its family, and a variant without args takes the step’s', () => {
    const p: PlatformParams = {
      args: ['-l'],
      platform_commands: { unix: { command: 'ls' }, macos: { command: 'gls', args: ['-la'] } },
    };
    expect(resolvePlatformCommand(p, 'darwin', everywhere)).toMatchObject({
      source: 'macos',
      command: 'gls',
      args: ['-la'],
    });
    expect(resolvePlatformCommand(p, 'linux', everywhere)).toMatchObject({
      source: 'unix',
      command: 'ls',
      args: ['-l'],
    });
    expect(resolvePlatformCommand(p, 'linux', everywhere)).toMatchObject({
      explanation: 'linux: `unix` variant: ls',
    });
  });

  test('a variant whose program is not on PATH gives way to the next candidate', () => {
    const p: PlatformParams = {
      platform_commands: { linux: { command: 'exa', args: ['-l'] }, unix: { command: 'ls', args: ['-l'] } },
      fallback_command: { command: 'busybox', args: ['ls'] },
    };
    const r = resolvePlatformCommand(p, 'linux', (c) => c !== 'exa');
    expect(r).toMatchObject({ _tag: 'resolved', source: 'unix', command: 'ls' });
    expect(r).toMatchObject({
      explanation: '`linux` variant skipped: `exa` is not on PATH; linux: `unix` variant: ls',
    });
    expect(resolvePlatformCommand(p, 'linux', (c) => c === 'busybox')).toMatchObject({
      source: 'fallback_command',
      command: 'busybox',
      args: ['ls'],
    });
  });

  test('the roadmap form `fallback_command: "ls"` is a program with the step’s args', () => {
    const p: PlatformParams = {
      platform_commands: { unix: { command: 'find', args: ['.'] } },
      fallback_command: 'ls',
    };
    expect(resolvePlatformCommand(p, 'win32', everywhere)).toMatchObject({
      source: 'fallback_command',
      command: 'ls',
      args: [],
    });
  });

  test('unknown answers (no lookup made) count as present', () => {
    expect(resolvePlatformCommand(fix2, 'linux', () => undefined)).toMatchObject({ command: 'find' });
  });

  test('nothing fits: the error names the platform and every variant it had', () => {
    const unixOnly: PlatformParams = { platform_commands: { unix: { command: 'find', args: ['.'] } } };
    expect(resolvePlatformCommand(unixOnly, 'win32', everywhere)).toEqual({
      _tag: 'unresolved',
      os: 'windows',
      skipped: [],
      message:
        'no command to run on windows: `unix` is for linux, macos and other Unix-likes; there is no `fallback_command`',
      hint: 'add a `windows:` variant under `platform_commands`, or a `fallback_command`',
    });
    const r = resolvePlatformCommand(fix2, 'win32', (c) => c !== 'powershell');
    expect(r).toMatchObject({
      _tag: 'unresolved',
      message:
        'no command to run on windows: `windows` variant (`powershell`) is not on PATH; `unix` is for linux, macos and other Unix-likes; there is no `fallback_command`',
    });
    expect(r?._tag === 'unresolved' && r.hint).toContain('install `powershell`');
  });

  test('detect_platform: false uses the step’s own command, then the fallback', () => {
    expect(
      resolvePlatformCommand({ ...fix2, detect_platform: false, command: 'true' }, 'win32', everywhere),
    ).toMatchObject({
      source: 'command',
      command: 'true',
    });
    expect(resolvePlatformCommand({ ...fix2, detect_platform: false }, 'linux', everywhere)).toMatchObject({
      _tag: 'unresolved',
      message: expect.stringContaining(
        'detect_platform is false, so platform_commands (unix, windows) is not used',
      ),
    });
  });

  test('a plain command is not platform-aware', () => {
    expect(resolvePlatformCommand({ command: 'ls' }, 'linux', everywhere)).toBeUndefined();
  });

  test('with a shell the command line is not looked up on PATH', () => {
    const p: PlatformParams = { shell: true, platform_commands: { unix: { command: 'ls | wc -l' } } };
    expect(resolvePlatformCommand(p, 'linux', () => false)).toMatchObject({ _tag: 'resolved' });
  });
});

describe("find's shell-escaped operators", () => {
  test('reach find unescaped, with a note', () => {
    const r = unescapeFindOperators('find', fix2.platform_commands!.unix!.args!);
    expect(r.args).toEqual([
      '.',
      '(',
      '-name',
      '*.db',
      '-o',
      '-name',
      '*.log',
      '-o',
      '-name',
      '*.key',
      ')',
      '-exec',
      'ls',
      '-la',
      '{}',
      ';',
    ]);
    expect(r.note).toBe(
      'find: `\\(`, `\\)` written shell-escaped; passed to find as `(`, `)` (no shell runs this step)',
    );
  });

  test('other programs, and shells, get their arguments untouched', () => {
    expect(unescapeFindOperators('grep', ['\\(']).args).toEqual(['\\(']);
    expect(unescapeFindOperators('find', ['.', '\\('], true).args).toEqual(['.', '\\(']);
    expect(unescapeFindOperators('find', ['.', '-exec', 'rm', '{}', '\\;']).args).toEqual([
      '.',
      '-exec',
      'rm',
      '{}',
      ';',
    ]);
  });
});
