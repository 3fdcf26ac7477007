// Runs examples/security-audit.mission.yaml on the test kit: the checks are scripted as they
// went in the real run (auth_check failing), the model answers from a local fake, and each
// promise in the mission's comments is checked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpClient, HttpRequest } from 'missionkit';
import { runTestMission, type MemoryFileSystem } from 'missionkit/testing';

const mission = readFileSync(join(__dirname, 'security-audit.mission.yaml'), 'utf8');

const prompts: string[] = [];
const model: HttpClient = {
  request: (req: HttpRequest) => {
    prompts.push(String(JSON.parse(String(req.body)).prompt));
    const body = new TextEncoder().encode(
      JSON.stringify({
        model: 'llama32-champion:latest',
        response: 'Rotate the database file permissions to 600.',
        done: true,
      }),
    );
    return Promise.resolve({
      _tag: 'response',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body,
      truncated: false,
      url: req.url,
    });
  },
};

it('still analyses and reports when the bearer-token check fails, and says the mission failed', async () => {
  const { report, fs } = await runTestMission(mission, {
    http: model,
    commands: {
      grep: {
        output: [{ stream: 'stderr', text: 'grep: internal/auth/: No such file or directory\n' }],
        exitAfterMs: 40,
        exitCode: 2,
      },
      go: { output: [{ text: 'ok  \tcontextlite/internal/auth\t0.412s\n' }], exitAfterMs: 4_000 },
      find: { output: [{ text: '-rw-r--r-- 1 app app 8192 contextlite.db\n' }], exitAfterMs: 300 },
      curl: { output: [{ text: '401' }], exitAfterMs: 50 },
    },
  });
  const step = (id: string) => report.steps.find((s) => s.id === id)!;

  expect(step('auth_check')).toMatchObject({ status: 'failed', exit_code: 2 });
  expect(step('auth_test').status).toBe('succeeded_with_warnings');
  expect(step('auth_test').warnings).toContain('optional dependency auth_check failed');
  expect(step('security_analysis').status).toBe('succeeded_with_warnings');
  expect(prompts[0]).toContain('Bearer token usage: (not available: the bearer-token check failed)');
  expect(prompts[0]).toContain('API status with an invalid token: 401');
  expect((fs as MemoryFileSystem).text('/mission/docs/security/SECURITY_AUDIT_REPORT.md')).toBe(
    '# Security audit\n\nRotate the database file permissions to 600.\n',
  );
  expect(report.status).toBe('failed');
  expect(report.counts).toMatchObject({ failed: 1, skipped: 0 });
});

it('writes the report with a default when the model is unreachable', async () => {
  const { report, fs } = await runTestMission(mission, {
    commands: {
      grep: { exitCode: 0 },
      go: { exitCode: 0 },
      find: { exitCode: 0 },
      curl: { output: [{ text: '401' }] },
    },
  });
  expect(report.steps.find((s) => s.id === 'security_analysis')!.status).toBe('failed');
  expect((fs as MemoryFileSystem).text('/mission/docs/security/SECURITY_AUDIT_REPORT.md')).toContain(
    'The analysis was not available',
  );
});
