// The adaptive timeout calculator: the worked numbers of docs/timeouts.md, and the plan that uses it.
import { createPlan } from '../../src/plan/plan.js';
import { classifyOperation } from '../../src/plan/operations.js';
import { adaptiveTimeout, stepTimeout, type SizeFact } from '../../src/plan/timeouts.js';
import type { Measurement } from '../../src/ports/host-facts.js';
import { buildMission } from '../support/build-mission.js';

const measured = (bytes: number, files: number, extra: Partial<Measurement> = {}): Measurement => ({
  bytes,
  files,
  directories: 10,
  complete: true,
  elapsed_ms: 5,
  missing: [],
  method: 'find',
  ...extra,
});

const size = (bytes: number, files: number, extra: Partial<SizeFact> = {}): SizeFact => ({
  measurement: measured(bytes, files),
  paths: ['.'],
  filter: { include: [], exclude: [], exclude_dirs: [] },
  process_per_file: false,
  ...extra,
});

const grep = classifyOperation('grep', ['-r', 'API_KEY', '.']);

describe('adaptiveTimeout (docs/timeouts.md, worked examples)', () => {
  test('1. the roadmap example: size_factor 1.5 over 412 MB reaches the max', () => {
    const t = adaptiveTimeout({
      base_seconds: 30,
      base_given: true,
      max_seconds: 300,
      size_factor: 1.5,
      operation: grep,
      size: size(412_000_000, 8_249),
    });
    expect(t.terms).toMatchObject({ base_seconds: 30, size_seconds: 618, max_seconds: 300 });
    expect(t.terms.files_seconds).toBeCloseTo(8.249);
    expect(t.ms).toBe(300_000);
    expect(t.explanation).toBe(
      'adaptive: grep over 412 MB in 8,249 files → 30 s + 412 MB × 1.5 s/MB + 8,249 files × 1 ms = 30 + 618 + 8.2 = 656.2 s, capped at max 300 s',
    );
  });

  test('2. the default size_factor (0.1 s/MB) over the same tree', () => {
    const t = adaptiveTimeout({
      base_seconds: 30,
      base_given: true,
      max_seconds: 300,
      operation: grep,
      size: size(412_000_000, 8_249),
    });
    expect(t.ms).toBe(79_449);
    expect(t.explanation).toBe(
      'adaptive: grep over 412 MB in 8,249 files → 30 s + 412 MB × 0.1 s/MB (default size_factor) + 8,249 files × 1 ms = 30 + 41.2 + 8.2 = 79.4 s, within max 300 s',
    );
  });

  test("3. the roadmap's fix 1: find … -exec grep {} ; costs a process per file", () => {
    const find = classifyOperation('find', ['.', '-name', '*.go', '-o', '-name', '*.md', '-exec', 'grep']);
    const t = adaptiveTimeout({
      base_seconds: 60,
      base_given: true,
      max_seconds: 300,
      operation: find,
      size: size(6_100_000, 5_000, {
        process_per_file: true,
        filter: { include: ['*.go', '*.md'], exclude: [], exclude_dirs: [] },
      }),
    });
    expect(t.ms).toBe(110_610);
    expect(t.explanation).toBe(
      'adaptive: find over 6.1 MB in 5,000 files (*.go, *.md) → 60 s + 6.1 MB × 0.1 s/MB (default size_factor) + 5,000 files × 10 ms (a process per file) = 60 + 0.6 + 50 = 110.6 s, within max 300 s',
    );
  });

  test('4. a tree too large for the time budget is extrapolated, and the explanation says so', () => {
    const t = adaptiveTimeout({
      base_seconds: 30,
      base_given: true,
      max_seconds: 600,
      operation: grep,
      size: {
        ...size(0, 0),
        measurement: measured(2_400_000_000, 240_000, {
          complete: false,
          walked: { bytes: 800_000_000, files: 80_000, directories: 1_000, pending_directories: 2_000 },
        }),
      },
    });
    expect(t.ms).toBe(510_000);
    expect(t.explanation).toContain('grep over ~2,400 MB in ~240,000 files (extrapolated: the walk stopped');
    expect(t.explanation).toContain('after 1,000 directories with 2,000 more known');
  });

  test('5. never below the base: an empty tree gets exactly the base', () => {
    expect(
      adaptiveTimeout({ base_seconds: 45, base_given: true, operation: grep, size: size(0, 0) }).ms,
    ).toBe(45_000);
  });

  test('6. without max_timeout_seconds the ceiling is 3600 s (or the base, when higher)', () => {
    const t = adaptiveTimeout({ base_seconds: 30, base_given: true, operation: grep, size: size(1e11, 0) });
    expect(t.ms).toBe(3_600_000);
    expect(t.explanation).toContain('capped at max 3,600 s (the default)');
    expect(
      adaptiveTimeout({ base_seconds: 5000, base_given: true, operation: grep, size: size(1e11, 0) }).ms,
    ).toBe(5_000_000);
  });

  test("7. never above the mission's own timeout", () => {
    const t = adaptiveTimeout({
      base_seconds: 30,
      base_given: true,
      max_seconds: 300,
      operation: grep,
      size: size(412_000_000, 8_249),
      mission_seconds: 60,
    });
    expect(t.ms).toBe(60_000);
    expect(t.explanation).toMatch(/within max 300 s, cut to 60 s by config\.mission_timeout_seconds$/);
  });

  test('8. builds get 300 s unless a base is set; other commands get their base', () => {
    const cargo = classifyOperation('cargo', ['build']);
    expect(adaptiveTimeout({ base_seconds: 60, base_given: false, operation: cargo })).toMatchObject({
      ms: 300_000,
      explanation:
        'adaptive: build (cargo build) → the build default 300 s (set base_timeout_seconds to change it), within max 3,600 s (the default)',
    });
    expect(
      adaptiveTimeout({ base_seconds: 120, base_given: true, max_seconds: 600, operation: cargo }).ms,
    ).toBe(120_000);
    expect(
      adaptiveTimeout({ base_seconds: 60, base_given: false, max_seconds: 200, operation: cargo }).ms,
    ).toBe(200_000);
    const curl = classifyOperation('curl', ['-s', 'http://x']);
    expect(
      adaptiveTimeout({ base_seconds: 20, base_given: true, operation: curl, size: size(1e9, 1) }),
    ).toMatchObject({
      ms: 20_000,
      explanation:
        'adaptive: curl is neither a search nor a build → base 20 s, within max 3,600 s (the default)',
    });
  });

  test('9. a search whose size was not measured gets its base', () => {
    expect(
      adaptiveTimeout({ base_seconds: 30, base_given: true, max_seconds: 300, operation: grep }),
    ).toMatchObject({
      ms: 30_000,
      explanation: 'adaptive: grep over a size not measured → base 30 s, within max 300 s',
    });
  });
});

