// The real HTTP port, on Node's own fetch. Redirects are followed here rather than by fetch, so a
// redirect loop is reported as such (with the last hop) and credentials never follow a redirect to
// another origin; the body is streamed and cut at the size cap, so a huge response cannot exhaust
// the host's memory; and every failure is classified from the cause fetch hides behind "fetch failed".
import type { HttpClient, HttpFailureCode, HttpRequest, HttpResult } from '../ports/http.js';

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

// Headers that carry credentials or describe a body: not sent on to another origin, or after a
// redirect that turns the request into a GET.
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'proxy-authorization']);
const BODY_HEADERS: ReadonlySet<string> = new Set(['content-type', 'content-length', 'content-encoding']);

const failed = (code: HttpFailureCode, message: string, hint?: string): HttpResult => ({
  _tag: 'failed',
  code,
  message,
  ...(hint !== undefined ? { hint } : {}),
});

/** The URL as it may be shown: without a password in it. */
const shown = (url: URL): string => {
  if (url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
};

interface Cause {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

/** The first system or undici error code in an error's cause chain (AggregateErrors included). */
const causeOf = (e: unknown): { readonly code: string | undefined; readonly message: string } => {
  const queue: unknown[] = [e];
  let message: string | undefined;
  for (let i = 0; i < queue.length && i < 32; i++) {
    const c = queue[i] as Cause | null | undefined;
    if (c === null || typeof c !== 'object') continue;
    if (i > 0 && message === undefined && typeof c.message === 'string' && c.message !== '')
      message = c.message;
    if (typeof c.code === 'string' && i > 0) return { code: c.code, message: String(c.message ?? message) };
    if (c.cause !== undefined) queue.push(c.cause);
    if (Array.isArray(c.errors)) queue.push(...(c.errors as unknown[]));
  }
  const top = e instanceof Error ? e.message : String(e);
  return { code: undefined, message: message ?? top };
};

const TLS_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

const isTls = (code: string): boolean =>
  TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT');

/** Turns what fetch threw into a classified failure with a message and a hint. */
const classify = (e: unknown, url: URL, signal: AbortSignal, phase: 'request' | 'body'): HttpResult => {
  const where = shown(url);
  if (signal.aborted) {
    const r: unknown = signal.reason;
    const why = r instanceof Error ? r.message : typeof r === 'string' && r !== '' ? r : 'aborted';
    return failed('aborted', `${where}: the request was stopped (${why})`);
  }
  const { code, message } = causeOf(e);
  const host = url.host;
  if (code === 'ECONNREFUSED')
    return failed(
      'connection_refused',
      `connection refused by ${host} (${where}): nothing is listening on that port`,
      'check that the server is running and the URL has the right host and port',
    );
  if (
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EAI_NONAME' ||
    code === 'EAI_FAIL' ||
    code === 'EAI_NODATA'
  )
    return failed(
      'dns',
      `DNS lookup failed for ${url.hostname} (${code}): the host name could not be resolved`,
      code === 'EAI_AGAIN'
        ? 'the DNS server did not answer: check the network connection, then try again'
        : 'check the host name in the URL for typos; a name that exists only on another network needs that network (or a VPN)',
    );
  if (code !== undefined && isTls(code))
    return failed(
      'tls',
      `TLS handshake with ${host} failed (${code}): ${message}`,
      code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO'
        ? 'the server does not speak TLS on that port: did you mean http:// rather than https://?'
        : "the server's certificate is not trusted by Node: if it is signed by your own CA, start Node with NODE_EXTRA_CA_CERTS=/path/to/ca.pem; if the host name does not match the certificate, use the name the certificate was issued for",
    );
  if (
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  )
    return failed(
      'timeout',
      `${where}: the server did not answer in time (${code})`,
      "check that the server is up; set the step's `timeout_seconds` if it is just slow",
    );
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
    return failed(
      'reset',
      `${where}: the connection was closed by the other side ${phase === 'body' ? 'before the whole response arrived' : 'before it answered'} (${code})`,
      'the server (or a proxy in between) dropped the connection: check its logs; a retry may succeed',
    );
  if (code === 'ERR_INVALID_URL') return failed('invalid_url', `"${url.href}" is not a valid URL`);
  if (message === 'bad port')
    return failed(
      'invalid_url',
      `${where}: fetch refuses to connect to port ${url.port}`,
      'this port is on the list browsers and fetch block for safety (such as 1, 25 or 6000): serve on another port',
    );
  return failed('other', `${where}: ${message}${code !== undefined ? ` (${code})` : ''}`);
};

/** Reads the body up to `max` bytes, then stops reading (and tells the server so). */
const readCapped = async (
  body: ReadableStream<Uint8Array> | null,
  max: number,
): Promise<{ readonly bytes: Uint8Array; readonly truncated: boolean }> => {
  if (body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = max - kept;
    if (value.length > room) {
      if (room > 0) chunks.push(value.subarray(0, room));
      kept += Math.max(0, room);
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    kept += value.length;
  }
  const bytes = new Uint8Array(kept);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, truncated };
};

const without = (
  headers: Readonly<Record<string, string>>,
  drop: ReadonlySet<string>,
): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => !drop.has(k.toLowerCase())));

