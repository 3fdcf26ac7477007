// `http`: one HTTP request through the HttpClient port, judged by `expect_status_codes`. A status
// outside the expectation fails the step with `http_status` set, so `retry_on: [{http_status: ...}]`
// can retry it; a request that got no answer fails with the network failure named (refused, DNS, TLS…).
import * as t from 'io-ts';
import {
  HttpStatusClass,
  HttpStatusCode,
  NonNegativeInt,
  PositiveInt,
  StringMap,
} from '../mission/scalars.js';
import type { HttpResult } from '../ports/http.js';
import type { StepContext, StepOutcome, StepType } from '../ports/step-type.js';
import { VERSION } from '../version.js';
import { toBase64 } from './base64.js';
import { confineStepPath, refusedOutcome } from './confine-path.js';
import { fileFailure } from './file-failure.js';
import { notBoth, withRules } from './parameter-rules.js';

/** The default `max_response_bytes`: 10 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** The default `max_redirects`. */
export const DEFAULT_MAX_REDIRECTS = 10;

/** A status (`404`) or a class of statuses (`"2xx"`, or a status as text, `"404"`). */
const StatusExpectation = t.union([HttpStatusCode, HttpStatusClass]);

const METHODS = { GET: null, HEAD: null, POST: null, PUT: null, PATCH: null, DELETE: null, OPTIONS: null };

const httpFields = t.intersection([
  t.type({
    /** An absolute http:// or https:// URL; `{name}` is replaced by the variable `name`. */
    url: t.string,
  }),
  t.partial({
    /** @default 'GET' */
    method: t.keyof(METHODS),
    /** Request headers; values get `{name}` substitution. @default {} */
    headers: StringMap,
    /** A map or list is sent as JSON (with `content-type: application/json`), a string as text. */
    body: t.union([t.string, t.UnknownRecord, t.UnknownArray]),
    /** A file (inside the working directory) whose bytes are the body. */
    body_file: t.string,
    /** Statuses that count as success: numbers, or classes such as "2xx". @default ["2xx"] */
    expect_status_codes: t.array(StatusExpectation),
    /** RustChain's name for `expect_status_codes` (one status or a list). */
    expected_status: t.union([StatusExpectation, t.array(StatusExpectation)]),
    /** Response body bytes kept; beyond it the body is cut and the step warns. @default 10485760 (10 MiB) */
    max_response_bytes: PositiveInt,
    /** Follow 3xx redirects. @default true */
    follow_redirects: t.boolean,
    /** @default 10 */
    max_redirects: NonNegativeInt,
  }),
]);

export const httpParameters = withRules(
  httpFields,
  [
    notBoth('body', 'body_file', 'send one of them'),
    notBoth(
      'expect_status_codes',
      'expected_status',
      "`expected_status` is RustChain's name for `expect_status_codes`; keep one",
    ),
    (p) => {
      const method = p.method ?? 'GET';
      const key = p.body !== undefined ? 'body' : p.body_file !== undefined ? 'body_file' : undefined;
      return key !== undefined && (method === 'GET' || method === 'HEAD')
        ? {
            key,
            message: `a ${method} request cannot have a body: set \`method: POST\` (or PUT, PATCH) to send \`${key}\``,
          }
        : undefined;
    },
  ],
  'HttpParameters',
);
export type HttpParameters = t.TypeOf<typeof httpParameters>;

type Expectation = number | string;

const matches = (status: number, e: Expectation): boolean =>
  typeof e === 'number'
    ? e === status
    : /^[1-5]xx$/i.test(e)
      ? Math.floor(status / 100) === Number(e[0])
      : Number(e) === status;

const expectationsOf = (p: HttpParameters): ReadonlyArray<Expectation> => {
  const given = p.expect_status_codes ?? p.expected_status;
  if (given === undefined) return ['2xx'];
  return Array.isArray(given) ? given : [given as Expectation];
};

const hasHeader = (headers: Readonly<Record<string, string>>, name: string): boolean =>
  Object.keys(headers).some((k) => k.toLowerCase() === name);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  xml: 'application/xml',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  yaml: 'application/yaml',
  yml: 'application/yaml',
};

const isTextual = (contentType: string): boolean =>
  contentType === '' || /^text\/|json|xml|javascript|yaml|csv|x-www-form-urlencoded/i.test(contentType);

const isJson = (contentType: string): boolean => /(^application\/json|\+json)\b/i.test(contentType);

