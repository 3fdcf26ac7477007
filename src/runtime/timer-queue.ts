// Many logical timers on one clock timer: a min-heap by due time, cancelled lazily. Arming and
// cancelling a step's deadline and progress timers costs a heap operation, not a real timer each.
import type { Clock, TimerHandle } from '../ports/clock.js';
import { MinHeap } from '../scheduler/min-heap.js';

interface Entry {
  readonly due: number;
  readonly seq: number;
  readonly id: number;
  cancelled: boolean;
}

const before = (a: Entry, b: Entry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

/** Timers by id on a clock; `onFire` receives ids in due order (ties in the order armed). */
export class TimerQueue {
  private readonly heap = new MinHeap<Entry>(before);
  private readonly live = new Map<number, Entry>();
  private seq = 0;
  private armed: { due: number; handle: TimerHandle } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onFire: (id: number) => void,
  ) {}

  arm(id: number, delayMs: number): void {
    const entry: Entry = { due: this.clock.now() + delayMs, seq: this.seq++, id, cancelled: false };
    this.live.set(id, entry);
    this.heap.push(entry);
    this.schedule();
  }

  cancel(id: number): void {
    const entry = this.live.get(id);
    if (entry === undefined) return;
    entry.cancelled = true;
    this.live.delete(id);
    // Drop cancelled entries in bulk once they outnumber the live ones, keeping memory bounded.
    if (this.heap.size > 1024 && this.heap.size > 2 * this.live.size) this.compact();
  }

  /** Cancels everything. */
  clear(): void {
    this.armed?.handle.cancel();
    this.armed = undefined;
    this.heap.drain();
    this.live.clear();
  }

  private schedule(): void {
    while (this.heap.peek()?.cancelled) this.heap.pop();
    const next = this.heap.peek();
    if (next === undefined) {
      this.armed?.handle.cancel();
      this.armed = undefined;
      return;
    }
    if (this.armed !== undefined && this.armed.due <= next.due) return;
    this.armed?.handle.cancel();
    const due = next.due;
    this.armed = { due, handle: this.clock.setTimer(due - this.clock.now(), () => this.fire(due)) };
  }

  private fire(due: number): void {
    if (this.armed?.due === due) this.armed = undefined;
    const now = Math.max(this.clock.now(), due);
    const fired: number[] = [];
    while ((this.heap.peek()?.due ?? Infinity) <= now) {
      const e = this.heap.pop()!;
      if (e.cancelled) continue;
      this.live.delete(e.id);
      fired.push(e.id);
    }
    this.schedule();
    for (const id of fired) this.onFire(id);
  }

  private compact(): void {
    const keep = this.heap.drain().filter((e) => !e.cancelled);
    for (const e of keep) this.heap.push(e);
  }
}
