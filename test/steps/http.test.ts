// The http step and the Node HTTP port against real servers on 127.0.0.1: statuses, bodies,
// redirects (and loops), size caps, hanging responses, refused connections, DNS and TLS failures.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { runMission } from '../../src/index.js';
import { MissionValidationError } from '../../src/mission/errors.js';
import { nodeHttp } from '../../src/node/node-http.js';
import type { HttpClient, HttpRequest } from '../../src/ports/http.js';
import type { StepOutcome } from '../../src/ports/step-type.js';
import { httpParameters, httpStep } from '../../src/steps/http.js';
import { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { runTestMission } from '../../src/testing/run-test-mission.js';
import { asRuntimeGives, closedPort, contextFor, json, startServer, type TestServer } from './support.js';

const decode = <C extends t.Any>(codec: C, raw: unknown): t.TypeOf<C> => {
  const r = codec.decode(raw);
  if (isLeft(r)) throw new Error(`parameters did not decode: ${JSON.stringify(raw)}`);
  return r.right as t.TypeOf<C>;
};

const run = (
  raw: Record<string, unknown>,
  options: Parameters<typeof contextFor>[0] = {},
): Promise<StepOutcome> => {
  const { ctx } = contextFor(options);
  return httpStep.run(ctx, asRuntimeGives(httpStep, decode(httpParameters, raw), ctx.variables));
};

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    switch (u.pathname) {
      case '/json':
        return json(res, 200, { ok: true, items: [1, 2] });
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('plain words');
      case '/binary':
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(Buffer.from([0, 1, 2, 255]));
      case '/echo':
        return json(res, 200, { method: req.method, headers: req.headers, body: req.body });
      case '/status': {
        const code = Number(u.searchParams.get('code'));
        return json(res, code, { error: `status ${code}` });
      }
      case '/redirect':
        res.writeHead(Number(u.searchParams.get('code') ?? 302), { location: '/echo' });
        return res.end();
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        return res.end();
      case '/huge': {
        // Streams up to 64 MiB, a chunk at a time, for as long as the client keeps reading.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 97);
        let sent = 0;
        const pump = (): void => {
          while (sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => (hugeSent = sent));
        return pump();
      }
      case '/hang':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.write('partial');
      case '/reset':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('x');
        return void setTimeout(() => res.socket?.destroy(), 20);
      default:
        return json(res, 404, { error: 'not found' });
    }
  });
});
afterAll(() => server.close());
let hugeSent = 0;

