// The scanners that decide how a template in a shell command line is read: which reference each
// quoting context gets, and which contexts are refused, for sh, bash, fish, PowerShell and cmd.exe.
// (The real shells run the same cases in test/reliability/shell-injection.node.test.ts.)
import * as fc from 'fast-check';
import { MissionValidationError } from '../../src/mission/errors.js';
import { unsafeShellTemplates } from '../../src/mission/validate-templates.js';
import type { Step } from '../../src/mission/model.js';
import {
  renderReference,
  shellLanguage,
  shellScripts,
  shellTemplates,
  type ScriptPiece,
} from '../../src/plan/shell-templates.js';
import { expandStepParameters } from '../../src/runtime/expand-parameters.js';
import { runTestMission } from '../../src/testing/index.js';

const V = '{{ variables.v }}';
const CODE = '{{ steps.a.exit_code }}';

/** What each template of `command` becomes under `shell`: the reference, or `refused: <where>`. */
const render = (shell: true | string, command: string, args: ReadonlyArray<string> = []): string[] => {
  const language = shellLanguage(shell);
  const pieces: ScriptPiece[] = [
    { path: ['command'], text: command },
    ...args.map((text, i) => ({ path: ['args', i], text })),
  ];
  return shellTemplates(language, pieces).map((t) =>
    t.verdict._tag === 'reference'
      ? renderReference(language, t.verdict.context, 'V')
      : `refused: ${t.verdict.where}`,
  );
};

