// The JUnit XML a CI system reads: every report — including steps whose output is hostile to XML
// (control characters, `]]>`, terminal colours, invalid UTF-8, lone surrogates) — must be valid
// against the Jenkins junit-10.xsd, and the text must survive the trip through an XML parser.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { junitXml, xmlAttribute, xmlCdata, xmlChars } from '../../src/cli/junit.js';
import type { StepId } from '../../src/mission/model.js';
import type { MissionReport, StepResult } from '../../src/scheduler/report.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { expectValidJUnit, xpath } from './xmllint';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missionkit-junit-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes the XML to a file and validates it against junit-10.xsd. */
const validate = async (xml: string): Promise<string> => {
  const file = path.join(dir, `report-${++counter}.xml`);
  fs.writeFileSync(file, xml);
  await expectValidJUnit(file);
  return file;
};

const MISSION = `
version: "1.0"
name: "CI <checks> & \\"more\\""
steps:
  - { id: build, name: Build, step_type: command, parameters: { command: make } }
  - id: flaky
    name: Flaky test
    step_type: command
    parameters: { command: flaky }
    retry: { max_attempts: 3, delay_seconds: 1 }
  - { id: lint, name: Lint, step_type: command, parameters: { command: lint }, continue_on_error: true }
  - id: test
    name: "Test ]]> suite"
    step_type: command
    parameters: { command: test }
    retry: { max_attempts: 2, delay_seconds: 1 }
  - { id: deploy, name: Deploy, step_type: command, parameters: { command: deploy }, depends_on: [test] }
  - { id: slow, name: Slow, step_type: command, parameters: { command: slow }, timeout_seconds: 5 }
config: { fail_fast: false, max_parallel_steps: 4 }
`;

const HOSTILE =
  'ok\n\u001b[31mred\u001b[0m \u0000nul \u0007bell \u000bvt \u000cff \u001funit\n' +
  'cdata end ]]> here ]]]]> twice\n<tag attr="x"> & &amp; \'quote\'\n\ttab\r\n';

const runReport = async (): Promise<MissionReport> => {
  let flakyRuns = 0;
  const { report } = await runTestMission(MISSION, {
    commands: {
      make: { output: [{ text: 'built\n' }], exitAfterMs: 1500 },
      flaky: () =>
        ++flakyRuns < 3 ? { exitCode: 1, output: [{ stream: 'stderr', text: 'flake\n' }] } : { exitCode: 0 },
      lint: { exitCode: 2, output: [{ text: HOSTILE }] },
      test: {
        exitCode: 1,
        output: [
          { text: HOSTILE },
          { stream: 'stderr', text: 'assertion failed ]]> expected 1\n' },
          { stream: 'stderr', bytes: [0xff, 0xfe, 0x0a] },
        ],
      },
      slow: { hang: true },
    },
  });
  return report;
};

const step = (report: MissionReport, id: string): StepResult => report.steps.find((s) => s.id === id)!;

