// `llm`: one prompt to a model, through Ollama's `/api/generate` or an OpenAI-compatible
// `/chat/completions`, over the HttpClient port. The answer is `output.response`, which later
// steps read as `{<id>_response}` and `{<id>_result}`, as in RustChain. When the provider cannot
// be reached, the error names the URL tried, where that URL came from, and how to start or point
// to a server. An API key is read from the environment variable the mission names, and never
// appears in a message, an event or the report.
import * as t from 'io-ts';
import { NonEmptyString, NonNegative, PositiveInt } from '../mission/scalars.js';
import type { HttpResult } from '../ports/http.js';
import type { StepContext, StepOutcome, StepType } from '../ports/step-type.js';
import { unreachable } from '../unreachable.js';
import { VERSION } from '../version.js';
import { excerpt } from './http.js';

/** Ollama's address when neither `base_url` nor OLLAMA_HOST says otherwise. */
export const DEFAULT_OLLAMA_URL = 'http://localhost:11434';
/** The OpenAI API, when neither `base_url` nor OPENAI_BASE_URL says otherwise. */
export const DEFAULT_OPENAI_URL = 'https://api.openai.com/v1';
/** The environment variable read for the OpenAI key when `api_key_env` is not set. */
export const DEFAULT_OPENAI_KEY_ENV = 'OPENAI_API_KEY';
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** The environment variable that names the model of `llm` steps without `model:` (over `config.llm_model`). */
export const LLM_MODEL_ENV = 'MISSIONKIT_LLM_MODEL';

/**
 * RustChain's default model per provider (its providers' `new()`), used when neither the step,
 * MISSIONKIT_LLM_MODEL nor `config.llm_model` names one, so a RustChain mission asks for the same model.
 */
export const RUSTCHAIN_DEFAULT_MODELS: Readonly<Record<string, string>> = {
  ollama: 'llama2',
  openai: 'gpt-4',
  shimmy: 'phi3-mini',
  anthropic: 'claude-3-sonnet-20240229',
  claude: 'claude-3-sonnet-20240229',
};

/** The providers missionkit calls itself; any other name loads (as in RustChain) and fails when run, saying how to reach it. */
export const CALLABLE_PROVIDERS = ['ollama', 'openai'] as const;

export const llmParameters = t.intersection([
  t.type({
    /** The prompt; `{name}` is replaced by the variable `name` (such as `{analysis_result}`). */
    prompt: t.string,
  }),
  t.partial({
    /**
     * The model, as the provider names it (`llama3.2:1b`, `gpt-4o-mini`).
     * @default MISSIONKIT_LLM_MODEL, then `config.llm_model`, then RustChain's default for the provider (ollama: llama2, openai: gpt-4)
     */
    model: t.string,
    /**
     * `ollama`, or `openai` for any OpenAI-compatible endpoint (vLLM, llama.cpp, LM Studio, shimmy…).
     * Other names RustChain knows (`shimmy`, `anthropic`, `claude`…) load, and fail when run with how to reach them.
     * @default 'ollama'
     */
    provider: NonEmptyString,
    /** The provider's address. @default OLLAMA_HOST or http://localhost:11434 (ollama); OPENAI_BASE_URL or https://api.openai.com/v1 (openai) */
    base_url: t.string,
    /** A system prompt; `{name}` substitution too. */
    system: t.string,
    temperature: NonNegative,
    /** The most tokens to generate (Ollama's `num_predict`). */
    max_tokens: PositiveInt,
    /** The name of the environment variable holding the API key (never the key itself). @default 'OPENAI_API_KEY' for openai, none for ollama */
    api_key_env: t.string,
  }),
]);
export type LlmParameters = t.TypeOf<typeof llmParameters>;
type Provider = (typeof CALLABLE_PROVIDERS)[number];
/** The parameters once the model is chosen. */
type Asked = LlmParameters & { readonly model: string };

const isCallable = (name: string): name is Provider =>
  (CALLABLE_PROVIDERS as ReadonlyArray<string>).includes(name);

