// The VirtualClock's timers: a binary heap ordered by due time, then by arming order, so timers
// that fall due together fire in the order they were armed and a run is deterministic. A heap
// rather than a sorted array because the runtime arms and cancels a timer per step (deadlines,
// progress, stall checks), and a 10,000-step test must not turn quadratic.

/** Where a timer is in its life; only a pending timer can fire or be cancelled. */
export type TimerState = 'pending' | 'fired' | 'cancelled';

/** One armed timer. `state` is the only mutable field, and only the queue changes it. */
export interface QueuedTimer {
  /** Arming order; breaks ties between timers due at the same instant. */
  readonly seq: number;
  readonly armedAt: number;
  readonly dueAt: number;
  readonly fn: () => void;
  state: TimerState;
}

const before = (a: QueuedTimer, b: QueuedTimer): boolean =>
  a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);

/** A min-heap of timers with lazy removal of cancelled ones. */
export class TimerQueue {
  private heap: QueuedTimer[] = [];
  private nextSeq = 0;
  private pending = 0;

  /** Arms a timer and returns it (its `state` tells whether it fired or was cancelled). */
  add(armedAt: number, dueAt: number, fn: () => void): QueuedTimer {
    const timer: QueuedTimer = { seq: this.nextSeq, armedAt, dueAt, fn, state: 'pending' };
    this.nextSeq += 1;
    this.pending += 1;
    this.heap.push(timer);
    this.up(this.heap.length - 1);
    return timer;
  }

  /** Cancels a pending timer; a fired or already cancelled one is left as it is. */
  cancel(timer: QueuedTimer): void {
    if (timer.state !== 'pending') return;
    timer.state = 'cancelled';
    this.pending -= 1;
    // Cancelled timers stay in the heap until they reach the top; rebuild when they dominate, so
    // a test that re-arms a stall timer on every output line does not grow the heap without bound.
    if (this.heap.length > 64 && this.heap.length > 2 * this.pending) this.rebuild();
  }

  /** The next timer to fire, without removing it. */
  peek(): QueuedTimer | undefined {
    this.dropCancelledTop();
    return this.heap[0];
  }

  /** Removes the next timer to fire and marks it fired; the caller calls its `fn`. */
  take(): QueuedTimer | undefined {
    this.dropCancelledTop();
    const top = this.removeTop();
    if (top === undefined) return undefined;
    top.state = 'fired';
    this.pending -= 1;
    return top;
  }

  /** How many timers are still pending. */
  size(): number {
    return this.pending;
  }

  /** The pending timers in the order they will fire. */
  list(): ReadonlyArray<QueuedTimer> {
    return this.heap.filter((t) => t.state === 'pending').sort((a, b) => (before(a, b) ? -1 : 1));
  }

  private dropCancelledTop(): void {
    while (this.heap[0] !== undefined && this.heap[0].state !== 'pending') this.removeTop();
  }

  private removeTop(): QueuedTimer | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private rebuild(): void {
    this.heap = this.heap.filter((t) => t.state === 'pending');
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i -= 1) this.down(i);
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.swapIfBefore(i, parent)) return;
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (this.isBefore(left, smallest)) smallest = left;
      if (this.isBefore(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swapIfBefore(smallest, i);
      i = smallest;
    }
  }

  private isBefore(i: number, j: number): boolean {
    const a = this.heap[i];
    const b = this.heap[j];
    return a !== undefined && b !== undefined && before(a, b);
  }

  /** Swaps the entries at `i` and `j` when `i` must fire first; says whether it did. */
  private swapIfBefore(i: number, j: number): boolean {
    const a = this.heap[i];
    const b = this.heap[j];
    if (a === undefined || b === undefined || !before(a, b)) return false;
    this.heap[i] = b;
    this.heap[j] = a;
    return true;
  }
}
