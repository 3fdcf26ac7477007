// Journaled runs: `runMission` with a journal records the run's inputs and every scheduler event;
// `resumeMission` reads them back, refuses what cannot be resumed faithfully, kills what the dead
// host left running, replays the events and goes on from there (docs/durability.md).
import type { Mission } from '../mission/model.js';
import {
  JOURNAL_FORMAT,
  JournalRefusal,
  type Journal,
  type JournalEntry,
  type RecordedRun,
  type RunInputs,
  type RunLog,
} from '../ports/journal.js';
import type { MissionReport } from '../scheduler/report.js';
import { runningAttempts } from '../scheduler/state.js';
import { DEFAULT_MAX_BYTES } from '../mission/parse.js';
import { VERSION } from '../version.js';
import { DEFAULT_MAX_OUTPUT_BYTES } from './output-capture.js';
import { checkOptions } from './options-check.js';
import { attemptMarker } from './interpreter.js';
import { replay } from './replay.js';
import { factsToRecord } from './condition-facts.js';
import {
  loadMissionWith,
  startRun,
  type MissionSource,
  type RunMissionOptions,
  type RuntimeHost,
} from './run-mission.js';
import { sha256Hex } from './sha256.js';

/** A process a dead host may have left running: what the journal knows to find it by. */
export interface OrphanedAttempt {
  readonly step: number;
  readonly step_id: string;
  readonly attempt: number;
  /** Pids recorded when the attempt spawned them (POSIX: each leads its process group). */
  readonly pids: ReadonlyArray<number>;
  /** The environment marker every process of the attempt carries. */
  readonly marker: string;
}

/** Kills what interrupted attempts left running and resolves once it is confirmed gone. */
export type OrphanKiller = (attempts: ReadonlyArray<OrphanedAttempt>) => Promise<void>;

/** Options of `resumeMission`: the run's ports, listeners and the secrets it needs again. */
export interface ResumeMissionOptions extends Omit<
  RunMissionOptions,
  'journal' | 'runId' | 'seed' | 'cwd' | 'maxParallelSteps'
> {
  /** Where the run was recorded. */
  readonly journal: Journal;
  /**
   * The mission to check the recorded one against. By default the recorded mission's file is read
   * again when it had one (a changed file is refused), else the recorded text is used.
   */
  readonly source?: MissionSource;
}

const versionKey = (v: string): string => v.split('.').slice(0, 2).join('.');

/** The text of a source and where it came from; a decoded `Mission` cannot be recorded faithfully. */
const sourceText = async (
  host: Pick<RuntimeHost, 'fs' | 'cwd'>,
  source: MissionSource,
): Promise<{ readonly source: MissionSource; readonly text: string; readonly file?: string }> => {
  if (typeof source === 'object' && 'steps' in source && 'config' in source && 'warnings' in source)
    throw new TypeError(
      'a journaled run needs the mission as a path, { text } or { mission } data, not a decoded Mission: pass what you decoded it from',
    );
  if (typeof source === 'object' && 'mission' in source) {
    const text = JSON.stringify(source.mission);
    return { source: { mission: JSON.parse(text) as unknown }, text };
  }
  if (typeof source === 'object' && 'text' in source)
    return { source, text: source.text, ...(source.file !== undefined ? { file: source.file } : {}) };
  const s = typeof source === 'string' ? source : (source as { path: string }).path;
  if (typeof source === 'string' && (s.includes('\n') || !/\.(ya?ml|json)$/i.test(s.trim())))
    return { source: { text: s }, text: s };
  const file = host.fs.resolve(host.cwd, s);
  // An unreadable file (a device, a FIFO, one over the size limit) gets loadMission's own
  // explanation; the bound keeps a never-ending "file" from being read into memory.
  const bytes = await host.fs.readFile(file, { maxBytes: DEFAULT_MAX_BYTES }).catch(async () => {
    await loadMissionWith(host, { path: file });
    throw new TypeError(`cannot read ${file}`);
  });
  const text = new TextDecoder().decode(bytes);
  return { source: { text, file }, text, file };
};

