// A test a user could copy: checks a release mission's failure handling on virtual time.
// The mission's real steps would take many minutes; this test takes milliseconds.
import { runTestMission } from 'missionkit/testing';

const release = `
version: "1.0"
name: "Release"
steps:
  - id: build
    name: Build
    step_type: command
    parameters: { command: make, args: [release] }
  - id: deploy
    name: Deploy to staging
    step_type: command
    parameters: { command: ./deploy.sh, args: [staging] }
    depends_on: [build]
    timeout_seconds: 120
    retry: { max_attempts: 3, delay_seconds: 10, backoff: exponential, retry_on: [timeout] }
  - id: smoke_test
    name: Smoke test
    step_type: command
    parameters: { command: curl, args: ["-fsS", "https://staging.example.com/health"] }
    depends_on: [deploy]
  - id: changelog
    name: Render the changelog
    step_type: command
    parameters: { command: git, args: [log, --oneline] }
config:
  fail_fast: false
  kill_grace_seconds: 5
`;

describe('the release mission', () => {
  it('retries a hanging deploy, then gives up and never smoke-tests a broken deploy', async () => {
    const { report, executor } = await runTestMission(release, {
      steps: {
        build: { output: [{ atMs: 1_000, text: 'built v1.2.3\n' }], exitAfterMs: 90_000 },
        deploy: { hang: true, ignoreGraceful: true }, // stuck every time, and ignores SIGTERM
      },
    });

    const step = (id: string) => report.steps.find((s) => s.id === id)!;
    expect(step('build').status).toBe('succeeded');
    expect(step('deploy').status).toBe('timed_out');
    expect(step('deploy').attempts.map((a) => a.delay_before_ms)).toEqual([0, 10_000, 20_000]);
    expect(executor.signalsFor('deploy')).toEqual([
      'graceful',
      'force',
      'graceful',
      'force',
      'graceful',
      'force',
    ]);
    expect(step('smoke_test')).toMatchObject({
      status: 'skipped',
      skip_reason: 'dependency deploy timed out (all_required)',
    });
    expect(step('changelog').status).toBe('succeeded');
    expect(report.status).toBe('failed');
    // 90 s build + 3 × (120 s timeout + 5 s grace) + 30 s of retry delays, all virtual
    expect(report.duration_ms).toBe(90_000 + 3 * 125_000 + 30_000);
  });

  it('succeeds when the second deploy attempt goes through', async () => {
    let attempts = 0;
    const { report } = await runTestMission(release, {
      steps: {
        deploy: () => (++attempts === 1 ? { hang: true } : { exitAfterMs: 30_000 }),
      },
    });
    expect(report.status).toBe('succeeded');
    expect(report.steps.find((s) => s.id === 'deploy')!.attempts).toHaveLength(2);
  });
});