describe('sh and its family', () => {
  it.each([
    ['unquoted', `printf %s ${V}`, '"$V"'],
    ['inside "…"', `echo "a ${V} b"`, '${V}'],
    ["inside '…': close, reference, reopen", `echo 'a ${V} b'`, `'"$V"'`],
    ['here-document, unquoted delimiter', `cat <<EOF\n${V}\nEOF`, '${V}'],
    ['here-document <<-, unquoted delimiter', `cat <<-EOF\n\t${V}\n\tEOF`, '${V}'],
    ['inside $(…), unquoted there', `echo "$(printf %s ${V})"`, '"$V"'],
    ['inside "…" inside $(…)', `echo $(printf "%s" "<${V}>")`, '${V}'],
    ['inside backquotes', `echo "\`printf %s ${V}\`"`, '"$V"'],
    ['assignment', `a=${V}`, '"$V"'],
    ['${x:-…} unquoted', `echo \${x:-${V}}`, '"$V"'],
    ['${x:-…} inside "…"', `echo "\${x:-${V}}"`, '${V}'],
    ['${x#…} pattern', `echo "\${x#${V}}"`, '"$V"'],
    ['case pattern', `case $x in ${V}) ;; esac`, '"$V"'],
    ['redirection target', `echo hi > ${V}`, '"$V"'],
    ['comment', `echo hi # ${V}`, '"$V"'],
    ['argument after the script of sh -c ($1)', `sh -c 'echo "$1"' sh ${V}`, '"$V"'],
    ['operand of python after its -c code', `python3 -c 'import sys; print(sys.argv[1])' ${V}`, '"$V"'],
    ['awk with -f', `awk -f prog.awk ${V}`, '"$V"'],
    ['sed with -e', `sed -e s/a/b/ ${V}`, '"$V"'],
    ['$"…" (bash locale string)', `echo $"a ${V}"`, '${V}'],
    ["$'…' under sh (dash reads a `$` and '…')", `echo $'a ${V}'`, `'"$V"'`],
  ])('%s', (_name, command, expected) => {
    expect(render(true, command)).toEqual([expected]);
  });

  it("reads $'…' as ANSI-C quoting in bash, zsh and ksh, and closes it with $' again", () => {
    for (const shell of ['bash', '/bin/zsh', 'ksh'])
      expect(render(shell, `echo $'a\\'b ${V}'`)).toEqual([`'"$V"$'`]);
  });

  it('scans `command` and `args` as one line, as the shell gets them', () => {
    expect(render(true, 'printf', ["'%s'", `"<${V}>"`, V])).toEqual(['${V}', '"$V"']);
    expect(render(true, "echo 'a", [`${V}'`])).toEqual([`'"$V"'`]);
  });

  it.each([
    ['a quoted here-document', `cat <<'EOF'\n${V}\nEOF`, 'delimiter is quoted'],
    ['a here-document quoted with a backslash', `cat <<\\EOF\n${V}\nEOF`, 'delimiter is quoted'],
    ['the code of sh -c', `sh -c "echo ${V}"`, '`sh -c`'],
    ['the code of bash -ec', `bash -ec 'echo ${V}'`, '`bash -c`'],
    ['the code of bash -o pipefail -c', `bash -o pipefail -c 'echo ${V}'`, '`bash -c`'],
    ['sudo sh -c', `sudo -u x sh -c "echo ${V}"`, '`sh -c`'],
    ['xargs sh -c', `xargs -I{} sh -c "echo {} ${V}"`, '`sh -c`'],
    ['find -exec sh -c', `find . -exec sh -c "echo ${V}" \\;`, '`sh -c`'],
    ['a $(…) inside the code of sh -c', `sh -c "echo $(printf %s ${V})"`, '`sh -c`'],
    ['eval', `eval "echo ${V}"`, '`eval`'],
    ['su -c', `su root -c "echo ${V}"`, '`su -c`'],
    ['ssh', `ssh host "echo ${V}"`, '`ssh`'],
    ['watch', `watch "echo ${V}"`, '`watch`'],
    ['trap', `trap "echo ${V}" EXIT`, '`trap`'],
    ['python -c', `python3 -c "print('${V}')"`, '`python3 -c`'],
    ['perl -ne', `perl -ne 'print "${V}"' f`, '`perl -ne`'],
    ['node -e', `node -e "console.log('${V}')"`, '`node -e`'],
    ['an awk program', `awk '{ print "${V}" }' f`, '`awk`'],
    ['a sed script', `sed "s/a/${V}/" f`, '`sed`'],
    ['a sed script after -i', `sed -i "s/a/${V}/" f`, '`sed`'],
    ['a sed script after -n -e', `sed -n -e "s/a/${V}/p" f`, '`sed -e`'],
    ['env -S', `env -S "sh -c 'echo ${V}'"`, '`env -S`'],
    ['a pipe into crontab', `echo "* * * * * ${V}" | crontab -`, 'standard input of `crontab`'],
    ['arithmetic $((…))', `echo $(( ${V} + 1 ))`, 'arithmetic'],
    ['arithmetic ((…))', `(( n = ${V} ))`, 'arithmetic'],
    ['[[ … -eq … ]]', `[[ ${V} -eq 1 ]]`, 'arithmetic'],
    ['an array subscript', `a[${V}]=1`, 'arithmetic'],
    ['${x:offset}', `echo \${x:${V}}`, 'arithmetic'],
    ['the name in ${…}', `echo \${${V}}`, 'name of a `${…}`'],
    ['a variable name for read', `read ${V}`, 'variable name'],
    ['printf -v', `printf -v ${V} %s x`, 'variable name'],
    ['let', `let x=${V}`, 'arithmetic'],
    ['a pipe into sh', `echo ${V} | sh`, 'standard input of `sh`'],
    ['a pipe into bash -s', `echo ${V} | bash -s -- arg`, 'standard input of `bash`'],
    ['a here-document fed to bash', `bash <<EOF\n${V}\nEOF`, 'here-document that `bash` runs'],
    ['a here-document piped into sh', `cat <<EOF | sh -x\n${V}\nEOF`, 'here-document that `sh` runs'],
    ['a here-string fed to sh', `sh <<< ${V}`, 'standard input of `sh`'],
    ['right after a backslash', `echo \\${V}`, 'backslash'],
    ['the code of a shell named by a variable', `$SHELL -c "echo ${V}"`, '-c`'],
    ['flock -c', `flock /tmp/l -c "echo ${V}"`, '`flock -c`'],
    ['a pipe into xargs sh', `echo ${V} | xargs sh -c`, '`xargs sh`'],
    ['a pipe into sh /dev/stdin', `echo ${V} | sh /dev/stdin`, 'standard input of `sh`'],
    ['zsh ${(e)…}', `echo \${(e)x:-${V}}`, 'zsh flags'],
    ['nested backquotes', `echo \`echo \\\`echo ${V}\\\`\``, 'nested backquotes'],
  ])('refuses a template in %s', (_name, command, where) => {
    const [verdict] = render(true, command);
    expect(verdict).toMatch(/^refused: /);
    expect(verdict).toContain(where);
  });

  it('allows an exit code in arithmetic: it is always an integer', () => {
    expect(render(true, `exit $(( ${CODE} + 1 ))`)).toEqual(['${V}']);
    expect(render(true, `[ ${CODE} -eq 0 ]`)).toEqual(['"$V"']);
  });

  it('keeps following the line after a refused template', () => {
    expect(render(true, `sh -c "echo ${V}"; echo "${V}"`)).toEqual([
      'refused: inside the code given to `sh -c`, which parses it again',
      '${V}',
    ]);
  });

  it('refuses what it cannot follow rather than guessing', () => {
    const [v] = render(true, `cat <<${V}\nx\n`);
    expect(v).toContain('delimiter of a here-document');
  });
});

