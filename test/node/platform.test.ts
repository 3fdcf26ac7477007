// The platform differences are pure functions of the platform, so Windows and macOS are
// tested here on Linux: how a command is started, how a tree is signalled, how PATH is read.
import {
  escapeCmdArgument,
  hasPathSeparator,
  invocation,
  pathDelimiter,
  processTableSource,
  searchPath,
  shellKind,
  tracksEnvironmentMarker,
  treeSignalling,
  windowsCommandCandidates,
} from '../../src/node/platform.js';

describe('tree signalling and the process table', () => {
  it.each([
    ['linux', 'process-group', 'proc', true],
    ['darwin', 'process-group', 'ps', false],
    ['freebsd', 'process-group', 'ps', false],
    ['win32', 'taskkill', 'none', false],
  ] as const)('%s: signals by %s, reads the table from %s', (platform, signalling, table, marker) => {
    expect(treeSignalling(platform)).toBe(signalling);
    expect(processTableSource(platform)).toBe(table);
    expect(tracksEnvironmentMarker(platform)).toBe(marker);
  });
});

describe('PATH', () => {
  it('splits on `:` on POSIX and `;` on Windows, dropping empty entries', () => {
    expect(pathDelimiter('linux')).toBe(':');
    expect(pathDelimiter('win32')).toBe(';');
    expect(searchPath('darwin', { PATH: '/usr/bin::/bin:' })).toEqual(['/usr/bin', '/bin']);
    expect(searchPath('linux', {})).toEqual([]);
  });

  it('reads Windows variables whatever their case, and drops quotes around entries', () => {
    expect(searchPath('win32', { Path: 'C:\\bin;"C:\\Program Files\\node";' })).toEqual([
      'C:\\bin',
      'C:\\Program Files\\node',
    ]);
    expect(searchPath('linux', { Path: '/bin' })).toEqual([]);
  });

  it('takes a command with a separator as a path', () => {
    expect(hasPathSeparator('linux', './build.sh')).toBe(true);
    expect(hasPathSeparator('linux', 'go')).toBe(false);
    expect(hasPathSeparator('linux', 'dir\\go')).toBe(false);
    expect(hasPathSeparator('win32', 'dir\\go')).toBe(true);
    expect(hasPathSeparator('win32', 'dir/go')).toBe(true);
  });
});

describe('shellKind', () => {
  it.each([
    ['bash', 'posix'],
    ['/bin/zsh', 'posix'],
    ['sh', 'posix'],
    ['cmd', 'cmd'],
    ['cmd.exe', 'cmd'],
    ['C:\\Windows\\System32\\CMD.EXE', 'cmd'],
    ['powershell', 'powershell'],
    ['powershell.exe', 'powershell'],
    ['pwsh', 'powershell'],
    ['/usr/local/bin/pwsh', 'powershell'],
  ] as const)('%s is a %s shell', (shell, kind) => expect(shellKind(shell)).toBe(kind));
});

describe('windowsCommandCandidates', () => {
  const env = { Path: 'C:\\node;C:\\tools', PATHEXT: '.COM;.EXE;.BAT;.CMD' };

  it('tries the working directory, then PATH, each with the PATHEXT extensions', () => {
    expect(windowsCommandCandidates('npm', 'C:\\work', env)).toEqual([
      'C:\\work\\npm.com',
      'C:\\work\\npm.exe',
      'C:\\work\\npm.bat',
      'C:\\work\\npm.cmd',
      'C:\\node\\npm.com',
      'C:\\node\\npm.exe',
      'C:\\node\\npm.bat',
      'C:\\node\\npm.cmd',
      'C:\\tools\\npm.com',
      'C:\\tools\\npm.exe',
      'C:\\tools\\npm.bat',
      'C:\\tools\\npm.cmd',
    ]);
  });

  it('keeps an executable extension that is given', () => {
    expect(windowsCommandCandidates('npm.cmd', 'C:\\work', env)).toEqual([
      'C:\\work\\npm.cmd',
      'C:\\node\\npm.cmd',
      'C:\\tools\\npm.cmd',
    ]);
  });

  it('resolves a relative path from the working directory, not PATH', () => {
    expect(windowsCommandCandidates('.\\scripts\\build.bat', 'C:\\work', env)).toEqual([
      'C:\\work\\scripts\\build.bat',
    ]);
  });

  it('uses the documented PATHEXT when none is set', () => {
    expect(windowsCommandCandidates('x', 'C:\\w', {})).toEqual([
      'C:\\w\\x.com',
      'C:\\w\\x.exe',
      'C:\\w\\x.bat',
      'C:\\w\\x.cmd',
    ]);
  });
});

