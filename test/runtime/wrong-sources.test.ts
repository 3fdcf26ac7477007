// A wrong argument to runMission, loadMission or planMission is a programmer error: a TypeError
// that names the accepted forms and, where it can, the offending key — never Node's internal
// message about `paths[1]`.
import { loadMission, planMission, runMission } from 'missionkit';

const ACCEPTED =
  /must be a path \(.*\), mission text \(.*\), plain mission data \(\{ mission \}\), or a Mission/;

const entryPoints = [
  ['runMission', (s: unknown) => runMission(s as never)],
  ['loadMission', (s: unknown) => loadMission(s as never)],
  ['planMission', (s: unknown) => planMission(s as never)],
] as const;

describe('a mission source of the wrong shape', () => {
  describe.each(entryPoints)('%s', (_name, call) => {
    it.each([
      ['a number', 42, /got number 42$/],
      ['null', null, /got null$/],
      ['undefined', undefined, /got undefined$/],
      ['an array', [], /got an array$/],
      ['an empty object', {}, /got an object with keys \(none\)$/],
    ])('rejects %s with a TypeError naming the accepted forms', async (_what, source, got) => {
      const e = (await call(source).catch((x: unknown) => x)) as Error;
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(ACCEPTED);
      expect(e.message).toMatch(got);
      expect(e.message).not.toContain('paths[1]');
    });
  });

  it('says what to pass for the result of parseMission, a file URL and unwrapped mission data', async () => {
    const left = (await runMission({ _tag: 'Left', left: [] } as never).catch((x: unknown) => x)) as Error;
    expect(left).toBeInstanceOf(TypeError);
    expect(left.message).toMatch(ACCEPTED);
    expect(left.message).toContain('the failed result of parseMission');
    const right = (await runMission({ _tag: 'Right', right: {} } as never).catch((x: unknown) => x)) as Error;
    expect(right.message).toContain('pass its right, the Mission');
    const url = (await loadMission(new URL('file:///tmp/m.yaml') as never).catch((x: unknown) => x)) as Error;
    expect(url).toBeInstanceOf(TypeError);
    expect(url.message).toContain('fileURLToPath(url)');
    const data = (await planMission({ version: '1.0', steps: [] } as never).catch(
      (x: unknown) => x,
    )) as Error;
    expect(data.message).toContain('pass { mission: it }');
  });

  it('names the field of { path } or { text } that is not a string', async () => {
    await expect(loadMission({ path: 7 } as never)).rejects.toThrow(
      new TypeError('the mission source { path }: path must be a string, got number 7'),
    );
    await expect(runMission({ text: Buffer.from('x') } as never)).rejects.toThrow(
      new TypeError('the mission source { text }: text must be a string, got an object with keys 0'),
    );
  });
});

describe('options with a value of the wrong type', () => {
  const text = 'version: "1.0"\nname: n\nsteps:\n  - { id: a, name: a, step_type: noop }\n';

  it('names the variable whose value is not a string', async () => {
    await expect(runMission(text, { variables: { ok: 'x', a: 1 } as never })).rejects.toThrow(
      new TypeError('option variables.a must be a string, got number 1; write it as a string: "1"'),
    );
  });

  it('names the environment variable whose value is not a string', async () => {
    await expect(runMission(text, { env: { 'MY-VAR': null } as never })).rejects.toThrow(
      new TypeError('option env["MY-VAR"] must be a string, got null'),
    );
  });
});