/** The response body for `output`: parsed JSON, text, or base64 for binary content. */
export const bodyOf = (
  bytes: Uint8Array,
  contentType: string,
  truncated: boolean,
): { readonly body: unknown; readonly encoding?: 'base64' } => {
  if (!isTextual(contentType)) {
    return { body: toBase64(bytes), encoding: 'base64' };
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (isJson(contentType) && !truncated && text.trim() !== '') {
    try {
      return { body: JSON.parse(text) as unknown };
    } catch {
      return { body: text };
    }
  }
  return { body: text };
};

/** The first 200 characters of a body, on one line, for a failure message. */
export const excerpt = (body: unknown): string => {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
};

const statusHint = (status: number, location: string | undefined): string => {
  if (status === 401 || status === 403)
    return 'check the credentials the request sends (an `Authorization` header, an API key)';
  if (status === 404)
    return 'check the URL; if 404 is the answer you want here, add it to `expect_status_codes`';
  if (status === 405) return 'check `method`';
  if (status === 429)
    return 'the server is rate-limiting: retry later with `retry: { max_attempts: 3, delay_seconds: 10, retry_on: [{ http_status: [429] }] }`';
  if (status >= 500)
    return 'a server error: if it is transient, retry it with `retry: { max_attempts: 3, retry_on: [{ http_status: ["5xx"] }] }`';
  if (status >= 300 && status < 400)
    return location !== undefined
      ? `the server redirects to ${location}: remove \`follow_redirects: false\` to follow it, or add ${status} to \`expect_status_codes\``
      : `add ${status} to \`expect_status_codes\` if it is a valid answer here`;
  return `if ${status} is a valid answer here, add it to \`expect_status_codes\``;
};

/** Network failures that trying again cannot mend. */
const permanent = (code: Extract<HttpResult, { _tag: 'failed' }>['code']): boolean =>
  code === 'invalid_url' || code === 'too_many_redirects' || code === 'tls';

/** The request body and its content type, from `body` or `body_file`. */
const requestBody = async (
  ctx: StepContext,
  p: HttpParameters,
): Promise<
  | { readonly _tag: 'ok'; readonly body?: string | Uint8Array; readonly contentType?: string }
  | { readonly _tag: 'failed'; readonly outcome: StepOutcome }
> => {
  if (p.body !== undefined) {
    const body = p.body;
    return typeof body === 'string'
      ? { _tag: 'ok', body, contentType: 'text/plain; charset=utf-8' }
      : { _tag: 'ok', body: JSON.stringify(body), contentType: 'application/json' };
  }
  if (p.body_file !== undefined) {
    const where = await confineStepPath(ctx, p.body_file);
    if (where._tag === 'outside') return { _tag: 'failed', outcome: refusedOutcome(where) };
    try {
      // A regular file only, reached from the root without following a symlink swapped in meanwhile.
      const bytes = await ctx.fs.readFile(where.real, { within: where.realRoot });
      const ext = /\.([A-Za-z0-9]+)$/.exec(where.path)?.[1]?.toLowerCase() ?? '';
      return { _tag: 'ok', body: bytes, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream' };
    } catch (e) {
      return { _tag: 'failed', outcome: fileFailure('read the body file', where.path, e) };
    }
  }
  return { _tag: 'ok' };
};

/** Runs one request described by `p`: shared by the `http` step and anything built on it. */
export const runHttp = async (ctx: StepContext, p: HttpParameters): Promise<StepOutcome> => {
  const method = p.method ?? 'GET';
  const url = p.url;
  const headers: Record<string, string> = Object.fromEntries(Object.entries(p.headers ?? {}));
  if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = `missionkit/${VERSION}`;
  const body = await requestBody(ctx, p);
  if (body._tag === 'failed') return body.outcome;
  if (body.contentType !== undefined && !hasHeader(headers, 'content-type'))
    headers['content-type'] = body.contentType;
  ctx.progress(`${method} ${url}`);
  const result = await ctx.http.request(
    {
      url,
      method,
      headers,
      ...(body.body !== undefined ? { body: body.body } : {}),
      maxResponseBytes: p.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      followRedirects: p.follow_redirects ?? true,
      maxRedirects: p.max_redirects ?? DEFAULT_MAX_REDIRECTS,
    },
    ctx.signal,
  );
  if (result._tag === 'failed') {
    return {
      status: 'failed',
      failure_kind: 'network',
      message: `${method} ${url} failed: ${result.message}`,
      ...(result.hint !== undefined ? { hint: result.hint } : {}),
      ...(permanent(result.code) ? { retryable: false } : {}),
    };
  }
  const contentType = result.headers['content-type'] ?? '';
  const parsed = bodyOf(result.body, contentType, result.truncated);
  const output = {
    status: result.status,
    headers: result.headers,
    body: parsed.body,
    url: result.url,
    ...(parsed.encoding !== undefined ? { body_encoding: parsed.encoding } : {}),
    ...(result.truncated ? { truncated: true } : {}),
  };
  const expected = expectationsOf(p);
  if (!expected.some((e) => matches(result.status, e))) {
    const said = excerpt(parsed.body);
    return {
      status: 'failed',
      failure_kind: 'http_status',
      http_status: result.status,
      output,
      message: `${method} ${url} answered ${result.status} (expected ${expected.join(' or ')})${said !== '' ? `: ${said}` : ''}`,
      hint: statusHint(result.status, result.headers['location']),
    };
  }
  ctx.progress(`${result.status} (${result.body.length} bytes)`, 1);
  return result.truncated
    ? {
        status: 'succeeded_with_warnings',
        http_status: result.status,
        output,
        warnings: [
          `the response body was cut at max_response_bytes (${p.max_response_bytes ?? DEFAULT_MAX_RESPONSE_BYTES} bytes) and was not parsed; raise it to keep the whole body`,
        ],
      }
    : { status: 'succeeded', http_status: result.status, output };
};

/** The built-in `http` step type. */
export const httpStep: StepType<HttpParameters> & {
  readonly name: 'http';
  readonly parameters: typeof httpParameters;
} = {
  name: 'http',
  rustChainSubstitution: true,
  description: 'Sends one HTTP request and checks its status (`expect_status_codes`, default 2xx).',
  parameters: httpParameters,
  run: runHttp,
};
