// A step that prints NULs and other control characters: each is six bytes in a JSON report
// (`\u0000`), so the capture limit counts them as such, and the report stays within a small multiple
// of the limit whatever the bytes — with a real process.
import { runMission } from '../../src/index.js';
import { fixture } from '../node/run-fixture.js';
import * as os from 'node:os';

const LIMIT = 64 * 1024;

const run = async (kind: string, bytes: number) => {
  const report = await runMission(
    {
      text: `version: "1.0"
name: control
steps:
  - id: print
    name: print control bytes
    step_type: command
    parameters: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(fixture('control-bytes'))}, ${kind}, "${bytes}"] }
`,
    },
    { cwd: os.tmpdir(), maxOutputBytes: LIMIT },
  );
  const step = report.steps[0]!;
  return { step, json: JSON.stringify(report) };
};

describe('control bytes in output', () => {
  it.each([
    ['nul', 1024 * 1024],
    ['controls', 1024 * 1024],
    ['escapes', 1024 * 1024],
    ['nul', LIMIT],
    ['nul', LIMIT / 2],
  ])(
    '%s × %d bytes: the whole report holds at most 2 × the limit, the size says what was dropped',
    async (kind, bytes) => {
      const { step, json } = await run(kind, bytes);
      expect([step.status, step.message]).toEqual(['succeeded', undefined]);
      expect(step.stdout.total_bytes).toBe(bytes + 'done\n'.length);
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(2 * LIMIT + 4096);
      // The end of the output is kept, and the marker says how much is missing.
      expect(step.stdout.text.endsWith('done\n')).toBe(true);
      expect(step.stdout.dropped_bytes).toBeGreaterThan(0);
      expect(step.stdout.text).toContain(`[… ${step.stdout.dropped_bytes} bytes dropped …]`);
    },
  );

  it('control bytes that fit as escaped are kept exactly', async () => {
    const { step } = await run('nul', 1000);
    expect(step.stdout.dropped_bytes).toBe(0);
    expect(step.stdout.text).toBe(`${'\0'.repeat(1000)}done\n`);
  });
});
