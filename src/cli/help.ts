// The help pages: one overview and one per command, each with examples a person can paste.
import { VERSION } from '../version.js';
import type { CommandName } from './args.js';
import { unreachable } from '../unreachable.js';

const EXIT_CODES = `Exit codes:
  0  the mission succeeded (with or without warnings) / the command did what it was asked
  1  the mission failed, timed out or was cancelled
  2  an invalid mission, or a mistake on the command line`;

/** The overview; `docs` names a documentation page where this copy of missionkit can read it. */
const overview = (
  docs: (page: string) => string,
): string => `missionkit ${VERSION} — run missions: YAML graphs of commands, HTTP calls and file steps

Usage:
  missionkit run <mission.yaml> [options]     run a mission, with live progress
  missionkit resume <run-id> [options]        resume a journaled run whose host died (--last)
  missionkit runs [--journal DIR]             list journaled runs: status, start, duration
  missionkit standby --redis URL              take over runs whose coordinator died (Redis journal)
  missionkit validate <mission.yaml>...       check missions; print every error and warning
  missionkit plan <mission.yaml>              show the order, waves and each step's settings
  missionkit report <report.json>             show a saved JSON report again, or as HTML (--html)
  missionkit schema                           print the mission JSON Schema (for editors)
  missionkit init [name]                      write a commented starter mission
  missionkit worker --redis URL [options]     run steps of distributed runs (--labels, --concurrency)
  missionkit <command> --help                 options and examples of a command
  missionkit --version

Examples:
  missionkit init hello && missionkit run hello.mission.yaml
  missionkit run deploy.yaml --var env=staging --report report.json --junit junit.xml
  missionkit run deploy.yaml --html report.html
  missionkit validate missions/*.yaml

Colour follows NO_COLOR and FORCE_COLOR.

Docs:
  the command line       ${docs('cli.md')}
  every mission field    ${docs('mission-format.md')}
  the Node API           ${docs('api.md')}

${EXIT_CODES}`;

const RUN = `missionkit run <mission.yaml> [options]

Runs a mission. On a terminal, each running step has a live line (spinner, elapsed time, its
last output line); finished steps collapse to one status line; a summary table ends the run.
Piped or in CI, it prints plain timestamped lines instead.

Options:
  --var name=value   set a mission variable (repeatable; overrides the mission's variables:)
  --parallel N       run up to N steps at once (overrides config.max_parallel_steps)
  --cwd DIR          the mission's working directory (default: the current one)
  --report FILE      write the report as JSON (also when the mission fails or is cancelled)
  --junit FILE       write a JUnit XML report, one test case per step, for CI systems
  --html FILE        write the HTML report: timeline, dependency graph and step details in one
                     self-contained file (no network needed to open it)
  --json             print the report as JSON on stdout instead of the live view
  --dry-run          print the plan and run nothing
  --strict           unknown keys in the mission are errors, not warnings
  --quiet            print only failures and the final summary
  --verbose          print every output line of every step
  --journal DIR      record the run in DIR (default: .missionkit/runs of the current directory),
                     so \`missionkit resume\` can resume it if this process dies
  --no-journal       record nothing
  --keep-runs N      keep the N most recent runs in the journal directory (default: 20); older
                     finished runs are deleted, a run that can be resumed or is running never
  --redis URL        run the steps on \`missionkit worker\` processes listening on this Redis
                     (redis://host:6379, rediss:// for TLS); steps with runs_on: [coordinator]
                     run here (docs/distributed.md)

Every run is journaled unless --no-journal is given; on a terminal or in a log, its run id is
printed on stderr when it starts (\`missionkit runs\` lists them all).

Ctrl-C once cancels: every step's process tree is stopped gracefully, the reports are still
written, and the exit code is 1. Ctrl-C again kills every process tree at once. A third Ctrl-C
exits immediately (code 130).

Examples:
  missionkit run examples/hello.mission.yaml
  missionkit run audit.yaml --var target=internal/auth --parallel 4
  missionkit run nightly.yaml --report out/report.json --junit out/junit.xml
  missionkit run nightly.yaml --html out/report.html
  missionkit run deploy.yaml --json > report.json

${EXIT_CODES}`;

