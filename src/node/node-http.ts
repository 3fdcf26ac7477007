// The real HTTP port. (The http step type's issue fills this in with fetch, redirects, size caps
// and error classification; until then it is a plain fetch.)
import type { HttpClient, HttpResult } from '../ports/http.js';

/** Sends requests with Node's own fetch. */
export const nodeHttp: HttpClient = {
  request: async (req, signal): Promise<HttpResult> => {
    try {
      const init: RequestInit = {
        method: req.method,
        headers: req.headers,
        signal,
        redirect: req.followRedirects ? 'follow' : 'manual',
      };
      if (req.body !== undefined) init.body = req.body as unknown as NonNullable<RequestInit['body']>;
      const res = await fetch(req.url, init);
      const body = new Uint8Array(await res.arrayBuffer());
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      return {
        _tag: 'response',
        status: res.status,
        headers,
        body: body.subarray(0, req.maxResponseBytes),
        truncated: body.length > req.maxResponseBytes,
        url: res.url,
      };
    } catch (e) {
      return { _tag: 'failed', code: 'other', message: e instanceof Error ? e.message : String(e) };
    }
  },
};
