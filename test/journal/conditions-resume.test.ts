// A journaled run with `if:` conditions resumes deciding each condition as the first host would:
// the environment variables and platform they read are recorded with the run's facts (a secret
// value is not: it is read again, as secret variables are given again).
import { MemoryJournal } from '../../src/testing/memory-journal.js';
import { resumeTestMission } from '../../src/testing/resume-test-mission.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const MISSION = `version: "1.0"
name: gated
secrets: [token]
steps:
  - id: build
    name: build
    step_type: command
    parameters: { command: build }
  - id: deploy
    name: deploy
    step_type: command
    depends_on: [build]
    if: env.DEPLOY_TARGET == 'prod' && platform.os == 'linux' && platform.arch == 'arm64'
    parameters: { command: deploy }
  - id: audit
    name: audit
    step_type: command
    depends_on: [build]
    if: env.AUDIT_KEY == variables.token
    parameters: { command: audit }
`;

const commands = { build: { exitAfterMs: 1_000 }, deploy: { exitAfterMs: 10 }, audit: { exitAfterMs: 10 } };

describe('conditions in a resumed run', () => {
  it('read the environment and platform recorded when the run started, not the new host', async () => {
    const journal = new MemoryJournal();
    // Dies after the start is recorded, while build runs: no condition has been decided yet.
    journal.crashNextRun({ afterEntries: 2 });
    const first = {
      env: { DEPLOY_TARGET: 'prod', AUDIT_KEY: 'tok-123456' },
      platform: 'linux',
      arch: 'arm64',
    } as const;
    await runTestMission(MISSION, {
      journal,
      runId: 'r',
      commands,
      env: first.env,
      platform: first.platform,
      arch: first.arch,
      variables: { token: 'tok-123456' },
    }).catch(() => undefined);
    const inputs = journal.text('r').inputs;
    expect(inputs).toContain('"DEPLOY_TARGET":"prod"');
    // A value holding a secret is never written down.
    expect(inputs).not.toContain('tok-123456');

    const { report } = await resumeTestMission('r', {
      journal,
      clock: new VirtualClock({ startAt: 5_000 }),
      commands,
      // The new host differs: another target, another machine; the secret comes back with the variables.
      env: { DEPLOY_TARGET: 'staging', AUDIT_KEY: 'tok-123456' },
      platform: 'macos',
      variables: { token: 'tok-123456' },
    });
    // Decided from the recorded facts (prod, linux, arm64): the new host would have skipped it.
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['build', 'succeeded'],
      ['deploy', 'succeeded'],
      ['audit', 'succeeded'],
    ]);
    const fresh = await runTestMission(MISSION, {
      commands,
      env: { DEPLOY_TARGET: 'staging', AUDIT_KEY: 'tok-123456' },
      platform: 'macos',
      variables: { token: 'tok-123456' },
    });
    expect(fresh.report.steps[1]!.skip_reason).toBe(
      "condition false: env.DEPLOY_TARGET == 'prod' && platform.os == 'linux' && platform.arch == 'arm64'",
    );
  });
});
