import fc from 'fast-check';
import { idTable as makeIdTable } from '../../src/plan/id-table.js';

// Small missions are looked up in a Map and large ones in the flat table: each test runs both ways.
describe.each([
  ['the flat table', 0],
  ['a Map (fewer ids than the threshold)', Infinity],
])('idTable through %s', (_, mapBelow) => {
  const idTable = (ids: ReadonlyArray<string>, maxJoined?: number) => makeIdTable(ids, maxJoined, mapBelow);

  it('finds every id at its index and nothing else', () => {
    const ids = ['build', 'test', 's1', 's12', 's123', '', 'ünïcödé', '🚀 launch', 'a b'];
    const table = idTable(ids);
    ids.forEach((id, i) => expect(table.indexOf(id)).toBe(i));
    for (const absent of ['s', 's1234', 'build ', 'Build', 'tes', '🚀', 'a  b'])
      expect(table.indexOf(absent)).toBeUndefined();
  });

  it('tells apart ids that are prefixes of their neighbours in declaration order', () => {
    // The ids are kept joined: "s1" must not match the start of "s12" stored right after it.
    const table = idTable(['s12', 's1', 's', 's123']);
    expect(table.indexOf('s1')).toBe(1);
    expect(table.indexOf('s')).toBe(2);
    expect(table.indexOf('s2')).toBeUndefined();
    expect(table.indexOf('12s')).toBeUndefined();
  });

  it('lets the last of duplicate ids win, as a Map built in order would', () => {
    expect(idTable(['a', 'b', 'a']).indexOf('a')).toBe(2);
  });

  it('compares ids where they are when they are too long to join', () => {
    const table = idTable(['s12', 's1', 's'], 0);
    expect(table.indexOf('s1')).toBe(1);
    expect(table.indexOf('s12')).toBe(0);
    expect(table.indexOf('s2')).toBeUndefined();
  });

  it('works with no ids', () => {
    expect(idTable([]).indexOf('anything')).toBeUndefined();
  });

  it('agrees with a Map on random ids, collisions included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 6 })),
        (ids, probes) => {
          const map = new Map(ids.map((id, i) => [id, i]));
          const table = idTable(ids);
          for (const id of [...ids, ...probes]) expect(table.indexOf(id)).toBe(map.get(id));
        },
      ),
    );
  });

  it('holds 100,000 ids', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `step_${i}`);
    const table = idTable(ids);
    expect(table.indexOf('step_0')).toBe(0);
    expect(table.indexOf('step_99999')).toBe(99_999);
    expect(table.indexOf('step_100000')).toBeUndefined();
  });
});
