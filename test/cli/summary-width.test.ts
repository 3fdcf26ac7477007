// The summary at the end of a run on a narrow terminal: the table and the status line fit the
// width, cut with … or wrapped between words, never broken in the middle of a word by the terminal.
import { summaryLine, summaryTable } from '../../src/cli/summary.js';
import { makeStyle } from '../../src/cli/style.js';
import { displayWidth } from '../../src/cli/terminal-text.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';

const plain = makeStyle(false);

const MISSION = `version: "1.0"
name: Nightly
steps:
  - { id: checkout-repository, name: Checkout, step_type: command, parameters: { command: git } }
  - { id: install, name: Install, step_type: command, parameters: { command: npm }, depends_on: [checkout-repository] }
  - { id: lint, name: Lint, step_type: command, parameters: { command: eslint }, depends_on: [install], continue_on_error: true }
  - { id: unit-tests, name: Tests, step_type: command, parameters: { command: jest }, depends_on: [install] }
  - { id: integration-tests, name: Integration, step_type: command, parameters: { command: it }, depends_on: [install] }
  - { id: package, name: Package, step_type: command, parameters: { command: pack }, depends_on: [unit-tests, integration-tests] }
config: { fail_fast: false }
`;

const run = () =>
  runTestMission(MISSION, {
    commands: { eslint: { exitAfterMs: 300, exitCode: 1 }, it: { exitAfterMs: 4_000, exitCode: 2 } },
  });

describe('the summary on a narrow terminal', () => {
  it('fits the table to 40 columns: cut ids, no attempts column, no row wider than the screen', async () => {
    const { report } = await run();
    const wide = summaryTable(report, plain);
    expect(wide[0]).toMatch(/step\s+status\s+duration\s+attempts$/);
    expect(Math.max(...wide.map(displayWidth))).toBeGreaterThan(40);
    const narrow = summaryTable(report, plain, 40);
    expect(narrow.every((l) => displayWidth(l) <= 40)).toBe(true);
    expect(narrow[0]).toMatch(/^ {2}step\s+status\s+duration$/);
    expect(narrow).toContainEqual(expect.stringMatching(/^ {2}integration-te…\s+✖ failed\s+4 s$/));
    expect(narrow).toContainEqual(expect.stringMatching(/^ {2}lint\s+⚠ succeede…\s+300 ms$/));
  });

  it('wraps the status line between words', async () => {
    const { report } = await run();
    const line = summaryLine(report, plain);
    expect(displayWidth(line)).toBeGreaterThan(40);
    const lines = summaryLine(report, plain, 40).split('\n');
    expect(lines.every((l) => displayWidth(l) <= 40)).toBe(true);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(line);
    expect(summaryLine(report, plain, 200)).toBe(line);
  });
});