/** Sends one request, following redirects itself. */
const send = async (req: HttpRequest, signal: AbortSignal): Promise<HttpResult> => {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return failed(
      'invalid_url',
      `"${req.url}" is not a valid URL`,
      'write an absolute URL with its scheme, such as https://example.com/path',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return failed(
      'invalid_url',
      `"${shown(url)}" uses ${url.protocol.replace(/:$/, '')}://, but only http:// and https:// are supported`,
      'for other protocols, use a `command` step (curl, an FTP client…) or a custom step type',
    );
  let method = req.method;
  let headers: Record<string, string> = { ...req.headers };
  let body = req.body;
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      const init: RequestInit = { method, headers, signal, redirect: 'manual' };
      if (body !== undefined) init.body = body as unknown as NonNullable<RequestInit['body']>;
      res = await fetch(url, init);
    } catch (e) {
      return classify(e, url, signal, 'request');
    }
    const location = res.headers.get('location');
    if (req.followRedirects && REDIRECT_STATUSES.has(res.status) && location !== null) {
      await res.body?.cancel().catch(() => undefined);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return failed('invalid_url', `${shown(url)} redirected to "${location}", which is not a valid URL`);
      }
      // fetch itself would refuse `file:` and the like with "not implemented… yet…"; a server must
      // not lead a request to the local disk or another protocol anyway.
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        return failed(
          'invalid_url',
          `${shown(url)} redirected (${res.status}) to ${shown(next)}, but only http: and https: redirects are followed`,
          'set `follow_redirects: false` to get the redirect itself (its `location` header is in the result), or fix the server',
        );
      if (hop >= req.maxRedirects)
        return failed(
          'too_many_redirects',
          `more than ${req.maxRedirects} redirect${req.maxRedirects === 1 ? '' : 's'}: the last was ${res.status} from ${shown(url)} to ${shown(next)}`,
          next.href === url.href || hop > 0
            ? 'the server is probably redirecting in a loop (check its configuration, cookies or the URL), or raise `max_redirects`'
            : 'raise `max_redirects`, or set `follow_redirects: false` to get the redirect itself',
        );
      if (next.origin !== url.origin) headers = without(headers, CREDENTIAL_HEADERS);
      // As browsers do: 303 always, and 301/302 after a POST, turn the request into a GET without a body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = without(headers, BODY_HEADERS);
      }
      url = next;
      continue;
    }
    let read: { readonly bytes: Uint8Array; readonly truncated: boolean };
    try {
      read = await readCapped(res.body, req.maxResponseBytes);
    } catch (e) {
      return classify(e, url, signal, 'body');
    }
    const responseHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => (responseHeaders[k] = v));
    return {
      _tag: 'response',
      status: res.status,
      headers: responseHeaders,
      body: read.bytes,
      truncated: read.truncated,
      url: url.href,
    };
  }
};

/** Sends requests with Node's own fetch: redirects followed up to a limit, bodies capped, failures classified. */
export const nodeHttp: HttpClient = {
  request: async (req, signal) => {
    try {
      return await send(req, signal);
    } catch (e) {
      // The port never rejects: anything unforeseen is still a value.
      return failed('other', `${req.method} ${req.url}: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};
