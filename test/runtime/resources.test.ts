import { MissionValidationError } from '../../src/mission/errors.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';

const mission = (limits: string, stepExtra = '', monitoring = '') => `version: "1.0"
name: resources
steps:
  - id: build
    name: build
    step_type: command
    parameters: { command: make }
${stepExtra}
config:
  resource_limits: { ${limits} }
  monitoring: { check_interval_seconds: 5${monitoring} }
`;

describe('resource limits on virtual time', () => {
  it('warns once at the threshold, then kills a step over its memory limit and reports the peak', async () => {
    const { report, events, executor } = await runTestMission(mission('max_memory_mb: 512'), {
      steps: { build: { hang: true } },
      usage: { build: (t) => ({ memoryMb: t < 10_000 ? 100 : t < 20_000 ? 450 : 700 }) },
    });
    const build = report.steps[0]!;
    expect(build).toMatchObject({ status: 'resource_exceeded', kill_reason: 'limit' });
    expect(build.message).toBe(
      'stopped: memory 700 MB over the limit of 512 MB (max_memory_mb; peak 700 MB)',
    );
    expect(build.resources).toMatchObject({ peak_memory_bytes: 700 * 1024 * 1024 });
    const warnings = events.filter((e) => e.type === 'step_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: 'memory at 450 MB, 88% of the limit of 512 MB (max_memory_mb)',
    });
    const kill = events.findIndex((e) => e.type === 'step_kill');
    expect(events.indexOf(warnings[0]!)).toBeLessThan(kill);
    expect(executor.signalsFor('build')).toEqual(['graceful']);
    expect(report.status).toBe('failed');
  });

  it('records a brief spike in the peak but needs sustained_samples consecutive samples to kill', async () => {
    const { report } = await runTestMission(mission('max_memory_mb: 512, sustained_samples: 2'), {
      steps: { build: { exitAfterMs: 30_000 } },
      usage: { build: (t) => ({ memoryMb: t > 5_500 && t < 6_500 ? 900 : 100 }) },
    });
    expect(report.steps[0]!.status).toBe('succeeded_with_warnings');
    expect(report.steps[0]!.resources?.peak_memory_bytes).toBe(900 * 1024 * 1024);
  });

  it('keeps running with a warning when kill_on_exceed is false', async () => {
    const { report } = await runTestMission(mission('max_cpu_percent: 75', '', ', kill_on_exceed: false'), {
      steps: { build: { exitAfterMs: 20_000 } },
      usage: { build: { cpuPercent: 190 } },
    });
    const build = report.steps[0]!;
    expect(build.status).toBe('succeeded_with_warnings');
    expect(build.warnings).toContain(
      'cpu 190% over the limit of 75% (max_cpu_percent; peak 190%); still running because kill_on_exceed is false',
    );
    expect(build.resources).toMatchObject({ peak_cpu_percent: 190, avg_cpu_percent: 190 });
  });

  it('lets a step override the mission limits, and retry_on resource_exceeded retry it', async () => {
    const step =
      '    resource_limits: { max_memory_mb: 2048 }\n    retry: { max_attempts: 2, delay_seconds: 1, retry_on: [resource_exceeded] }';
    let attempt = 0;
    const { report } = await runTestMission(mission('max_memory_mb: 512', step), {
      steps: { build: () => (++attempt === 1 ? { hang: true } : { exitAfterMs: 8000 }) },
      usage: { build: (t) => ({ memoryMb: attempt === 1 && t > 4000 ? 4096 : 1000 }) },
    });
    expect(report.steps[0]!.attempts.map((a) => a.outcome)).toEqual(['resource_exceeded', 'succeeded']);
  });

  it('refuses a disk I/O limit at load time where disk I/O cannot be measured', async () => {
    const err = await runTestMission(mission('max_disk_io_mb_per_sec: 100'), { measuresDiskIo: false }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MissionValidationError);
    expect((err as MissionValidationError).errors[0]).toMatchObject({
      code: 'unsupported_on_platform',
      path: 'config.resource_limits.max_disk_io_mb_per_sec',
    });
  });

  it('enforces a disk I/O rate where it can be measured', async () => {
    const { report } = await runTestMission(mission('max_disk_io_mb_per_sec: 100'), {
      steps: { build: { hang: true } },
      usage: { build: { diskMbPerSec: 250 } },
    });
    expect(report.steps[0]!.status).toBe('resource_exceeded');
    expect(report.steps[0]!.message).toMatch(/^stopped: disk 250\.0 MB\/s over the limit of 100\.0 MB\/s/);
  });
});