/** A run id from the clock, sortable by start, with a random suffix. */
/** A new run id: the start time (UTC, sortable) and a random suffix. */
export const newRunId = (now: number): string =>
  `${new Date(now).toISOString().replace(/[-:]/g, '').replace('.', '-').replace('Z', '')}-${Math.random()
    .toString(36)
    .slice(2, 8)}`;

/** `runMission` with a journal: records the inputs, then every event before it is applied. */
export const runJournaled = async (
  host: RuntimeHost,
  source: MissionSource,
  options: RunMissionOptions,
): Promise<MissionReport> => {
  const journal = options.journal!;
  const fs = options.fs ?? host.fs;
  const clock = options.clock ?? host.clock;
  const cwd = options.cwd !== undefined ? fs.resolve(host.cwd, options.cwd) : host.cwd;
  const read = await sourceText({ fs, cwd }, source);
  const sha256 = (host.sha256 ?? sha256Hex)(read.text);
  const mission = await loadMissionWith({ fs, cwd, facts: host.facts }, read.source, options);
  const runId = options.runId ?? newRunId(clock.now());
  let log: RunLog | undefined;
  try {
    const report = await startRun(host, mission, options, {
      record: async (_plan, run) => {
        const variables = { ...(options.variables ?? {}) };
        for (const name of mission.secrets) delete variables[name];
        const inputs: RunInputs = {
          format: JOURNAL_FORMAT,
          run_id: runId,
          created_at: clock.now(),
          missionkit_version: VERSION,
          mission: {
            text: read.text,
            sha256,
            ...(read.file !== undefined ? { file: read.file } : {}),
          },
          variables,
          secret_names: mission.secrets.filter((name) => options.variables?.[name] !== undefined),
          options: {
            cwd: run.cwd,
            seed: run.seed,
            max_output_bytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
            ...(options.maxParallelSteps !== undefined
              ? { max_parallel_steps: options.maxParallelSteps }
              : {}),
            ...(host.stepRunner !== undefined ? { distributed: true as const } : {}),
          },
          // An environment value a condition reads is recorded unless it holds a secret (read again on resume).
          facts: factsToRecord(
            run.facts,
            mission.secrets.flatMap((name) => {
              const v = options.variables?.[name] ?? mission.variables[name];
              return v === undefined ? [] : [v];
            }),
          ),
        };
        log = await journal.create(inputs);
        return { log };
      },
    });
    // A suspended run is left unfinished: it is resumed, not listed as ended.
    if (report.suspended === undefined) log?.finish?.({ status: report.status, ended_at: report.ended_at });
    return report;
  } finally {
    await log?.close();
  }
};

/** Why a recorded run cannot be resumed as it stands, or undefined. */
const refusalOf = (
  run: RecordedRun,
  current: { readonly sha256: string } | undefined,
): JournalRefusal | undefined => {
  const inputs = run.inputs;
  if (inputs.format !== JOURNAL_FORMAT)
    return new JournalRefusal(
      'version',
      `run ${inputs.run_id}: the journal's format is ${String(inputs.format)}, this missionkit reads ${JOURNAL_FORMAT}`,
      'resume it with the missionkit version that recorded it',
    );
  if (versionKey(inputs.missionkit_version) !== versionKey(VERSION))
    return new JournalRefusal(
      'version',
      `run ${inputs.run_id} was recorded by missionkit ${inputs.missionkit_version}; this is ${VERSION} (major and minor must match)`,
      `resume it with missionkit ${versionKey(inputs.missionkit_version)}.x, or start the mission again`,
    );
  if (current !== undefined && current.sha256 !== inputs.mission.sha256)
    return new JournalRefusal(
      'mission_changed',
      `run ${inputs.run_id}: the mission${inputs.mission.file !== undefined ? ` ${inputs.mission.file}` : ''} changed since the run started (sha-256 ${inputs.mission.sha256.slice(0, 12)}… recorded, ${current.sha256.slice(0, 12)}… now)`,
      'restore the mission as it was to resume, or start a new run of the changed mission',
    );
  return undefined;
};

/**
 * Resumes a journaled run whose host died: settled steps keep their results, attempts that were
 * running are interrupted (their processes killed first) and follow `on_interrupt`.
 */
