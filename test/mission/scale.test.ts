// Scale: missions can have 100,000 steps. Nothing in parsing or validation recurses deeply enough
// to overflow the stack on a 100,000-step dependency chain, and each finishes (the per-test limit
// is a hang guard, not a speed target: speed is measured by `npm run bench`, never by a unit test).
import { isRight } from 'fp-ts/Either';
import { decodeMission, parseMission } from '../../src/mission/parse.js';
import { validateGraph, type StepNode } from '../../src/mission/validate.js';

const chain = (n: number): ReadonlyArray<StepNode> =>
  Array.from({ length: n }, (_, i) => ({
    index: i,
    id: `s${i}`,
    refs:
      i === 0
        ? []
        : [{ target: `s${i - 1}`, kind: 'depends_on' as const, path: ['steps', i, 'depends_on', 0] }],
  }));

const HANG_GUARD_MS = 120_000;

test(
  'a 100,000-step chain validates without recursion',
  () => {
    expect(validateGraph(chain(100_000))).toEqual([]);
  },
  HANG_GUARD_MS,
);

test(
  'a cycle through 100,000 steps is found, and printed by its ends',
  () => {
    const nodes = chain(100_000).map((n, i) =>
      i === 0
        ? {
            ...n,
            refs: [{ target: 's99999', kind: 'depends_on' as const, path: ['steps', 0, 'depends_on', 0] }],
          }
        : n,
    );
    const drafts = validateGraph(nodes);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.code).toBe('dependency_cycle');
    expect(drafts[0]!.message).toMatch(
      /^dependency cycle: s0 → s99999 → s99998 → .* → … 99981 more … → .* → s1 → s0$/,
    );
  },
  HANG_GUARD_MS,
);

test(
  'many unknown references: each reported, suggestions bounded',
  () => {
    const nodes: StepNode[] = Array.from({ length: 50_000 }, (_, i) => ({
      index: i,
      id: `step_${i}`,
      refs: [{ target: `stepp_${i}`, kind: 'depends_on', path: ['steps', i, 'depends_on', 0] }],
    }));
    const drafts = validateGraph(nodes);
    expect(drafts).toHaveLength(50_000);
    expect(drafts[0]!.hint).toBe('did you mean `step_0`?');
  },
  HANG_GUARD_MS,
);

test(
  '100,000 steps decode',
  () => {
    const steps = Array.from({ length: 100_000 }, (_, i) => ({
      id: `s${i}`,
      name: `step ${i}`,
      step_type: 'command',
      parameters: { command: 'echo', args: [String(i)] },
      ...(i > 0 ? { depends_on: [`s${i - 1}`] } : {}),
    }));
    const r = decodeMission({ version: '1.0', name: 'big', steps });
    expect(isRight(r)).toBe(true);
  },
  HANG_GUARD_MS,
);

test(
  'a 20,000-step YAML mission parses with positions',
  () => {
    const text =
      'version: "1.0"\nname: big\nsteps:\n' +
      Array.from(
        { length: 20_000 },
        (_, i) => `  - {id: s${i}, name: s, step_type: noop${i > 0 ? `, depends_on: [s${i - 1}]` : ''}}\n`,
      ).join('') +
      '  - {id: last, name: s, step_type: noop, depends_on: [s19998x]}\n';
    const r = parseMission(text);
    expect(r).toMatchObject({
      _tag: 'Left',
      left: [
        {
          code: 'unknown_dependency',
          path: 'steps[20000].depends_on[0]',
          position: { line: 20004, column: 55 },
          hint: 'did you mean `s19998`?',
        },
      ],
    });
  },
  HANG_GUARD_MS,
);