const RESUME = `missionkit resume <run-id> [options]
missionkit resume --last [options]

Resumes a run recorded in a journal (by \`missionkit run\`, or by runMission(source, { journal:
fileJournal(dir) })) whose host died: steps that settled keep their results, the processes of steps that were running are
killed, and those steps run again (or fail, with on_interrupt: fail). Shown and reported as
\`missionkit run\` shows and reports a run. See docs/durability.md.

Options:
  --journal DIR      the journal directory (default: .missionkit/runs)
  --redis URL        resume a run recorded in Redis (redis://[:password@]host:port, rediss://
                     for TLS), from any machine; MISSIONKIT_REDIS_PASSWORD gives the password
                     without putting it on the command line. See docs/distributed.md.
  --last             resume the most recent run of the journal that can be resumed
  --var name=value   give a secret variable again (secrets are never stored in the journal)
  --report FILE      write the report as JSON
  --junit FILE       write a JUnit XML report
  --html FILE        write the HTML report (timeline, graph, every step)
  --json             print the report as JSON on stdout instead of the live view
  --quiet            print only failures and the final summary
  --verbose          print every output line of every step

A run that cannot be resumed faithfully (its mission changed, another missionkit version, a
damaged journal, a live process running it, a secret not given) is refused with exit code 2
and a message saying what differs.

Examples:
  missionkit resume 20260103T020000-000-k3x9qa
  missionkit resume --last
  missionkit resume import-42 --journal /var/lib/app/runs --var db_password="$DB_PASSWORD"
  missionkit resume import-42 --redis redis://redis.internal:6379

${EXIT_CODES}`;

const RUNS = `missionkit runs [--journal DIR | --redis URL] [--json]

Lists the runs recorded in a journal directory, oldest first: each run's id, its status
(the report's status once it finished; interrupted when its host died before the end; running
while a live process holds it), when it started, how long it ran, and whether
\`missionkit resume\` can take it.

Options:
  --journal DIR   the journal directory (default: .missionkit/runs)
  --redis URL     the runs recorded in Redis instead (see \`missionkit resume --help\`)
  --json          print the runs as JSON: id, status, outcome, started_at, duration_ms,
                  resumable, mission, pid (and holder, for Redis)

Examples:
  missionkit runs
  missionkit runs --journal /var/lib/app/runs --json | jq '.[] | select(.resumable) | .id'

Exit codes: 0.`;

const STANDBY = `missionkit standby --redis URL [options]

Watches the runs recorded in Redis and resumes, here, each one whose coordinator died: its lease
lapsed before the run ended with a report. Several standbys may watch one Redis: exactly one
takes each run. A run started on another host needs its mission file and working directory at
the same paths here, and its secret variables given again with --var. Runs until interrupted
(Ctrl-C, SIGTERM), which cancels the runs it is finishing. See docs/distributed.md.

Options:
  --redis URL        the Redis the coordinators journal to (redis://[:password@]host:port,
                     rediss:// for TLS; MISSIONKIT_REDIS_PASSWORD gives the password)
  --var name=value   a variable (a secret) the runs need; repeat for several
  --poll-ms N        how often to look for runs to take over (default: 1000)
  --lease-ms N       the coordinators' lease, if they set one (default: 10000)

Examples:
  missionkit standby --redis redis://redis.internal:6379 --var db_password="$DB_PASSWORD"

Exit codes: 0 stopped, 2 a mistake on the command line or Redis cannot be reached.`;

const VALIDATE = `missionkit validate <mission.yaml>... [options]

Checks missions without running them and prints every problem at once: file:line:col, the
offending line with a caret under the spot, and a hint saying what to do.

Options:
  --json     print the results as JSON (for editors and CI), one entry per file
  --strict   unknown keys are errors, not warnings

Examples:
  missionkit validate mission.yaml
  missionkit validate missions/*.yaml --strict
  missionkit validate mission.yaml --json | jq '.[0].errors'

Exit codes: 0 every mission is valid (warnings allowed), 2 at least one is not.`;

