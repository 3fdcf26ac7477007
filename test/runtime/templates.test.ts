import { MissionValidationError } from '../../src/mission/errors.js';
import type { SpawnRequest } from '../../src/ports/executor.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import type { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';

const requests: SpawnRequest[] = [];
const recording = (output: string) => (req: SpawnRequest) => {
  requests.push(req);
  return { output: [{ text: output }], exitAfterMs: 10 };
};

beforeEach(() => {
  requests.length = 0;
});

describe('templates between steps', () => {
  it('passes stdout, exit codes, statuses, structured output, variables and env into later steps', async () => {
    const yaml = `version: "1.0"
name: data flow
variables: { region: "eu-west-1" }
steps:
  - { id: version, name: version, step_type: command, parameters: { command: node, args: ["--version"] } }
  - id: greet
    name: greet
    step_type: create_file
    parameters: { path: g.txt, content: "x" }
  - id: use
    name: use
    step_type: command
    depends_on: [version, greet]
    parameters:
      command: deploy
      args: ["--node={{ steps.version.stdout }}", "{{ steps.version.exit_code }}", "{{ steps.greet.status }}", "{{ steps.greet.output.path }}", "{{variables.region}}", "{{ env.HOME_DIR }}", "{{ timestamp }}"]
`;
    const { report } = await runTestMission(yaml, {
      commands: { node: recording('v20.1.0\n'), deploy: recording('ok\n') },
      env: { HOME_DIR: '/home/m' },
    });
    expect(report.status).toBe('succeeded');
    expect(requests[1]!.args).toEqual([
      '--node=v20.1.0',
      '0',
      'succeeded',
      '/mission/g.txt',
      'eu-west-1',
      '/home/m',
      '{{ timestamp }}',
    ]);
  });

  it('keeps a substituted value inert: one argv element, never re-expanded, never in a shell script', async () => {
    const yaml = `version: "1.0"
name: injection
steps:
  - { id: src, name: src, step_type: command, parameters: { command: produce } }
  - { id: plain, name: plain, step_type: command, depends_on: [src], parameters: { command: consume, args: ["{{ steps.src.stdout }}"] } }
  - { id: shelled, name: shelled, step_type: command, depends_on: [src], parameters: { command: "echo {{ steps.src.stdout }}", shell: true } }
`;
    const evil = "; rm -rf ~ $(whoami) `id` {{ variables.x }}'";
    await runTestMission(yaml, {
      commands: { produce: recording(`${evil}\n`) },
      defaultScript: (req: SpawnRequest) => (requests.push(req), { exitAfterMs: 1 }),
    });
    const plain = requests.find((r) => r.command === 'consume')!;
    expect(plain.args).toEqual([evil]);
    const shelled = requests.find((r) => r.command.startsWith('echo'))!;
    // The script reads the value from the child's environment; the value never enters the script.
    expect(shelled.command).toBe('echo "$MISSIONKIT_VALUE_1"');
    expect(shelled.env['MISSIONKIT_VALUE_1']).toBe(evil);
  });

  it('expands RustChain {name} and {{ }} templates in one pass, so neither re-expands what the other inserted', async () => {
    const yaml = `version: "1.0"
name: one pass
variables: { who: "W" }
steps:
  - { id: src, name: src, step_type: command, parameters: { command: produce } }
  - { id: out, name: out, step_type: create_file, depends_on: [src], parameters: { path: o.txt, content: "{{ steps.src.stdout }} / {who} / {src_result}" } }
`;
    const { fs } = await runTestMission(yaml, {
      commands: { produce: recording('{who} {{ variables.who }}\n') },
    });
    expect((fs as MemoryFileSystem).text('/mission/o.txt')).toBe(
      '{who} {{ variables.who }} / W / {who} {{ variables.who }}',
    );
  });

  it('fails the step, naming the reference, when a value is missing at run time', async () => {
    const yaml = `version: "1.0"
name: missing
steps:
  - { id: a, name: a, step_type: noop }
  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: x, args: ["{{ steps.a.output.url }}", "{{ variables.token }}"] } }
`;
    const { report } = await runTestMission(yaml);
    expect(report.steps[1]).toMatchObject({ status: 'failed', failure_kind: 'invalid_input' });
    expect(report.steps[1]!.message).toBe(
      'template {{ steps.a.output.url }} in parameters.args[0] has no value: step a has no structured output',
    );
  });

  it('reads the default value of a failed dependency, and an alternative’s results in place of a failed one', async () => {
    const yaml = `version: "1.0"
name: fallbacks
config: { fail_fast: false }
steps:
  - { id: primary, name: primary, step_type: command, parameters: { command: fetch-primary } }
  - { id: mirror, name: mirror, step_type: command, parameters: { command: fetch-mirror } }
  - { id: stats, name: stats, step_type: command, parameters: { command: stats } }
  - id: report
    name: report
    step_type: command
    depends_on: [primary, stats]
    dependency_strategy: conditional
    dependencies:
      - { step_id: primary, on_failure: { retry_with_alternative: mirror } }
      - { step_id: stats, on_failure: { use_default_value: "no stats" } }
    parameters: { command: render, args: ["{{ steps.primary.stdout }}", "{{ steps.stats.stdout }}"] }
`;
    const { report } = await runTestMission(yaml, {
      commands: {
        'fetch-primary': { exitCode: 7 },
        'fetch-mirror': recording('from mirror\n'),
        stats: { exitCode: 1 },
        render: recording(''),
      },
    });
    expect(requests.find((r) => r.command === 'render')!.args).toEqual(['from mirror', 'no stats']);
    expect(report.steps.find((s) => s.id === 'report')!.status).toBe('succeeded_with_warnings');
  });

  it('rejects at load time a reference to an unknown step or to a step it does not depend on', async () => {
    const yaml = `version: "1.0"
name: refs
steps:
  - { id: build, name: build, step_type: noop }
  - { id: test, name: test, step_type: command, parameters: { command: x, args: ["{{ steps.biuld.stdout }}", "{{ steps.build.stdout }}", "{{ steps.build.stdot }}"] } }
`;
    const e = (await runTestMission(yaml).catch((err: unknown) => err)) as MissionValidationError;
    expect(e).toBeInstanceOf(MissionValidationError);
    expect(e.errors.map((x) => [x.path, x.message, x.hint])).toEqual([
      [
        'steps[1].parameters.args[0]',
        'template {{ steps.biuld.stdout }} names no step of this mission',
        'did you mean `build`?',
      ],
      [
        'steps[1].parameters.args[1]',
        'template {{ steps.build.stdout }} reads step `build`, which `test` does not depend on, so it may not have run yet',
        'add "build" to this step\'s depends_on',
      ],
      [
        'steps[1].parameters.args[2]',
        'template {{ steps.build.stdot }} reads an unknown field "stdot"',
        'the fields of a step are stdout, stderr, exit_code, status, output, outputs (structured output: {{ steps.build.output.<field> }})',
      ],
    ]);
    expect(e.errors[0]!.position).toBeDefined();
  });
});

