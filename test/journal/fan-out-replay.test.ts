// A journaled run with a dynamic fan-out: the host dies after any journal entry, a new host
// resumes from the journal, and the fan-out expands again into the same instances (expansion is
// a pure function of the recorded events), so the run ends as the uninterrupted one did.
import type { MissionReport } from '../../src/scheduler/report.js';
import { MemoryJournal } from '../../src/testing/memory-journal.js';
import { resumeTestMission } from '../../src/testing/resume-test-mission.js';
import { runTestMission, type TestMissionOptions } from '../../src/testing/run-test-mission.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const MISSION = `version: "1.0"
name: files
config: { max_parallel_steps: 3, fail_fast: false }
steps:
  - id: list
    name: list
    step_type: command
    parameters: { command: ls }
  - id: process
    name: process
    step_type: command
    depends_on: [list]
    for_each: "{{ steps.list.stdout_lines }}"
    max_parallel: 2
    # Each instance's outcome then depends on its item alone, not on when a resumed host reran it.
    fail_fast: false
    parameters: { command: convert, args: ["{{ item }}"] }
  - id: gather
    name: gather
    step_type: command
    depends_on: [process]
    parameters: { command: gather }
`;

const SCRIPTS: NonNullable<TestMissionOptions['commands']> = {
  ls: { output: [{ atMs: 10, text: 'a.csv\nb.csv\nc.csv\nd.csv\n' }], exitAfterMs: 50 },
  convert: (req) => ({
    output: [{ atMs: 5, text: `converted ${req.args[0]}\n` }],
    exitAfterMs: req.args[0] === 'c.csv' ? 20 : 100,
    exitCode: req.args[0] === 'c.csv' ? 2 : 0,
  }),
  gather: { exitAfterMs: 10 },
};

const lastAt = (journal: MemoryJournal, runId: string): number =>
  journal
    .text(runId)
    .log.split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { event?: { at: number } })
    .reduce((t, e) => (e.event !== undefined ? Math.max(t, e.event.at) : t), 0);

const shape = (report: MissionReport): unknown =>
  report.steps.map((r) => ({ id: r.id, conclusion: r.conclusion, instances: r.instances, item: r.fan_out }));

test('a dynamic fan-out resumes into the same instances, whatever entry the host died after', async () => {
  const journal = new MemoryJournal();
  const full = (await runTestMission(MISSION, { journal, runId: 'full', commands: SCRIPTS })).report;
  expect(full.steps.map((r) => [r.id, r.conclusion])).toEqual([
    ['list', 'succeeded'],
    ['process', 'failed'],
    ['process[0]', 'succeeded'],
    ['process[1]', 'succeeded'],
    ['process[2]', 'failed'],
    ['process[3]', 'succeeded'],
    ['gather', 'skipped'],
  ]);
  const total = journal.text('full').log.split('\n').length - 1;
  for (let after = 0; after <= total; after++) {
    const j = new MemoryJournal();
    j.crashNextRun({ afterEntries: after });
    await runTestMission(MISSION, { journal: j, runId: 'r', commands: SCRIPTS });
    const clock = new VirtualClock({ startAt: lastAt(j, 'r') + 250 });
    const resumed = (await resumeTestMission('r', { journal: j, clock, commands: SCRIPTS })).report;
    expect({ after, steps: shape(resumed) }).toEqual({ after, steps: shape(full) });
  }
});
