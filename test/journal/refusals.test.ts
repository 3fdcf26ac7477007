// A journal that cannot be resumed faithfully is refused, with a message that says what differs
// and what to do; a last line cut short by a crash is not such a journal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileJournal } from '../../src/node/file-journal.js';
import { JournalRefusal, type Journal } from '../../src/ports/journal.js';
import { MemoryJournal } from '../../src/testing/memory-journal.js';
import { resumeTestMission } from '../../src/testing/resume-test-mission.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';

const MISSION = `version: "1.0"
name: refusals
variables:
  token: { value: placeholder, secret: true }
steps:
  - { id: a, name: a, step_type: command, parameters: { command: echo, args: ["\${token}"] } }
  - { id: b, name: b, step_type: command, depends_on: [a], parameters: { command: work } }
  - { id: c, name: c, step_type: command, depends_on: [b], parameters: { command: work } }
`;
const COMMANDS = {
  echo: (req: { args: ReadonlyArray<string> }) => ({
    output: [{ text: `${req.args.join(' ')}\n` }],
    exitAfterMs: 10,
  }),
  work: { output: [{ atMs: 5, text: 'working\n' }], exitAfterMs: 100 },
};
const SECRET = 's3cret-value-42';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-journal-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const record = async (journal: Journal, files?: Record<string, string>): Promise<void> => {
  await runTestMission(files === undefined ? MISSION : 'mission.yaml', {
    journal,
    runId: 'r1',
    commands: COMMANDS,
    variables: { token: SECRET },
    ...(files !== undefined ? { files } : {}),
  });
};

const refusal = async (journal: Journal, files?: Record<string, string>, variables = { token: SECRET }) => {
  try {
    await resumeTestMission('r1', {
      journal,
      commands: COMMANDS,
      variables,
      ...(files !== undefined ? { files } : {}),
    });
  } catch (e) {
    expect(e).toBeInstanceOf(JournalRefusal);
    return e as JournalRefusal;
  }
  throw new Error('the resume was not refused');
};

const eventsFile = (): string => path.join(root, 'r1', 'events.jsonl');
const inputsFile = (): string => path.join(root, 'r1', 'inputs.json');