describe('createPlan with facts', () => {
  const adaptiveGrep = {
    id: 'scan',
    step_type: 'command',
    parameters: { command: 'grep', args: ['-rl', 'API_KEY', '.', '--include=*.go'] },
    timeout_strategy: 'adaptive' as const,
    base_timeout_seconds: 30,
    max_timeout_seconds: 300,
  };

  test('the measured size of each adaptive step sets its timeout', () => {
    const mission = buildMission([
      adaptiveGrep,
      { id: 'other', step_type: 'command', parameters: { command: 'ls' } },
    ]);
    const plan = createPlan(mission, {
      platform: 'linux',
      steps: { scan: { size: size(100_000_000, 1_000) } },
    });
    expect(plan.steps[0]!.timeout).toMatchObject({ ms: 41_000, source: 'adaptive' });
    expect(plan.steps[0]!.command).toMatchObject({ command: 'grep', operation: { kind: 'search' } });
    expect(plan.steps[1]!.timeout.source).toBe('default');
  });

  test('without facts an adaptive step gets its base and says the size was not measured', () => {
    const plan = createPlan(buildMission([adaptiveGrep]));
    expect(plan.steps[0]!.timeout).toMatchObject({ ms: 30_000, source: 'adaptive' });
    expect(plan.steps[0]!.timeout.explanation).toContain('not measured');
  });

  test('stepTimeout keeps fixed timeouts as they were', () => {
    const mission = buildMission([{ id: 'a', timeout_seconds: 12 }], { timeout_seconds: 40 });
    expect(stepTimeout(mission.steps[0]!, mission)).toMatchObject({ ms: 12_000, source: 'step' });
  });
});
