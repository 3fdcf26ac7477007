// The custom step type example, run in-process: an in-memory file system, virtual time.
import { runTestMission } from 'missionkit/testing';
import { checksumStep, releaseMission } from './custom-step-type';

// SHA-256 of "app v1.2.3\n".
const DIGEST = '3ed3568231a9cc7e5ecc3b6dd2ff18d36b7c738b638560c829ec675624b1805c';

describe('the checksum step type', () => {
  it('hashes the artifact and a later step records the digest through {hash_result}', async () => {
    const { report, fs } = await runTestMission(releaseMission, { stepTypes: [checksumStep] });
    expect(report.status).toBe('succeeded');
    expect(report.steps.find((s) => s.id === 'hash')!.output).toEqual({
      sha256: DIGEST,
      bytes: 11,
      response: DIGEST,
    });
    const recorded = new TextDecoder().decode(
      await fs.readFile('/mission/.tmp/checksum-example/app.txt.sha256'),
    );
    expect(recorded).toBe(`${DIGEST}  app.txt\n`);
  });

  it('fails without retrying when the digest is not the expected one', async () => {
    const mission = releaseMission.replace(
      'path: ".tmp/checksum-example/app.txt"',
      `path: ".tmp/checksum-example/app.txt"\n      expect: "${'0'.repeat(64)}"`,
    );
    const { report } = await runTestMission(mission, { stepTypes: [checksumStep] });
    const hash = report.steps.find((s) => s.id === 'hash')!;
    expect(hash.status).toBe('failed');
    expect(hash.attempts).toHaveLength(1); // NonRetryableError: the retry policy does not try again
    expect(hash.hint).toMatch(/rebuild it/);
    expect(report.steps.find((s) => s.id === 'record')!.status).toBe('skipped');
  });

  it('rejects a mission that gives the step a wrong parameter, before running anything', async () => {
    const bad = releaseMission.replace('path: ".tmp/checksum-example/app.txt"', 'path: 42');
    await expect(runTestMission(bad, { stepTypes: [checksumStep] })).rejects.toThrow(
      /steps\[1\]\.parameters\.path: wrong type for `path`/,
    );
  });
});
