// Tests a user could copy: the two condition examples, run on virtual time with scripted steps.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTestMission } from 'missionkit/testing';

const example = (name: string): string => fs.readFileSync(path.join(__dirname, name), 'utf8');

describe('deploy on main', () => {
  const mission = example('deploy-on-main.mission.yaml');
  const steps = { test: { output: [{ atMs: 5, text: '42 tests passed\n' }], exitAfterMs: 10 } };

  it('skips the deploy on a feature branch, and says why', async () => {
    const { report, executor } = await runTestMission(mission, { steps });
    const deploy = report.steps.find((s) => s.id === 'deploy')!;
    expect(deploy.status).toBe('skipped');
    expect(deploy.skip_reason).toBe(
      "condition false: variables.branch == 'main' && contains(steps.test.stdout, 'passed')",
    );
    expect(report.status).toBe('succeeded');
    expect(executor.spawns.map((s) => s.request.stepId)).toEqual(['build', 'test']);
  });

  it('deploys main', async () => {
    const { report } = await runTestMission(mission, { steps, variables: { branch: 'main' } });
    expect(report.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('does not deploy main when the tests did not say they passed', async () => {
    const { report } = await runTestMission(mission, {
      steps: { test: { output: [{ atMs: 5, text: '0 tests run\n' }], exitAfterMs: 10 } },
      variables: { branch: 'main' },
    });
    expect(report.steps.find((s) => s.id === 'deploy')!.status).toBe('skipped');
  });
});

describe('notify on failure', () => {
  const mission = example('notify-on-failure.mission.yaml');

  it('notifies and cleans up when the tests fail, although fail_fast stopped the mission', async () => {
    const { report, executor } = await runTestMission(mission, { steps: { test: { exitCode: 1 } } });
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['build', 'succeeded'],
      ['test', 'failed'],
      ['notify', 'succeeded'],
      ['clean_up', 'succeeded'],
    ]);
    expect(report.status).toBe('failed');
    expect(executor.spawns.map((s) => s.request.stepId)).toEqual(['build', 'test', 'notify', 'clean_up']);
  });

  it('does not notify when everything passed; the clean-up still runs', async () => {
    const { report } = await runTestMission(mission);
    const byId = Object.fromEntries(report.steps.map((s) => [s.id, s]));
    expect(byId['notify']).toMatchObject({ status: 'skipped', skip_reason: 'condition false: failure()' });
    expect(byId['clean_up']!.status).toBe('succeeded');
    expect(report.status).toBe('succeeded');
  });

  it('notifies when the build fails too: failure() looks at every step it waits for, through others', async () => {
    const { report } = await runTestMission(mission, { steps: { build: { exitCode: 2 } } });
    const byId = Object.fromEntries(report.steps.map((s) => [s.id, s.status]));
    expect(byId).toEqual({ build: 'failed', test: 'skipped', notify: 'succeeded', clean_up: 'succeeded' });
  });
});
