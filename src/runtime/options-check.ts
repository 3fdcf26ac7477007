// Wrong options are programmer errors: a TypeError naming the option, what it got and what it takes.

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : `${typeof v} ${JSON.stringify(v)}`;

const KNOWN = [
  'signal',
  'onEvent',
  'redrawEvents',
  'cwd',
  'env',
  'variables',
  'executor',
  'clock',
  'fs',
  'http',
  'sampler',
  'maxOutputBytes',
  'maxParallelSteps',
  'suspendSignal',
  'seed',
  'stepTypes',
  'strict',
  'journal',
  'runId',
] as const;

const isObjectMap = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first key of a map whose value is not a string, so the error can name it. */
const nonStringKey = (v: object): string | undefined =>
  Object.entries(v).find(([, x]) => typeof x !== 'string')?.[0];

/** Throws a TypeError for an option of the wrong type or an unknown option name. */
export const checkOptions = (options: unknown): void => {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  const o = options as Record<string, unknown>;
  const fail = (name: string, expected: string): never => {
    throw new TypeError(`option ${name} must be ${expected}, got ${describe(o[name])}`);
  };
  for (const key of Object.keys(o)) {
    if (!(KNOWN as ReadonlyArray<string>).includes(key))
      throw new TypeError(`unknown option ${key}; the options are ${KNOWN.join(', ')}`);
  }
  const has = (k: string): boolean => o[k] !== undefined;
  if (
    has('signal') &&
    !(
      typeof o.signal === 'object' &&
      o.signal !== null &&
      'aborted' in o.signal &&
      'addEventListener' in o.signal
    )
  )
    fail('signal', 'an AbortSignal');
  if (has('onEvent') && typeof o.onEvent !== 'function') fail('onEvent', 'a function');
  if (
    has('journal') &&
    !(typeof o.journal === 'object' && o.journal !== null && 'create' in o.journal && 'open' in o.journal)
  )
    fail('journal', 'a Journal (fileJournal(dir) or a MemoryJournal)');
  if (has('runId') && (typeof o.runId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(o.runId)))
    fail('runId', 'letters, digits, dot, dash or underscore (at most 128, not starting with a dot)');
  if (has('cwd') && typeof o.cwd !== 'string') fail('cwd', 'a string');
  for (const name of ['env', 'variables'] as const) {
    if (!has(name)) continue;
    const map = o[name];
    if (!isObjectMap(map)) fail(name, 'an object of strings');
    const key = nonStringKey(map as object);
    if (key !== undefined) {
      const value = (map as Record<string, unknown>)[key];
      throw new TypeError(
        `option ${name}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`} must be a string, got ${describe(value)}` +
          (typeof value === 'number' || typeof value === 'boolean'
            ? `; write it as a string: ${JSON.stringify(String(value))}`
            : ''),
      );
    }
  }
  if (has('maxOutputBytes') && !(Number.isInteger(o.maxOutputBytes) && (o.maxOutputBytes as number) > 0))
    fail('maxOutputBytes', 'a positive whole number');
  if (
    has('maxParallelSteps') &&
    !(Number.isInteger(o.maxParallelSteps) && (o.maxParallelSteps as number) > 0)
  )
    fail('maxParallelSteps', 'a positive whole number');
  if (
    has('suspendSignal') &&
    !(
      typeof o.suspendSignal === 'object' &&
      o.suspendSignal !== null &&
      'aborted' in o.suspendSignal &&
      'addEventListener' in o.suspendSignal
    )
  )
    fail('suspendSignal', 'an AbortSignal');
  if (has('seed') && !Number.isInteger(o.seed)) fail('seed', 'a whole number');
  if (has('strict') && typeof o.strict !== 'boolean') fail('strict', 'a boolean');
  if (has('redrawEvents') && typeof o.redrawEvents !== 'boolean') fail('redrawEvents', 'a boolean');
  if (
    has('stepTypes') &&
    !(
      Array.isArray(o.stepTypes) &&
      o.stepTypes.every(
        (t: unknown) =>
          typeof t === 'object' &&
          t !== null &&
          typeof (t as { name?: unknown }).name === 'string' &&
          typeof (t as { run?: unknown }).run === 'function',
      )
    )
  ) {
    fail('stepTypes', 'an array of step types (see defineStepType)');
  }
  if (has('executor') && typeof (o.executor as { spawn?: unknown })?.spawn !== 'function')
    fail('executor', 'an Executor (an object with spawn)');
  if (
    has('clock') &&
    !(
      typeof (o.clock as { now?: unknown })?.now === 'function' &&
      typeof (o.clock as { setTimer?: unknown }).setTimer === 'function'
    )
  )
    fail('clock', 'a Clock (now and setTimer)');
  if (has('fs') && typeof (o.fs as { readFile?: unknown })?.readFile !== 'function')
    fail('fs', 'a FileSystem');
  if (has('http') && typeof (o.http as { request?: unknown })?.request !== 'function')
    fail('http', 'an HttpClient (an object with request)');
  if (has('sampler') && typeof (o.sampler as { sample?: unknown })?.sample !== 'function')
    fail('sampler', 'a ResourceSampler (an object with sample)');
};
