// `missionkit plan --format mermaid|dot`: the graph for docs and editors. Step ids may hold any
// character; each format's escaping keeps every id whole and the output well-formed.
import { dotString, planToDot } from '../../src/report/plan-dot.js';
import { mermaidLabel, planToMermaid } from '../../src/report/plan-mermaid.js';
import type { PlanView, PlannedStepView } from '../../src/runtime/plan-view.js';

const IDS = ['fetch', 'say "hi"', 'a#b;c', '<b>bold</b> & `code`', 'back\\slash\\n', 'line\nbreak', 'end'];

const plan = (): PlanView => {
  const steps = IDS.map(
    (id, i): PlannedStepView =>
      ({
        id,
        name: i === 1 ? 'Greeting "step"' : id,
        step_type: 'command',
        wave: i === 0 ? 0 : i < IDS.length - 1 ? 1 : 2,
        depends_on: i === 0 ? [] : i < IDS.length - 1 ? ['fetch'] : IDS.slice(1, -1),
      }) as unknown as PlannedStepView,
  );
  return {
    mission: { name: 'Graph "demo"\n{ }' },
    order: IDS,
    waves: [[IDS[0]!], IDS.slice(1, -1), [IDS.at(-1)!]],
    steps,
  } as unknown as PlanView;
};

/** Splits DOT text into tokens; throws on anything DOT does not allow. */
const dotTokens = (text: string): string[] => {
  const tokens: string[] = [];
  const re = /\s+|"((?:[^"\\]|\\.)*)"|->|[{}[\];=,]|[A-Za-z_][A-Za-z0-9_]*/y;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    const m = re.exec(text);
    if (m === null) throw new Error(`not DOT at ${at}: ${JSON.stringify(text.slice(at, at + 20))}`);
    if (m[0].trim() !== '') tokens.push(m[0]);
  }
  return tokens;
};
const unDot = (token: string): string =>
  token.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

describe('planToDot', () => {
  it('is a well-formed digraph whose quoted ids read back as the step ids', () => {
    const dot = planToDot(plan());
    const tokens = dotTokens(dot);
    expect(tokens.slice(0, 3)).toEqual(['digraph', dotString('Graph "demo"\n{ }'), '{']);
    expect(tokens.at(-1)).toBe('}');
    expect(tokens.filter((t) => t === '{').length).toBe(tokens.filter((t) => t === '}').length);
    const nodes = [...dot.matchAll(/^ {2}("(?:[^"\\]|\\.)*") \[label="(?:[^"\\]|\\.)*"\];$/gm)].map((m) =>
      unDot(m[1]!),
    );
    expect(nodes).toEqual(IDS);
    const edges = [...dot.matchAll(/^ {2}("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*");$/gm)].map((m) => [
      unDot(m[1]!),
      unDot(m[2]!),
    ]);
    expect(edges).toHaveLength(IDS.length - 2 + IDS.length - 2);
    expect(edges).toContainEqual(['back\\slash\\n', 'end']);
    expect(dot).toContain(
      `{ rank=same; ${IDS.slice(1, -1)
        .map((id) => `${dotString(id)};`)
        .join(' ')} }`,
    );
    expect(dot).toContain('[label="say \\"hi\\"\\nGreeting \\"step\\""]');
  });
});

describe('planToMermaid', () => {
  it('is a flowchart of node ids of its own, labelled with the step ids in entity codes', () => {
    const text = planToMermaid(plan());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('%% Graph "demo" { }: 7 steps in 3 waves');
    expect(lines[1]).toBe('flowchart LR');
    const body = lines.slice(2);
    const node = /^ {2}(s\d+)\["([^"\n]*)"\]$/;
    const edge = /^ {2}(s\d+) --> (s\d+)$/;
    expect(body.every((l) => node.test(l) || edge.test(l))).toBe(true);
    const decode = (label: string): string =>
      label.replace(
        /#(quot|35|lt|gt|amp|96);/g,
        (_, e: string) => ({ quot: '"', '35': '#', lt: '<', gt: '>', amp: '&', '96': '`' })[e]!,
      );
    const labels = body.filter((l) => node.test(l)).map((l) => decode(node.exec(l)![2]!));
    expect(labels).toEqual(IDS.map((id) => id.replace(/\n/g, ' ')));
    expect(body.filter((l) => edge.test(l))).toHaveLength(10);
    expect(text).toContain('  s0 --> s1\n');
    expect(mermaidLabel('a "b" #1 <i>')).toBe('"a #quot;b#quot; #35;1 #lt;i#gt;"');
  });
});
