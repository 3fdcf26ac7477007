// Load-time warnings and errors for RustChain missions as real files write them: each says what
// will happen and the concrete rewrite. The missions below are minimal copies of real shapes.
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { MissionError } from '../../src/mission/errors.js';
import { parseMission, type ParseOptions } from '../../src/mission/parse.js';
import { loadMissionWith, planMissionWith, type RuntimeHost } from '../../src/runtime/run-mission.js';
import { FakeExecutor } from '../../src/testing/fake-executor.js';
import { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const hostAt = (cwd: string): RuntimeHost => {
  const clock = new VirtualClock();
  return {
    executor: new FakeExecutor({ clock }),
    clock,
    fs: new MemoryFileSystem(),
    http: { request: () => Promise.reject(new Error('no network in this test')) },
    cwd,
    env: {},
  };
};

const problems = (text: string, options: ParseOptions = {}): ReadonlyArray<MissionError> => {
  const r = parseMission(text, options);
  return isRight(r) ? r.right.warnings : r.left;
};
const at = (all: ReadonlyArray<MissionError>, p: string): MissionError => {
  const found = all.find((e) => e.path === p);
  if (found === undefined) throw new Error(`nothing at ${p}: ${JSON.stringify(all, null, 2)}`);
  return found;
};

const mission = (steps: string, top = ''): string => `version: "1.0"
name: "probe"
${top}steps:
${steps}`;

describe('`${name}`: the shape of shimmy_basic_validation.yaml', () => {
  const text = mission(
    `  - id: "write_discovery"
    name: "Write discovery"
    step_type: "create_file"
    parameters:
      path: "\${shimmy_path}/src/discovery.rs"
      content: "x"
  - id: "build"
    name: "Build"
    step_type: "command"
    parameters:
      command: "cd \${shimmy_path} && cargo build"
      shell: true
`,
    'variables:\n  shimmy_path: "/c/Users/me/shimmy"\n',
  );

  it('warns at the string, with `{shimmy_path}` for a step that substitutes', () => {
    const w = at(problems(text), 'steps[0].parameters.path');
    expect(w).toMatchObject({
      severity: 'warning',
      position: { line: 10, column: 14 },
      found: '"${shimmy_path}"',
    });
    expect(w.message).toMatch(/`\$\{shimmy_path\}` is not substituted/);
    expect(w.hint).toMatch(/^write `\{shimmy_path\}` to insert the mission's `shimmy_path`/);
  });

  it('offers `$shimmy_path` under `shell: true`', () => {
    const w = at(problems(text), 'steps[1].parameters.command');
    expect(w.hint).toMatch(
      /`\{\{ variables\.shimmy_path \}\}`.*or `\$shimmy_path` for the shell's own variable/,
    );
  });

  it('says nothing of a `${NAME}` that is no variable or step of the mission', () => {
    expect(problems(text.replace(/shimmy_path: /, 'other: '))).not.toContainEqual(
      expect.objectContaining({ path: 'steps[0].parameters.path' }),
    );
  });
});

test('a variable and a step of the same name: warned at the step id', () => {
  const all = problems(
    mission(
      `  - id: "analysis"
    name: "Analyse"
    step_type: "noop"
  - id: "save"
    name: "Save"
    step_type: "create_file"
    depends_on: ["analysis"]
    parameters: { path: "out.md", content: "{analysis}" }
`,
      'variables:\n  analysis: "draft"\n',
    ),
  );
  const w = at(all, 'steps[0].id');
  expect(w.message).toMatch(
    /`\{analysis\}` reads the variable, while `\{analysis_result\}` reads this step's result/,
  );
  expect(w.hint).toMatch(/rename the step or the variable/);
});

test('`step_type: "Tool"` (RustChain\'s legacy JSON examples) names the alias', () => {
  const e = at(
    problems(
      mission(
        `  - id: "greet"\n    name: "Say Hello"\n    step_type: "Tool"\n    parameters: { tool: "echo" }\n`,
      ),
    ),
    'steps[0].step_type',
  );
  expect(e.severity).toBe('error');
  expect(e.message).toMatch(/`Tool` is RustChain's legacy spelling of `tool`/);
  expect(e.hint).toMatch(/^write `step_type: "tool"`, then /);
});

describe('warnings that had no hint get the concrete rewrite', () => {
  it('`on_error: "continue"` inside parameters (examples/api_integration.yaml)', () => {
    const w = at(
      problems(
        mission(`  - id: "test_error_handling"
    name: "Test Error Handling (404)"
    step_type: "http"
    parameters:
      method: "GET"
      url: "https://httpbin.org/status/404"
      on_error: "continue"
`),
      ),
      'steps[0].parameters.on_error',
    );
    expect(w.hint).toMatch(
      /write `continue_on_error: true` on the step \(beside `parameters:`, not inside it\) and remove `on_error`/,
    );
  });

  it('a top-level `dependencies: [{from, to}]` (examples/shimmy_integration_demo.yaml)', () => {
    const w = at(
      problems(
        mission(
          `  - id: "a"\n    name: "A"\n    step_type: "noop"\n  - id: "b"\n    name: "B"\n    step_type: "noop"\n`,
        ) + 'dependencies:\n  - from: "a"\n    to: "b"\n',
      ),
      'dependencies',
    );
    expect(w.hint).toMatch(
      /write each edge on its target step instead:\n\s+on step "b": depends_on: \["a"\]/,
    );
  });

  it('`missions:` in a mission-stack file', () => {
    const all = problems(`version: "1.0"
name: "shimmy_integration_mission_stack"
missions:
  - id: "001_model_setup"
    name: "Setup Test Model Infrastructure"
    steps: []
`);
    for (const p of ['missions', 'steps']) {
      expect(at(all, p).hint).toMatch(/give each entry its own file.*`001_model_setup\.yaml`/s);
      expect(at(all, p).hint).toMatch(/name: "Setup Test Model Infrastructure"/);
    }
  });
});

describe('`$(` in the script of a shell run with its command flag is no false alarm', () => {
  const warned = (command: string, args: ReadonlyArray<string>): boolean =>
    problems(
      mission(
        `  - id: "s"\n    name: "S"\n    step_type: "command"\n    parameters:\n      command: ${JSON.stringify(command)}\n      args: ${JSON.stringify(args)}\n`,
      ),
    ).some((e) => e.code === 'shell_syntax' && /\$\(/.test(e.message));

  it.each([
    ['bash', ['-c', 'echo $(date)']],
    ['/bin/sh', ['-ec', 'echo $(date)']],
    ['zsh', ['-lc', 'echo $(date)']],
    ['dash', ['-c', 'echo $(date)']],
    ['fish', ['-c', 'echo (date) $(date)']],
    ['pwsh', ['-NoProfile', '-Command', 'Write-Output $(Get-Date)']],
    ['powershell.exe', ['-c', 'echo $(Get-Date)']],
    ['cmd', ['/c', 'echo $(date)']],
  ])('%s %j', (command, args) => expect(warned(command, args)).toBe(false));

  it('still warns for another program, or for an argument that is not the script', () => {
    expect(warned('echo', ['$(date)'])).toBe(true);
    expect(warned('bash', ['script.sh', '$(date)'])).toBe(true);
    expect(warned('bash', ['-c', 'echo "$1"', '$(date)'])).toBe(true);
  });
});

describe('a literal absolute file path outside the working directory', () => {
  const text = mission(`  - id: "save_report"
    name: "Save the report"
    step_type: "create_file"
    parameters:
      path: "/c/Users/me/reports/security.md"
      content: "x"
  - id: "templated"
    name: "Templated"
    step_type: "create_file"
    parameters:
      path: "/c/Users/{user}/x.md"
      content: "x"
`);

  it('is reported by plan and validate (planMission, loadMission), with allowed_paths in the hint', async () => {
    const view = await planMissionWith(hostAt('/work/project'), text);
    const loaded = await loadMissionWith(hostAt('/work/project'), text);
    expect(loaded.warnings).toEqual(view.warnings);
    const w = at(view.warnings, 'steps[0].parameters.path');
    expect(w.message).toBe(
      'step `save_report` will be refused when it runs: path "/c/Users/me/reports/security.md" is outside the working directory (/work/project)',
    );
    expect(w.hint).toMatch(/`allowed_paths: \["\/c\/Users\/me\/reports"\]`/);
    expect(view.warnings.some((e) => e.path === 'steps[1].parameters.path')).toBe(false);
  });

  it('is not reported once allowed_paths covers it, nor without a working directory', async () => {
    const allowed = text.replace('steps:', 'allowed_paths: ["/c/Users/me"]\nsteps:');
    const view = await planMissionWith(hostAt('/work/project'), allowed);
    expect(view.warnings).toEqual([]);
    expect(isLeft(parseMission(text))).toBe(false);
    expect(problems(text)).toEqual([]);
  });
});
