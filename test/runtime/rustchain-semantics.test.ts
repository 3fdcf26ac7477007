// What a Node app sees of RustChain missions as they are written: the warnings found at load
// (in the report and as an event), `required: false` with a default value, a mission-wide
// dependency strategy for RustChain's "dependents still run" under `fail_fast: false`, and
// `${name}` left whole when the step runs.
import { MemoryFileSystem, runTestMission } from '../../src/testing/index.js';
import type { FileSystem } from '../../src/ports/filesystem.js';

const textOf = (fs: FileSystem, file: string): string | undefined =>
  fs instanceof MemoryFileSystem ? fs.text(file) : undefined;

// The shape of contextlite's mission 3.3: a `find` with `"|", "wc", "-l"` passed as arguments.
const withLoadWarning = `version: "1.0"
name: "Database Import Analysis Mission"
steps:
  - id: "count_sources"
    name: "Count Go sources"
    step_type: "command"
    parameters:
      command: "find"
      args: [".", "-name", "*.go", "|", "wc", "-l"]
`;

test('warnings found at load reach the report (file, line, column) and a mission_warnings event', async () => {
  const { report, events } = await runTestMission({ text: withLoadWarning, file: 'mission_3.3.yaml' });
  expect(report.load_warnings).toHaveLength(1);
  expect(report.load_warnings[0]).toMatchObject({
    code: 'shell_syntax',
    severity: 'warning',
    file: 'mission_3.3.yaml',
    position: { line: 9, column: 36 },
    path: 'steps[0].parameters.args[3]',
  });
  expect(report.warnings[0]).toMatch(
    /^mission_3\.3\.yaml:9:36: warning: steps\[0\]\.parameters\.args\[3\]: /,
  );
  const types = events.map((e) => e.type);
  expect(types.indexOf('mission_warnings')).toBe(types.indexOf('mission_start') + 1);
  const event = events.find((e) => e.type === 'mission_warnings');
  expect(event).toMatchObject({ warnings: report.load_warnings });
  // A warning about the file does not make the run "with warnings".
  expect(report.status).toBe('succeeded');
});

test('a mission without load warnings has none in the report and no mission_warnings event', async () => {
  const { report, events } = await runTestMission(withLoadWarning.replace(', "|", "wc", "-l"', ''));
  expect(report.load_warnings).toEqual([]);
  expect(report.warnings).toEqual([]);
  expect(events.some((e) => e.type === 'mission_warnings')).toBe(false);
});

// The roadmap's conditional dependencies, in the form RustChain missions write them.
const optionalWithDefault = (onFailure: string): string => `version: "1.0"
name: "enrich"
config:
  fail_fast: false
steps:
  - id: "fetch_metadata"
    name: "Fetch metadata"
    step_type: "command"
    parameters: { command: "curl", args: ["https://example.invalid/meta"] }
  - id: "write_summary"
    name: "Write the summary"
    step_type: "create_file"
    dependency_strategy: "conditional"
    dependencies:
      - step_id: "fetch_metadata"
        required: false
${onFailure}
    parameters:
      path: "summary.txt"
      content: "metadata: {fetch_metadata_result}"
`;

test('required: false with use_default_value runs the step with a warning, and the failed dependency reads as the default', async () => {
  const { report, fs } = await runTestMission(
    optionalWithDefault('        on_failure: { use_default_value: "none" }'),
    { commands: { curl: { exitCode: 6 } } },
  );
  const step = report.steps.find((s) => s.id === 'write_summary')!;
  expect(step.status).toBe('succeeded_with_warnings');
  expect(step.warnings[0]).toMatch(
    /optional dependency fetch_metadata failed; its outputs read as the default value/,
  );
  expect(textOf(fs, '/mission/summary.txt')).toBe('metadata: none');
});

test('required: false alone keeps its meaning: the step runs, and the result is what the dependency left', async () => {
  const { report, fs } = await runTestMission(optionalWithDefault(''), {
    commands: { curl: { exitCode: 6 } },
  });
  const step = report.steps.find((s) => s.id === 'write_summary')!;
  expect(step.warnings).toEqual(['optional dependency fetch_metadata failed']);
  expect(textOf(fs, '/mission/summary.txt')).toBe('metadata: ');
});

// The shape of RustChain's examples/api_integration.yaml: `fail_fast: false` and a chain of steps.
const apiIntegration = (extra: string): string => `version: "1.0"
name: "api_integration"
steps:
  - id: "test_public_api"
    name: "Test public API"
    step_type: "command"
    parameters: { command: "curl", args: ["https://httpbin.org/get"] }
  - id: "create_api_report"
    name: "Generate API Test Report"
    step_type: "create_file"
    depends_on: ["test_public_api"]
    parameters: { path: "api_test_report.md", content: "# API Integration Test Report" }
config:
  fail_fast: false
${extra}`;

test('fail_fast: false skips dependents of a failed step; config.default_dependency_strategy: best_effort runs them, as RustChain does', async () => {
  const failing = { commands: { curl: { exitCode: 7 } } };
  const skipped = await runTestMission(apiIntegration(''), failing);
  expect(skipped.report.steps[1]!.status).toBe('skipped');

  const asRustChain = await runTestMission(
    apiIntegration('  default_dependency_strategy: best_effort\n'),
    failing,
  );
  expect(asRustChain.report.steps[1]!.status).toBe('succeeded_with_warnings');
  expect(asRustChain.report.steps[1]!.warnings).toEqual([
    'dependency test_public_api failed; running anyway (best_effort)',
  ]);
  expect(textOf(asRustChain.fs, '/mission/api_test_report.md')).toBe('# API Integration Test Report');
});

// The shape of rustchain-community's shimmy_basic_validation.yaml, whose author meant a shell variable.
test('`${name}` is left whole when the step runs: no directory named `$`', async () => {
  const { report, fs } = await runTestMission(`version: "1.0"
name: "shimmy_basic_validation"
variables:
  shimmy_path: "/c/Users/me/shimmy"
steps:
  - id: "write_notes"
    name: "Write notes"
    step_type: "create_file"
    parameters:
      path: "notes.md"
      content: "source at \${shimmy_path}/src/discovery.rs, root {shimmy_path}"
`);
  expect(report.status).toBe('succeeded');
  expect(textOf(fs, '/mission/notes.md')).toBe(
    'source at ${shimmy_path}/src/discovery.rs, root /c/Users/me/shimmy',
  );
});
