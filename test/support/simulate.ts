// A discrete-event simulation of the runtime around the pure scheduler: timers and step
// durations on a virtual timeline, no processes and no real time. Records everything it saw.
import { createPlan } from '../../src/plan/plan.js';
import type { Mission } from '../../src/mission/model.js';
import type { StepOutcome } from '../../src/ports/step-type.js';
import type { SchedulerCommand } from '../../src/scheduler/commands.js';
import type { SchedulerEvent } from '../../src/scheduler/events.js';
import type { MissionEvent } from '../../src/scheduler/mission-events.js';
import type { MissionReport } from '../../src/scheduler/report.js';
import { initialState } from '../../src/scheduler/state.js';
import { transition } from '../../src/scheduler/transition.js';

/** How one attempt of a step behaves in the simulation. */
export interface SimBehaviour {
  readonly durationMs: number;
  readonly outcome?: StepOutcome;
  /** Ignores the graceful kill; ends only when forced. */
  readonly ignoreGraceful?: boolean;
  /** Never ends, even when forced. */
  readonly ignoreForce?: boolean;
}

export interface SimResult {
  readonly report: MissionReport;
  readonly commands: ReadonlyArray<{ readonly at: number; readonly command: SchedulerCommand }>;
  readonly events: ReadonlyArray<MissionEvent>;
  readonly endedAt: number;
  /** Every event the scheduler was given, in order: what a journal would hold. */
  readonly fed: ReadonlyArray<SchedulerEvent>;
}

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly event: SchedulerEvent;
}

export const simulate = (
  mission: Mission,
  behaviour: (stepId: string, attempt: number) => SimBehaviour,
  extra: ReadonlyArray<SchedulerEvent> = [],
  limit = 1_000_000,
  /** Whether the scheduler builds every event or only `step_end` (see `initialState`). */
  allEvents = true,
): SimResult => {
  let state = initialState(createPlan(mission), 7, allEvents);
  const pending: Pending[] = [];
  let seq = 0;
  const commands: { at: number; command: SchedulerCommand }[] = [];
  const events: MissionEvent[] = [];
  const fed: SchedulerEvent[] = [];
  const timers = new Map<number, number>();
  const running = new Map<number, { attempt: number; b: SimBehaviour; finishSeq: number }>();
  let report: MissionReport | undefined;
  let now = 0;
  const schedule = (at: number, event: SchedulerEvent): number => {
    const s = seq++;
    pending.push({ at, seq: s, event });
    return s;
  };
  for (const e of extra) schedule(e.at, e);
  schedule(0, { _tag: 'start', at: 0 });
  for (let n = 0; n < limit && pending.length > 0 && report === undefined; n++) {
    pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = pending.shift()!;
    if (next.event._tag === 'timer_fired' && timers.get(next.event.timer) !== next.seq) continue;
    if (next.event._tag === 'step_finished') {
      const r = running.get(next.event.step);
      if (r === undefined || r.finishSeq !== next.seq) continue;
      running.delete(next.event.step);
    }
    now = next.at;
    fed.push(next.event);
    const [s, cmds] = transition(state, next.event);
    state = s;
    for (const command of cmds) {
      commands.push({ at: now, command });
      switch (command._tag) {
        case 'arm_timer':
          timers.set(
            command.timer,
            schedule(now + command.delay_ms, {
              _tag: 'timer_fired',
              at: now + command.delay_ms,
              timer: command.timer,
            }),
          );
          break;
        case 'cancel_timer':
          timers.delete(command.timer);
          break;
        case 'start_step': {
          const b = behaviour(command.step.id, command.attempt);
          const finishSeq = schedule(now + b.durationMs, {
            _tag: 'step_finished',
            at: now + b.durationMs,
            step: command.step.index,
            attempt: command.attempt,
            outcome: b.outcome ?? { status: 'succeeded' },
          });
          running.set(command.step.index, { attempt: command.attempt, b, finishSeq });
          break;
        }
        case 'kill_step': {
          const r = running.get(command.step);
          if (r === undefined || r.attempt !== command.attempt) break;
          if (command.mode === 'graceful' && r.b.ignoreGraceful) break;
          if (r.b.ignoreForce) break;
          const finishSeq = schedule(now, {
            _tag: 'step_finished',
            at: now,
            step: command.step,
            attempt: command.attempt,
            outcome: {
              status: 'failed',
              signal: command.mode === 'graceful' ? 'SIGTERM' : 'SIGKILL',
              exit_code: null,
              failure_kind: 'signal',
            },
          });
          running.set(command.step, { ...r, finishSeq });
          break;
        }
        case 'emit':
          events.push(command.event);
          break;
        case 'finish':
          report = command.report;
          break;
      }
    }
  }
  if (report === undefined)
    throw new Error(`simulation did not finish (${pending.length} events pending at ${now} ms)`);
  return { report, commands, events, endedAt: now, fed };
};
