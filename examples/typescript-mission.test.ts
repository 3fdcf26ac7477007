// The TypeScript mission, run in-process with a scripted HTTP client: no network, virtual time.
import type { HttpClient } from 'missionkit';
import { runTestMission } from 'missionkit/testing';
import { nightly } from './typescript-mission';

const answers = (statuses: number[]): HttpClient => ({
  request: (req) =>
    Promise.resolve({
      _tag: 'response',
      status: statuses.shift() ?? 200,
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode('{"ok":true}'),
      truncated: false,
      url: req.url,
    }),
});

describe('the nightly TypeScript mission', () => {
  it('is a decoded mission, checked like a YAML one', () => {
    expect(nightly.steps.map((s) => `${s.id}:${s.step_type}`)).toEqual([
      'health:http',
      'save:create_file',
      'archive:move_file',
      'inventory:list_directory',
    ]);
    expect(nightly.steps[0]!.retry).toMatchObject({ max_attempts: 3, delay_seconds: 5 });
  });

  it('retries a 503, saves the answer and archives the log', async () => {
    const { report, fs } = await runTestMission(nightly, {
      http: answers([503, 200]),
      files: { 'logs/current.log': 'yesterday' },
    });
    expect(report.status).toBe('succeeded');
    expect(report.steps[0]!.attempts).toHaveLength(2);
    const saved = JSON.parse(new TextDecoder().decode(await fs.readFile('/mission/reports/health.json'))) as {
      status: number;
      body: unknown;
      url: string;
    };
    expect(saved).toMatchObject({
      status: 200,
      body: { ok: true },
      url: 'https://status.example.com/health',
    });
    const names = (report.steps[3]!.output as { entries: Array<{ name: string }> }).entries.map(
      (e) => e.name,
    );
    expect(names).toEqual([
      'logs',
      'logs/archive',
      'logs/archive/previous.log',
      'reports',
      'reports/health.json',
    ]);
  });
});