/** The model a step asks for, and where that name came from (for the report). */
export interface ChosenModel {
  readonly model: string;
  /** `parameters.model`, `MISSIONKIT_LLM_MODEL`, `config.llm_model`, or `RustChain's default for <provider>`. */
  readonly source: string;
}

/**
 * The model of an `llm` step: its own `model`, else MISSIONKIT_LLM_MODEL, else `config.llm_model`
 * (one name, or the provider's entry), else RustChain's default for the provider.
 * @example chooseModel({ prompt: 'hi' }, 'ollama', {}, undefined) // { model: 'llama2', source: "RustChain's default for ollama" }
 */
export const chooseModel = (
  p: Pick<LlmParameters, 'model'>,
  provider: string,
  env: Readonly<Record<string, string>>,
  configured: string | Readonly<Record<string, string>> | undefined,
): ChosenModel | undefined => {
  if (p.model !== undefined && p.model !== '') return { model: p.model, source: 'parameters.model' };
  const fromEnv = env[LLM_MODEL_ENV]?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return { model: fromEnv, source: LLM_MODEL_ENV };
  if (typeof configured === 'string') return { model: configured, source: 'config.llm_model' };
  const perProvider =
    configured !== undefined && Object.hasOwn(configured, provider) ? configured[provider] : undefined;
  if (perProvider !== undefined) return { model: perProvider, source: `config.llm_model.${provider}` };
  const fallback = Object.hasOwn(RUSTCHAIN_DEFAULT_MODELS, provider)
    ? RUSTCHAIN_DEFAULT_MODELS[provider]
    : undefined;
  return fallback !== undefined
    ? { model: fallback, source: `RustChain's default for ${provider}` }
    : undefined;
};

/** The providers RustChain's engine registers (`create_default_llm_manager`); any other name fails there when run. */
export const RUSTCHAIN_PROVIDERS: ReadonlyArray<string> = [
  'shimmy',
  'ollama',
  'openai',
  'anthropic',
  'google-gemini',
  'aws-bedrock',
  'azure-openai',
];

/** How to reach a provider missionkit does not call itself. */
const uncallableHint = (provider: string): string => {
  const rustChain = RUSTCHAIN_PROVIDERS.includes(provider)
    ? ''
    : ` (RustChain has no provider named \`${provider}\` either${provider === 'claude' ? '; its Claude provider is `anthropic`' : ''})`;
  const openAiCompatible =
    provider === 'shimmy'
      ? 'shimmy serves an OpenAI-compatible API: write `provider: openai` and `base_url: http://localhost:11435/v1` (its address)'
      : `if it serves an OpenAI-compatible API (directly or through a gateway such as LiteLLM), write \`provider: openai\` and \`base_url:\` its address, usually ending in /v1`;
  return `${openAiCompatible}; otherwise provide the call as a custom step type with \`defineStepType\` and use it in place of \`llm\`${rustChain}`;
};

/** Where the request goes, and why there (for the error when nothing answers). */
export interface LlmEndpoint {
  readonly url: string;
  /** `base_url`, an environment variable, or the default. */
  readonly from: string;
}

/** Ollama's OLLAMA_HOST may be `host`, `host:port` or a URL; as Ollama's own client does, a missing scheme is http and a missing port 11434. */
export const ollamaHostUrl = (value: string): string => {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?([^/]*)(.*)$/i.exec(value);
  const scheme = m?.[1] ?? 'http://';
  const authority = m?.[2] ?? value;
  const rest = m?.[3] ?? '';
  const hasPort = /:\d+$/.test(authority);
  return `${scheme}${authority}${hasPort || /^https:/i.test(scheme) ? '' : ':11434'}${rest}`;
};

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