describe('fish', () => {
  it.each([
    ['unquoted', `printf %s ${V}`, '"$V"'],
    ['glued to a name character', `printf %s ${V}abc`, '"$V"'],
    ['inside "…": close, reference, reopen', `echo "a ${V}[1]"`, '"$V"'],
    ["inside '…' with fish's \\' escape", `echo 'it\\'s ${V}'`, `'"$V"'`],
    ['inside (…)', `echo (printf %s ${V})`, '"$V"'],
    ['inside "$(…)"', `echo "$(printf %s ${V})"`, '"$V"'],
  ])('%s', (_name, command, expected) => {
    expect(render('fish', command)).toEqual([expected]);
  });

  it.each([
    ['eval', `eval echo ${V}`],
    ['fish -c', `fish -c "echo ${V}"`],
    ['sh -c', `sh -c "echo ${V}"`],
    ['after a backslash', `echo \\${V}`],
  ])('refuses a template in %s', (_name, command) => {
    expect(render('/usr/bin/fish', command)[0]).toMatch(/^refused: /);
  });
});

describe('PowerShell', () => {
  it.each([
    ['a whole argument', `Write-Output ${V}`, '"${env:V}"'],
    ['inside "…"', `Write-Output "a ${V}.txt"`, '${env:V}'],
    ['inside typographic “…”', `Write-Output \u201ca ${V}\u201d`, '${env:V}'],
    ['inside an @"…"@ here-string', `$x = @"\n${V}\n"@`, '${env:V}'],
    ['inside $(…) in "…"', `Write-Output "a $(Get-Item ${V})"`, '"${env:V}"'],
    ['an argument after -File', `pwsh -File s.ps1 ${V}`, '"${env:V}"'],
  ])('%s', (_name, command, expected) => {
    expect(render('pwsh', command)).toEqual([expected]);
  });

  it.each([
    ["'…'", `Write-Output 'a ${V}'`, 'single-quoted'],
    ['typographic ‘…’', `Write-Output \u2018a ${V}\u2019`, 'single-quoted'],
    ["an @'…'@ here-string", `$x = @'\n${V}\n'@`, 'single-quoted'],
    ['text glued to it', `Get-Item ${V}.txt`, 'glued'],
    ['Invoke-Expression', `Invoke-Expression "echo ${V}"`, 'invoke-expression'],
    ['iex', `iex "echo ${V}"`, 'iex'],
    ['pwsh -Command', `pwsh -Command "echo ${V}"`, 'pwsh'],
    ['cmd /c', `cmd /c "echo ${V}"`, 'cmd'],
    ['[scriptblock]::Create', `& ([scriptblock]::Create("echo ${V}"))`, 'makes code'],
    ['after a backtick', `Write-Output \`${V}`, 'backtick'],
  ])('refuses a template in %s', (_name, command, where) => {
    const [v] = render('powershell.exe', command);
    expect(v).toMatch(/^refused: /);
    expect(v).toContain(where);
  });
});

