// The VirtualClock's timers: a binary heap ordered by due time, then by arming order, so timers
// that fall due together fire in the order they were armed and a run is deterministic. A heap
// rather than a sorted array because the runtime arms and cancels a timer per step (deadlines,
// progress, stall checks), and a 10,000-step test must not turn quadratic.
import { MinHeap } from '../scheduler/min-heap.js';

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
  private readonly heap = new MinHeap<QueuedTimer>(before);
  private nextSeq = 0;
  private pending = 0;

  /** Arms a timer and returns it (its `state` tells whether it fired or was cancelled). */
  add(armedAt: number, dueAt: number, fn: () => void): QueuedTimer {
    const timer: QueuedTimer = { seq: this.nextSeq, armedAt, dueAt, fn, state: 'pending' };
    this.nextSeq += 1;
    this.pending += 1;
    this.heap.push(timer);
    return timer;
  }

  /** Cancels a pending timer; a fired or already cancelled one is left as it is. */
  cancel(timer: QueuedTimer): void {
    if (timer.state !== 'pending') return;
    timer.state = 'cancelled';
    this.pending -= 1;
    // Cancelled timers stay in the heap until they reach the top; rebuild when they dominate, so
    // a test that re-arms a stall timer on every output line does not grow the heap without bound.
    if (this.heap.size > 64 && this.heap.size > 2 * this.pending) {
      for (const t of this.heap.drain()) if (t.state === 'pending') this.heap.push(t);
    }
  }

  /** The next timer to fire, without removing it. */
  peek(): QueuedTimer | undefined {
    this.dropCancelledTop();
    return this.heap.peek();
  }

  /** Removes the next timer to fire and marks it fired; the caller calls its `fn`. */
  take(): QueuedTimer | undefined {
    this.dropCancelledTop();
    const top = this.heap.pop();
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
    return this.heap
      .values()
      .filter((t) => t.state === 'pending')
      .sort((a, b) => (before(a, b) ? -1 : 1));
  }

  private dropCancelledTop(): void {
    while (this.heap.peek() !== undefined && this.heap.peek()!.state !== 'pending') this.heap.pop();
  }
}