/** The request URL for a provider: `base_url`, then the provider's environment variable, then the default. */
export const llmEndpoint = (
  provider: Provider,
  baseUrl: string | undefined,
  env: Readonly<Record<string, string>>,
): LlmEndpoint => {
  switch (provider) {
    case 'ollama': {
      const host = env['OLLAMA_HOST'];
      const [base, from] =
        baseUrl !== undefined
          ? [baseUrl, '`base_url`']
          : host !== undefined && host.trim() !== ''
            ? [ollamaHostUrl(host.trim()), 'the OLLAMA_HOST environment variable']
            : [DEFAULT_OLLAMA_URL, 'the default'];
      return { url: `${trimSlash(base)}/api/generate`, from };
    }
    case 'openai': {
      const envBase = env['OPENAI_BASE_URL'];
      const [base, from] =
        baseUrl !== undefined
          ? [baseUrl, '`base_url`']
          : envBase !== undefined && envBase.trim() !== ''
            ? [envBase.trim(), 'the OPENAI_BASE_URL environment variable']
            : [DEFAULT_OPENAI_URL, 'the default'];
      return { url: `${trimSlash(base)}/chat/completions`, from };
    }
    default:
      return unreachable(provider);
  }
};

const PROVIDER_NAMES: Readonly<Record<Provider, string>> = {
  ollama: 'Ollama',
  openai: 'the OpenAI-compatible server',
};

const unreachableHint = (provider: Provider, model: string): string => {
  switch (provider) {
    case 'ollama':
      return `start Ollama with \`ollama serve\` (install it from https://ollama.com) and fetch the model with \`ollama pull ${model}\`; or point the step at a running server with \`base_url:\` or the OLLAMA_HOST environment variable`;
    case 'openai':
      return 'check that the server is running and that `base_url` (or the OPENAI_BASE_URL environment variable) points at it, usually ending in /v1';
    default:
      return unreachable(provider);
  }
};

interface Question {
  readonly body: unknown;
}

const question = (provider: Provider, p: Asked, prompt: string, system: string | undefined): Question => {
  switch (provider) {
    case 'ollama': {
      const options = {
        ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
        ...(p.max_tokens !== undefined ? { num_predict: p.max_tokens } : {}),
      };
      return {
        body: {
          model: p.model,
          prompt,
          stream: false,
          ...(system !== undefined ? { system } : {}),
          ...(Object.keys(options).length > 0 ? { options } : {}),
        },
      };
    }
    case 'openai':
      return {
        body: {
          model: p.model,
          messages: [
            ...(system !== undefined ? [{ role: 'system', content: system }] : []),
            { role: 'user', content: prompt },
          ],
          ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
          ...(p.max_tokens !== undefined ? { max_tokens: p.max_tokens } : {}),
        },
      };
    default:
      return unreachable(provider);
  }
};

const isMap = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const numberAt = (v: unknown, key: string): number | undefined =>
  isMap(v) && typeof v[key] === 'number' ? v[key] : undefined;

/** The answer in a provider's JSON, as the step's output; undefined when the JSON is not in that form. */
const answerOf = (provider: Provider, json: unknown, model: string): Record<string, unknown> | undefined => {
  if (!isMap(json)) return undefined;
  switch (provider) {
    case 'ollama': {
      if (typeof json['response'] !== 'string') return undefined;
      const prompt = numberAt(json, 'prompt_eval_count');
      const completion = numberAt(json, 'eval_count');
      return {
        response: json['response'],
        model: typeof json['model'] === 'string' ? json['model'] : model,
        provider,
        ...(typeof json['done_reason'] === 'string' ? { finish_reason: json['done_reason'] } : {}),
        ...(prompt !== undefined ? { prompt_tokens: prompt } : {}),
        ...(completion !== undefined ? { completion_tokens: completion } : {}),
      };
    }
    case 'openai': {
      const choices = json['choices'];
      const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
      const message = isMap(first) ? first['message'] : undefined;
      const content = isMap(message) ? message['content'] : undefined;
      if (typeof content !== 'string') return undefined;
      const usage = json['usage'];
      const prompt = numberAt(usage, 'prompt_tokens');
      const completion = numberAt(usage, 'completion_tokens');
      return {
        response: content,
        model: typeof json['model'] === 'string' ? json['model'] : model,
        provider,
        ...(isMap(first) && typeof first['finish_reason'] === 'string'
          ? { finish_reason: first['finish_reason'] }
          : {}),
        ...(prompt !== undefined ? { prompt_tokens: prompt } : {}),
        ...(completion !== undefined ? { completion_tokens: completion } : {}),
      };
    }
    default:
      return unreachable(provider);
  }
};