export const resumeMissionWith = async (
  host: RuntimeHost & { readonly killOrphans?: OrphanKiller },
  runId: string,
  options: ResumeMissionOptions,
): Promise<MissionReport> => {
  const { journal, source, ...rest } = options;
  checkOptions(rest);
  const { run, log } = await journal.open(runId);
  try {
    const inputs = run.inputs;
    const fs = options.fs ?? host.fs;
    const current =
      source !== undefined
        ? await sourceText({ fs, cwd: inputs.options.cwd }, source)
        : inputs.mission.file !== undefined
          ? await sourceText({ fs, cwd: inputs.options.cwd }, { path: inputs.mission.file }).catch(() => {
              throw new JournalRefusal(
                'mission_changed',
                `run ${runId}: the mission file ${inputs.mission.file!} cannot be read any more`,
                'restore the file as it was when the run started, or pass it as the source option',
              );
            })
          : undefined;
    const refusal = refusalOf(
      run,
      current !== undefined ? { sha256: (host.sha256 ?? sha256Hex)(current.text) } : undefined,
    );
    if (refusal !== undefined) throw refusal;
    const text = current?.text ?? inputs.mission.text;
    if (text === undefined)
      throw new JournalRefusal(
        'corrupt',
        `run ${runId}: the journal holds no mission text`,
        'pass the mission as the source option',
      );
    const recordedSource: MissionSource =
      text.trimStart().startsWith('{') && inputs.mission.file === undefined
        ? { mission: JSON.parse(text) as unknown }
        : { text, ...(inputs.mission.file !== undefined ? { file: inputs.mission.file } : {}) };
    const mission: Mission = await loadMissionWith(
      { fs, cwd: inputs.options.cwd, facts: host.facts },
      recordedSource,
      rest,
    );
    if (inputs.options.distributed === true && host.stepRunner === undefined)
      throw new JournalRefusal(
        'needs_workers',
        `run ${runId} ran its steps on workers, and this resume has none to send them to`,
        'resume it with resumeDistributed (missionkit/distributed) or `missionkit resume --redis URL`',
      );
    // A run whose steps all ran here is resumed here, whatever runner the resuming host offers.
    if (inputs.options.distributed !== true && host.stepRunner !== undefined) {
      const { stepRunner: _unused, ...local } = host;
      host = local;
    }
    const given = options.variables ?? {};
    const missing = inputs.secret_names.filter((name) => given[name] === undefined);
    if (missing.length > 0)
      throw new JournalRefusal(
        'secrets_missing',
        `run ${runId} needs its secret variables again (they are never stored): ${missing.join(', ')} missing`,
        `pass them in the variables option, e.g. variables: { ${missing[0]}: … }`,
      );
    const report = await startRun(
      host,
      mission,
      {
        ...rest,
        variables: { ...inputs.variables, ...given },
        cwd: inputs.options.cwd,
        seed: inputs.options.seed,
        maxOutputBytes: options.maxOutputBytes ?? inputs.options.max_output_bytes,
        ...(inputs.options.max_parallel_steps !== undefined
          ? { maxParallelSteps: inputs.options.max_parallel_steps }
          : {}),
      },
      {
        facts: inputs.facts,
        record: async (plan, r) => {
          const replayed = replay(plan, r.seed, r.events, run.entries, r.conditions);
          const orphans = replayed.report === undefined ? runningAttempts(replayed.state) : [];
          if (orphans.length > 0 && host.killOrphans !== undefined)
            await host.killOrphans(
              orphans.map(({ step, step_id, attempt }) => ({
                step,
                step_id,
                attempt,
                pids: pidsOf(run.entries, step, attempt),
                marker: attemptMarker(runId, step, attempt),
              })),
            );
          return { log, replayed };
        },
      },
    );
    if (report.suspended === undefined) log.finish?.({ status: report.status, ended_at: report.ended_at });
    return report;
  } finally {
    await log.close();
  }
};

const pidsOf = (entries: ReadonlyArray<JournalEntry>, step: number, attempt: number): number[] =>
  entries.flatMap((e) => (e._tag === 'process' && e.step === step && e.attempt === attempt ? [e.pid] : []));
