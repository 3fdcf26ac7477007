// The live view on a terminal: one line per running step (spinner, elapsed time, its last output
// line) redrawn in place; lines that are final — finished steps, heartbeats, warnings, retries —
// are printed once above them and scroll away like a log. Events only change state; drawing
// happens on the clock at most once per frame (10 per second by default), so a step printing a
// flood of output costs one map update per line, not one redraw.
import type { StepId } from '../mission/model.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { MissionEvent } from '../scheduler/mission-events.js';
import type { StepResult } from '../scheduler/report.js';
import { isSuccess } from '../scheduler/step-status.js';
import { unreachable } from '../unreachable.js';
import { bytes, elapsed, plural } from './format.js';
import { isStepReport, noticeLine, stepStatusLine } from './render.js';
import { makeStyle, type Style } from './style.js';
import { displayWidth, fitWidth, lastRedraw, plainText } from './terminal-text.js';

/** Where the live view draws: a terminal's size (read on every frame) and a way to write to it. */
export interface LiveTerminal {
  columns(): number;
  rows(): number;
  write(text: string): void;
}

/** Options of the live view. */
export interface LiveViewOptions {
  readonly terminal: LiveTerminal;
  /** Times the frames and the elapsed times (the system clock; a VirtualClock in tests). */
  readonly clock: Clock;
  readonly style: Style;
  /** Print every output line of every step above the live lines. @default false */
  readonly verbose?: boolean;
  /** The least time between two redraws. @default 100 */
  readonly frameMs?: number;
}

/** A running live view. */
export interface LiveView {
  /** Feeds one event of the run (pass as `onEvent`). */
  readonly onEvent: (event: MissionEvent) => void;
  /** Prints a line above the live lines at the next frame (e.g. "cancelling…"). */
  notice(line: string): void;
  /** Draws what is pending, removes the live lines, and gives the cursor back. Idempotent. */
  stop(): void;
  /** How many times it has written to the terminal (for tests of the throttle). */
  readonly frames: () => number;
}

type Phase =
  | { readonly _tag: 'running' }
  | { readonly _tag: 'stopping'; readonly reason: string }
  | { readonly _tag: 'waiting'; readonly until: number; readonly attempt: number };