/** What the provider said went wrong, from its JSON error body (`{error: "…"}` or `{error: {message}}`). */
const providerError = (json: unknown, text: string): string => {
  if (isMap(json)) {
    const e = json['error'];
    if (typeof e === 'string') return e;
    if (isMap(e) && typeof e['message'] === 'string') return e['message'];
  }
  return excerpt(text);
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

const statusFailure = (
  provider: Provider,
  p: Asked,
  endpoint: LlmEndpoint,
  status: number,
  said: string,
  keyEnv: string | undefined,
): StepOutcome => {
  const name = PROVIDER_NAMES[provider];
  const base = {
    status: 'failed' as const,
    failure_kind: 'http_status' as const,
    http_status: status,
    message: `${name} at ${endpoint.url} answered ${status}${said !== '' ? `: ${said}` : ''}`,
  };
  if (status === 404 && provider === 'ollama' && /model/i.test(said))
    return { ...base, hint: `fetch the model first: \`ollama pull ${p.model}\``, retryable: false };
  if (status === 404)
    return {
      ...base,
      hint: `is ${endpoint.url} the right address? (${endpoint.from} gave it; OpenAI-compatible servers usually want base_url ending in /v1)`,
      retryable: false,
    };
  if (status === 401 || status === 403)
    return {
      ...base,
      hint:
        keyEnv !== undefined
          ? `the key in the ${keyEnv} environment variable was refused: check it`
          : `the server wants an API key: set \`api_key_env:\` to the name of an environment variable that holds it (${DEFAULT_OPENAI_KEY_ENV} by default for openai)`,
      retryable: false,
    };
  if (status === 429 || status >= 500)
    return {
      ...base,
      hint: `the provider is overloaded or failing: retry with \`retry: { max_attempts: 3, delay_seconds: 10, retry_on: [{ http_status: [429, "5xx"] }] }\``,
    };
  return base;
};

const NETWORK_CODES_UNREACHABLE: ReadonlySet<string> = new Set([
  'connection_refused',
  'dns',
  'timeout',
  'reset',
]);

const networkFailure = (
  provider: Provider,
  p: Asked,
  endpoint: LlmEndpoint,
  result: Extract<HttpResult, { _tag: 'failed' }>,
): StepOutcome => {
  const name = PROVIDER_NAMES[provider];
  if (NETWORK_CODES_UNREACHABLE.has(result.code))
    return {
      status: 'failed',
      failure_kind: 'network',
      message: `could not reach ${name} at ${endpoint.url} (from ${endpoint.from}): ${result.message}`,
      hint: unreachableHint(provider, p.model),
    };
  return {
    status: 'failed',
    failure_kind: 'network',
    message: `${name} at ${endpoint.url} (from ${endpoint.from}): ${result.message}`,
    ...(result.hint !== undefined ? { hint: result.hint } : {}),
    ...(result.code === 'invalid_url' || result.code === 'tls' ? { retryable: false } : {}),
  };
};

/** The name of the variable holding the API key, and the key, when the step uses one. */
const apiKeyOf = (
  ctx: StepContext,
  p: LlmParameters,
): { readonly keyEnv: string | undefined; readonly key: string | undefined } => {
  const keyEnv = p.api_key_env ?? (p.provider === 'openai' ? DEFAULT_OPENAI_KEY_ENV : undefined);
  return { keyEnv, key: keyEnv !== undefined ? ctx.env[keyEnv] : undefined };
};

/** Every string in `value` with `key` replaced by `***`. */
const scrub = (value: unknown, key: string): unknown => {
  if (typeof value === 'string') return value.split(key).join('***');
  if (Array.isArray(value)) return value.map((v) => scrub(v, key));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, key)]));
  return value;
};

