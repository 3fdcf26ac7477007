// RustChain's 51 step types and what missionkit does with each: ships it, does the same job
// another way, or leaves it to a custom step type. The parser asks `rustChainStepTypeHint` about
// a step type its registry lacks, so a RustChain mission that uses `sql_query` is refused at load
// time with a message naming it and the code that would provide it, instead of "unknown step type".
import { unreachable } from '../unreachable.js';

/** What missionkit does with one RustChain step type. */
export type RustChainSupport =
  /** Built in, under the same name. */
  | { readonly _tag: 'supported' }
  /** Not under this name; a built-in does the job (`how` says which and how). */
  | { readonly _tag: 'supported_differently'; readonly how: string }
  /** Not shipped: `instead` says what to do (usually: a custom step type). */
  | { readonly _tag: 'not_shipped'; readonly instead: string };

/** One RustChain step type. */
export interface RustChainStepType {
  /** The `step_type` RustChain missions write. */
  readonly name: string;
  /** RustChain's own grouping, for the docs. */
  readonly group: string;
  readonly support: RustChainSupport;
}

const supported = (): RustChainSupport => ({ _tag: 'supported' });
const differently = (how: string): RustChainSupport => ({ _tag: 'supported_differently', how });
const notShipped = (instead: string): RustChainSupport => ({ _tag: 'not_shipped', instead });

const command = (what: string, example: string): RustChainSupport =>
  differently(`a \`command\` step running ${what}, for example \`${example}\``);

