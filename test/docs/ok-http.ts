// The HTTP client the docs' missions run with: the APIs they call are examples.
import type { HttpClient } from '../../src/ports/http.js';

/** Answers every HTTP request with 200 and an empty JSON object. */
export const okHttp: HttpClient = {
  request: (req) =>
    Promise.resolve({
      _tag: 'response',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode('{}'),
      truncated: false,
      url: req.url,
    }),
};
