// What a host sees of conditions in a run: skip reasons in the report, the events and the HTML
// report, secrets masked there, and a condition that cannot be evaluated failing its step.
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { toHtml } from '../../src/report/html.js';
import { isRight } from 'fp-ts/lib/Either.js';
import { parseMission } from '../../src/mission/parse.js';
import { createPlan } from '../../src/plan/plan.js';
import { planView } from '../../src/runtime/plan-view.js';
import { planLines } from '../../src/cli/plan-lines.js';
import { makeStyle } from '../../src/cli/style.js';

const mission = (condition: string, extra = ''): string => `version: "1.0"
name: conditions
secrets: [token]
steps:
  - id: list
    name: list
    step_type: command
    parameters: { command: list }
  - id: gated
    name: gated
    step_type: command
    depends_on: [list]
    if: ${JSON.stringify(condition)}
    parameters: { command: gated }
${extra}`;

describe('conditions in a run', () => {
  it('masks a secret in the skip reason, in the report, the events and the HTML page', async () => {
    const run = await runTestMission(mission("variables.token != 'hunter2-secret'"), {
      variables: { token: 'hunter2-secret' },
    });
    const gated = run.report.steps[1]!;
    expect(gated.skip_reason).toBe("condition false: variables.token != '***'");
    expect(JSON.stringify(run.events)).not.toContain('hunter2-secret');
    expect(toHtml(run.report)).not.toContain('hunter2-secret');
    expect(toHtml(run.report)).toContain('condition false: variables.token != &#39;***&#39;');
  });

  it('fails a step whose condition reads a field that turned out missing, naming the expression and the value', async () => {
    const { report, executor } = await runTestMission(mission('steps.list.output.count > 2'), {
      commands: { list: { exitAfterMs: 5 } },
    });
    const gated = report.steps[1]!;
    expect(gated).toMatchObject({ status: 'failed', failure_kind: 'invalid_input', attempts: [] });
    expect(gated.message).toBe(
      'its condition `steps.list.output.count > 2` could not be evaluated: steps.list.output.count: step list has no structured output (it ended succeeded)',
    );
    expect(gated.hint).toEqual(expect.any(String));
    expect(report.status).toBe('failed');
    expect(executor.spawnsFor('gated')).toEqual([]);
  });

  it('a skipped step shows its condition as the reason in the HTML report, with no dependency blamed', async () => {
    const { report } = await runTestMission(mission("steps.list.stdout == 'nothing'"), {
      commands: { list: { output: [{ atMs: 1, text: 'three files\n' }], exitAfterMs: 5 } },
    });
    const html = toHtml(report);
    expect(html).toContain('condition false: steps.list.stdout == &#39;nothing&#39;');
    expect(html).not.toContain('caused by');
    expect(report.status).toBe('succeeded');
  });
});

test("a dry run shows each step's condition", () => {
  const parsed = parseMission(mission('steps.list.exit_code == 0'));
  if (!isRight(parsed)) throw new Error('parse');
  const view = planView(createPlan(parsed.right));
  expect(view.steps.map((s) => s.if)).toEqual([undefined, 'steps.list.exit_code == 0']);
  expect(planLines(view, makeStyle(false)).join('\n')).toContain('runs if     steps.list.exit_code == 0');
});
