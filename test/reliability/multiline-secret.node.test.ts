// A multi-line secret (a PEM block) printed by a real process, one line at a time: no line of it
// reaches an event, the report, a JUnit file or `missionkit run --verbose`. Output is masked line
// by line as it streams, so each line of such a secret is masked on its own as well as the whole.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMission } from '../../src/index.js';
import { junitXml } from '../../src/cli/junit.js';
import { makeMasker, maskedValues, MIN_SECRET_LINE_LENGTH } from '../../src/runtime/secret-mask.js';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import { runCli } from '../cli/run-cli.js';

const BODY = ['AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH', 'IIIIJJJJKKKKLLLLMMMMNNNNOOOOPPPP', 'QRS='];
const PEM = ['-----BEGIN PRIVATE KEY-----', ...BODY, '-----END PRIVATE KEY-----'].join('\n');
// Each fragment that would betray the key: its body lines, and a piece of each.
const LEAKS = [...BODY, 'AAAABBBB', 'MMMMNNNN', 'QRS='];

const mission = (cmd: string): string => `version: "1.0"
name: pem
variables:
  key: { value: ${JSON.stringify(PEM)}, secret: true }
steps:
  - id: show
    name: show the key
    step_type: command
    parameters: { command: ${JSON.stringify(cmd)}, args: ["%s\\n", "{{ variables.key }}"] }
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-pem-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const expectNoLeak = (text: string): void => {
  for (const leak of LEAKS) expect(text).not.toContain(leak);
};

describe('a multi-line secret printed line by line by a real process', () => {
  it('is masked in every step_output event, in the report and in JUnit', async () => {
    const events: MissionEvent[] = [];
    const report = await runMission(
      { text: mission('printf') },
      { cwd: dir, onEvent: (e) => events.push(e) },
    );
    expect(report.steps[0]!.status).toBe('succeeded');
    const lines = events.flatMap((e) => (e.type === 'step_output' ? [e.line] : []));
    // The process printed all five lines; each arrives as its own event, masked.
    expect(lines).toHaveLength(5);
    expect(lines).toEqual(['***', '***', '***', '***', '***']);
    expectNoLeak(JSON.stringify(events));
    expectNoLeak(JSON.stringify(report));
    expectNoLeak(junitXml(report));
  });

  it('is masked in `missionkit run --verbose`, and in the JSON report and JUnit file it writes', async () => {
    const file = path.join(dir, 'pem.yaml');
    fs.writeFileSync(file, mission('printf'));
    const res = await runCli(
      ['run', file, '--verbose', '--report', path.join(dir, 'r.json'), '--junit', path.join(dir, 'j.xml')],
      { cwd: dir },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('show │ ***');
    expectNoLeak(res.stdout + res.stderr);
    expectNoLeak(fs.readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expectNoLeak(fs.readFileSync(path.join(dir, 'j.xml'), 'utf8'));
  });
});

describe('which lines of a multi-line secret are masked on their own', () => {
  it('every line of at least MIN_SECRET_LINE_LENGTH characters (trimmed), and the whole', () => {
    const secret = '{\n  "key": "AAAABBBB",\r\n  "n": 1\n},\n\n   \nabcd';
    expect(MIN_SECRET_LINE_LENGTH).toBe(4);
    expect(maskedValues([secret])).toEqual([secret, '"key": "AAAABBBB",', '"n": 1', 'abcd']);
    const mask = makeMasker([secret]);
    // Lines too short or blank to mean anything (`{`, `},`) are left alone in ordinary output.
    expect(mask('x { y }, z')).toBe('x { y }, z');
    expect(mask(`got ${secret}!`)).toBe('got ***!');
    expect(mask('  "key": "AAAABBBB",')).toBe('  ***');
    expect(mask('abcd and "n": 1')).toBe('*** and ***');
  });

  it('a single-line secret is masked as before', () => {
    expect(maskedValues(['s3cr3t'])).toEqual(['s3cr3t']);
    expect(makeMasker(['s3cr3t'])('a s3cr3t b')).toBe('a *** b');
  });
});
