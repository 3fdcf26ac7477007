import { buildGraph } from '../../src/plan/graph.js';
import { buildMission } from '../support/build-mission.js';

describe('buildGraph', () => {
  const mission = buildMission([
    { id: 'build' },
    { id: 'lint' },
    { id: 'unit', depends_on: ['build'] },
    { id: 'e2e', depends_on: ['build', 'lint'] },
    { id: 'ship', depends_on: ['e2e', 'unit'] },
  ]);

  it('lists each step’s dependencies in the order written and its dependents in declaration order', () => {
    const g = buildGraph(mission);
    expect(g.dependencies).toEqual([[], [], [0], [0, 1], [3, 2]]);
    expect(g.dependents).toEqual([[2, 3], [3], [4], [4], []]);
  });

  it('keeps the same edges in compressed rows', () => {
    const g = buildGraph(mission);
    const rows = (start: Int32Array, list: Int32Array) =>
      Array.from({ length: start.length - 1 }, (_, i) => [...list.subarray(start[i], start[i + 1])]);
    expect(rows(g.dependencyStart, g.dependencyList)).toEqual(g.dependencies);
    expect(rows(g.dependentStart, g.dependentList)).toEqual(g.dependents);
  });

  it('groups steps into waves by depth', () => {
    expect(buildGraph(mission).waves).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('refuses a mission handed in as data with a cycle or an unknown dependency', () => {
    const cycle = buildMission([
      { id: 'a', depends_on: ['c'] },
      { id: 'b', depends_on: ['a'] },
      { id: 'c', depends_on: ['b'] },
    ]);
    expect(() => buildGraph(cycle)).toThrow(/dependency cycle/);
    const unknown = buildMission([{ id: 'a', depends_on: ['ghost'] }]);
    expect(() => buildGraph(unknown)).toThrow(/depends on unknown step ghost/);
  });

  it('builds the graph of a 100,000-step chain without recursion', () => {
    const steps = Array.from({ length: 100_000 }, (_, i) => ({
      id: `s${i}`,
      depends_on: i === 0 ? [] : [`s${i - 1}`],
    }));
    const g = buildGraph(buildMission(steps));
    expect(g.waves).toHaveLength(100_000);
    expect(g.dependentList[g.dependentStart[41]!]).toBe(42);
  });
});
