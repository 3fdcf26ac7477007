// The command-line grammar: what each command accepts, and what a mistyped one is told.
import { parseArgs, UsageError } from '../../src/cli/args.js';

const usage = (argv: ReadonlyArray<string>): string => {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  it('reads every run option', () => {
    expect(
      parseArgs([
        'run',
        'm.yaml',
        '--var',
        'env=staging',
        '--var=region=eu=west',
        '--parallel',
        '4',
        '--report',
        'r.json',
        '--junit=j.xml',
        '--strict',
        '--verbose',
        '--cwd',
        'work',
      ]),
    ).toEqual({
      command: 'run',
      file: 'm.yaml',
      vars: { env: 'staging', region: 'eu=west' },
      parallel: 4,
      cwd: 'work',
      report: 'r.json',
      junit: 'j.xml',
      json: false,
      dryRun: false,
      strict: true,
      quiet: false,
      verbose: true,
      journal: '.missionkit/runs',
      keepRuns: 20,
    });
    expect(parseArgs(['run', 'm.yaml', '--journal', 'j', '--keep-runs', '5'])).toMatchObject({
      journal: 'j',
      keepRuns: 5,
    });
    expect(parseArgs(['run', 'm.yaml', '--no-journal'])).toMatchObject({ journal: undefined });
    expect(usage(['run', 'm.yaml', '--no-journal', '--journal', 'j'])).toBe(
      '--journal and --no-journal contradict each other: pick one',
    );
    expect(usage(['run', 'm.yaml', '--keep-runs', 'all'])).toBe(
      '--keep-runs takes a whole number ≥ 1, got "all"',
    );
  });

  it('takes several files for validate, one for run and plan', () => {
    expect(parseArgs(['validate', 'a.yaml', 'b.yaml', '--json'])).toEqual({
      command: 'validate',
      files: ['a.yaml', 'b.yaml'],
      json: true,
      strict: false,
    });
    expect(usage(['plan', 'a.yaml', 'b.yaml'])).toBe('plan takes one mission file, got 2: a.yaml b.yaml');
    expect(usage(['run'])).toBe('run needs a mission file');
  });

  it('treats everything after -- as a file name', () => {
    expect(parseArgs(['validate', '--', '--odd.yaml'])).toMatchObject({ files: ['--odd.yaml'] });
  });

  it('gives help for a command wherever --help is, and for `help <command>`', () => {
    expect(parseArgs(['run', 'x.yaml', '--help'])).toEqual({ command: 'help', topic: 'run' });
    expect(parseArgs(['help', 'plan'])).toEqual({ command: 'help', topic: 'plan' });
    expect(parseArgs([])).toEqual({ command: 'help', topic: undefined });
    expect(parseArgs(['-V'])).toEqual({ command: 'version' });
  });

  it('parses resume: a run id, the journal directory (default .missionkit/runs) and the run view flags', () => {
    expect(parseArgs(['resume', 'import-42'])).toEqual({
      command: 'resume',
      runId: 'import-42',
      journal: '.missionkit/runs',
      vars: {},
      report: undefined,
      junit: undefined,
      json: false,
      quiet: false,
      verbose: false,
    });
    expect(
      parseArgs(['resume', 'r1', '--journal', 'runs', '--var', 'token=x', '--report', 'r.json', '--json']),
    ).toMatchObject({ runId: 'r1', journal: 'runs', vars: { token: 'x' }, report: 'r.json', json: true });
    expect(usage(['resume'])).toBe(
      'resume needs the id of the run to resume (its directory name in the journal; `missionkit runs` lists them), or --last',
    );
    expect(parseArgs(['resume', '--last'])).toMatchObject({ runId: undefined, journal: '.missionkit/runs' });
    expect(usage(['resume', 'r1', '--last'])).toBe(
      '--last and a run id (r1) contradict each other: pick one',
    );
    expect(parseArgs(['runs'])).toEqual({ command: 'runs', journal: '.missionkit/runs', json: false });
    expect(parseArgs(['runs', '--journal', 'j', '--json'])).toEqual({
      command: 'runs',
      journal: 'j',
      json: true,
    });
    expect(usage(['runs', 'j'])).toBe(
      'runs takes no arguments, got j (give the directory with --journal DIR)',
    );
    expect(usage(['resume', 'a', 'b'])).toBe('resume takes one run id, got 2: a b');
  });

  it('reads worker: --redis required, --labels split on commas and repeatable, run --redis', () => {
    expect(
      parseArgs([
        'worker',
        '--redis',
        'redis://h:6379',
        '--labels',
        'linux,db',
        '--labels',
        'gpu',
        '--concurrency',
        '3',
      ]),
    ).toEqual({
      command: 'worker',
      redis: 'redis://h:6379',
      labels: ['linux', 'db', 'gpu'],
      concurrency: 3,
      stepTypes: [],
      name: undefined,
      lostAfterMs: undefined,
    });
    expect(usage(['worker'])).toBe(
      'worker needs --redis URL: the Redis the coordinators use (redis://host:6379)',
    );
    expect(usage(['worker', '--redis', 'r', '--concurrency', '0'])).toContain(
      '--concurrency takes a whole number',
    );
    expect(parseArgs(['run', 'm.yaml', '--redis', 'redis://h:6379'])).toMatchObject({
      command: 'run',
      redis: 'redis://h:6379',
    });
  });

  it('suggests the command that was meant', () => {
    expect(usage(['rnu', 'x.yaml'])).toBe(
      'unknown command "rnu"; did you mean "run"? (commands: run, resume, runs, standby, validate, plan, report, schema, init, worker)',
    );
    expect(usage(['vaildate'])).toContain('did you mean "validate"?');
  });

  it('suggests the flag that was meant, or names the command that has it', () => {
    expect(usage(['run', 'x.yaml', '--paralel', '2'])).toBe(
      'unknown option --paralel for run; did you mean --parallel?',
    );
    expect(usage(['run', 'x.yaml', '--dryrun'])).toBe(
      'unknown option --dryrun for run; did you mean --dry-run?',
    );
    expect(usage(['plan', 'x.yaml', '--junit', 'j.xml'])).toBe(
      '--junit is an option of `missionkit run` and `missionkit resume`, not of `missionkit plan`',
    );
    expect(usage(['schema', '--nope'])).toBe('unknown option --nope for schema');
  });

  it('checks values', () => {
    expect(usage(['run', 'x.yaml', '--parallel', '0'])).toBe('--parallel takes a whole number ≥ 1, got "0"');
    expect(usage(['run', 'x.yaml', '--parallel', '2.5'])).toContain('whole number');
    expect(usage(['run', 'x.yaml', '--var', 'novalue'])).toBe('--var takes name=value, got "novalue"');
    expect(usage(['run', 'x.yaml', '--report'])).toBe('--report needs a value');
    expect(usage(['run', 'x.yaml', '--json=yes'])).toBe('--json takes no value');
    expect(usage(['run', 'x.yaml', '--quiet', '--verbose'])).toBe(
      '--quiet and --verbose contradict each other: pick one',
    );
  });

  it('reads init and schema', () => {
    expect(parseArgs(['init'])).toEqual({ command: 'init', name: undefined, force: false });
    expect(parseArgs(['init', 'audit', '--force'])).toEqual({ command: 'init', name: 'audit', force: true });
    expect(parseArgs(['schema'])).toEqual({ command: 'schema' });
    expect(usage(['schema', 'extra'])).toBe('schema takes no arguments, got extra');
  });

  it('says which command a usage error belongs to, so the CLI can point at its help', () => {
    try {
      parseArgs(['run', 'x.yaml', '--nope']);
    } catch (e) {
      expect((e as UsageError).command).toBe('run');
    }
    expect.assertions(1);
  });
});