const PLAN = `missionkit plan <mission.yaml> [options]

Shows what a run would do, without running anything: the order and the waves of steps that can
run together, and for every step its effective timeout and where it comes from, its dependency
strategy, its retry policy and its resource limits.

Options:
  --parallel N        plan with up to N steps at once
  --json              print the plan as JSON (same as --format json)
  --format FORMAT     text (default), json, mermaid (a Mermaid flowchart for Markdown docs)
                      or dot (a Graphviz digraph: pipe it to \`dot -Tsvg\`)
  --strict            unknown keys are errors, not warnings

Examples:
  missionkit plan mission.yaml
  missionkit plan mission.yaml --json | jq '.steps[] | {id, timeout}'
  missionkit plan mission.yaml --format mermaid > docs/graph.mmd
  missionkit plan mission.yaml --format dot | dot -Tsvg > graph.svg

Exit codes: 0 the plan was printed, 2 the mission is invalid.`;

const REPORT = `missionkit report <report.json> [--html FILE]

Reads a JSON report written earlier (by \`missionkit run --report FILE\` or \`--json\`, also of a
resumed run or one whose steps ran on other hosts) and prints its summary again, or, with
--html, writes the HTML report: the run's timeline, its dependency graph in waves and every
step's details, in one self-contained file that opens offline.

Options:
  --html FILE   write the HTML report to FILE instead of printing the summary

Examples:
  missionkit report out/report.json
  missionkit report out/report.json --html out/report.html

Exit codes: 0 done, 1 the HTML file cannot be written, 2 the file is not a missionkit report.`;

const SCHEMA = `missionkit schema

Prints the JSON Schema of the mission format, for editors and other tools. With the YAML
language server (VS Code's YAML extension and others), point a mission at it:

  # yaml-language-server: $schema=./mission.schema.json

Examples:
  missionkit schema > mission.schema.json

Exit codes: 0.`;

const INIT = `missionkit init [name] [--force]

Writes a commented starter mission that runs as written: <name>.mission.yaml (or the file
named, when the name ends in .yaml, .yml or .json; default: mission.yaml). It never replaces
an existing file unless --force is given.

Options:
  --force   replace the file if it exists

Examples:
  missionkit init
  missionkit init nightly-audit
  missionkit init missions/deploy.yaml

Exit codes: 0 written, 2 the file exists (use --force) or cannot be written.`;

const WORKER = `missionkit worker --redis URL [options]

Runs the steps of distributed runs (\`missionkit run m.yaml --redis URL\`) until stopped
(Ctrl-C or SIGTERM: running attempts are killed and run again on another worker, or fail,
per their on_interrupt). Each attempt runs with the same containment, output capture and
resource sampling as a local run; if this process dies, a reaper kills its step trees.

Options:
  --redis URL          the coordinators' Redis: redis://host:6379, redis://:password@host:6379,
                       rediss://host:6380 (TLS)
  --labels a,b         take steps whose runs_on labels this worker all has (and steps without
                       runs_on); at most 6
  --concurrency N      attempts run at once (default: 4)
  --step-types FILE    a module exporting custom step types (repeatable); the coordinator must
                       register the same ones
  --name NAME          the worker's name in reports (default: <hostname>-<pid>)
  --lost-after-ms N    how long after this worker stops answering its attempts are interrupted
                       (default: 10000, at least 2000)

Examples:
  redis-server --appendonly yes
  missionkit worker --redis redis://127.0.0.1:6379 --labels linux,db --concurrency 8
  missionkit run nightly.yaml --redis redis://127.0.0.1:6379

Exit codes: 0 stopped, 2 a mistake on the command line or Redis unreachable at start.`;

/**
 * The help page for a command, or the overview. `docs` turns a page of docs/ into where it can be
 * read: its path in the installed package, or its published address.
 */
export const helpText = (topic: CommandName | undefined, docs: (page: string) => string): string => {
  if (topic === undefined) return overview(docs);
  switch (topic) {
    case 'run':
      return RUN;
    case 'resume':
      return RESUME;
    case 'runs':
      return RUNS;
    case 'standby':
      return STANDBY;
    case 'validate':
      return VALIDATE;
    case 'plan':
      return PLAN;
    case 'report':
      return REPORT;
    case 'schema':
      return SCHEMA;
    case 'init':
      return INIT;
    case 'worker':
      return WORKER;
    default:
      return unreachable(topic);
  }
};