/** Every step type RustChain defines (its `StepType` enum), in its order. */
export const RUSTCHAIN_STEP_TYPES: ReadonlyArray<RustChainStepType> = [
  { name: 'create_file', group: 'file', support: supported() },
  { name: 'edit_file', group: 'file', support: supported() },
  { name: 'delete_file', group: 'file', support: supported() },
  { name: 'copy_file', group: 'file', support: supported() },
  { name: 'move_file', group: 'file', support: supported() },
  { name: 'read_file', group: 'file', support: supported() },
  { name: 'list_directory', group: 'file', support: supported() },
  {
    name: 'file_search',
    group: 'file',
    support: differently(
      '`list_directory` with `recursive: true` (then filter), or a `command` step running `find`/`rg` (use `platform_commands` for Windows)',
    ),
  },
  {
    name: 'parse_json',
    group: 'data',
    support: differently(
      '`read_file` (or an `http` step, whose JSON responses are parsed into `output.body`); to query JSON, a `command` step running `jq`',
    ),
  },
  {
    name: 'parse_yaml',
    group: 'data',
    support: notShipped('a `command` step running `yq`, or a custom step type using the `yaml` package'),
  },
  {
    name: 'parse_xml',
    group: 'data',
    support: notShipped('a `command` step running `xmllint`/`xq`, or a custom step type with an XML parser'),
  },
  {
    name: 'validate_schema',
    group: 'data',
    support: notShipped(
      'a custom step type using a JSON Schema validator such as `ajv`, or a `command` step running one',
    ),
  },
  {
    name: 'csv_process',
    group: 'data',
    support: notShipped('a `command` step running a CSV tool (`mlr`, `csvkit`), or a custom step type'),
  },
  {
    name: 'compile_code',
    group: 'code',
    support: command('the compiler', 'command: "cargo", args: ["build"]'),
  },
  {
    name: 'run_tests',
    group: 'code',
    support: command('the test runner', 'command: "cargo", args: ["test"]'),
  },
  {
    name: 'format_code',
    group: 'code',
    support: command('the formatter', 'command: "cargo", args: ["fmt"]'),
  },
  {
    name: 'lint_code',
    group: 'code',
    support: command('the linter', 'command: "cargo", args: ["clippy", "--", "-D", "warnings"]'),
  },
  {
    name: 'extract_functions',
    group: 'code',
    support: notShipped(
      'a custom step type with a parser for the language, or an `llm` step over `read_file` output',
    ),
  },
  {
    name: 'generate_docs',
    group: 'code',
    support: command('the doc generator', 'command: "cargo", args: ["doc"]'),
  },
  {
    name: 'git_commit',
    group: 'git',
    support: command('git', 'command: "git", args: ["commit", "-m", "message"]'),
  },
  { name: 'git_branch', group: 'git', support: command('git', 'command: "git", args: ["branch", "name"]') },
  { name: 'git_merge', group: 'git', support: command('git', 'command: "git", args: ["merge", "branch"]') },
  {
    name: 'git_status',
    group: 'git',
    support: command('git', 'command: "git", args: ["status", "--porcelain"]'),
  },
  { name: 'git_diff', group: 'git', support: command('git', 'command: "git", args: ["diff"]') },
  {
    name: 'process_start',
    group: 'system',
    support: differently(
      'a `command` step with `detach: true` (its process is left running when the step ends)',
    ),
  },
  {
    name: 'process_kill',
    group: 'system',
    support: differently(
      'the process tree of every step is terminated on timeout, cancel and failure; to stop another process, a `command` step with `platform_commands` (`kill` on unix, `taskkill` on windows)',
    ),
  },
  {
    name: 'monitor_resources',
    group: 'system',
    support: differently(
      '`resource_limits` on a step or in `config` (CPU, memory, disk), with progress events',
    ),
  },
  {
    name: 'service_health',
    group: 'system',
    support: differently(
      'an `http` step with `expect_status_codes` and a `retry` policy (`retry_on: [{http_status: ["5xx"]}]`)',
    ),
  },
  {
    name: 'compress',
    group: 'system',
    support: command('an archiver', 'command: "tar", args: ["-czf", "out.tgz", "dir"]'),
  },
  {
    name: 'sql_query',
    group: 'database',
    support: notShipped(
      'a custom step type using your database driver, or a `command` step running `sqlite3`/`psql`',
    ),
  },
  {
    name: 'redis_set',
    group: 'database',
    support: notShipped(
      'a `command` step running `redis-cli SET`, or a custom step type using a Redis client',
    ),
  },
  {
    name: 'redis_get',
    group: 'database',
    support: notShipped(
      'a `command` step running `redis-cli GET`, or a custom step type using a Redis client',
    ),
  },
  {
    name: 'db_backup',
    group: 'database',
    support: command('the backup tool', 'command: "pg_dump", args: ["-f", "backup.sql", "mydb"]'),
  },
  {
    name: 'db_migrate',
    group: 'database',
    support: command('the migration tool', 'command: "sqlx", args: ["migrate", "run"]'),
  },
  {
    name: 'websocket_connect',
    group: 'network',
    support: notShipped(
      'a custom step type using a WebSocket client (Node has a global `WebSocket` from version 22)',
    ),
  },
  {
    name: 'ftp_upload',
    group: 'network',
    support: notShipped(
      'a `command` step running `curl -T file ftp://host/path`, or a custom step type using an FTP client',
    ),
  },
  {
    name: 'ftp_download',
    group: 'network',
    support: notShipped(
      'a `command` step running `curl -o file ftp://host/path`, or a custom step type using an FTP client',
    ),
  },
  {
    name: 'ssh_execute',
    group: 'network',
    support: command('ssh', 'command: "ssh", args: ["host", "uptime"]'),
  },
  {
    name: 'ping_host',
    group: 'network',
    support: differently(
      'an `http` step against the host (a reachability check), or a `command` step running `ping -c 1 host`',
    ),
  },
  {
    name: 'generate_embedding',
    group: 'ai',
    support: notShipped(
      "an `http` step POSTing to the provider's embeddings endpoint (Ollama's `/api/embed`), or a custom step type",
    ),
  },
  {
    name: 'similarity_search',
    group: 'ai',
    support: notShipped('a custom step type using your vector store'),
  },
  {
    name: 'model_inference',
    group: 'ai',
    support: differently('an `llm` step (Ollama or an OpenAI-compatible endpoint)'),
  },
  { name: 'command', group: 'core', support: supported() },
  { name: 'http', group: 'core', support: supported() },
  { name: 'noop', group: 'core', support: supported() },
  { name: 'llm', group: 'core', support: supported() },
  {
    name: 'tool',
    group: 'core',
    support: notShipped(
      'a custom step type per tool: `defineStepType` gives it typed parameters, timeouts and retries',
    ),
  },
  {
    name: 'rag_query',
    group: 'core',
    support: notShipped(
      'a custom step type using your retrieval store, feeding an `llm` step through `{<id>_result}`',
    ),
  },
  {
    name: 'rag_add',
    group: 'core',
    support: notShipped('a custom step type using your retrieval store'),
  },
  {
    name: 'chain',
    group: 'core',
    support: differently(
      "the mission itself: write the chain's steps in it and order them with `depends_on`, passing results on with `{<id>_result}`",
    ),
  },
  {
    name: 'agent',
    group: 'core',
    support: notShipped(
      'a custom step type that runs your agent (it gets `ctx.signal`, `ctx.progress` and `ctx.exec`)',
    ),
  },
];

