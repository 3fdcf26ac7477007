// Stand-ins for the services corpus missions talk to, on 127.0.0.1: a model server speaking
// Ollama's and OpenAI's APIs, an httpbin-like echo server, and an HTTP client that sends the
// corpus's httpbin.org requests to the local one and answers every other host as unresolvable,
// so no test reaches the outside network.
import { nodeHttp } from '../../src/node/node-http.js';
import type { HttpClient } from '../../src/ports/http.js';
import { json, startServer, type TestServer } from './support.js';

/** A fake model server: Ollama and OpenAI-compatible endpoints, with a few models that misbehave on purpose. */
export const startModelServer = (): Promise<TestServer> =>
  startServer((req, res) => {
    const body = (req.body === '' ? {} : JSON.parse(req.body)) as Record<string, unknown>;
    const model = String(body['model'] ?? '');
    if (model === 'overloaded') return json(res, 429, { error: 'too many requests' });
    if (model === 'missing')
      return json(res, 404, { error: `model "${model}" not found, try pulling it first` });
    if (model === 'wrong-shape') return json(res, 200, { hello: 'world' });
    if (req.url === '/api/generate' && req.method === 'POST') {
      const prompt = String(body['prompt']);
      return json(res, 200, {
        model,
        created_at: '2025-01-01T00:00:00Z',
        response: `ollama says: ${prompt.slice(0, 60)}`,
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 12,
        eval_count: 34,
      });
    }
    if (req.url === '/v1/chat/completions' && req.method === 'POST') {
      if (req.headers.authorization !== 'Bearer sk-test-123')
        return json(res, 401, { error: { message: 'bad key' } });
      const messages = body['messages'] as Array<{ role: string; content: string }>;
      return json(res, 200, {
        id: 'chatcmpl-1',
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: `openai says: ${messages[messages.length - 1]!.content}` },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      });
    }
    return json(res, 404, { error: 'no such endpoint' });
  });

/**
 * A small httpbin: `/get`, `/post` (echo the request), `/json`, `/status/<code>`, and
 * `/delay/<n>` (answers after n × 10 ms: the corpus's seconds, scaled down).
 */
export const startHttpbin = (): Promise<TestServer> =>
  startServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const echo = { url: req.url, method: req.method, headers: req.headers, data: req.body };
    if (u.pathname === '/get' || u.pathname === '/post') return json(res, 200, echo);
    if (u.pathname === '/json') return json(res, 200, { slideshow: { title: 'Sample Slide Show' } });
    const status = /^\/status\/(\d{3})$/.exec(u.pathname);
    if (status !== null) return json(res, Number(status[1]), {});
    const delay = /^\/delay\/(\d+)$/.exec(u.pathname);
    if (delay !== null) return void setTimeout(() => json(res, 200, echo), Number(delay[1]) * 10);
    return json(res, 404, {});
  });

/**
 * Sends requests for the mapped origins to local servers, and requests to 127.0.0.1 as they are,
 * through the real Node port; any other host fails as an unresolvable name would.
 */
export const offlineHttp = (origins: Readonly<Record<string, string>>): HttpClient => ({
  request: (req, signal) => {
    const url = new URL(req.url);
    if (url.hostname === '127.0.0.1') return nodeHttp.request(req, signal);
    const local = origins[url.origin];
    if (local === undefined)
      return Promise.resolve({
        _tag: 'failed',
        code: 'dns',
        message: `DNS lookup failed for ${url.hostname} (ENOTFOUND): the host name could not be resolved`,
      });
    return nodeHttp.request({ ...req, url: `${local}${url.pathname}${url.search}` }, signal);
  },
});
