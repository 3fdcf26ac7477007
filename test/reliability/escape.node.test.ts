// Daemons that try to escape a step: a new session (setsid) together with a rewritten process
// title (which overwrites what /proc/<pid>/environ shows), a cleared environment (`env -i`) or the
// tree marker removed (`env -u MISSIONKIT_TREE`). In a control group none of that helps: after a
// timeout, a cancel and a normal exit, not one survives, and the group is gone. The process group
// and marker (the fallback, forced here) cannot see such a daemon once its parent is gone; what it
// does guarantee is tested too, and the limit is written down in docs/processes.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMission } from '../../src/index.js';
import type { ContainmentChoice } from '../../src/node/containment/choose-containment.js';
import { cgroupSupport } from '../../src/node/containment/choose-containment.js';
import { ownGroups } from '../../src/node/containment/cgroup-mounts.js';
import { createProcSampler } from '../../src/node/proc-sampler.js';
import { NodeExecutor } from '../../src/node/node-executor.js';
import type { ContainmentKind } from '../../src/ports/executor.js';
import type { MissionReport } from '../../src/scheduler/report.js';
import { commandMission } from '../support/command-mission.js';
import { isAlive, killQuietly, survivors, taggedPids } from '../node/liveness.js';
import { hostEnv, start } from '../node/run-fixture.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const hasPerl = ((process.env.PATH ?? '').split(':') as string[]).some((dir) => {
  try {
    fs.accessSync(path.join(dir, 'perl'), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

let dir: string;
let pidFiles: string[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-escape-'));
  pidFiles = [];
});

/** Every pid a daemon wrote, read now (a daemon writes its pid first thing). */
const daemonPids = (): number[] =>
  pidFiles.flatMap((file) => {
    try {
      const n = Number(fs.readFileSync(file, 'latin1').trim());
      return Number.isInteger(n) && n > 0 ? [n] : [];
    } catch {
      return [];
    }
  });

/** The step groups this test process made that still exist, in every hierarchy. */
const ownStepGroups = (): string[] => {
  const groups = ownGroups();
  const bases = [groups.v2, ...['freezer', 'pids', 'cpuacct', 'memory'].map((c) => groups.v1(c))]
    .filter((d): d is string => d !== undefined)
    .map((d) => path.join(d, 'missionkit'));
  return bases.flatMap((base) => {
    try {
      return fs
        .readdirSync(base)
        .filter((name) => name.startsWith(`${process.pid}.`) && !name.includes('-probe'))
        .map((name) => path.join(base, name));
    } catch {
      return [];
    }
  });
};

// Whatever a failed test left: its daemons are killed and its groups emptied and removed.
afterEach(async () => {
  for (const pid of daemonPids()) killQuietly(pid);
  for (const group of ownStepGroups()) {
    try {
      fs.writeFileSync(path.join(group, 'freezer.state'), 'THAWED');
    } catch {
      // not a freezer group
    }
    try {
      for (const pid of fs.readFileSync(path.join(group, 'cgroup.procs'), 'latin1').split('\n'))
        if (pid !== '') killQuietly(Number(pid));
    } catch {
      // gone already
    }
  }
  await sleep(50);
  for (const group of ownStepGroups())
    try {
      fs.rmdirSync(group);
    } catch {
      // a member stuck in the kernel; nothing more a test can do
    }
  fs.rmSync(dir, { recursive: true, force: true });
});

const pidFile = (): string => {
  const file = path.join(dir, `daemon-${pidFiles.length}.pid`);
  pidFiles.push(file);
  return file;
};

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** An escape, as a shell line that starts the daemon and returns at once; the daemon writes its pid to `file`. */
interface Escape {
  readonly name: string;
  readonly line: (file: string) => string;
}

const titleRewrite: Escape = hasPerl
  ? {
      name: 'setsid + perl rewriting its title ($0) over its environment',
      line: (file) =>
        `(setsid perl -e 'open(my $f, ">", $ARGV[0]); print $f $$; close $f; $0 = "sleep 623 " . ("x" x 3000); sleep 623' ${q(file)} &)`,
    }
  : {
      name: 'setsid + node rewriting process.title',
      line: (file) =>
        `(setsid ${q(process.execPath)} -e 'require("fs").writeFileSync(process.argv[1], String(process.pid)); process.title = "sleep 623 " + "x".repeat(3000); setInterval(() => {}, 1e6)' ${q(file)} </dev/null >/dev/null 2>&1 &)`,
    };

const ESCAPES: ReadonlyArray<Escape> = [
  titleRewrite,
  {
    name: 'setsid env -i (the marker cleared with the whole environment)',
    line: (file) =>
      `(setsid env -i /bin/sh -c 'echo $$ > "$1"; exec sleep 623' sh ${q(file)} </dev/null >/dev/null 2>&1 &)`,
  },
  {
    name: 'env -u MISSIONKIT_TREE setsid (the marker removed)',
    line: (file) =>
      `(env -u MISSIONKIT_TREE setsid /bin/sh -c 'echo $$ > "$1"; exec sleep 623' sh ${q(file)} </dev/null >/dev/null 2>&1 &)`,
  },
];

/** Waits until the daemon wrote its pid (so the step goes on only once it runs). */
const waitForPid = (file: string): string => `while [ ! -s ${q(file)} ]; do sleep 0.02; done`;

type Ending = 'timeout' | 'cancel' | 'normal exit';
const ENDINGS: ReadonlyArray<Ending> = ['timeout', 'cancel', 'normal exit'];

/** Runs a one-step mission that starts `escape` and then ends by `ending`. */
const runEscape = async (
  containment: ContainmentChoice,
  escape: Escape,
  ending: Ending,
): Promise<{ report: MissionReport; daemon: number | undefined }> => {
  const file = pidFile();
  const then = ending === 'normal exit' ? 'exit 0' : 'sleep 30';
  const command = `${escape.line(file)}\n${waitForPid(file)}\n${then}`;
  const controller = new AbortController();
  const mission = commandMission(
    'escape',
    `command: ${JSON.stringify(command)}\nshell: true`,
    ending === 'timeout' ? '    timeout_seconds: 1' : '',
    '  kill_grace_seconds: 1',
  );
  const running = runMission(mission, {
    cwd: dir,
    executor: new NodeExecutor({ containment }),
    signal: controller.signal,
  });
  if (ending === 'cancel') {
    const until = Date.now() + 10_000;
    while (daemonPids().length === 0 && Date.now() < until) await sleep(20);
    controller.abort();
  }
  const report = await running;
  return { report, daemon: daemonPids()[0] };
};

const expectedStatus: Record<Ending, string> = {
  timeout: 'timed_out',
  cancel: 'cancelled',
  'normal exit': 'succeeded',
};

const support = cgroupSupport();
const cgroupKinds = (['cgroup-v2', 'cgroup-v1'] as const).filter((k) =>
  k === 'cgroup-v2' ? support.v2 : support.v1,
);

if (cgroupKinds.length === 0) {
  it(`cgroup containment is not tested: this host cannot create control groups (${support.why}); the fallback below is`, () => {
    expect(cgroupKinds).toEqual([]);
  });
}

describe.each(cgroupKinds)('%s containment', (kind: ContainmentKind & ContainmentChoice) => {
  describe.each(ESCAPES)('$name', (escape) => {
    it.each(ENDINGS)(
      'after a %s: the daemon is killed, the group removed, the report names the containment',
      async (ending) => {
        const { report, daemon } = await runEscape(kind, escape, ending);
        const step = report.steps[0]!;
        expect(step.outcome).toBe(expectedStatus[ending]);
        expect(step.containment).toBe(kind);
        expect(daemon).toBeDefined();
        expect(await survivors([daemon!], 2000)).toEqual([]);
        expect(ownStepGroups()).toEqual([]);
      },
    );
  });

  it('a fork at the first instruction is already inside: 20 starts, each forking a daemon at once, then exiting or killed at once', async () => {
    const tag = `escape-race-${process.pid}-${kind}`;
    const tagged = (): number[] => taggedPids(tag);
    const executor = new NodeExecutor({ containment: kind });
    try {
      const runs = Array.from({ length: 20 }, (_, i) => {
        const started = start(executor, 'escape', [], {
          command: `(setsid env -i /bin/sh -c 'sleep 623' ${tag} </dev/null >/dev/null 2>&1 &)`,
          args: [],
          shell: true,
        });
        // Half are killed before the wrapper can have entered the group.
        if (i % 2 === 1) started.process.kill('force');
        expect(started.process.containment).toBe(kind);
        return started.process.exited;
      });
      await Promise.all(runs);
      expect(await survivors(tagged(), 2000)).toEqual([]);
      expect(ownStepGroups()).toEqual([]);
    } finally {
      for (const pid of tagged()) killQuietly(pid);
    }
  });

  it('a daemon of a step with detach: true keeps running, moved out of the removed group', async () => {
    const file = pidFile();
    const command = `${ESCAPES[1]!.line(file)}\n${waitForPid(file)}`;
    const report = await runMission(
      commandMission('detached', `command: ${JSON.stringify(command)}\nshell: true\ndetach: true`),
      {
        cwd: dir,
        executor: new NodeExecutor({ containment: kind }),
      },
    );
    expect(report.steps[0]!.outcome).toBe('succeeded');
    const [daemon] = daemonPids();
    expect(daemon !== undefined && isAlive(daemon)).toBe(true);
    expect(ownStepGroups()).toEqual([]);
  });

  it('the sampler counts an escaped daemon by the group (processes, CPU time)', async () => {
    const file = pidFile();
    const executor = new NodeExecutor({ containment: kind });
    const hog = `setsid env -i ${q(process.execPath)} -e 'require("fs").writeFileSync(process.argv[1], String(process.pid)); for (;;) {}' ${q(file)}`;
    const started = start(executor, 'escape', [], {
      command: `(${hog} </dev/null >/dev/null 2>&1 &); ${waitForPid(file)}; sleep 30`,
      args: [],
      shell: true,
    });
    const sampler = createProcSampler();
    const until = Date.now() + 10_000;
    while (daemonPids().length === 0 && Date.now() < until) await sleep(20);
    await sleep(300);
    const usage = await sampler.sample([started.process.pid!]);
    started.process.kill('force');
    await started.process.exited;
    // The shell, its sleep and the daemon: the process table alone would not find the daemon.
    expect(usage.processes).toBeGreaterThanOrEqual(3);
    expect(usage.cpu_ms).toBeGreaterThan(50);
    expect(usage.rss_bytes).toBeGreaterThan(0);
    expect(await survivors(daemonPids(), 2000)).toEqual([]);
  });
});

describe('process-group containment (forced, the fallback)', () => {
  const containment = 'process-group';

  it.each(ENDINGS)(
    'after a %s: a daemon that left the session but kept its environment is killed (the marker finds it)',
    async (ending) => {
      const keepsMarker: Escape = {
        name: 'setsid',
        line: (file) =>
          `(setsid /bin/sh -c 'echo $$ > "$1"; exec sleep 623' sh ${q(file)} </dev/null >/dev/null 2>&1 &)`,
      };
      const { report, daemon } = await runEscape(containment, keepsMarker, ending);
      expect(report.steps[0]!.outcome).toBe(expectedStatus[ending]);
      expect(report.steps[0]!.containment).toBe('process-group');
      expect(await survivors([daemon!], 2000)).toEqual([]);
    },
  );

  it.each(['timeout', 'cancel'] as const)(
    'after a %s: a child that left the session and dropped the marker is killed while its parent is in the tree',
    async (ending) => {
      const nearby: Escape = {
        name: 'setsid env -i, parent kept',
        line: (file) =>
          `setsid env -i /bin/sh -c 'echo $$ > "$1"; exec sleep 623' sh ${q(file)} </dev/null >/dev/null 2>&1 &`,
      };
      const { report, daemon } = await runEscape(containment, nearby, ending);
      expect(report.steps[0]!.outcome).toBe(expectedStatus[ending]);
      expect(await survivors([daemon!], 2000)).toEqual([]);
    },
  );

  it.each(ESCAPES)(
    'the limit: $name, its parent gone, is out of reach — the report says process-group',
    async (escape) => {
      const { report, daemon } = await runEscape(containment, escape, 'normal exit');
      expect(report.steps[0]!.containment).toBe('process-group');
      // Not asserted either way: whether the scan still sees it depends on what it overwrote.
      expect(daemon).toBeDefined();
    },
  );
});

// The fixture daemon (setsid, unref'd) through the executor directly, on every containment this host has.
describe.each(['process-group', ...cgroupKinds] as const)('%s: the executor alone', (kind) => {
  it('kills a daemon left behind by a normal exit, and says how it was contained', async () => {
    const executor = new NodeExecutor({ containment: kind });
    const started = start(executor, 'daemon', [], { env: hostEnv() });
    expect(started.process.containment).toBe(kind);
    await started.process.exited;
    const pids = started.pids();
    expect(pids.length).toBeGreaterThan(1);
    expect(await survivors(pids, 2000)).toEqual([]);
  });
});