// Spellings RustChain's loader still accepts for compatibility with its old JSON missions.
const LEGACY_ALIASES: Readonly<Record<string, string>> = { Tool: 'tool' };

const byName: ReadonlyMap<string, RustChainStepType> = new Map(RUSTCHAIN_STEP_TYPES.map((s) => [s.name, s]));

/** The RustChain step type of that name, if RustChain has one. */
export const rustChainStepType = (name: string): RustChainStepType | undefined => byName.get(name);

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const codecFor = (value: unknown): string =>
  typeof value === 'string'
    ? 't.string'
    : typeof value === 'number'
      ? 't.number'
      : typeof value === 'boolean'
        ? 't.boolean'
        : Array.isArray(value)
          ? 't.UnknownArray'
          : value !== null && typeof value === 'object'
            ? 't.UnknownRecord'
            : 't.unknown';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The code that provides `name` as a custom step type, with a codec for the parameters the
 * mission gave it (every key required, typed from its value).
 */
export const customStepTypeSnippet = (
  name: string,
  parameters?: Readonly<Record<string, unknown>>,
): string => {
  const fields = Object.entries(parameters ?? {})
    .map(([k, v]) => `${IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${codecFor(v)}`)
    .join(', ');
  const id = camel(name);
  return [
    `const ${id} = defineStepType({`,
    `  name: ${JSON.stringify(name)},`,
    `  parameters: t.type({ ${fields} }),`,
    `  run: async (ctx, params) => { /* … honour ctx.signal … */ return { /* output */ }; },`,
    `});`,
    `await runMission(mission, { stepTypes: [${id}] });`,
  ].join('\n');
};

/** The message and hint for a step type the parser's registry lacks, when RustChain has it. */
export interface RustChainStepTypeHint {
  readonly message: string;
  readonly hint: string;
}

/**
 * What to tell the author of a mission whose `step_type` is not registered, when the name is one
 * of RustChain's; `undefined` for a name RustChain does not have (the parser's own "did you mean"
 * applies then). `parameters` is the step's `parameters` map, used to write the custom type's codec.
 * @example rustChainStepTypeHint('sql_query', { query: 'SELECT 1' })?.message
 * // "`sql_query` is a RustChain step type that missionkit does not ship"
 */
export const rustChainStepTypeHint = (
  name: string,
  parameters?: Readonly<Record<string, unknown>>,
): RustChainStepTypeHint | undefined => {
  const alias = Object.hasOwn(LEGACY_ALIASES, name) ? LEGACY_ALIASES[name] : undefined;
  if (alias !== undefined) {
    const of = rustChainStepTypeHint(alias, parameters);
    return of === undefined
      ? undefined
      : {
          message: `\`${name}\` is RustChain's legacy spelling of \`${alias}\` (its old JSON missions write it); ${of.message.replace(/^`[^`]*` is /, 'that is ')}`,
          hint: `write \`step_type: "${alias}"\`, then ${of.hint}`,
        };
  }
  const entry = byName.get(name);
  if (entry === undefined) return undefined;
  const provide = `to keep \`step_type: "${name}"\`, provide it as a custom step type:\n${customStepTypeSnippet(name, parameters)}`;
  const support = entry.support;
  switch (support._tag) {
    case 'supported':
      return {
        message: `\`${name}\` is a built-in step type, but the step types given to the parser do not include it`,
        hint: 'build the registry with `makeRegistry(yourTypes)`, which includes the built-ins, rather than a Map of your own types only',
      };
    case 'supported_differently':
      return {
        message: `\`${name}\` is a RustChain step type that missionkit does not ship under that name`,
        hint: `use ${support.how}; or, ${provide}`,
      };
    case 'not_shipped':
      return {
        message: `\`${name}\` is a RustChain step type that missionkit does not ship`,
        hint: `use ${support.instead}; or, ${provide}`,
      };
    default:
      return unreachable(support);
  }
};