describe('cmd.exe', () => {
  it('refuses every template: %NAME% is expanded before the line is parsed', () => {
    for (const shell of ['cmd', 'cmd.exe', 'C:\\Windows\\System32\\cmd.exe'])
      expect(render(shell, `echo ${V}`)[0]).toContain('cmd.exe');
  });

  it('means cmd.exe by `shell: true` on Windows, sh elsewhere', () => {
    expect(shellLanguage(true, 'win32').dialect).toBe('cmd');
    expect(shellLanguage(true, 'linux')).toEqual({ dialect: 'posix', name: 'sh', ansiC: false });
    expect(shellLanguage(true)).toEqual({ dialect: 'posix', name: 'sh', ansiC: false });
    const steps = [
      { step_type: 'command', parameters: { command: `echo ${V}`, shell: true } },
    ] as unknown as ReadonlyArray<Step>;
    expect(unsafeShellTemplates(steps)).toEqual([]);
    expect(unsafeShellTemplates(steps, 'win32')).toEqual([
      expect.objectContaining({ code: 'unsafe_template', path: ['steps', 0, 'parameters', 'command'] }),
    ]);
  });

  it('refuses at load a template in the `windows` variant of `shell: true`, which only cmd.exe runs', () => {
    const steps = [
      {
        step_type: 'command',
        parameters: {
          platform_commands: { windows: { command: `echo ${V}` }, linux: { command: `echo ${V}` } },
          shell: true,
        },
      },
    ] as unknown as ReadonlyArray<Step>;
    expect(unsafeShellTemplates(steps).map((d) => d.path)).toEqual([
      ['steps', 0, 'parameters', 'platform_commands', 'windows', 'command'],
    ]);
  });

  it('rejects a `shell: true` template on Windows before anything runs', async () => {
    const yaml = `version: "1.0"
name: windows
steps:
  - { id: s, name: s, step_type: command, parameters: { command: "echo ${V}", shell: true } }
`;
    const error = await runTestMission(yaml, { platform: 'windows', variables: { v: 'x' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissionValidationError);
    expect((error as MissionValidationError).errors[0]).toMatchObject({
      code: 'unsafe_template',
      path: 'steps[0].parameters.command',
    });
  });
});

describe('expanding a shell step', () => {
  const sources = {
    results: new Map(),
    substitutes: [],
    defaults: [],
    variables: { v: `'$(touch PWNED)"`, w: 'two' },
    env: {},
  };
  const step = (parameters: Record<string, unknown>): Step =>
    ({ id: 's', name: 's', step_type: 'command', depends_on: [], parameters }) as unknown as Step;

  it('writes references into the command line and the values into the child environment', () => {
    const r = expandStepParameters(
      step({
        command: `echo "${V}" '{{ variables.w }}'`,
        args: [V],
        env: { KEEP: '{{ variables.w }}' },
        shell: 'bash',
        working_dir: '{{ variables.w }}',
      }),
      sources,
    );
    expect(r).toEqual({
      _tag: 'ok',
      value: {
        command: `echo "\${MISSIONKIT_VALUE_1}" ''"$MISSIONKIT_VALUE_2"''`,
        args: ['"$MISSIONKIT_VALUE_3"'],
        env: {
          KEEP: 'two',
          MISSIONKIT_VALUE_1: `'$(touch PWNED)"`,
          MISSIONKIT_VALUE_2: 'two',
          MISSIONKIT_VALUE_3: `'$(touch PWNED)"`,
        },
        shell: 'bash',
        working_dir: 'two',
      },
    });
  });

  it('expands the platform variants and the fallback of a shell step the same way', () => {
    const r = expandStepParameters(
      step({
        platform_commands: { linux: { command: `echo '${V}'` }, macos: { command: 'echo', args: [V] } },
        fallback_command: `printf %s ${V}`,
        shell: true,
      }),
      sources,
    );
    expect(r._tag).toBe('ok');
    const value = (r as { value: Record<string, unknown> }).value;
    expect(value['platform_commands']).toEqual({
      linux: { command: `echo ''"$MISSIONKIT_VALUE_1"''` },
      macos: { command: 'echo', args: ['"$MISSIONKIT_VALUE_2"'] },
    });
    expect(value['fallback_command']).toBe('printf %s "$MISSIONKIT_VALUE_3"');
  });

  it('expands `env:` as data when only it holds templates', () => {
    const r = expandStepParameters(
      step({ command: 'echo "$W"', env: { W: '{{ variables.w }}' }, shell: true }),
      sources,
    );
    expect(r).toEqual({ _tag: 'ok', value: { command: 'echo "$W"', env: { W: 'two' }, shell: true } });
  });

  it('leaves steps without a shell as they were: the value is the argument', () => {
    const r = expandStepParameters(step({ command: 'printf', args: [V] }), sources);
    expect(r).toEqual({ _tag: 'ok', value: { command: 'printf', args: [`'$(touch PWNED)"`] } });
  });

  it('finds every command line a shell reads', () => {
    expect(
      shellScripts({
        command: 'a',
        args: ['b'],
        platform_commands: { unix: { command: 'c', args: ['d'] } },
        fallback_command: 'e',
      }).map((line) => [line.platform, line.pieces.map((p) => p.text).join(' ')]),
    ).toEqual([
      [undefined, 'a b'],
      ['linux', 'c d'],
      [undefined, 'e b'],
    ]);
  });
});

describe('any text at all', () => {
  // Unbalanced quotes, stray braces, unterminated here-documents: each template still gets one
  // verdict, and the scanners never throw.
  const units = fc.constantFrom(
    ...[
      '"',
      "'",
      '`',
      '$',
      '(',
      ')',
      '{',
      '}',
      '[',
      ']',
      '\\',
      '\n',
      ' ',
      '|',
      ';',
      '&',
      '<<',
      '<<-',
      "<<'E'",
      'E',
      '#',
      'a',
      '=',
      '-c',
      'sh',
      'eval',
      '@"',
      '"@',
      '$((',
      '${',
      '$(',
      '\u2019',
      V,
    ],
  );
  it('gives every template exactly one verdict, in every language', () => {
    fc.assert(
      fc.property(fc.array(units, { maxLength: 40 }), (chunks) => {
        const command = chunks.join('');
        const count = chunks.filter((c) => c === V).length;
        for (const shell of ['sh', 'bash', 'fish', 'pwsh', 'cmd']) {
          const verdicts = render(shell, command);
          expect(verdicts).toHaveLength(count);
        }
      }),
      { numRuns: 2000, seed: 17 },
    );
  });
});