describe('the file journal', () => {
  it('lays a run out as inputs.json, events.jsonl, outcome.json and no lock once it ended; secrets stay out', async () => {
    await record(fileJournal(root));
    expect(fs.readdirSync(path.join(root, 'r1')).sort()).toEqual([
      'events.jsonl',
      'inputs.json',
      'outcome.json',
    ]);
    // The run ended with a report: `missionkit runs` tells it from one whose host died.
    expect(JSON.parse(fs.readFileSync(path.join(root, 'r1', 'outcome.json'), 'utf8'))).toEqual({
      status: expect.any(String),
      ended_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const inputs = JSON.parse(fs.readFileSync(inputsFile(), 'utf8'));
    expect(inputs).toMatchObject({
      format: 'missionkit.journal/v1',
      run_id: 'r1',
      missionkit_version: expect.any(String),
      mission: { text: MISSION, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      variables: {},
      secret_names: ['token'],
      options: { seed: 1 },
    });
    const lines = fs.readFileSync(eventsFile(), 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      _tag: 'event',
      event: { _tag: 'start', at: expect.any(Number) },
    });
    expect(fs.readFileSync(eventsFile(), 'utf8')).not.toContain(SECRET);
    expect(fs.readFileSync(inputsFile(), 'utf8')).not.toContain(SECRET);
  });

  it('tolerates a last line cut short by a crash, and appends after it on a line of its own', async () => {
    await record(fileJournal(root));
    const text = fs.readFileSync(eventsFile(), 'utf8');
    const lines = text.trimEnd().split('\n');
    // Cut in the middle of the fifth line: the host died writing it.
    const cut = lines.slice(0, 4).join('\n') + '\n' + lines[4]!.slice(0, 20);
    fs.writeFileSync(eventsFile(), cut);
    const { report } = await resumeTestMission('r1', {
      journal: fileJournal(root),
      commands: COMMANDS,
      variables: { token: SECRET },
    });
    expect(report.status).toBe('succeeded');
    const events = lines.slice(0, 4).filter((l) => l.startsWith('{"_tag":"event"')).length;
    expect(report.resumed).toEqual({ at: expect.any(String), from_event: events });
    const after = fs.readFileSync(eventsFile(), 'utf8');
    expect(after.startsWith(lines.slice(0, 4).join('\n') + '\n')).toBe(true);
    for (const line of after.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('refuses a journal damaged before its last line', async () => {
    await record(fileJournal(root));
    const lines = fs.readFileSync(eventsFile(), 'utf8').split('\n');
    lines[2] = '{"_tag":"event","ev';
    fs.writeFileSync(eventsFile(), lines.join('\n'));
    const e = await refusal(fileJournal(root));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/line 3 of \d+ is damaged/);
    expect(e.hint).toMatch(/start the mission again/);
    // A refused resume lets go of the run.
    expect(fs.existsSync(path.join(root, 'r1', 'lock'))).toBe(false);
  });

  it('refuses a run recorded by another missionkit minor version, or in another format', async () => {
    await record(fileJournal(root));
    const inputs = JSON.parse(fs.readFileSync(inputsFile(), 'utf8'));
    fs.writeFileSync(inputsFile(), JSON.stringify({ ...inputs, missionkit_version: '0.9.3' }));
    const e = await refusal(fileJournal(root));
    expect(e.code).toBe('version');
    expect(e.message).toMatch(/recorded by missionkit 0\.9\.3; this is \d+\.\d+\.\d+/);
    expect(e.hint).toMatch(/missionkit 0\.9\.x/);
    fs.writeFileSync(inputsFile(), JSON.stringify({ ...inputs, format: 'missionkit.journal/v2' }));
    const f = await refusal(fileJournal(root));
    expect(f.code).toBe('version');
    expect(f.message).toMatch(
      /format is missionkit\.journal\/v2, this missionkit reads missionkit\.journal\/v1/,
    );
  });

  it('refuses a run whose mission file changed since it started', async () => {
    await record(fileJournal(root), { 'mission.yaml': MISSION });
    const e = await refusal(fileJournal(root), {
      'mission.yaml': MISSION.replace('name: refusals', 'name: other'),
    });
    expect(e.code).toBe('mission_changed');
    expect(e.message).toMatch(
      /the mission \/mission\/mission\.yaml changed since the run started \(sha-256 [0-9a-f]{12}… recorded, [0-9a-f]{12}… now\)/,
    );
    expect(e.hint).toMatch(/restore the mission/);
  });

  it('refuses a run a live process holds, and takes over the lock of a dead one', async () => {
    await record(fileJournal(root));
    const lock = path.join(root, 'r1', 'lock');
    fs.writeFileSync(lock, `${process.ppid}\n`);
    const e = await refusal(fileJournal(root));
    expect(e.code).toBe('locked');
    expect(e.message).toContain(`running in process ${process.ppid}`);
    expect(e.hint).toContain(`delete ${lock}`);
    // 2^22 + 1 is above Linux's pid_max: no process has it.
    fs.writeFileSync(lock, `${2 ** 22 + 1}\n`);
    const { report } = await resumeTestMission('r1', {
      journal: fileJournal(root),
      commands: COMMANDS,
      variables: { token: SECRET },
    });
    expect(report.status).toBe('succeeded');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('asks for the secrets again, by name', async () => {
    await record(fileJournal(root));
    const e = await refusal(fileJournal(root), undefined, {} as { token: string });
    expect(e.code).toBe('secrets_missing');
    expect(e.message).toMatch(/needs its secret variables again \(they are never stored\): token missing/);
  });

  it('names a run that is not there', async () => {
    await expect(resumeTestMission('nope', { journal: fileJournal(root) })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(resumeTestMission('../etc', { journal: fileJournal(root) })).rejects.toThrow(
      /is not a run id/,
    );
  });
});

describe('the memory journal', () => {
  it('refuses a run that is still running in this process', async () => {
    const journal = new MemoryJournal();
    let resumed: Promise<unknown> | undefined;
    await runTestMission(MISSION, {
      journal,
      runId: 'r1',
      commands: COMMANDS,
      variables: { token: SECRET },
      onEvent: (ev) => {
        if (ev.type === 'step_start' && resumed === undefined)
          resumed = resumeTestMission('r1', { journal, variables: { token: SECRET } }).catch(
            (e: unknown) => e,
          );
      },
    });
    const e = await resumed;
    expect(e).toBeInstanceOf(JournalRefusal);
    expect((e as JournalRefusal).code).toBe('locked');
  });

  it('refuses a mission given again that differs from the recorded one', async () => {
    const journal = new MemoryJournal();
    journal.crashNextRun({ afterEntries: 3 });
    await record(journal);
    await expect(
      resumeTestMission('r1', {
        journal,
        source: MISSION.replace('work', 'play'),
        variables: { token: SECRET },
      }),
    ).rejects.toMatchObject({ code: 'mission_changed' });
  });
});
