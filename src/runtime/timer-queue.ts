// Many logical timers on one clock timer. Most timers a run arms are cancelled soon after (a
// step's deadline watch, when the step ends first), so arming only records the timer, and
// cancelling only marks it: timers are put in due order (a min-heap) when the clock timer fires,
// and cancelled ones are dropped in bulk. Arming and cancelling cost O(1) and no table shrinks.
// The timer armed last is kept out of the table until another is armed: a run of quick steps,
// one at a time, cancels each step's watch before it arms the next, and then never touches it.
import type { Clock, TimerHandle } from '../ports/clock.js';
import { MinHeap } from '../scheduler/min-heap.js';

interface Entry {
  readonly due: number;
  readonly seq: number;
  readonly id: number;
  cancelled: boolean;
}

const before = (a: Entry, b: Entry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

/** Dropped cancelled timers are swept once there are this many and they outnumber the live ones. */
const SWEEP_AT = 1024;

/** Timers by id on a clock; `onFire` receives ids in due order (ties in the order armed). */
export class TimerQueue {
  private readonly heap = new MinHeap<Entry>(before);
  /** Armed since the clock timer last fired, in no order yet. */
  private young: Entry[] = [];
  /** Every timer not yet fired or swept, cancelled or not, but `latest`. */
  private entries = new Map<number, Entry>();
  /** The timer armed last, while it is neither cancelled nor in `entries`. */
  private latest: Entry | undefined = undefined;
  private cancelled = 0;
  private seq = 0;
  private armed: { due: number; handle: TimerHandle } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onFire: (id: number) => void,
  ) {}

  /** Timers armed and neither fired nor cancelled. */
  get pending(): number {
    return this.size() - this.cancelled;
  }

  /**
   * Arms timer `id` to fire `delayMs` after `from` (the clock's now, unless the caller already
   * knows the time it counts from: the scheduler's delays count from the event it was handling).
   */
  arm(id: number, delayMs: number, from: number = this.clock.now()): void {
    // The timer armed last goes to the table unless this re-arms it; cancel drops an earlier timer
    // of this id (the latest, or one in the table), and there is none when both are empty.
    const latest = this.latest;
    if (latest !== undefined && latest.id !== id) this.store(latest);
    if (this.latest !== undefined || this.entries.size > 0) this.cancel(id);
    const entry: Entry = { due: from + delayMs, seq: this.seq++, id, cancelled: false };
    this.young.push(entry);
    this.latest = entry;
    if (this.armed === undefined || entry.due < this.armed.due) this.setClockTimer(entry.due);
  }

  cancel(id: number): void {
    const latest = this.latest;
    if (latest !== undefined && latest.id === id) {
      const young = this.young;
      if (young[young.length - 1] === latest) {
        // Armed last and not ordered yet: it is simply dropped.
        latest.cancelled = true;
        young.pop();
        this.latest = undefined;
        return;
      }
      this.store(latest);
    }
    const entry = this.entries.get(id);
    if (entry === undefined || entry.cancelled) return;
    entry.cancelled = true;
    this.cancelled += 1;
    if (this.cancelled >= SWEEP_AT && this.cancelled * 2 > this.size()) this.sweep();
  }

  /** Timers not yet fired or swept, cancelled or not. */
  private size(): number {
    return this.entries.size + (this.latest === undefined ? 0 : 1);
  }

  /** Puts the latest timer in the table, as any other. */
  private store(latest: Entry): void {
    this.entries.set(latest.id, latest);
    this.latest = undefined;
  }

  /** Cancels everything. */
  clear(): void {
    this.armed?.handle.cancel();
    this.armed = undefined;
    this.heap.drain();
    this.young = [];
    this.entries = new Map();
    this.latest = undefined;
    this.cancelled = 0;
  }

  private setClockTimer(due: number): void {
    this.armed?.handle.cancel();
    this.armed = { due, handle: this.clock.setTimer(due - this.clock.now(), () => this.fire(due)) };
  }

  /** Moves the young timers into the heap, dropping those already cancelled. */
  private order(): void {
    for (const e of this.young) {
      if (e.cancelled) this.forget(e);
      else this.heap.push(e);
    }
    this.young = [];
  }

  private forget(e: Entry): void {
    if (this.latest === e) this.latest = undefined;
    else if (this.entries.get(e.id) === e) this.entries.delete(e.id);
    if (e.cancelled) this.cancelled -= 1;
  }

  /** Drops every cancelled timer; keeps memory proportional to the live ones. */
  private sweep(): void {
    const live = [...this.heap.drain(), ...this.young].filter((e) => !e.cancelled);
    this.young = live;
    this.entries = new Map(live.map((e) => [e.id, e]));
    this.latest = undefined;
    this.cancelled = 0;
  }

  private fire(due: number): void {
    if (this.armed?.due === due) this.armed = undefined;
    const now = Math.max(this.clock.now(), due);
    this.order();
    const fired: number[] = [];
    while ((this.heap.peek()?.due ?? Infinity) <= now) {
      const e = this.heap.pop()!;
      this.forget(e);
      if (!e.cancelled) fired.push(e.id);
    }
    while (this.heap.peek()?.cancelled === true) this.forget(this.heap.pop()!);
    const next = this.heap.peek();
    if (next !== undefined && (this.armed === undefined || next.due < this.armed.due))
      this.setClockTimer(next.due);
    for (const id of fired) this.onFire(id);
  }
}
