// Replay: the journaled events fed to the pure scheduler again, performing nothing. What the live
// run did is rebuilt from the commands instead: results that ended, timers still armed (and when
// they fall due), and the report if the run had finished.
import type { MissionPlan } from '../plan/plan.js';
import type { JournalEntry } from '../ports/journal.js';
import type { MissionReport, StepResult } from '../scheduler/report.js';
import type { MissionEvent } from '../scheduler/mission-events.js';
import { initialState, type SchedulerState } from '../scheduler/state.js';
import type { ConditionInputs } from '../scheduler/condition-inputs.js';
import { transition } from '../scheduler/transition.js';
import { unreachable } from '../unreachable.js';

/** The state a journal rebuilds. */
export interface Replayed {
  readonly state: SchedulerState;
  /** Timers armed and neither fired nor cancelled: id → due time (on the recording clock). */
  readonly timers: ReadonlyMap<number, number>;
  /** Each ended step's result, by index. */
  readonly ended: ReadonlyArray<StepResult | undefined>;
  /** How many events were replayed. */
  readonly events: number;
  readonly started: boolean;
  /** The time the last replayed event carried. */
  readonly lastAt: number | undefined;
  /** The report, when the recorded run had finished. */
  readonly report: MissionReport | undefined;
  /**
   * What the recorded run told its listener, to tell a resumed run's listener again: the start,
   * warnings, each step's starts, retries, kills and ends, and the end of a run that had finished
   * (empty when no one listens).
   */
  readonly told: ReadonlyArray<MissionEvent>;
}

/** The events a resumed run sends again: the run's shape, not its activity (progress, samples). */
const RETOLD: ReadonlySet<MissionEvent['type']> = new Set<MissionEvent['type']>([
  'mission_start',
  'mission_warnings',
  'step_start',
  'step_warning',
  'step_kill',
  'step_retry',
  'step_end',
  'mission_warning',
  'mission_end',
]);

/** Feeds every journaled event to the scheduler, in order, and gathers what the live run had. */
export const replay = (
  plan: MissionPlan,
  seed: number,
  events: boolean,
  entries: ReadonlyArray<JournalEntry>,
  conditions?: ConditionInputs,
): Replayed => {
  let state = initialState(plan, seed, events, conditions);
  const timers = new Map<number, number>();
  const ended: Array<StepResult | undefined> = new Array(plan.steps.length);
  let count = 0;
  let started = false;
  let lastAt: number | undefined;
  let report: MissionReport | undefined;
  const told: MissionEvent[] = [];
  for (const entry of entries) {
    if (entry._tag !== 'event') continue;
    const event = entry.event;
    count += 1;
    lastAt = event.at;
    if (event._tag === 'start') started = true;
    if (event._tag === 'timer_fired') timers.delete(event.timer);
    const [next, commands] = transition(state, event);
    state = next;
    for (const cmd of commands) {
      switch (cmd._tag) {
        case 'arm_timer':
          timers.set(cmd.timer, event.at + cmd.delay_ms);
          break;
        case 'cancel_timer':
          timers.delete(cmd.timer);
          break;
        case 'emit':
          if (cmd.step !== undefined) ended[cmd.step] = cmd.event.result;
          if (events && RETOLD.has(cmd.event.type)) told.push(cmd.event);
          break;
        case 'finish':
          report = cmd.report;
          break;
        case 'start_step':
        case 'kill_step':
        case 'sample_step':
          // Done by the dead host; what became of it is in the events that follow (or it was interrupted).
          break;
        default:
          unreachable(cmd);
      }
    }
  }
  return { state, timers, ended, events: count, started, lastAt, report, told };
};
