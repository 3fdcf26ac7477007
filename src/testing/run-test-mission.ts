// runTestMission: a mission run in-process on virtual time with scripted processes and an
// in-memory file system, returning the report and every event — an hour of mission logic
// tested in milliseconds, the same way on every machine.
import type { FileSystem } from '../ports/filesystem.js';
import type { HttpClient } from '../ports/http.js';
import {
  runMissionWith,
  type MissionSource,
  type RunMissionOptions,
  type RuntimeHost,
} from '../runtime/run-mission.js';
import type { MissionEvent } from '../scheduler/mission-events.js';
import type { MissionReport } from '../scheduler/report.js';
import { FakeExecutor } from './fake-executor.js';
import { fakeHostFacts, type FakeSize } from './fake-host-facts.js';
import type { FakeScriptSource } from './fake-script.js';
import { MemoryFileSystem } from './memory-filesystem.js';
import { FakeSampler, type FakeUsageScript } from './fake-sampler.js';
import { VirtualClock } from './virtual-clock.js';

/** Options of `runTestMission`: those of `runMission`, plus the fakes and their scripts. */
export interface TestMissionOptions extends Omit<RunMissionOptions, 'executor' | 'clock' | 'fs' | 'sampler'> {
  /**
   * What each step's process tree uses, by step id, for resource limits and reports.
   * @default {} (nothing measured)
   * @example { usage: { build: (elapsedMs) => ({ memoryMb: elapsedMs < 10_000 ? 200 : 900, cpuPercent: 150 }) } }
   */
  readonly usage?: Readonly<Record<string, FakeUsageScript>>;
  /** Whether disk I/O is measurable (false: disk limits are refused, as on macOS). @default true */
  readonly measuresDiskIo?: boolean;
  /**
   * How each step's process behaves, by step id.
   * @default {} (every process exits 0 at once, see `defaultScript`)
   * @example { steps: { build: { exitAfterMs: 90_000 }, deploy: { hang: true, ignoreGraceful: true } } }
   */
  readonly steps?: Readonly<Record<string, FakeScriptSource>>;
  /**
   * How processes behave by command name, for steps without a script of their own.
   * @default {}
   * @example { commands: { curl: { output: [{ atMs: 5, text: '200' }], exitAfterMs: 10 } } }
   */
  readonly commands?: Readonly<Record<string, FakeScriptSource>>;
  /**
   * What an unscripted process does.
   * @default { exitCode: 0 } (succeeds at once)
   */
  readonly defaultScript?: FakeScriptSource;
  /**
   * Files the in-memory file system starts with (absolute, or relative to `/mission`).
   * @default {}
   * @example { files: { 'input.csv': 'a,b\n1,2\n' } }
   */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * The OS the mission runs as — `linux`, `macos`, `windows` (or Node's `darwin`, `win32`) — for
   * `platform_commands` and chunked steps' command-line limits.
   * @default 'linux'
   * @example { platform: 'windows', which: ['powershell'] }
   */
  readonly platform?: string;
  /**
   * The architecture the mission runs as, for `if:` conditions' `platform.arch` (Node's names).
   * @default 'x64'
   * @example { arch: 'arm64' }
   */
  readonly arch?: string;
  /**
   * Which programs are on PATH, for `platform_commands` (a candidate not on PATH is skipped).
   * @default every program
   * @example { which: (command) => command !== 'powershell' }
   */
  readonly which?: ReadonlyArray<string> | ((command: string) => boolean);
  /**
   * Tree sizes for adaptive timeouts, by path as the step names it (relative to its working directory).
   * @default measured in the in-memory file system
   * @example { sizes: { '.': { bytes: 412_000_000, files: 8_249 } } }
   */
  readonly sizes?: Readonly<Record<string, FakeSize>>;
  /** @default a new VirtualClock at 2025-01-01T00:00:00Z */
  readonly clock?: VirtualClock;
  /** Your own FakeExecutor (the script options above are then ignored). @default a FakeExecutor with the scripts above */
  readonly executor?: FakeExecutor;
  /** @default a MemoryFileSystem with `files` */
  readonly fs?: FileSystem;
  /**
   * Answers the `http` and `llm` steps' requests. Tests reach no network: by default every
   * request fails with a message saying to pass one (a real client against a local server works too).
   * @default a client that refuses every request
   */
  readonly http?: HttpClient;
}

/** What a test run leaves behind to assert on. */
export interface TestMissionResult {
  readonly report: MissionReport;
  /** Every event of the run, in order. */
  readonly events: ReadonlyArray<MissionEvent>;
  readonly clock: VirtualClock;
  /** The FakeExecutor: `executor.signalsFor('step')`, `executor.spawns` and friends. */
  readonly executor: FakeExecutor;
  readonly fs: FileSystem;
}

const noNetwork: HttpClient = {
  request: (req) =>
    Promise.resolve({
      _tag: 'failed',
      code: 'other',
      message: `no network in runTestMission: ${req.method} ${req.url} was not sent`,
      hint: 'pass an `http` client to runTestMission (a fake, or a real one against a local server)',
    }),
};

/** The working directory of a test run. */
export const TEST_WORKING_DIRECTORY = '/mission';

/**
 * Runs a mission on a VirtualClock with a FakeExecutor and an in-memory file system.
 * A path source is read from that file system (seed it with `files`, or pass `fs`).
 * @example
 * const { report } = await runTestMission(yaml, { steps: { deploy: { hang: true } } });
 * expect(report.steps[0].status).toBe('timed_out');
 */
/** The fakes of a test run, built from its options; `rest` are the options for the runtime. */
export const testHost = (
  options: TestMissionOptions,
): {
  readonly host: RuntimeHost & { readonly clock: VirtualClock; readonly executor: FakeExecutor };
  readonly rest: Omit<RunMissionOptions, 'executor' | 'clock' | 'fs' | 'sampler'>;
  readonly events: MissionEvent[];
  readonly onEvent: ((event: MissionEvent) => void) | undefined;
} => {
  const {
    steps,
    commands,
    defaultScript,
    files,
    clock: givenClock,
    executor: givenExecutor,
    fs: givenFs,
    usage,
    measuresDiskIo,
    platform,
    arch,
    which,
    sizes,
    http: givenHttp,
    onEvent,
    ...rest
  } = options;
  const clock = givenClock ?? new VirtualClock();
  const fs =
    givenFs ??
    new MemoryFileSystem(
      Object.fromEntries(
        Object.entries(files ?? {}).map(([p, c]) => [
          p.startsWith('/') ? p : `${TEST_WORKING_DIRECTORY}/${p}`,
          c,
        ]),
      ),
    );
  const executor =
    givenExecutor ??
    new FakeExecutor({
      clock,
      steps: steps ?? {},
      commands: commands ?? {},
      defaultScript: defaultScript ?? { exitCode: 0 },
    });
  const events: MissionEvent[] = [];
  const sampler = new FakeSampler({
    clock,
    executor,
    usage: usage ?? {},
    measuresDiskIo: measuresDiskIo ?? true,
  });
  const host = {
    executor,
    clock,
    fs,
    http: givenHttp ?? noNetwork,
    sampler,
    facts: fakeHostFacts({
      fs,
      ...(platform !== undefined ? { platform } : {}),
      ...(arch !== undefined ? { arch } : {}),
      ...(which !== undefined ? { which } : {}),
      ...(sizes !== undefined ? { sizes } : {}),
    }),
    cwd: TEST_WORKING_DIRECTORY,
    env: {},
  };
  return { host, rest, events, onEvent };
};

export const runTestMission = async (
  source: MissionSource,
  options: TestMissionOptions = {},
): Promise<TestMissionResult> => {
  const { host, rest, events, onEvent } = testHost(options);
  const { clock, executor, fs } = host;
  const report = await clock.runUntilSettled(
    runMissionWith(host, source, {
      ...rest,
      seed: rest.seed ?? 1,
      onEvent: (e) => {
        events.push(e);
        onEvent?.(e);
      },
    }),
  );
  return { report, events, clock, executor, fs };
};
