// Real processes and a real shell: a value produced by one step and substituted into another
// must never be executed, with or without `shell: true`.
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMission } from '../../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'missionkit-injection-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const node = JSON.stringify(process.execPath);

it('never executes a substituted value, through argv or through a shell', async () => {
  // The braces are made at run time, so the mission itself holds no template.
  const evil = 'x; touch PWNED1 && touch PWNED2 $(touch PWNED3) `touch PWNED4` \' \\" ';
  const produced = `${evil}{{ variables.v }}`;
  const yaml = `version: "1.0"
name: injection
variables: { v: "expanded-twice" }
steps:
  - id: src
    name: src
    step_type: command
    parameters: { command: ${node}, args: ["-e", "process.stdout.write(process.argv[1] + String.fromCharCode(123, 123) + ' variables.v }}')", ${JSON.stringify(evil)}] }
  - id: argv
    name: argv
    step_type: command
    depends_on: [src]
    parameters: { command: ${node}, args: ["-e", "process.stdout.write(process.argv[1])", "{{ steps.src.stdout }}"] }
  - id: shelled
    name: shelled
    step_type: command
    depends_on: [src]
    parameters: { command: "printf %s {{ steps.src.stdout }}", shell: true }
`;
  const report = await runMission(yaml, { cwd: dir });
  expect(report.status).toBe('succeeded');
  const out = (id: string) => report.steps.find((s) => s.id === id)!.stdout.text;
  expect(out('src')).toBe(produced);
  expect(out('argv')).toBe(produced);
  expect(out('shelled')).toBe(produced);
  for (const n of [1, 2, 3, 4]) expect(existsSync(join(dir, `PWNED${n}`))).toBe(false);
});