describe('escapeCmdArgument', () => {
  it('quotes and escapes cmd.exe metacharacters', () => {
    expect(escapeCmdArgument('plain', false)).toBe('^"plain^"');
    expect(escapeCmdArgument('a b', false)).toBe('^"a^ b^"');
    expect(escapeCmdArgument('a&b|c', false)).toBe('^"a^&b^|c^"');
    expect(escapeCmdArgument('say "hi"', false)).toBe('^"say^ \\^"hi\\^"^"');
    expect(escapeCmdArgument('C:\\dir\\', false)).toBe('^"C:\\dir\\\\^"');
    expect(escapeCmdArgument('100%', false)).toBe('^"100^%^"');
  });

  it('escapes twice for npm shims, which cmd.exe parses twice', () => {
    expect(escapeCmdArgument('a&b', true)).toBe('^^^"a^^^&b^^^"');
  });
});

describe('invocation', () => {
  const base = {
    command: 'go',
    args: ['build', '|', 'a b'],
    env: { ComSpec: 'C:\\Windows\\system32\\cmd.exe' },
  };

  it('POSIX without a shell: the program and its arguments, untouched', () => {
    expect(invocation('linux', { ...base, shell: false })).toEqual({
      file: 'go',
      args: ['build', '|', 'a b'],
      windowsVerbatimArguments: false,
    });
  });

  it('POSIX `shell: true`: /bin/sh -c with command and args joined by spaces', () => {
    expect(invocation('darwin', { ...base, shell: true })).toEqual({
      file: '/bin/sh',
      args: ['-c', 'go build | a b'],
      windowsVerbatimArguments: false,
    });
  });

  it('a named POSIX shell gets -c', () => {
    expect(invocation('linux', { ...base, command: 'echo $0', args: [], shell: 'bash' })).toEqual({
      file: 'bash',
      args: ['-c', 'echo $0'],
      windowsVerbatimArguments: false,
    });
  });

  it('Windows `shell: true`: %ComSpec% /d /s /c "script", passed verbatim', () => {
    expect(invocation('win32', { ...base, shell: true })).toEqual({
      file: 'C:\\Windows\\system32\\cmd.exe',
      args: ['/d', '/s', '/c', '"go build | a b"'],
      windowsVerbatimArguments: true,
    });
    expect(invocation('win32', { ...base, env: {}, shell: true }).file).toBe('cmd.exe');
  });

  it('Windows PowerShell: -Command with the script', () => {
    expect(
      invocation('win32', {
        ...base,
        command: 'Get-ChildItem',
        args: ['|', 'Measure-Object'],
        shell: 'powershell',
      }),
    ).toEqual({
      file: 'powershell',
      args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', 'Get-ChildItem | Measure-Object'],
      windowsVerbatimArguments: false,
    });
  });

  it('Windows: a resolved .exe is started directly', () => {
    expect(invocation('win32', { ...base, shell: false, resolved: 'C:\\go\\bin\\go.exe' })).toEqual({
      file: 'C:\\go\\bin\\go.exe',
      args: ['build', '|', 'a b'],
      windowsVerbatimArguments: false,
    });
  });

  it('Windows: a .cmd or .bat goes through cmd.exe, each argument escaped so `|` stays literal', () => {
    expect(
      invocation('win32', { ...base, command: 'build', shell: false, resolved: 'C:\\work\\build.cmd' }),
    ).toEqual({
      file: 'C:\\Windows\\system32\\cmd.exe',
      args: ['/d', '/s', '/c', '"C:\\work\\build.cmd ^"build^" ^"^|^" ^"a^ b^""'],
      windowsVerbatimArguments: true,
    });
  });

  it('Windows: an npm shim in node_modules\\.bin gets its arguments escaped twice', () => {
    const how = invocation('win32', {
      ...base,
      command: 'tsc',
      args: ['a&b'],
      shell: false,
      resolved: 'C:\\w\\node_modules\\.bin\\tsc.cmd',
    });
    expect(how.args[3]).toBe('"C:\\w\\node_modules\\.bin\\tsc.cmd ^^^"a^^^&b^^^""');
  });
});
