// A substituted value in a `shell` command line never runs, in any quoting context, on every shell
// of the machine: real shells, real processes. Each hostile value is tried in each context the
// scanner accepts (the value must arrive verbatim) and in each it refuses (the mission must be
// rejected at load, before anything runs). Shells that are not installed are listed by name.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMission, MissionValidationError, planMission, runMission } from '../../src/index.js';

const installed = (shell: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Values that break out of the old single-quote wrapping in one context or another. */
const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ['$(…)', '$(touch PWNED)'],
  ['backquotes', '`touch PWNED`'],
  ['closing double quote', '"; touch PWNED; echo "'],
  ['closing single quote', "'; touch PWNED; echo '"],
  ['backslash quote', "\\'$(touch PWNED)"],
  ['newline then a command', '\ntouch PWNED'],
  ['a variable', '$HOME'],
  ['a glob', '*'],
  ['an option', '-n'],
  ['empty', ''],
  ['trailing backslash', 'a\\'],
  ['fish escapes', "\\'; touch PWNED; echo \\'"],
  ['unicode', 'héllo wörld 🌍 ‘’“”„ \u00a0tab\tend'],
  ['long', `${'$(touch PWNED)"\'`;{}|&<>\\'.repeat(2000)}end`],
];

const V = '{{ variables.v }}';
const noTrailingNewlines = (v: string): string => v.replace(/\n+$/, '');

interface Context {
  readonly name: string;
  readonly command: string;
  readonly expect: (value: string) => string;
}

const POSIX_CONTEXTS: ReadonlyArray<Context> = [
  { name: 'unquoted', command: `printf '%s' ${V}`, expect: (v) => v },
  { name: 'inside "…"', command: `printf '%s' "<${V}>"`, expect: (v) => `<${v}>` },
  { name: "inside '…'", command: `printf '%s' '<${V}>'`, expect: (v) => `<${v}>` },
  { name: 'here-document, unquoted delimiter', command: `cat <<EOF\n<${V}>\nEOF`, expect: (v) => `<${v}>\n` },
  { name: 'inside $(…)', command: `printf '%s' "$(printf '%s' ${V})"`, expect: noTrailingNewlines },
  { name: 'inside backquotes', command: `printf '%s' "\`printf '%s' ${V}\`"`, expect: noTrailingNewlines },
  { name: 'assignment a=…', command: `a=${V}; printf '%s' "$a"`, expect: (v) => v },
  { name: '${x:-…} in "…"', command: `printf '%s' "\${MK_UNSET_X:-${V}}"`, expect: (v) => v },
  { name: '${x:-…} unquoted', command: `printf '[%s]' \${MK_UNSET_X:-${V}}`, expect: (v) => `[${v}]` },
  { name: '${x#…} pattern', command: `x=${V}; printf '%s' "<\${x#${V}}>"`, expect: () => '<>' },
  {
    name: 'case pattern',
    command: `case ${V} in ${V}) printf same;; *) printf differ;; esac`,
    expect: () => 'same',
  },
  { name: "sh -c '…' argument $1", command: `sh -c 'printf "%s" "$1"' sh ${V}`, expect: (v) => v },
  { name: 'comment', command: `printf ok # ${V}`, expect: () => 'ok' },
];

const ANSI_C: Context = {
  name: "inside $'…'",
  command: `printf '%s' $'<\\t${V}>'`,
  expect: (v) => `<\t${v}>`,
};

const FISH_CONTEXTS: ReadonlyArray<Context> = [
  { name: 'unquoted', command: `printf '%s' ${V}`, expect: (v) => v },
  { name: 'glued to text', command: `printf '%s' ${V}x`, expect: (v) => `${v}x` },
  { name: 'inside "…"', command: `printf '%s' "<${V}>[1]"`, expect: (v) => `<${v}>[1]` },
  { name: "inside '…'", command: `printf '%s' '<${V}>'`, expect: (v) => `<${v}>` },
  { name: 'inside "$(…)"', command: `printf '%s' "$(printf '%s' ${V})"`, expect: noTrailingNewlines },
  { name: 'set then read', command: `set a ${V}; printf '%s' $a`, expect: (v) => v },
  { name: 'comment', command: `printf ok # ${V}`, expect: () => 'ok' },
];

const POWERSHELL_CONTEXTS: ReadonlyArray<Context> = [
  { name: 'a whole argument', command: `Write-Host -NoNewline ${V}`, expect: (v) => v },
  { name: 'inside "…"', command: `[Console]::Out.Write("<${V}>")`, expect: (v) => `<${v}>` },
  { name: 'inside @"…"@', command: `[Console]::Out.Write(@"\n<${V}>\n"@)`, expect: (v) => `<${v}>` },
];

/** Contexts where no reference keeps a value data: refused at load. */
const POSIX_REFUSED: ReadonlyArray<readonly [string, string]> = [
  ['here-document, quoted delimiter', `cat <<'EOF'\n${V}\nEOF`],
  ['sh -c "…"', `sh -c "printf %s ${V}"`],
  ["bash -c '…'", `bash -c 'printf %s ${V}'`],
  ['eval', `eval printf %s ${V}`],
  ['arithmetic $((…))', `echo $(( ${V} + 1 ))`],
  ['test -eq (arithmetic in bash, ksh, zsh)', `[ ${V} -eq 1 ]`],
  ['[[ … -eq … ]]', `[[ ${V} -eq 1 ]]`],
  ['pipe into sh', `printf '%s' ${V} | sh`],
  ['here-document into sh', `sh <<EOF\n${V}\nEOF`],
  ['xargs sh -c', `printf x | xargs sh -c "echo ${V}"`],
  ['ssh host "…"', `ssh localhost "echo ${V}"`],
  ['python -c', `python3 -c "print('${V}')"`],
  ['awk program', `awk 'BEGIN { print "${V}" }'`],
];

const FISH_REFUSED: ReadonlyArray<readonly [string, string]> = [
  ['eval', `eval printf %s ${V}`],
  ['fish -c', `fish -c "printf %s ${V}"`],
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'missionkit-shell-injection-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const missionOf = (shell: string, contexts: ReadonlyArray<Context>): string =>
  `version: "1.0"
name: shell injection
variables: { v: "" }
config: { max_parallel_steps: 4 }
steps:
${contexts
  .map(
    (c, i) => `  - id: c${i}
    name: ${JSON.stringify(c.name)}
    step_type: command
    parameters: { command: ${JSON.stringify(c.command)}, shell: ${shell} }
`,
  )
  .join('')}`;

const runMatrix = (shell: string, contexts: ReadonlyArray<Context>): void => {
  it.each(HOSTILE)('%s: runs nothing and arrives verbatim in every context', async (_label, value) => {
    const report = await runMission(missionOf(shell, contexts), { cwd: dir, variables: { v: value } });
    contexts.forEach((c, i) => {
      const step = report.steps.find((s) => s.id === `c${i}`)!;
      expect({ context: c.name, status: step.status, stdout: step.stdout.text }).toEqual({
        context: c.name,
        status: 'succeeded',
        stdout: c.expect(value),
      });
    });
    expect(readdirSync(dir)).toEqual([]);
  });
};

const refusedAtLoad = (shell: string, cases: ReadonlyArray<readonly [string, string]>): void => {
  it.each(cases)(
    'refuses a template %s at load, with the rewrite, and runs nothing',
    async (_label, command) => {
      const yaml = missionOf(shell, [{ name: 'refused', command, expect: () => '' }]);
      for (const attempt of [
        () => loadMission(yaml),
        () => planMission(yaml),
        () => runMission(yaml, { cwd: dir, variables: { v: '$(touch PWNED)' } }),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(MissionValidationError);
        const [first] = (error as MissionValidationError).errors;
        expect(first).toMatchObject({
          code: 'unsafe_template',
          path: 'steps[0].parameters.command',
          found: V,
        });
        expect(first!.message).toContain('stands');
        expect(first!.hint).toContain('env:');
      }
      expect(readdirSync(dir)).toEqual([]);
    },
  );
};

for (const shell of ['sh', 'bash', 'dash', 'zsh'] as const) {
  const present = installed(shell);
  describe(
    present ? `${shell} (real processes)` : `${shell} (not installed: its rendering is tested in test/plan)`,
    () => {
      if (!present) {
        it('is not on this machine', () => expect(installed(shell)).toBe(false));
        return;
      }
      const contexts = shell === 'bash' || shell === 'zsh' ? [...POSIX_CONTEXTS, ANSI_C] : POSIX_CONTEXTS;
      runMatrix(shell === 'sh' ? 'true' : shell, contexts);
      refusedAtLoad(shell === 'sh' ? 'true' : shell, POSIX_REFUSED);
    },
  );
}

describe(
  installed('fish') ? 'fish (real processes)' : 'fish (not installed: its rendering is tested in test/plan)',
  () => {
    if (!installed('fish')) {
      it('is not on this machine', () => expect(installed('fish')).toBe(false));
      return;
    }
    runMatrix('fish', FISH_CONTEXTS);
    refusedAtLoad('fish', FISH_REFUSED);
  },
);

describe(
  installed('pwsh') ? 'pwsh (real processes)' : 'pwsh (not installed: its rendering is tested in test/plan)',
  () => {
    if (!installed('pwsh')) {
      it('is not on this machine', () => expect(installed('pwsh')).toBe(false));
      return;
    }
    runMatrix('pwsh', POWERSHELL_CONTEXTS);
    refusedAtLoad('pwsh', [
      ["'…'", `Write-Host '${V}'`],
      ['Invoke-Expression', `Invoke-Expression "Write-Host ${V}"`],
    ]);
  },
);

it('the case of the report: a step printing $(touch PWNED) read inside "…" by the next step', async () => {
  const yaml = `version: "1.0"
name: quoted
steps:
  - id: a
    name: print it
    step_type: command
    parameters: { command: "printf '%s' '$(touch PWNED)'", shell: true }
  - id: b
    name: use it in a quoted shell string
    step_type: command
    depends_on: [a]
    parameters: { command: 'echo "got: {{ steps.a.stdout }}"', shell: true }
`;
  const report = await runMission(yaml, { cwd: dir });
  expect(report.steps.find((s) => s.id === 'b')!.stdout.text).toBe('got: $(touch PWNED)\n');
  expect(readdirSync(dir)).toEqual([]);
});

it('keeps a secret used in a shell command out of the command line and masked in the output', async () => {
  const yaml = `version: "1.0"
name: secret
variables: { token: "" }
secrets: [token]
steps:
  - id: s
    name: use the secret
    step_type: command
    parameters: { command: 'printf "token=%s" "{{ variables.token }}"; ps -o args= -p $$', shell: true }
`;
  const secret = 's3cr3t-$(touch PWNED)-value';
  const report = await runMission(yaml, { cwd: dir, variables: { token: secret } });
  const step = report.steps[0]!;
  expect(step.status).toBe('succeeded');
  // The shell's own command line (what `ps` shows to every user) holds only the variable's name.
  expect(step.stdout.text).toContain('MISSIONKIT_VALUE_1');
  expect(JSON.stringify(report)).not.toContain(secret);
  expect(readdirSync(dir)).toEqual([]);
});
