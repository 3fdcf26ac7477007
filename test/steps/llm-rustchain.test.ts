// RustChain's llm missions as they are written: no `model` (RustChain's `examples/llm_demo.yaml`
// and `test_default_llm.yaml`), providers missionkit does not call (`shimmy`, `claude`), and the
// ways back to a chosen model (MISSIONKIT_LLM_MODEL, `config.llm_model`).
import { isRight } from 'fp-ts/lib/Either.js';
import { parseMission, runMission } from '../../src/index.js';
import { chooseModel } from '../../src/steps/llm.js';
import { MemoryFileSystem } from '../../src/testing/memory-filesystem.js';
import { startModelServer } from './services.js';
import type { TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => (server = await startModelServer()));
afterAll(() => server.close());

// The shape of RustChain's examples/llm_demo.yaml: an llm step with no `model` and no `provider`.
const llmDemo = (config = ''): string => `version: "1.0"
name: "llm_demo"
steps:
  - id: "ask_llm"
    name: "Ask LLM a question"
    step_type: "llm"
    parameters:
      prompt: "What is 2+2? Please answer briefly."
      temperature: 0.1
      max_tokens: 50
config:
  max_parallel_steps: 1
  fail_fast: true
${config}`;

const sentModel = (): unknown => (JSON.parse(server.requests.at(-1)!.body) as { model: unknown }).model;

test('an llm step without `model` loads and asks for RustChain default model, and the report says so', async () => {
  const report = await runMission(llmDemo(), {
    env: { OLLAMA_HOST: server.url },
    fs: new MemoryFileSystem(),
    cwd: '/mission',
  });
  expect(report.status).toBe('succeeded');
  expect(sentModel()).toBe('llama2');
  expect(report.steps[0]!.output).toMatchObject({ model_source: "RustChain's default for ollama" });
});

test('config.llm_model (one name or one per provider) and MISSIONKIT_LLM_MODEL choose the model', async () => {
  const opts = { fs: new MemoryFileSystem(), cwd: '/mission' };
  const one = await runMission(llmDemo('  llm_model: "llama3.2:1b"\n'), {
    ...opts,
    env: { OLLAMA_HOST: server.url },
  });
  expect(sentModel()).toBe('llama3.2:1b');
  expect(one.steps[0]!.output).toMatchObject({ model_source: 'config.llm_model' });

  const perProvider = await runMission(
    llmDemo('  llm_model: { ollama: "qwen2.5:0.5b", openai: "gpt-4o-mini" }\n'),
    {
      ...opts,
      env: { OLLAMA_HOST: server.url },
    },
  );
  expect(sentModel()).toBe('qwen2.5:0.5b');
  expect(perProvider.steps[0]!.output).toMatchObject({ model_source: 'config.llm_model.ollama' });

  const env = await runMission(llmDemo('  llm_model: "llama3.2:1b"\n'), {
    ...opts,
    env: { OLLAMA_HOST: server.url, MISSIONKIT_LLM_MODEL: 'phi3:mini' },
  });
  expect(sentModel()).toBe('phi3:mini');
  expect(env.steps[0]!.output).toMatchObject({ model_source: 'MISSIONKIT_LLM_MODEL' });
});

test("RustChain's default model per provider, and a step's own model always wins", () => {
  expect(chooseModel({}, 'openai', {}, undefined)).toEqual({
    model: 'gpt-4',
    source: "RustChain's default for openai",
  });
  expect(chooseModel({}, 'shimmy', {}, undefined)?.model).toBe('phi3-mini');
  expect(chooseModel({}, 'anthropic', {}, undefined)?.model).toBe('claude-3-sonnet-20240229');
  expect(chooseModel({ model: 'mine' }, 'ollama', { MISSIONKIT_LLM_MODEL: 'env' }, 'cfg')).toEqual({
    model: 'mine',
    source: 'parameters.model',
  });
});

// The shapes of examples/shimmy_integration_demo.yaml and the `consolidate_results` step of
// comprehensive_spec_audit_concurrent.yaml.
test('providers RustChain accepts (`shimmy`, `claude`) load, and fail when run saying how to reach them', async () => {
  const text = `version: "1.0"
name: "shimmy_integration_demo"
steps:
  - id: "shimmy_chat"
    name: "Chat through shimmy"
    step_type: "llm"
    parameters:
      provider: "shimmy"
      prompt: "Hello"
  - id: "consolidate_results"
    name: "Consolidate"
    step_type: "llm"
    parameters:
      provider: "claude"
      model: "claude-3-sonnet"
      prompt: "Analyse"
config:
  fail_fast: false
`;
  expect(isRight(parseMission(text))).toBe(true);
  const report = await runMission(text, { fs: new MemoryFileSystem(), cwd: '/mission', env: {} });
  const [shimmy, claude] = report.steps;
  expect(shimmy).toMatchObject({ status: 'failed', failure_kind: 'invalid_input' });
  expect(shimmy!.message).toMatch(/cannot call the provider `shimmy`/);
  expect(shimmy!.hint).toMatch(/`provider: openai` and `base_url: http:\/\/localhost:11435\/v1`/);
  expect(claude!.message).toMatch(/cannot call the provider `claude`/);
  expect(claude!.hint).toMatch(/OpenAI-compatible API .*`base_url:`.*custom step type with `defineStepType`/);
  expect(claude!.hint).toMatch(
    /RustChain has no provider named `claude` either; its Claude provider is `anthropic`/,
  );
  expect(shimmy!.hint).not.toMatch(/RustChain has no provider/);
});
