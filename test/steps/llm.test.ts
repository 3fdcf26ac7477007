// The llm step against a local server that speaks Ollama's /api/generate and OpenAI's
// /chat/completions (no outside network), through the real Node HTTP port.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { runMission } from '../../src/index.js';
import { systemClock } from '../../src/node/system-clock.js';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import { llmEndpoint, llmParameters, llmStep, ollamaHostUrl } from '../../src/steps/llm.js';
import { FakeExecutor } from '../../src/testing/fake-executor.js';
import { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { startModelServer } from './services.js';
import { asRuntimeGives, closedPort, contextFor, type TestServer } from './support.js';

const decode = (raw: unknown): t.TypeOf<typeof llmParameters> => {
  const r = llmParameters.decode(raw);
  if (isLeft(r)) throw new Error('bad parameters');
  return r.right;
};

let server: TestServer;
beforeAll(async () => (server = await startModelServer()));
afterAll(() => server.close());

describe('llm step: ollama', () => {
  it('POSTs /api/generate and outputs the response, model, provider and token counts', async () => {
    const { ctx, record } = contextFor({ variables: { topic: 'rust' } });
    const out = await llmStep.run(
      ctx,
      asRuntimeGives(
        llmStep,
        decode({
          prompt: 'Tell me about {topic}',
          model: 'llama3.2:1b',
          base_url: server.url,
          temperature: 0.1,
          max_tokens: 200,
          system: 'be brief',
        }),
        ctx.variables,
      ),
    );
    expect(out).toEqual({
      status: 'succeeded',
      output: {
        response: 'ollama says: Tell me about rust',
        model: 'llama3.2:1b',
        provider: 'ollama',
        finish_reason: 'stop',
        prompt_tokens: 12,
        completion_tokens: 34,
        model_source: 'parameters.model',
      },
    });
    const sent = JSON.parse(server.requests.at(-1)!.body) as unknown;
    expect(sent).toEqual({
      model: 'llama3.2:1b',
      prompt: 'Tell me about rust',
      stream: false,
      system: 'be brief',
      options: { temperature: 0.1, num_predict: 200 },
    });
    expect(record.progress[0]!.message).toBe('asking llama3.2:1b (ollama)');
  });

  it('finds the server through OLLAMA_HOST when the step sets no base_url', async () => {
    const { ctx } = contextFor({ env: { OLLAMA_HOST: `127.0.0.1:${server.port}` } });
    const out = await llmStep.run(ctx, decode({ prompt: 'hi', model: 'm' }));
    expect(out.status).toBe('succeeded');
  });

  it('unreachable: names the URL tried, where it came from, and how to start Ollama', async () => {
    const port = await closedPort();
    const { ctx } = contextFor({ env: { OLLAMA_HOST: `http://127.0.0.1:${port}` } });
    const out = await llmStep.run(ctx, decode({ prompt: 'hi', model: 'llama3.2:1b' }));
    expect(out).toMatchObject({ status: 'failed', failure_kind: 'network' });
    expect(out.message).toMatch(
      new RegExp(
        `^could not reach Ollama at http://127\\.0\\.0\\.1:${port}/api/generate \\(from the OLLAMA_HOST environment variable\\): connection refused`,
      ),
    );
    expect(out.hint).toMatch(/`ollama serve`/);
    expect(out.hint).toMatch(/`ollama pull llama3\.2:1b`/);
    expect(out.hint).toMatch(/`base_url:` or the OLLAMA_HOST environment variable/);
  });

  it('a missing model says to pull it; an overloaded provider is an http_status failure retry_on can match', async () => {
    const { ctx } = contextFor();
    const missing = await llmStep.run(ctx, decode({ prompt: 'hi', model: 'missing', base_url: server.url }));
    expect(missing).toMatchObject({
      status: 'failed',
      failure_kind: 'http_status',
      http_status: 404,
      retryable: false,
    });
    expect(missing.message).toBe(
      `Ollama at ${server.url}/api/generate answered 404: model "missing" not found, try pulling it first`,
    );
    expect(missing.hint).toBe('fetch the model first: `ollama pull missing`');
    const busy = await llmStep.run(ctx, decode({ prompt: 'hi', model: 'overloaded', base_url: server.url }));
    expect(busy).toMatchObject({ failure_kind: 'http_status', http_status: 429 });
    expect(busy.retryable).toBeUndefined();
  });

  it('a server that is not Ollama is named as such', async () => {
    const { ctx } = contextFor();
    const out = await llmStep.run(ctx, decode({ prompt: 'hi', model: 'wrong-shape', base_url: server.url }));
    expect(out.message).toMatch(/answered 200, but not with a generate response: \{"hello":"world"\}/);
    expect(out.hint).toMatch(/provider: openai/);
  });
});

describe('llm step: OpenAI-compatible', () => {
  it('POSTs /chat/completions with the key from api_key_env, which appears nowhere else', async () => {
    const events: MissionEvent[] = [];
    const report = await runMission(
      `version: "1.0"
name: openai
steps:
  - id: ask
    name: Ask
    step_type: llm
    parameters:
      provider: openai
      model: gpt-test
      base_url: "${server.url}/v1"
      api_key_env: MY_KEY
      prompt: "Summarise"
      max_tokens: 50
`,
      {
        env: { MY_KEY: 'sk-test-123' },
        fs: new MemoryFileSystem(),
        cwd: '/mission',
        onEvent: (e) => events.push(e),
      },
    );
    expect(report.steps[0]).toMatchObject({
      status: 'succeeded',
      output: {
        response: 'openai says: Summarise',
        provider: 'openai',
        prompt_tokens: 5,
        completion_tokens: 7,
      },
    });
    const sent = JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>;
    expect(sent).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Summarise' }],
      max_tokens: 50,
    });
    expect(JSON.stringify(report)).not.toContain('sk-test-123');
    expect(JSON.stringify(events)).not.toContain('sk-test-123');
  });

  it('reads OPENAI_API_KEY and OPENAI_BASE_URL by default', async () => {
    const { ctx } = contextFor({
      env: { OPENAI_API_KEY: 'sk-test-123', OPENAI_BASE_URL: `${server.url}/v1/` },
    });
    const out = await llmStep.run(ctx, decode({ provider: 'openai', model: 'm', prompt: 'x' }));
    expect(out.status).toBe('succeeded');
  });

  it('a refused key and a missing key variable fail without retries, naming the variable, never the key', async () => {
    const { ctx } = contextFor({ env: { OPENAI_API_KEY: 'sk-wrong' } });
    const refused = await llmStep.run(
      ctx,
      decode({ provider: 'openai', model: 'm', prompt: 'x', base_url: `${server.url}/v1` }),
    );
    expect(refused).toMatchObject({ http_status: 401, retryable: false });
    expect(refused.message).toMatch(/answered 401: bad key/);
    expect(refused.hint).toMatch(/OPENAI_API_KEY environment variable was refused/);
    expect(JSON.stringify(refused)).not.toContain('sk-wrong');

    const unset = await llmStep.run(
      contextFor().ctx,
      decode({
        provider: 'openai',
        model: 'm',
        prompt: 'x',
        api_key_env: 'NOPE_KEY',
        base_url: `${server.url}/v1`,
      }),
    );
    expect(unset).toMatchObject({
      status: 'failed',
      failure_kind: 'invalid_input',
      retryable: false,
      message: 'the environment variable NOPE_KEY (named by `api_key_env`) is not set',
    });
  });
});