describe('the HTML report and graph formats on the command line', () => {
  it('takes --html on run and on report', () => {
    expect(parseArgs(['run', 'm.yaml', '--html', 'out/r.html'])).toMatchObject({ html: 'out/r.html' });
    expect(parseArgs(['report', 'r.json', '--html=r.html'])).toEqual({
      command: 'report',
      file: 'r.json',
      html: 'r.html',
    });
    expect(parseArgs(['report', 'r.json'])).toEqual({ command: 'report', file: 'r.json', html: undefined });
    expect(usage(['report'])).toContain('report needs a JSON report file');
    expect(usage(['report', 'a.json', 'b.json'])).toBe(
      'report takes one JSON report file, got 2: a.json b.json',
    );
  });

  it('reads plan --format, with --json as its json', () => {
    expect(parseArgs(['plan', 'm.yaml', '--format', 'mermaid'])).toMatchObject({ format: 'mermaid' });
    expect(parseArgs(['plan', 'm.yaml', '--format=dot'])).toMatchObject({ format: 'dot' });
    expect(parseArgs(['plan', 'm.yaml', '--json'])).toMatchObject({ format: 'json' });
    expect(parseArgs(['plan', 'm.yaml'])).toMatchObject({ format: 'text' });
    expect(usage(['plan', 'm.yaml', '--format', 'mermiad'])).toBe(
      '--format takes text, json, mermaid, dot, got "mermiad"; did you mean "mermaid"?',
    );
    expect(usage(['plan', 'm.yaml', '--json', '--format', 'dot'])).toBe(
      '--json and --format dot contradict each other: pick one',
    );
  });
});

describe('the Redis journal on the command line', () => {
  it('takes --redis on resume and runs instead of --journal, and standby needs it', () => {
    expect(parseArgs(['resume', 'r1', '--redis', 'redis://h:6379'])).toMatchObject({
      command: 'resume',
      runId: 'r1',
      redis: 'redis://h:6379',
    });
    expect(parseArgs(['resume', 'r1'])).toMatchObject({ redis: undefined });
    expect(parseArgs(['runs', '--redis=rediss://h:6380', '--json'])).toEqual({
      command: 'runs',
      journal: '.missionkit/runs',
      redis: 'rediss://h:6380',
      json: true,
    });
    expect(usage(['runs', '--redis', 'redis://h', '--journal', 'd'])).toBe(
      '--redis and --journal contradict each other: a run is recorded in one or the other',
    );
    expect(parseArgs(['standby', '--redis', 'redis://h', '--var', 'token=x', '--poll-ms', '200'])).toEqual({
      command: 'standby',
      redis: 'redis://h',
      vars: { token: 'x' },
      pollMs: 200,
      leaseMs: undefined,
    });
    expect(usage(['standby'])).toBe(
      'standby needs the Redis its coordinators journal to: --redis redis://host:6379',
    );
  });
});