interface LiveStep {
  readonly _tag: 'step';
  readonly id: StepId;
  /** For an instance of a fanned-out step: that step's id (its line is drawn under the step's). */
  readonly group: StepId | undefined;
  startedAt: number;
  attempt: number;
  phase: Phase;
  lastLine: string | null;
  message: string | null;
  fraction: number | null;
  /** The last resource sample of its process tree. */
  usage: { readonly memory: number; readonly cpu: number } | null;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ESC = '\u001b[';
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
/** Output lines are cut to this before cleaning: a megabyte-long line costs no more than a short one. */
const RAW_LINE_MAX = 2000;
const ID_COLUMN_MAX = 24;
const PLAIN = makeStyle(false);

/** The part of an output line a terminal would show last: what follows the last carriage return. */
const visiblePart = (line: string): string =>
  lastRedraw(line.length > RAW_LINE_MAX ? line.slice(0, RAW_LINE_MAX) : line);

/** How a running step is named on its line: an instance by its values alone, indented under its step. */
const labelOf = (s: LiveStep): string =>
  s.group !== undefined && s.id.startsWith(s.group) ? `  ${s.id.slice(s.group.length)}` : s.id;

/** The one line a finished step collapses to: its status and, when it did not succeed, why — cut to `width`. */
const finishedLine = (r: StepResult, style: Style, width: number): string => {
  const why = r.skip_reason ?? (isSuccess(r.status) ? undefined : r.message);
  const head = stepStatusLine(r, style);
  if (why === undefined) return head;
  const room = width - displayWidth(stepStatusLine(r, PLAIN)) - 3;
  return room < 10 ? head : `${head}${style.dim(` — ${fitWidth(plainText(why), room)}`)}`;
};

/** Starts a live view; feed it the run's events and call `stop()` when the run is over. */
export const createLiveView = (options: LiveViewOptions): LiveView => {
  const { terminal, clock, style } = options;
  const frameMs = options.frameMs ?? 100;
  const verbose = options.verbose ?? false;
  const running = new Map<StepId, LiveStep>();
  let pending: string[] = [];
  let drawn = 0;
  let lastFrameAt = -Infinity;
  let timer: TimerHandle | undefined;
  let stopped = false;
  let started = false;
  let frames = 0;
  // Instances that ended, by fanned-out step, for the line drawn above its running instances.
  const groups = new Map<StepId, { done: number; failed: number }>();

  /** Running steps with each fanned-out step's instances gathered under a line for that step. */
  const grouped = (
    steps: ReadonlyArray<LiveStep>,
  ): Array<LiveStep | { readonly _tag: 'group'; readonly id: StepId }> => {
    if (!steps.some((s) => s.group !== undefined)) return [...steps];
    const out: Array<LiveStep | { readonly _tag: 'group'; readonly id: StepId }> = [];
    const members = new Map<StepId, LiveStep[]>();
    for (const s of steps) {
      if (s.group === undefined) out.push(s);
      else if (members.has(s.group)) members.get(s.group)!.push(s);
      else members.set(s.group, [s]);
    }
    for (const [id, list] of members) out.push({ _tag: 'group', id }, ...list);
    return out;
  };

  const groupLine = (id: StepId): string => {
    const g = groups.get(id);
    const running = [...runningOf(id)].length;
    const done =
      g === undefined ? '' : `, ${g.done} done${g.failed > 0 ? ` (${g.failed} not succeeded)` : ''}`;
    return `${style.yellow('▸')} ${style.bold(plainText(id))}  ${style.dim(`${running} running${done}`)}`;
  };

  function* runningOf(id: StepId): Iterable<LiveStep> {
    for (const s of running.values()) if (s.group === id) yield s;
  }

  const liveLine = (s: LiveStep, now: number, idWidth: number, width: number): string => {
    const id = fitWidth(plainText(labelOf(s)), idWidth);
    const idCell = id + ' '.repeat(Math.max(0, idWidth - displayWidth(id)));
    let mark: string;
    let detail: string;
    switch (s.phase._tag) {
      case 'running':
        mark = style.yellow(SPINNER[Math.floor(now / 80) % SPINNER.length]!);
        detail = `${elapsed(now - s.startedAt)}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}${s.usage !== null ? ` ${bytes(s.usage.memory)} ${Math.round(s.usage.cpu)}% CPU` : ''}`;
        break;
      case 'stopping':
        mark = style.red('■');
        detail = `${elapsed(now - s.startedAt)} stopping (${s.phase.reason})`;
        break;
      case 'waiting':
        mark = style.yellow('↻');
        detail = `attempt ${s.phase.attempt} in ${elapsed(s.phase.until - now)}`;
        break;
      default:
        return unreachable(s.phase);
    }
    const fraction = s.fraction !== null ? `${Math.round(s.fraction * 100)}% ` : '';
    const said = s.message ?? (s.lastLine !== null ? visiblePart(s.lastLine) : '');
    const room = width - 2 - idWidth - 2 - displayWidth(detail) - 2;
    const text = fitWidth(plainText(`${fraction}${said}`).trim(), room);
    return `${mark} ${style.bold(idCell)}  ${style.dim(detail)}${text !== '' ? `  ${style.dim(text)}` : ''}`;
  };

  const liveLines = (now: number): string[] => {
    if (running.size === 0) return [];
    // One column short of the edge: writing the last column leaves some terminals about to wrap.
    const width = Math.max(20, terminal.columns() - 1);
    const room = Math.max(1, terminal.rows() - 2);
    const steps = grouped([...running.values()]);
    const shown = steps.length > room ? steps.slice(0, room - 1) : steps;
    const idWidth = Math.min(
      ID_COLUMN_MAX,
      Math.max(...shown.map((s) => (s._tag === 'group' ? 0 : displayWidth(plainText(labelOf(s)))))),
    );
    const lines = shown.map((s) => (s._tag === 'group' ? groupLine(s.id) : liveLine(s, now, idWidth, width)));
    if (shown.length < steps.length)
      lines.push(style.dim(`… and ${plural(steps.length - shown.length, 'more step')} running`));
    return lines;
  };

  const draw = (): void => {
    timer = undefined;
    const now = clock.now();
    lastFrameAt = now;
    let text = started ? '' : HIDE_CURSOR;
    started = true;
    // Back to the first live line, and clear from there down: the new frame replaces the old.
    if (drawn > 0) text += `${ESC}${drawn}A\r${ESC}J`;
    if (pending.length > 0) text += `${pending.join('\n')}\n`;
    pending = [];
    const lines = stopped ? [] : liveLines(now);
    if (lines.length > 0) text += `${lines.join('\n')}\n`;
    drawn = lines.length;
    if (stopped) text += SHOW_CURSOR;
    if (text !== '') {
      frames += 1;
      terminal.write(text);
    }
    if (!stopped && running.size > 0) schedule();
  };

  const schedule = (): void => {
    if (timer !== undefined || stopped) return;
    timer = clock.setTimer(Math.max(0, lastFrameAt + frameMs - clock.now()), draw);
  };

  const commit = (line: string): void => {
    pending.push(line);
    schedule();
  };

  const onEvent = (e: MissionEvent): void => {
    if (stopped) return;
    switch (e.type) {
      case 'mission_start':
        commit(`${style.bold(`▶ ${plainText(e.name)}`)} ${style.dim(`(${plural(e.steps, 'step')})`)}`);
        return;
      case 'step_start': {
        const s = running.get(e.step_id);
        if (s === undefined) {
          running.set(e.step_id, {
            _tag: 'step',
            id: e.step_id,
            group: e.group,
            startedAt: e.at,
            attempt: e.attempt,
            phase: { _tag: 'running' },
            lastLine: null,
            message: null,
            fraction: null,
            usage: null,
          });
        } else {
          s.startedAt = e.at;
          s.attempt = e.attempt;
          s.phase = { _tag: 'running' };
          s.lastLine = null;
          s.message = null;
          s.fraction = null;
        }
        schedule();
        return;
      }
      case 'step_output': {
        const s = running.get(e.step_id);
        if (s !== undefined && e.line.trim() !== '') s.lastLine = e.line;
        if (verbose) commit(`  ${style.dim(`${plainText(e.step_id)} │`)} ${plainText(e.line)}`);
        return;
      }
      case 'step_redraw': {
        const s = running.get(e.step_id);
        if (s !== undefined) s.lastLine = e.text;
        schedule();
        return;
      }
      case 'step_progress': {
        const s = running.get(e.step_id);
        if (s !== undefined) {
          if (e.message !== undefined) s.message = e.message;
          if (e.fraction !== undefined) s.fraction = e.fraction;
          if (e.last_line !== null && s.lastLine === null) s.lastLine = e.last_line;
        }
        // A step's own report shows on its live line; only the heartbeat is printed above.
        if (isStepReport(e)) schedule();
        else
          commit(noticeLine(s !== undefined && s.message !== null ? { ...e, message: s.message } : e, style));
        return;
      }
      case 'step_resources': {
        const s = running.get(e.step_id);
        if (s !== undefined) s.usage = { memory: e.memory_bytes, cpu: e.cpu_percent };
        return;
      }
      case 'step_kill': {
        const s = running.get(e.step_id);
        if (s !== undefined) s.phase = { _tag: 'stopping', reason: e.reason.replace(/_/g, ' ') };
        commit(noticeLine(e, style));
        return;
      }
      case 'step_retry': {
        const s = running.get(e.step_id);
        if (s !== undefined) s.phase = { _tag: 'waiting', until: e.at + e.delay_ms, attempt: e.next_attempt };
        commit(noticeLine(e, style));
        return;
      }
      case 'step_warning':
      case 'mission_warning':
        commit(noticeLine(e, style));
        return;
      case 'step_end': {
        running.delete(e.result.id);
        const group = e.result.fan_out?.group;
        if (group !== undefined) {
          const g = groups.get(group) ?? { done: 0, failed: 0 };
          g.done += 1;
          if (!isSuccess(e.result.conclusion)) g.failed += 1;
          groups.set(group, g);
          commit(`  ${style.dim('└')} ${finishedLine(e.result, style, terminal.columns() - 5)}`);
          return;
        }
        groups.delete(e.result.id);
        commit(finishedLine(e.result, style, terminal.columns() - 1));
        return;
      }
      case 'mission_end':
        running.clear();
        schedule();
        return;
      case 'mission_warnings':
        // Printed with their source lines before the run starts (run-command.ts).
        return;
      default:
        unreachable(e);
    }
  };

  return {
    onEvent,
    notice: (line) => {
      if (!stopped) commit(line);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      timer?.cancel();
      draw();
    },
    frames: () => frames,
  };
};
