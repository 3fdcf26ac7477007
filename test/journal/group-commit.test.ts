// Group commit: a journaled run writes its events in batches and makes them durable together, at
// the moments something outside could depend on them — before a step reaches outside the run and
// before the report is returned — never later, and not once per event.
import type { Journal, JournalEntry, RecordedRun, RunInputs, RunLog } from '../../src/ports/journal.js';
import type { SpawnRequest, SpawnedProcess } from '../../src/ports/executor.js';
import { FakeExecutor } from '../../src/testing/fake-executor.js';
import { MemoryJournal } from '../../src/testing/memory-journal.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

/** A journal that counts what its logs append and sync, over a MemoryJournal. */
class CountingJournal implements Journal {
  readonly inner = new MemoryJournal();
  /** Event entries appended and not yet durable. */
  pendingEvents = 0;
  /** Times the log was made durable for an event (a sync, or an event appended `durable`). */
  syncs = 0;

  create(inputs: RunInputs): Promise<RunLog> {
    return this.inner.create(inputs).then((log) => this.wrap(log));
  }

  open(runId: string): Promise<{ readonly run: RecordedRun; readonly log: RunLog }> {
    return this.inner.open(runId).then(({ run, log }) => ({ run, log: this.wrap(log) }));
  }

  private wrap(log: RunLog): RunLog {
    return {
      runId: log.runId,
      append: (entry: JournalEntry, durability) => {
        log.append(entry, durability);
        if (durability === 'durable') {
          if (entry._tag === 'event') this.syncs += 1;
          this.pendingEvents = 0;
        } else if (entry._tag === 'event') this.pendingEvents += 1;
      },
      sync: () => {
        log.sync();
        this.syncs += 1;
        this.pendingEvents = 0;
      },
      close: () => log.close(),
    };
  }
}

/** A FakeExecutor that notes, at each spawn, how many journaled events were not yet durable. */
class WatchingExecutor extends FakeExecutor {
  readonly pendingAtSpawn: number[] = [];
  constructor(
    clock: VirtualClock,
    private readonly journal: CountingJournal,
    commands: ConstructorParameters<typeof FakeExecutor>[0]['commands'],
  ) {
    super({ clock, ...(commands !== undefined ? { commands } : {}) });
  }

  override spawn(request: SpawnRequest): SpawnedProcess {
    this.pendingAtSpawn.push(this.journal.pendingEvents);
    return super.spawn(request);
  }
}

const chain = (n: number, type: 'noop' | 'command', parallel = 1): string =>
  `version: "1.0"\nname: chain\nconfig:\n  max_parallel_steps: ${parallel}\nsteps:\n${Array.from(
    { length: n },
    (_, i) =>
      `  - id: s${i}\n    name: s${i}\n    step_type: ${type}\n${
        i > 0 && parallel === 1 ? `    depends_on: [s${i - 1}]\n` : ''
      }    parameters: {${type === 'command' ? ` command: c${i % 3}` : ''} }\n`,
  ).join('')}`;

const SCRIPTS = {
  c0: { output: [{ atMs: 5, text: 'zero\n' }], exitAfterMs: 20 },
  c1: { output: [{ atMs: 1, text: 'one\n' }], exitAfterMs: 35 },
  c2: { exitAfterMs: 10 },
};

describe('group commit', () => {
  it('nothing is spawned before every event that led to it is durable', async () => {
    const journal = new CountingJournal();
    const clock = new VirtualClock();
    const executor = new WatchingExecutor(clock, journal, SCRIPTS);
    const { report } = await runTestMission(chain(12, 'command'), { journal, runId: 'r', clock, executor });
    expect(executor.pendingAtSpawn).toHaveLength(12);
    expect(executor.pendingAtSpawn.every((n) => n === 0)).toBe(true);
    // …and nothing is left to lose once the report is out.
    expect(journal.pendingEvents).toBe(0);
    expect(report.status).toBe('succeeded');
  });

  it('a wave of steps started together shares one commit', async () => {
    const journal = new CountingJournal();
    const clock = new VirtualClock();
    const executor = new WatchingExecutor(clock, journal, SCRIPTS);
    // s0, then six steps that depend on it, started together when it ends.
    const fan = chain(7, 'command', 6).replace(
      /( {2}- id: s[1-6]\n {4}name: s\d\n {4}step_type: command\n)/g,
      '$1    depends_on: [s0]\n',
    );
    const { report } = await runTestMission(fan, { journal, runId: 'r', clock, executor });
    expect(report.status).toBe('succeeded');
    expect(executor.pendingAtSpawn).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // The commit before s0 (with the start), the one before the wave of six, the one before the report:
    // not one per step end.
    expect(journal.syncs).toBe(3);
  });

  it('steps that never reach outside the run are not committed one by one', async () => {
    const journal = new CountingJournal();
    const { report } = await runTestMission(chain(1000, 'noop'), { journal, runId: 'r' });
    expect(report.status).toBe('succeeded');
    // One commit, before the report, for 1,000 steps.
    expect(journal.syncs).toBeLessThanOrEqual(2);
    expect(journal.pendingEvents).toBe(0);
    expect(journal.inner.text('r').log.split('\n').length - 1).toBeGreaterThanOrEqual(1001);
  });
});

it('the end of a step that must never run twice is durable at once', async () => {
  const journal = new CountingJournal();
  const durableEnds: number[] = [];
  const inner = journal.inner;
  const mission = `version: "1.0"\nname: once\nsteps:\n  - { id: pay, name: pay, step_type: command, on_interrupt: fail, parameters: { command: c0 } }\n  - { id: log, name: log, step_type: command, depends_on: [pay], parameters: { command: c2 } }\n`;
  const { report } = await runTestMission(mission, {
    journal: {
      create: (inputs) =>
        journal.create(inputs).then((log) => ({
          ...log,
          runId: log.runId,
          append: (entry, durability) => {
            if (entry._tag === 'event' && entry.event._tag === 'step_finished' && durability === 'durable')
              durableEnds.push(entry.event.step);
            log.append(entry, durability);
          },
          sync: () => log.sync(),
          close: () => log.close(),
        })),
      open: (id) => journal.open(id),
    },
    runId: 'r',
    commands: SCRIPTS,
  });
  expect(report.status).toBe('succeeded');
  expect(durableEnds).toEqual([0]);
  expect(inner.runIds()).toEqual(['r']);
});