describe('http step: statuses and bodies', () => {
  it('GETs JSON: status, headers and the parsed body are the output', async () => {
    const out = await run({ url: `${server.url}/json` });
    expect(out).toMatchObject({
      status: 'succeeded',
      http_status: 200,
      output: { status: 200, body: { ok: true, items: [1, 2] }, url: `${server.url}/json` },
    });
    expect((out.output as { headers: Record<string, string> }).headers['content-type']).toBe(
      'application/json',
    );
  });

  it('keeps a text body as text and a binary body as base64', async () => {
    expect((await run({ url: `${server.url}/text` })).output).toMatchObject({ body: 'plain words' });
    expect((await run({ url: `${server.url}/binary` })).output).toMatchObject({
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      body_encoding: 'base64',
    });
  });

  it('fails a status outside expect_status_codes with http_status set, the body in the message and a hint', async () => {
    const out = await run({ url: `${server.url}/status?code=404` });
    expect(out).toMatchObject({
      status: 'failed',
      failure_kind: 'http_status',
      http_status: 404,
      output: { status: 404, body: { error: 'status 404' } },
    });
    expect(out.message).toBe(
      `GET ${server.url}/status?code=404 answered 404 (expected 2xx): {"error":"status 404"}`,
    );
    expect(out.hint).toMatch(/expect_status_codes/);
    expect((await run({ url: `${server.url}/status?code=503` })).hint).toMatch(
      /retry_on: \[\{ http_status: \["5xx"\] \}\]/,
    );
    expect((await run({ url: `${server.url}/status?code=429` })).hint).toMatch(/rate-limiting/);
  });

  it('accepts statuses and classes in expect_status_codes, and RustChain’s expected_status as its alias', async () => {
    expect((await run({ url: `${server.url}/status?code=404`, expect_status_codes: [404] })).status).toBe(
      'succeeded',
    );
    expect((await run({ url: `${server.url}/status?code=503`, expect_status_codes: ['5xx'] })).status).toBe(
      'succeeded',
    );
    expect((await run({ url: `${server.url}/status?code=404`, expected_status: 404 })).status).toBe(
      'succeeded',
    );
    expect((await run({ url: `${server.url}/json`, expected_status: 201 })).status).toBe('failed');
  });

  it('sends a map body as JSON and a string body as text, substituting {variables} in url, headers and body', async () => {
    const out = await run(
      {
        url: `${server.url}/{page}`,
        method: 'POST',
        headers: { 'x-token': 'Bearer {token}' },
        body: { user: '{who}', nested: ['{who}'], n: 1 },
      },
      { variables: { page: 'echo', token: 'abc', who: 'ada "the first"' } },
    );
    const echo = (out.output as { body: { method: string; headers: Record<string, string>; body: string } })
      .body;
    expect(echo.method).toBe('POST');
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['x-token']).toBe('Bearer abc');
    expect(echo.headers['user-agent']).toMatch(/^missionkit\//);
    expect(JSON.parse(echo.body)).toEqual({ user: 'ada "the first"', nested: ['ada "the first"'], n: 1 });

    const text = await run({ url: `${server.url}/echo`, method: 'PUT', body: 'hello' });
    const t2 = (text.output as { body: { headers: Record<string, string>; body: string } }).body;
    expect(t2.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(t2.body).toBe('hello');
  });

  it('sends body_file (read through the file system port, confined) with a content type from its extension', async () => {
    const fs = new MemoryFileSystem({ '/mission/payload.json': '{"k":1}' });
    const out = await run({ url: `${server.url}/echo`, method: 'POST', body_file: 'payload.json' }, { fs });
    const echo = (out.output as { body: { headers: Record<string, string>; body: string } }).body;
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.body).toBe('{"k":1}');

    const outside = await run(
      { url: `${server.url}/echo`, method: 'POST', body_file: '../etc/passwd' },
      { fs },
    );
    expect(outside).toMatchObject({ status: 'failed', failure_kind: 'invalid_input', retryable: false });
    expect(outside.message).toMatch(/outside the working directory/);
    expect(server.requests.filter((r) => r.url === '/echo' && r.body.includes('root'))).toHaveLength(0);
  });
});

