// A server may redirect anywhere; only http: and https: redirects are followed, and one to any
// other scheme (the local disk through file:, data:, ftp:…) fails the step saying so, with a real
// HTTP server on 127.0.0.1.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { runMission } from '../../src/index.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (to !== null) {
      res.writeHead(302, { location: to });
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('landed');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fetchStep = async (
  to: string,
  extra = '',
): Promise<{ status: string; message?: string; hint?: string; output?: unknown }> => {
  const url = `${base}/r?to=${encodeURIComponent(to)}`;
  const report = await runMission(
    {
      text: `version: "1.0"
name: redirect
steps:
  - { id: get, name: get, step_type: http, parameters: { url: ${JSON.stringify(url)}${extra} } }
`,
    },
    { cwd: os.tmpdir() },
  );
  const step = report.steps[0]!;
  return {
    status: step.status,
    ...(step.message !== undefined ? { message: step.message } : {}),
    ...(step.hint !== undefined ? { hint: step.hint } : {}),
    output: step.output,
  };
};

describe('HTTP redirects to other schemes', () => {
  it.each([
    'file:///etc/passwd',
    'data:text/plain,hello',
    'ftp://127.0.0.1/x',
    'blob:http://x/1',
    'ws://127.0.0.1/',
  ])('a redirect to %s fails the step, saying only http: and https: redirects are followed', async (to) => {
    const r = await fetchStep(to);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('only http: and https: redirects are followed');
    expect(r.message).toContain(`redirected (302) to ${new URL(to).href}`);
    expect(r.message).not.toMatch(/not implemented/i);
    expect(r.hint).toContain('follow_redirects: false');
    expect(JSON.stringify(r)).not.toContain('root:');
  });

  it('an http: redirect is still followed, and follow_redirects: false still returns the redirect itself', async () => {
    const followed = await fetchStep(`${base}/landing`);
    expect(followed.status).toBe('succeeded');
    expect(JSON.stringify(followed.output)).toContain('landed');
    const kept = await fetchStep(
      'file:///etc/passwd',
      ', follow_redirects: false, expect_status_codes: [302]',
    );
    expect(kept.status).toBe('succeeded');
    expect(JSON.stringify(kept.output)).toContain('file:///etc/passwd');
  });
});