describe('junitXml', () => {
  let report: MissionReport;
  let file: string;
  beforeAll(async () => {
    report = await runReport();
    file = await validate(junitXml(report));
  });

  it('is valid against junit-10.xsd, with one test case per step', async () => {
    expect(await xpath(file, 'count(//testsuite/testcase)')).toBe(String(report.steps.length));
    expect(await xpath(file, 'string(/testsuites/testsuite/@tests)')).toBe(String(report.steps.length));
  });

  it('counts failures (failed and timed out) and skips as CI systems read them', async () => {
    expect(step(report, 'test').status).toBe('failed');
    expect(step(report, 'slow').status).toBe('timed_out');
    expect(step(report, 'deploy').status).toBe('skipped');
    expect(await xpath(file, 'string(/testsuites/testsuite/@failures)')).toBe('2');
    expect(await xpath(file, 'string(/testsuites/testsuite/@skipped)')).toBe('1');
    expect(await xpath(file, 'string(/testsuites/testsuite/@errors)')).toBe('0');
    expect(await xpath(file, 'string(//testcase[@name="slow: Slow"]/failure/@type)')).toBe('timed_out');
    expect(await xpath(file, 'string(//testcase[@name="deploy: Deploy"]/skipped/@message)')).toBe(
      'dependency test failed (all_required)',
    );
  });

  it('writes times in seconds', async () => {
    expect(await xpath(file, 'string(//testcase[@name="build: Build"]/@time)')).toBe('1.500');
  });

  it("keeps the text of a failure exactly, `]]>` included, with the step's message and output tail", async () => {
    const body = await xpath(file, 'string(//testcase[starts-with(@name, "test:")]/failure)');
    expect(body).toContain('exited with code 1');
    expect(body).toContain('assertion failed ]]> expected 1');
    expect(body).toContain('cdata end ]]> here ]]]]> twice');
    expect(body).toContain('<tag attr="x"> & &amp; \'quote\'');
    expect(await xpath(file, 'string(//testcase[starts-with(@name, "test:")]/@name)')).toBe(
      'test: Test ]]> suite',
    );
  });

  it('shows control characters as escapes and drops terminal colours', async () => {
    const out = await xpath(file, 'string(//testcase[starts-with(@name, "lint:")]/system-out)');
    expect(out).toContain('red \\x00nul \\x07bell \\x0bvt \\x0cff \\x1funit');
    expect(out).not.toContain('\u001b');
    expect(out).toContain('outcome: failed (conclusion: succeeded_with_warnings)');
  });

  it('records earlier failed attempts: flaky when a retry passed, reruns when all failed', async () => {
    expect(await xpath(file, 'count(//testcase[starts-with(@name, "flaky:")]/flakyFailure)')).toBe('2');
    expect(await xpath(file, 'count(//testcase[starts-with(@name, "flaky:")]/failure)')).toBe('0');
    expect(await xpath(file, 'count(//testcase[starts-with(@name, "test:")]/rerunFailure)')).toBe('1');
    expect(await xpath(file, 'string(//property[@name="flaky.attempts"]/@value)')).toBe('3');
    expect(await xpath(file, 'string(//property[@name="test.attempts"]/@value)')).toBe('2');
  });

  it('escapes the mission name in attributes', async () => {
    expect(await xpath(file, 'string(/testsuites/testsuite/@name)')).toBe('CI <checks> & "more"');
  });

  it('stays valid for a cancelled mission: a step cancelled while running is an error, one never started a skip', async () => {
    const controller = new AbortController();
    const run = runTestMission(
      `version: "1.0"\nname: c\nsteps:\n  - { id: a, name: a, step_type: command, parameters: { command: x } }\n  - { id: b, name: b, step_type: noop, depends_on: [a] }\n`,
      { signal: controller.signal, steps: { a: { hang: true, output: [{ text: 'working\n' }] } } },
    );
    controller.abort(new Error('stop'));
    const { report: cancelled } = await run;
    expect(cancelled.status).toBe('cancelled');
    const f = await validate(junitXml(cancelled));
    expect(await xpath(f, 'string(/testsuites/testsuite/@errors)')).toBe('1');
    expect(await xpath(f, 'string(/testsuites/testsuite/@skipped)')).toBe('1');
    expect(await xpath(f, 'string(//property[@name="missionkit.cancel_reason"]/@value)')).toContain('stop');
  });

  it('stays valid whatever characters a message holds (lone surrogates, U+FFFE, every control)', async () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
    const hostile = `${controls}\ud800 lone \udfff \ufffe\uffff ]]> \u0085\u2028 emoji 🚀`;
    const base = step(report, 'test');
    const edited: MissionReport = {
      ...report,
      mission: { ...report.mission, name: hostile },
      warnings: [hostile],
      steps: [
        {
          ...base,
          id: hostile as StepId,
          name: hostile,
          message: hostile,
          hint: hostile,
          stdout: { ...base.stdout, text: hostile },
        },
      ],
    };
    const f = await validate(junitXml(edited));
    expect(await xpath(f, 'string(//failure)')).toContain(
      '\\ud800 lone \\udfff \\ufffe\\uffff ]]> \u0085\u2028 emoji 🚀',
    );
  });
});

describe('the junit-10.xsd check the tests above rely on', () => {
  it('rejects what a CI system would refuse: a missing required attribute, bytes that are not UTF-8', async () => {
    const missing = path.join(dir, 'missing-attribute.xml');
    fs.writeFileSync(missing, '<testsuites><testsuite name="m" tests="0"></testsuite></testsuites>');
    await expect(expectValidJUnit(missing)).rejects.toThrow(/attribute 'failures' is required/);
    const bytes = path.join(dir, 'not-utf8.xml');
    fs.writeFileSync(
      bytes,
      Buffer.concat([Buffer.from('<testsuites name="'), Buffer.from([0xff]), Buffer.from('"/>')]),
    );
    await expect(expectValidJUnit(bytes)).rejects.toThrow(/not valid against junit-10.xsd/);
  });
});

describe('the escaping helpers', () => {
  it('xmlChars keeps tab, newline and carriage return and escapes the other controls', () => {
    expect(xmlChars('a\tb\nc\rd\u0001e')).toBe('a\tb\nc\rd\\x01e');
  });

  it('xmlAttribute keeps newlines and tabs as character references', () => {
    expect(xmlAttribute('a"b<c>&d\ne\tf')).toBe('a&quot;b&lt;c&gt;&amp;d&#10;e&#9;f');
  });

  it('xmlCdata splits `]]>` across two sections', () => {
    expect(xmlCdata('x]]>y')).toBe('<![CDATA[x]]]]><![CDATA[>y]]>');
  });
});