/**
 * Asks the model; the answer is `output.response`. The API key is removed from everything the
 * step returns, because servers echo it back ("Incorrect API key provided: sk-…") and models repeat it.
 */
export const runLlm = async (ctx: StepContext, p: LlmParameters): Promise<StepOutcome> => {
  const outcome = await askModel(ctx, p);
  const { key } = apiKeyOf(ctx, p);
  return key === undefined || key.length < 4 ? outcome : (scrub(outcome, key) as StepOutcome);
};

const askModel = async (ctx: StepContext, given: LlmParameters): Promise<StepOutcome> => {
  const provider = given.provider ?? 'ollama';
  if (!isCallable(provider))
    return {
      status: 'failed',
      failure_kind: 'invalid_input',
      message: `missionkit cannot call the provider \`${provider}\` itself (it calls ${CALLABLE_PROVIDERS.map((c) => `\`${c}\``).join(' and ')})`,
      hint: uncallableHint(provider),
      retryable: false,
    };
  const chosen = chooseModel(given, provider, ctx.env, ctx.config?.llm_model)!;
  const p: Asked = { ...given, model: chosen.model };
  const endpoint = llmEndpoint(provider, p.base_url, ctx.env);
  const { keyEnv, key } = apiKeyOf(ctx, p);
  if (p.api_key_env !== undefined && (key === undefined || key === ''))
    return {
      status: 'failed',
      failure_kind: 'invalid_input',
      message: `the environment variable ${p.api_key_env} (named by \`api_key_env\`) is not set`,
      hint: `set it in the environment that runs the mission, or pass it with runMission's \`env\` option`,
      retryable: false,
    };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': `missionkit/${VERSION}`,
    ...(key !== undefined && key !== '' ? { authorization: `Bearer ${key}` } : {}),
  };
  const prompt = p.prompt;
  const system = p.system;
  ctx.progress(
    `asking ${p.model} (${provider}${chosen.source === 'parameters.model' ? '' : `; model from ${chosen.source}`})`,
  );
  const result = await ctx.http.request(
    {
      url: endpoint.url,
      method: 'POST',
      headers,
      body: JSON.stringify(question(provider, p, prompt, system).body),
      maxResponseBytes: MAX_RESPONSE_BYTES,
      followRedirects: true,
      maxRedirects: 5,
    },
    ctx.signal,
  );
  if (result._tag === 'failed') return networkFailure(provider, p, endpoint, result);
  const text = new TextDecoder('utf-8').decode(result.body);
  const json = parseJson(text);
  if (result.status < 200 || result.status > 299)
    return statusFailure(provider, p, endpoint, result.status, providerError(json, text), keyEnv);
  const found = answerOf(provider, json, p.model);
  const answer = found === undefined ? undefined : { ...found, model_source: chosen.source };
  if (answer === undefined)
    return {
      status: 'failed',
      failure_kind: 'error',
      message: `${PROVIDER_NAMES[provider]} at ${endpoint.url} answered ${result.status}, but not with a ${provider === 'ollama' ? 'generate' : 'chat completion'} response: ${excerpt(text)}`,
      hint:
        provider === 'ollama'
          ? 'is this address an Ollama server? For an OpenAI-compatible server, set `provider: openai`'
          : 'is this address an OpenAI-compatible server (base_url usually ends in /v1)? For Ollama, set `provider: ollama`',
      retryable: false,
    };
  ctx.progress(`${p.model} answered`, 1);
  return { status: 'succeeded', output: answer };
};

/** The built-in `llm` step type. */
export const llmStep: StepType<LlmParameters> & {
  readonly name: 'llm';
  readonly parameters: typeof llmParameters;
} = {
  name: 'llm',
  rustChainSubstitution: true,
  description:
    'Sends a prompt to a model (Ollama or an OpenAI-compatible endpoint); the answer is `output.response`.',
  parameters: llmParameters,
  run: runLlm,
};
