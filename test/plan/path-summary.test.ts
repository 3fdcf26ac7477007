// A PATH in an error message: whole when short, its first entries and a count when long, and
// never npm's own node-gyp-bin.
import { pathSummary } from '../../src/plan/path-summary.js';

describe('pathSummary', () => {
  it('shows a short PATH whole, without repeats', () => {
    expect(pathSummary(['/usr/bin', '/bin', '/usr/bin'], ':')).toBe('/usr/bin:/bin');
  });

  it('cuts a long PATH to its first entries and counts the rest', () => {
    const entries = Array.from({ length: 12 }, (_, i) => `/opt/tool-${i}/some/long/bin`);
    const text = pathSummary(entries, ':');
    expect(text).toBe(`${entries.slice(0, 4).join(':')}:… (8 more entries)`);
    expect(text.length).toBeLessThan(150);
    expect(pathSummary(entries.slice(0, 5), ';', 100)).toBe(
      `${entries.slice(0, 3).join(';')};… (2 more entries)`,
    );
  });

  it("leaves out npm's node-gyp-bin, and shows one over-long entry rather than none", () => {
    expect(
      pathSummary(['/a/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin', '/usr/bin'], ':'),
    ).toBe('/usr/bin:… (1 more entry)');
    expect(pathSummary(['/x'.repeat(100), '/usr/bin'], ':')).toBe(`${'/x'.repeat(100)}:… (1 more entry)`);
  });
});