describe('http step: redirects and size caps', () => {
  it('follows redirects (303 and a POST answered by 302 become GET without a body)', async () => {
    const out = await run({ url: `${server.url}/redirect?code=302`, method: 'POST', body: 'x' });
    expect(out.output).toMatchObject({
      status: 200,
      url: `${server.url}/echo`,
      body: { method: 'GET', body: '' },
    });
    const kept = await run({ url: `${server.url}/redirect?code=307`, method: 'POST', body: 'x' });
    expect(kept.output).toMatchObject({ body: { method: 'POST', body: 'x' } });
  });

  it('does not send credentials on to another origin', async () => {
    const other = await startServer((req, res) =>
      json(res, 200, { auth: req.headers.authorization ?? null }),
    );
    try {
      const hop = await startServer((_req, res) => {
        res.writeHead(302, { location: `${other.url}/` });
        res.end();
      });
      try {
        const out = await run({ url: `${hop.url}/`, headers: { Authorization: 'Bearer secret' } });
        expect(out.output).toMatchObject({ body: { auth: null } });
        expect(hop.requests[0]!.headers.authorization).toBe('Bearer secret');
      } finally {
        await hop.close();
      }
    } finally {
      await other.close();
    }
  });

  it('reports a redirect loop as too many redirects, naming the last hop, and does not retry it', async () => {
    const out = await run({ url: `${server.url}/loop`, max_redirects: 3 });
    expect(out).toMatchObject({ status: 'failed', failure_kind: 'network', retryable: false });
    expect(out.message).toContain(
      `more than 3 redirects: the last was 302 from ${server.url}/loop to ${server.url}/loop`,
    );
    expect(out.hint).toMatch(/loop/);
  });

  it('with follow_redirects: false, a 3xx is the answer (failing unless expected, with the location in the hint)', async () => {
    const out = await run({ url: `${server.url}/redirect?code=302`, follow_redirects: false });
    expect(out).toMatchObject({ status: 'failed', http_status: 302 });
    expect(out.hint).toMatch(/redirects to \/echo/);
    const ok = await run({
      url: `${server.url}/redirect?code=302`,
      follow_redirects: false,
      expect_status_codes: ['3xx'],
    });
    expect(ok.status).toBe('succeeded');
  });

  it('cuts a huge body at max_response_bytes, stops reading, and warns', async () => {
    const out = await run({ url: `${server.url}/huge`, max_response_bytes: 100_000 });
    expect(out.status).toBe('succeeded_with_warnings');
    expect(out.warnings?.[0]).toMatch(/cut at max_response_bytes \(100000 bytes\)/);
    const body = Buffer.from((out.output as { body: string }).body, 'base64');
    expect(body.length).toBe(100_000);
    expect(out.output).toMatchObject({ truncated: true });
    // The client hung up long before the server's 64 MiB were sent.
    for (let i = 0; i < 100 && hugeSent === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hugeSent).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('http step: failures without a response', () => {
  it('connection refused on a closed port: its own message and hint, retryable', async () => {
    const port = await closedPort();
    const out = await run({ url: `http://127.0.0.1:${port}/x` });
    expect(out).toMatchObject({ status: 'failed', failure_kind: 'network' });
    expect(out.message).toBe(
      `GET http://127.0.0.1:${port}/x failed: connection refused by 127.0.0.1:${port} (http://127.0.0.1:${port}/x): nothing is listening on that port`,
    );
    expect(out.hint).toMatch(/server is running/);
    expect(out.retryable).toBeUndefined();
  });

  it('a DNS failure names the host (the .invalid domain never resolves)', async () => {
    const out = await run({ url: 'http://no-such-host.invalid/api' });
    expect(out).toMatchObject({ status: 'failed', failure_kind: 'network' });
    expect(out.message).toMatch(/DNS lookup failed for no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)/);
    expect(out.hint).toMatch(/host name|DNS server/);
  });

  it('a TLS failure (self-signed certificate) is its own failure, not retried, with what to do', async () => {
    const tls = await startServer((_req, res) => json(res, 200, {}), true);
    try {
      const out = await run({ url: `${tls.url}/` });
      expect(out).toMatchObject({ status: 'failed', failure_kind: 'network', retryable: false });
      expect(out.message).toMatch(
        /TLS handshake with 127\.0\.0\.1:\d+ failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
      );
      expect(out.hint).toMatch(/NODE_EXTRA_CA_CERTS/);
    } finally {
      await tls.close();
    }
  });

  it('https:// to a plain HTTP port says so', async () => {
    const out = await run({ url: `${server.url.replace('http:', 'https:')}/json` });
    expect(out.message).toMatch(/TLS handshake/);
    expect(out.hint).toMatch(/did you mean http:\/\//);
  });

  it('a connection dropped mid-body is a reset', async () => {
    const out = await run({ url: `${server.url}/reset` });
    expect(out.message).toMatch(/closed by the other side before the whole response arrived/);
  });

  it('refuses invalid URLs and other schemes without sending anything', async () => {
    expect((await run({ url: 'not a url' })).message).toMatch(/"not a url" is not a valid URL/);
    const ftp = await run({ url: 'ftp://example.com/file' });
    expect(ftp).toMatchObject({ failure_kind: 'network', retryable: false });
    expect(ftp.message).toMatch(/only http:\/\/ and https:\/\//);
  });

  it('a hanging response is stopped by the step timeout (the signal aborts the request)', async () => {
    const started = Date.now();
    const report = await runMission(
      `version: "1.0"
name: hang
steps:
  - id: slow
    name: Slow endpoint
    step_type: http
    parameters:
      url: "${server.url}/hang"
      timeout_seconds: 0.3
`,
      { fs: new MemoryFileSystem(), cwd: '/mission' },
    );
    expect(report.steps[0]!.status).toBe('timed_out');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('http step: parameters checked at load time', () => {
  const load = (params: string) =>
    runTestMission(`version: "1.0"
name: m
steps:
  - id: call
    name: Call
    step_type: http
    parameters:
${params}`);

  it('refuses a body on a GET, body with body_file, and both status spellings', async () => {
    const err = await load('      url: "http://x"\n      body: { a: 1 }\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissionValidationError);
    expect((err as MissionValidationError).errors[0]).toMatchObject({
      path: 'steps[0].parameters.body',
      message: 'a GET request cannot have a body: set `method: POST` (or PUT, PATCH) to send `body`',
    });
    const both = (await load(
      '      url: "http://x"\n      method: POST\n      body: "a"\n      body_file: "b"\n',
    ).catch((e: unknown) => e)) as MissionValidationError;
    expect(both.errors[0]!.message).toMatch(/`body` and `body_file` are both set/);
    const statuses = (await load(
      '      url: "http://x"\n      expect_status_codes: [200]\n      expected_status: 200\n',
    ).catch((e: unknown) => e)) as MissionValidationError;
    expect(statuses.errors[0]!.message).toMatch(
      /`expected_status` is RustChain's name for `expect_status_codes`/,
    );
  });

  it('refuses an unknown method and a malformed status class', async () => {
    const err = (await load(
      '      url: "http://x"\n      method: FETCH\n      expect_status_codes: ["2yy"]\n',
    ).catch((e: unknown) => e)) as MissionValidationError;
    expect(err.errors.map((e) => e.path).sort()).toEqual([
      'steps[0].parameters.expect_status_codes[0]',
      'steps[0].parameters.method',
    ]);
  });
});

describe('http step: retries on virtual time', () => {
  it('retry_on http_status retries a 429, then succeeds', async () => {
    const statuses = [429, 503, 200];
    const seen: HttpRequest[] = [];
    const scripted: HttpClient = {
      request: (req) => {
        seen.push(req);
        const status = statuses.shift() ?? 200;
        return Promise.resolve({
          _tag: 'response',
          status,
          headers: { 'content-type': 'application/json' },
          body: new TextEncoder().encode(JSON.stringify({ status })),
          truncated: false,
          url: req.url,
        });
      },
    };
    const { report } = await runTestMission(
      `version: "1.0"
name: retry
steps:
  - id: call
    name: Flaky API
    step_type: http
    parameters: { url: "https://api.example.com/v1/items" }
    retry: { max_attempts: 4, delay_seconds: 5, backoff: exponential, retry_on: [{ http_status: [429, "5xx"] }] }
`,
      { http: scripted },
    );
    const step = report.steps[0]!;
    expect(step.status).toBe('succeeded');
    expect(step.attempts.map((a) => a.delay_before_ms)).toEqual([0, 5_000, 10_000]);
    expect(seen).toHaveLength(3);
    expect(step.output).toMatchObject({ status: 200, body: { status: 200 } });
  });

  it('does not retry a status that retry_on does not name', async () => {
    let calls = 0;
    const notFound: HttpClient = {
      request: (req) => {
        calls++;
        return Promise.resolve({
          _tag: 'response',
          status: 404,
          headers: {},
          body: new Uint8Array(),
          truncated: false,
          url: req.url,
        });
      },
    };
    const { report } = await runTestMission(
      `version: "1.0"
name: retry
steps:
  - id: call
    name: Missing
    step_type: http
    parameters: { url: "https://api.example.com/v1/missing" }
    retry: { max_attempts: 3, retry_on: [{ http_status: ["5xx"] }] }
`,
      { http: notFound },
    );
    expect(report.steps[0]!.status).toBe('failed');
    expect(calls).toBe(1);
  });
});

test('the Node port never rejects, even for a request fetch cannot build', async () => {
  const r = await nodeHttp.request(
    {
      url: `${server.url}/json`,
      method: 'GET',
      headers: { 'bad\nheader': 'x' },
      maxResponseBytes: 10,
      followRedirects: true,
      maxRedirects: 1,
    },
    new AbortController().signal,
  );
  expect(r).toMatchObject({ _tag: 'failed', code: 'other' });
});