describe('secrets', () => {
  const yaml = `version: "1.0"
name: secrets
variables:
  token: { value: "s3cr3t-t0ken", secret: true }
  user: "ops"
steps:
  - { id: login, name: login, step_type: command, parameters: { command: login, args: ["--token", "{{ variables.token }}", "--user", "{{ variables.user }}"] } }
`;

  it('never shows a secret in events or the report, even echoed back split across output chunks', async () => {
    const events: unknown[] = [];
    const { report } = await runTestMission(yaml, {
      onEvent: (e) => events.push(e),
      commands: {
        login: {
          output: [
            { atMs: 1, text: 'using s3cr' },
            { atMs: 2, text: '3t-t0ken for ops\n' },
            { atMs: 3, stream: 'stderr', text: 'error: bad token s3cr3t-t0ken\n' },
          ],
          exitAfterMs: 5,
          exitCode: 1,
        },
      },
    });
    const all = JSON.stringify([events, report]);
    expect(all).not.toContain('s3cr3t');
    expect(report.steps[0]!.stdout.text).toBe('using *** for ops\n');
    expect(all).toContain('for ops');
  });

  it('masks a secret cut in two by the output capture limit', async () => {
    const { report } = await runTestMission(yaml, {
      maxOutputBytes: 20,
      commands: {
        login: {
          output: [{ text: `${'a'.repeat(5)}s3cr3t-t0ken${'b'.repeat(40)}s3cr3t-t0ken${'c'.repeat(3)}` }],
          exitAfterMs: 1,
        },
      },
    });
    expect(JSON.stringify(report)).not.toMatch(/s3c|t0ken|3t-t/);
  });
});

describe('secrets behind terminal escapes', () => {
  it('masks a secret split by colour codes, which would reappear wherever escapes are stripped', async () => {
    const yaml = `version: "1.0"
name: ansi
variables:
  token: { value: "s3cr3t-t0ken", secret: true }
steps:
  - { id: show, name: show, step_type: command, parameters: { command: show } }
`;
    const { report } = await runTestMission(yaml, {
      commands: { show: { output: [{ text: 'token: \u001b[31ms3cr\u001b[0m3t-t0ken\n' }], exitAfterMs: 1 } },
    });
    const stdout = report.steps[0]!.stdout.text;
    // eslint-disable-next-line no-control-regex
    expect(stdout.replace(/\u001b\[[0-9;]*m/g, '')).not.toContain('s3cr3t');
    expect(stdout).toBe('token: ***\n');
  });
});