describe('llm endpoints', () => {
  it('base_url, then the provider’s environment variable, then the default', () => {
    expect(llmEndpoint('ollama', undefined, {})).toEqual({
      url: 'http://localhost:11434/api/generate',
      from: 'the default',
    });
    expect(llmEndpoint('ollama', 'http://gpu-box:11434/', { OLLAMA_HOST: 'x' })).toEqual({
      url: 'http://gpu-box:11434/api/generate',
      from: '`base_url`',
    });
    expect(llmEndpoint('openai', undefined, {}).url).toBe('https://api.openai.com/v1/chat/completions');
    expect(llmEndpoint('openai', undefined, { OPENAI_BASE_URL: 'http://localhost:8000/v1' }).url).toBe(
      'http://localhost:8000/v1/chat/completions',
    );
  });

  it('reads OLLAMA_HOST as Ollama does: scheme http and port 11434 unless given', () => {
    expect(ollamaHostUrl('gpu-box')).toBe('http://gpu-box:11434');
    expect(ollamaHostUrl('127.0.0.1:9999')).toBe('http://127.0.0.1:9999');
    expect(ollamaHostUrl('https://ollama.example.com')).toBe('https://ollama.example.com');
    expect(ollamaHostUrl('http://[::1]')).toBe('http://[::1]:11434');
  });
});

test('an llm step chains into the next through {<id>_response} and {<id>} on the real clock', async () => {
  const fs = new MemoryFileSystem();
  const report = await runMission(
    `version: "1.0"
name: chain
steps:
  - id: first
    name: First
    step_type: llm
    parameters: { model: m, prompt: "alpha" }
  - id: second
    name: Second
    step_type: llm
    depends_on: [first]
    parameters: { model: m, prompt: "Based on {first_response}" }
  - id: save
    name: Save
    step_type: create_file
    depends_on: [second]
    parameters: { path: out.txt, content: "{first} | {second_result}" }
`,
    {
      env: { OLLAMA_HOST: server.url },
      fs,
      cwd: '/mission',
      executor: new FakeExecutor({ clock: systemClock }),
    },
  );
  expect(report.status).toBe('succeeded');
  expect(fs.text('/mission/out.txt')).toBe('ollama says: alpha | ollama says: Based on ollama says: alpha');
});
